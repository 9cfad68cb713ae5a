"""Text in a PDF's running header or footer (a CSS string) reads as written."""

from pathlib import Path

from django.template import Context, Template

from core.templatetags.css import cssstr

ROOT = Path(__file__).resolve().parent.parent


def test_a_hyphen_and_quotes_are_css_escapes_not_javascript_ones():
    assert cssstr("Semi-annual") == "Semi\\2D annual"
    assert cssstr('Say "no" </style>') == "Say \\22 no\\22  \\3C \\2F style\\3E "


def test_the_header_of_a_semi_annual_pdf_names_it():
    page = Template('{% load css %}@top-right { content: "{{ title|cssstr }}"; }').render(
        Context({"title": "Semi-annual program evaluation report"})
    )
    assert "u002D" not in page and "Semi\\2D annual" in page


def test_no_pdf_template_puts_javascript_escapes_into_a_style_sheet():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("pdf/*.html")
        if "escapejs" in path.read_text()
    ]
    assert offenders == []
