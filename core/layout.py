"""HTML to a laid-out PDF document with WeasyPrint. Imports no Django code: the report
renderer calls it in a child process that never starts Django (reports/layout.py), so what
kind of PDF to write (`PdfOptions`) is plain data that crosses into that process as it is.

WeasyPrint fetches whatever a document names (images, stylesheets, fonts) through its URL
fetcher; the default one reads any `file://` path and any `http(s)://` address the machine
reaches. Every layout here goes through `static_only_fetcher()` instead: files under the
static folder of the base URL (the vendored fonts), and `data:` URIs (the agency logo, the
QR codes and the draft mark are inlined as data URIs), nothing else (issue 21, finding 10).
"""

import contextlib
import dataclasses
import datetime as dt
import functools
import mimetypes
import os
from urllib.parse import unquote, urlsplit
from urllib.request import pathname2url, url2pathname


@dataclasses.dataclass(frozen=True)
class Attachment:
    """A file carried inside the PDF, listed by PDF readers beside the pages."""

    name: str
    content: bytes
    description: str
    # How the file relates to the pages (ISO 32000-2 7.11.3): "Data", the information the
    # pages show. PDF/A-3 requires the relationship to be stated.
    relationship: str = "Data"
    # When the file was made; WeasyPrint would write the moment of the render instead.
    created: dt.datetime | None = None


@dataclasses.dataclass(frozen=True)
class PdfOptions:
    """The kind of PDF to write. `variant` is WeasyPrint's `pdf_variant` ("pdf/a-3a",
    "pdf/ua-1", ...), None for an ordinary PDF; `tags` adds the structure tree a screen
    reader follows to an ordinary PDF (the tagged variants add it themselves)."""

    variant: str | None = None
    tags: bool = False
    attachments: tuple[Attachment, ...] = ()


ORDINARY = PdfOptions()


class LaidOut:
    """A document laid out for its options, written with the same ones: a PDF/A variant
    decides things at layout (its colour profile) that the writing must match."""

    def __init__(self, document, options: PdfOptions):
        self.document = document
        self.options = options

    def write_pdf(self) -> bytes:
        from weasyprint import Attachment as WeasyAttachment

        attachments = [
            WeasyAttachment(
                string=a.content,
                name=a.name,
                description=a.description,
                relationship=a.relationship,
                created=_utc(a.created),
                modified=_utc(a.created),
            )
            for a in self.options.attachments
        ]
        return self.document.write_pdf(
            pdf_variant=self.options.variant,
            pdf_tags=self.options.tags,
            attachments=attachments or None,
        )


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    # WeasyPrint writes the time as it is, followed by "Z".
    return moment.astimezone(dt.UTC) if moment else None


# The folder, under the base URL, that PDF templates may load files from: they name their
# fonts as "static/vendor/..." relative to the checkout (STATICFILES_DIRS).
STATIC_FOLDER = "static"


class FetchRefused(Exception):  # noqa: N818 - what WeasyPrint logs: "FetchRefused: ..."
    """A document named something outside what a PDF may load."""


@functools.cache
def _fetcher_class():
    # Imported here: WeasyPrint takes most of a second to import, and only PDFs need it.
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        """WeasyPrint's fetcher limited to `data:` URIs and files inside `roots`. A refusal
        raises (WeasyPrint logs it and leaves the resource out) and is remembered in
        `refused`, for tests and logs."""

        def __init__(self, roots):
            # The parent refuses every other scheme as well, and follows no redirect.
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
            self.roots = tuple(os.path.realpath(root) for root in roots)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            path = self.allowed_path(url) if scheme == "file" else None
            if path is None:
                self.refused.append(url)
                raise FetchRefused(f"A PDF may load only the static files: {url[:200]}")
            # The file read is the one checked: its real path, links resolved.
            response = super().fetch("file://" + pathname2url(path), headers)
            kind = mimetypes.guess_type(path)[0]
            if kind and not response.headers.get("Content-Type"):
                response.headers["Content-Type"] = kind
            return response

        def allowed_path(self, url: str) -> str | None:
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                return None
            path = os.path.realpath(url2pathname(unquote(parts.path)))
            inside = any(path.startswith(root + os.sep) for root in self.roots)
            return path if inside and os.path.isfile(path) else None

    return StaticOnlyFetcher


def static_only_fetcher(roots):
    """A fetcher serving `data:` URIs and the files under `roots`, refusing the rest."""
    return _fetcher_class()(roots)


def static_roots(base_url: str) -> tuple[str, ...]:
    return (os.path.join(base_url, STATIC_FOLDER),)


def lay_out(html: str, *, base_url: str, options: PdfOptions = ORDINARY, fetcher=None) -> LaidOut:
    """The laid-out document (pages counted, ready to write). Only the static files under
    `base_url` and data URIs are loaded, whatever the HTML names."""
    from weasyprint import HTML

    fetcher = fetcher or static_only_fetcher(static_roots(base_url))
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        pdf_variant=options.variant, pdf_tags=options.tags
    )
    return LaidOut(document, options)


# A small document with what a report holds (headings, text in bold and italic, a table, a
# listing, a tagged PDF's structure), laid out once before any real one by warm_up().
_SAMPLE = (
    '<html lang="en"><head><style>body { font-family: sans-serif; } pre { font-family: '
    "monospace; }</style></head><body><h1>Report</h1><h2>1. Figures</h2><p>Text with "
    "<strong>bold</strong> and <em>italic</em> words.</p><table><thead><tr><th>Category"
    "</th><th>Count</th></tr></thead><tbody><tr><td>Traffic</td><td>12</td></tr></tbody>"
    "</table><pre>CR-2026-0001  2026-01-05  Traffic</pre></body></html>"
)


def warm_up() -> None:
    """Lay out and write a small document once, so that what WeasyPrint, Pango and
    fontconfig set up on their first use (the system's font list, the shaping caches, the
    lazily imported writers) is ready before the first real layout. Never raises: a failure
    here only means the first report pays for it, and the report's own layout says why."""
    with contextlib.suppress(Exception):
        base = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        lay_out(_SAMPLE, base_url=base, options=PdfOptions(tags=True)).write_pdf()
