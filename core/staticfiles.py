"""The static files' storage in production: whitenoise's compressed files with hashed names,
each file's address worked out once per process.

A page names about fifteen static files (its stylesheets, scripts and icon). Each
`{% static %}` looked the file up in the manifest, joined and quoted its address: 0.03 ms
apiece, half a millisecond a page. The manifest is read when the process starts and does not
change until it restarts (a deployment collects the files, then restarts), so neither do the
addresses. A file missing from the manifest still fails as whitenoise's does, every time.
Production only (DEBUG off, as settings choose it): with DEBUG on, Django's storage gives
unhashed names and this one is not used. The names kept are those the templates name.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFiles(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._addresses: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        address = self._addresses.get(name)
        if address is None:
            address = self._addresses[name] = super().url(name)
        return address
