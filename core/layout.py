"""HTML to a laid-out PDF document with WeasyPrint. Imports no Django code: the report
renderer calls it in a child process that never starts Django (reports/layout.py)."""


def lay_out(html: str, *, base_url: str):
    """The laid-out document (pages counted, ready to write)."""
    # Imported here: WeasyPrint takes most of a second to import, and only PDFs need it.
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).render()
