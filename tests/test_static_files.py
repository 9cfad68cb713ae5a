"""The static files collect as production serves them: every file a stylesheet or script
names (a vendored library's images, its source map) is there, or `collectstatic` fails on a
server (it did once, on the vendored Leaflet's source map)."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_collectstatic_with_the_production_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/leaflet-1.9.4/leaflet.*.js"))
