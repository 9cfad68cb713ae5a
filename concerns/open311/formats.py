"""GeoReport's answers as JSON or XML, and its errors."""

import json
import re
import xml.etree.ElementTree as ET  # nosec B405

from django.core.exceptions import ValidationError
from django.http import HttpResponse

from concerns.open311.texts import STATUS_FOR

# --- JSON and XML ---------------------------------------------------------------------

FORMATS = ("json", "xml")
# Spark convention: a list in JSON is a wrapping element of items in XML.
XML_ITEM = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute"}
XML_INVALID = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_value(parent: ET.Element, tag: str, value) -> None:
    element = ET.SubElement(parent, tag)
    if value is None:
        return
    if isinstance(value, bool):
        element.text = "true" if value else "false"
    elif isinstance(value, list):
        for item in value:
            _xml_value(element, XML_ITEM.get(tag, "item"), item)
    elif isinstance(value, dict):
        for name, item in value.items():
            _xml_value(element, name, item)
    else:
        element.text = XML_INVALID.sub("", str(value))


def respond(fmt: str, data, *, root: str, item: str | None = None, status: int = 200):
    """A JSON document, or the XML the specification names: `root` holds one `item`
    element per entry of a list, or the fields of a dict."""
    if fmt == "json":
        return HttpResponse(
            json.dumps(data, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
            status=status,
        )
    element = ET.Element(root)
    if isinstance(data, list):
        for entry in data:
            _xml_value(element, item, entry)
    else:
        for name, value in data.items():
            _xml_value(element, name, value)
    body = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode")
    return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)


def error(fmt: str, status: int, description: str):
    fmt = fmt if fmt in FORMATS else "xml"  # XML is the format every client must read
    return respond(
        fmt,
        [{"code": status, "description": description}],
        root="errors",
        item="error",
        status=status,
    )


def _error_for(fmt: str, exc: ValidationError):
    return error(fmt, STATUS_FOR.get(exc.code, 400), " ".join(exc.messages))
