"""Reading an uploaded spreadsheet with bounded time and memory (issue 21, finding 6).

A 400 KB workbook can hold millions of cells (its XML compresses a hundredfold) and a CSV
line of commas millions of empty ones; read whole, either holds a worker for minutes and
hundreds of megabytes. So limits are enforced while reading, before the cost is paid:

- a workbook's parts are measured from the zip's directory before any is opened: parts
  declared larger than MAX_UNPACKED_BYTES together, or one compressed more than MAX_RATIO
  times, are refused (the zip reader never returns more than a part declares);
- every part is scanned in blocks for how many cells, rows and shared strings it declares,
  stopping at the caps, before openpyxl parses anything;
- openpyxl then reads the sheet in read-only mode, row by row, its declared dimensions
  ignored (they may claim a million columns to pad every row to), counting again;
- XML entity declarations (the "billion laughs") are refused by defusedxml, which openpyxl
  uses when it is installed (a pinned dependency).
"""

import csv
import io
import re
import zipfile

import tablib
from defusedxml import DefusedXmlException
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# Every cell counted, empty or not. A full template is about 15 columns of 20,000 rows.
MAX_CELLS = 1_000_000
MAX_ROW_CELLS = 500
# Blank rows are skipped, but a sheet may not declare more than this many to skip.
MAX_SCANNED_ROWS = 100_000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a full template with long texts unpacks to ~25 MB
MAX_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024  # small parts may compress well and cost nothing
MAX_PARTS = 1_000

NOT_A_SPREADSHEET = _("Upload a CSV file (.csv) or an Excel workbook (.xlsx).")
TOO_BIG = _("The file is larger than 10 MB. Split it into smaller files and import each.")
TOO_MANY_ROWS = _(
    "The file has more than 20,000 rows; at most 20,000 are imported at once. Split it into "
    "smaller files and import each."
)
TOO_MANY_CELLS = _(
    "The file holds more cells than an import reads (at most 1,000,000, and 500 in a row). "
    "Keep only the columns of the template, or split the file, and upload it again."
)
INFLATED = _(
    "The workbook unpacks to far more data than a spreadsheet of this size holds, so it was "
    "not opened. Save it again from your spreadsheet program, or save it as CSV, and upload "
    "that."
)
UNSAFE_XML = _(
    "The workbook contains XML entity declarations, which spreadsheets never need, so it was "
    "not opened. Save it again from your spreadsheet program and upload that."
)
UNREADABLE = _("The file could not be read as %(format)s: %(error)s")

ROW_MARK = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
# Counted with bytes.count, which builds nothing; the rare prefixed form (<x:c>) by regex.
CELL_TAGS = (b"<c ", b"<c>", b"<c/", b"<c\t", b"<c\n", b"<c\r")
PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s/>]")
STRING_TAGS = (b"<si ", b"<si>", b"<si/", b"<si\t", b"<si\n", b"<si\r")
PREFIXED_STRING = re.compile(rb"<[A-Za-z_][\w.-]*:si[\s/>]")
CHUNK = 1024 * 1024


def read_file(data: bytes, file_name: str) -> tablib.Dataset:
    """The spreadsheet as a tablib Dataset with its header row. Raises ValidationError
    with the message the person reads."""
    if len(data) > MAX_BYTES:
        raise ValidationError(TOO_BIG)
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in ("csv", "xlsx"):
        raise ValidationError(NOT_A_SPREADSHEET)
    if extension == "xlsx" and not data.startswith(b"PK"):
        raise ValidationError(NOT_A_SPREADSHEET)
    reader = _read_csv if extension == "csv" else _read_xlsx
    try:
        rows = reader(data)
    except ValidationError:
        raise
    except Exception as error:  # the csv module, zipfile and openpyxl raise many kinds
        if _caused_by(error, DefusedXmlException):  # entities, refused before they expand
            raise ValidationError(UNSAFE_XML) from error
        label = "CSV" if extension == "csv" else gettext("an Excel workbook")
        raise ValidationError(UNREADABLE % {"format": label, "error": error}) from error
    return _dataset(rows)


def _caused_by(error: BaseException, kind: type) -> bool:
    """Whether `error` or one it was raised from is a `kind` (openpyxl wraps parse errors)."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, kind):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


class _Counter:
    """Rows and cells read so far, refused past the caps."""

    def __init__(self):
        self.rows = self.cells = self.scanned = 0

    def add(self, row) -> None:
        self.scanned += 1
        if self.scanned > MAX_SCANNED_ROWS:
            raise ValidationError(TOO_MANY_ROWS)
        if len(row) > MAX_ROW_CELLS:
            raise ValidationError(TOO_MANY_CELLS)
        self.cells += len(row)
        if self.cells > MAX_CELLS:
            raise ValidationError(TOO_MANY_CELLS)
        if any(v not in (None, "") for v in row):
            self.rows += 1
            if self.rows > MAX_ROWS + 1:  # and the header
                raise ValidationError(TOO_MANY_ROWS)


def _dataset(rows: list[list]) -> tablib.Dataset:
    """The first row as headers, every row cut or padded to their width."""
    if not rows:
        return tablib.Dataset()
    header = list(rows[0])
    while header and header[-1] in (None, ""):
        header.pop()
    width = len(header)
    dataset = tablib.Dataset(headers=[("" if h is None else h) for h in header])
    for row in rows[1:]:
        row = list(row[:width])
        dataset.append(row + [None] * (width - len(row)))
    return dataset


def _read_csv(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")  # Excel's "CSV" on Windows
    # A line of commas is a row of that many cells: counted before the csv module builds it.
    if text.count(",") > MAX_CELLS:
        raise ValidationError(TOO_MANY_CELLS)
    counter = _Counter()
    rows = []
    for row in csv.reader(io.StringIO(text, newline="")):
        counter.add(row)
        rows.append(row)
    return rows


def _read_xlsx(data: bytes) -> list[list]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        _measure(archive)
        # Every part, before openpyxl opens any: which part is the sheet is known only from
        # the workbook's relations, and opening the workbook already reads the whole sheet
        # when it declares no size.
        for part in archive.infolist():
            _scan(archive, part.filename)
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.active
        # Its declared size may claim 16,384 columns: every row would be padded to it.
        sheet.reset_dimensions()
        counter = _Counter()
        rows = []
        for row in sheet.iter_rows(values_only=True):
            counter.add(row)
            rows.append(row)
        return rows
    finally:
        book.close()


def _measure(archive: zipfile.ZipFile) -> None:
    """Refuse, from the zip's directory alone, parts too large or too compressed."""
    parts = archive.infolist()
    if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
        raise ValidationError(INFLATED)
    for part in parts:
        if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_RATIO * max(
            part.compress_size, 1
        ):
            raise ValidationError(INFLATED)


def _scan(archive: zipfile.ZipFile, name: str) -> None:
    """Count the cells, rows and shared strings a part declares, block by block, stopping at
    the caps: an upper bound of what parsing it would build, counted by the C
    string search rather than a Python loop, so a million cells take well under a second."""
    cells = strings = rows = row_cells = 0
    for block in _blocks(archive, name):
        strings += _count(block, STRING_TAGS, PREFIXED_STRING)
        pieces = ROW_MARK.split(block)  # the first continues the row of the block before
        rows += len(pieces) - 1
        if rows > MAX_SCANNED_ROWS:
            raise ValidationError(TOO_MANY_ROWS)
        for index, piece in enumerate(pieces):
            found = _count(piece, CELL_TAGS, PREFIXED_CELL)
            cells += found
            row_cells = row_cells + found if index == 0 else found
            if row_cells > MAX_ROW_CELLS:
                raise ValidationError(TOO_MANY_CELLS)
        if cells > MAX_CELLS or strings > MAX_CELLS:
            raise ValidationError(TOO_MANY_CELLS)


def _count(block: bytes, tags: tuple, prefixed: re.Pattern) -> int:
    found = sum(block.count(tag) for tag in tags)
    if b":" in block:
        found += len(prefixed.findall(block))
    return found


def _blocks(archive: zipfile.ZipFile, name: str):
    """The part in blocks of about CHUNK bytes, each cut after a '>' so no tag is split."""
    tail = b""
    with archive.open(name) as part:
        while chunk := part.read(CHUNK):
            block = tail + chunk
            cut = block.rfind(b">") + 1
            if cut == 0 and len(block) < 4 * CHUNK:
                tail = block  # no tag closed yet: read on
                continue
            yield block[: cut or len(block)]
            tail = block[cut:] if cut else b""
    if tail:
        yield tail
