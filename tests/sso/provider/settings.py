"""A stand-in for the department's directory in the single sign-on tests: a small Django
project whose OpenID Connect provider is django-oauth-toolkit's, on its own port, with its
own SQLite file and RSA key (tests/sso/provider/serve.py sets both from the environment).

It is what Microsoft Entra ID, Okta or Keycloak are to a department: it signs people in,
says which groups they are in, whether it asked them for a second factor (`amr`), and
stops signing in someone it no longer knows."""

import os

SECRET_KEY = os.environ["DIRECTORY_SECRET"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.sso.provider.urls"
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
    "tests.sso.provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["DIRECTORY_DB"]}
}
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [os.path.join(os.path.dirname(__file__), "templates")],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "/login/"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": os.environ["DIRECTORY_RSA_KEY"],
    # One name, whatever host a request used: as a real provider's issuer is fixed.
    "OIDC_ISS_ENDPOINT": os.environ["DIRECTORY_ISSUER"],
    "PKCE_REQUIRED": True,
    "SCOPES": {
        "openid": "Sign in",
        "profile": "Name",
        "email": "Email address",
    },
    "OAUTH2_VALIDATOR_CLASS": "tests.sso.provider.validator.DirectoryValidator",
}
