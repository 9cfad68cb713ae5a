"""HTML to a laid-out PDF document with WeasyPrint. Imports no Django code: the report
renderer calls it in a child process that never starts Django (reports/layout.py), so what
kind of PDF to write (`PdfOptions`) is plain data that crosses into that process as it is."""

import dataclasses
import datetime as dt


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


def lay_out(html: str, *, base_url: str, options: PdfOptions = ORDINARY) -> LaidOut:
    """The laid-out document (pages counted, ready to write)."""
    # Imported here: WeasyPrint takes most of a second to import, and only PDFs need it.
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url).render(
        pdf_variant=options.variant, pdf_tags=options.tags
    )
    return LaidOut(document, options)
