"""The static files collect as production serves them: every file a stylesheet or script
names (a vendored library's images, its source map) is there, or `collectstatic` fails on a
server (it did once, on the vendored Leaflet's source map)."""

import pytest
from django.core.management import call_command

from core.staticfiles import StaticFiles


@pytest.mark.django_db
def test_collectstatic_with_the_production_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "core.staticfiles.StaticFiles"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/leaflet-1.9.4/leaflet.*.js"))


def _collected(tmp_path):
    (tmp_path / "staticfiles.json").write_text(
        '{"paths": {"css/app.css": "css/app.0123456789ab.css"}, "version": "1.1", "hash": "x"}'
    )


def test_a_static_files_address_is_worked_out_once(settings, tmp_path, monkeypatch):
    """Production's storage (core/staticfiles.py) gives each file its hashed address, the
    same every time, and reads the manifest for it once per process."""
    settings.DEBUG = False
    _collected(tmp_path)
    storage = StaticFiles(location=str(tmp_path), base_url="/static/")
    assert storage.url("css/app.css") == "/static/css/app.0123456789ab.css"
    monkeypatch.setattr(storage, "hashed_files", {})
    assert storage.url("css/app.css") == "/static/css/app.0123456789ab.css"
    # A file the manifest does not name fails as whitenoise's storage does, every time.
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
