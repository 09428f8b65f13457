"""Formula injection (OWASP "CSV injection"): nothing the register exports is opened as a formula.

Excel, LibreOffice and Google Sheets take a cell whose text starts with `=`, `+`, `-` or `@` as a formula (TAB and
CR too: some programs trim them first). An officer's own name such as `=HYPERLINK("http://…","Pay")` would
become a live link in the HR manager's spreadsheet. So every text value an export writes goes through
neutralise(): one leading apostrophe is added before such a value, in CSV and in XLSX alike (in XLSX the value is
then a text cell, never a `<f>` formula, and the apostrophe keeps it safe if the sheet is saved again as CSV).

Imports undo exactly that with unneutralise(), and nothing else, so an exported sheet imports back unchanged.
To keep the round trip exact for every string, a value that already starts with apostrophes followed by one of
those characters (`'=x`) gets one more apostrophe as well: neutralise adds one apostrophe to any value matching
`'*[=+\\-@\\t\\r]…`, unneutralise removes one from any value matching `'+[=+\\-@\\t\\r]…`, and
unneutralise(neutralise(v)) == v for every string v. Dates and numbers are not text and are left alone.

Also here, the other hostile-spreadsheet defences of issue 17: xml_safe() for text an XLSX cell cannot hold, and
the bounded readers every import goes through (limits on upload size, archive expansion, rows, columns, cells).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import posixpath
import re
import xml.sax
import xml.sax.handler
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from core.errors import Invalid, Violation
from reports.errors import ReportErrorCode

# The characters that make a spreadsheet program read a cell as a formula (OWASP's list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

_TRIGGER_CLASS = "[" + re.escape("".join(FORMULA_TRIGGERS)) + "]"
_NEEDS_QUOTE = re.compile(f"'*{_TRIGGER_CLASS}")
_QUOTED = re.compile(f"'+{_TRIGGER_CLASS}")


def neutralise(value: Any) -> Any:
    """The value as an export writes it: text that a spreadsheet would run as a formula gets a leading `'`."""
    if isinstance(value, str) and _NEEDS_QUOTE.match(value):
        return QUOTE + value
    return value


def unneutralise(text: str) -> str:
    """The inverse of neutralise() for a text cell read by an import: drops the one `'` that neutralise() added."""
    return text[1:] if _QUOTED.match(text) else text


# --- Exports: text an XLSX cell cannot hold -------------------------------------------------------------

# XML 1.0 cannot hold the C0 control characters other than TAB, LF and CR, so openpyxl refuses them
# (IllegalCharacterError) and one such character in a stored name would make the whole export fail. New input
# refuses control characters; rows stored before that may still hold them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
REPLACEMENT = "\N{REPLACEMENT CHARACTER}"


def xml_safe(value: Any) -> Any:
    """The value as an XLSX cell can hold it: each character XML 1.0 cannot hold becomes U+FFFD, which every
    spreadsheet shows as a visible mark (dropping it would silently join the text around it). CSV keeps it."""
    if isinstance(value, str):
        return _XML_ILLEGAL.sub(REPLACEMENT, value)
    return value


# --- Imports: bounded reading of hostile files (issue 17: decompression bombs) ----------------------------
#
# A 1.3 MB workbook can declare a million rows, a 511 KB one a 500 MB cell. Every limit below is checked before
# the work it guards, or while streaming, and the first breach stops the read: nothing past it is parsed.

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Twice the largest import the register is sized for (issue 8: 10,000 training records in one sheet).
MAX_ROWS = 20_000
# Rows of the sheet in all, blank ones included (a range formatted before it was filled leaves empty rows).
MAX_SHEET_ROWS = 5 * MAX_ROWS
# The widest import has 15 columns; a sheet holding a value beyond column CV is not one of the register's.
MAX_COLUMNS = 100
# Twenty times the longest text column in the register (500 characters): no value of a real sheet comes near.
MAX_CELL_CHARS = 10_000
# A CSV record, quoted line breaks included: a full row of full cells.
MAX_RECORD_CHARS = MAX_COLUMNS * MAX_CELL_CHARS
# An export of 20,000 rows x 5 columns expands to 5.6 MB of sheet XML; 100 MB is far beyond any real workbook.
MAX_EXPANDED_BYTES = 100 * 1024 * 1024
MAX_PART_BYTES = 50 * 1024 * 1024
# An export of 20,000 identical rows compresses 17:1; deflate's ceiling (~1,030:1) is reached only by long runs
# of one byte, which is what a bomb is made of. Small parts are exempt: whatever their ratio, they are small.
MAX_RATIO = 200
RATIO_EXEMPT_BYTES = 1024 * 1024
# A workbook has a dozen parts; thousands of entries is an archive, not a sheet.
MAX_MEMBERS = 1_000
# 25 distinct strings a row over 20,000 rows: the table is held in memory, so its length is bounded too.
MAX_SHARED_STRINGS = 25 * MAX_ROWS
# Excel's own ceiling on cell formats.
MAX_CELL_FORMATS = 65_490
_CHUNK = 64 * 1024

# The csv module refuses a longer field itself, mid-read (process-wide: the register reads CSV nowhere else).
csv.field_size_limit(MAX_CELL_CHARS)


class ImportFileError(Invalid):
    """The file as a whole cannot be imported (not CSV/XLSX, unreadable, empty, missing columns, over a limit)."""


class ImportTooLarge(ImportFileError):
    status = 413
    title = "Content too large"


def _refuse(code: str, detail: str) -> ImportFileError:
    return ImportFileError(code, detail, [Violation(code, detail, "file")])


def _megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def upload_too_large() -> ImportTooLarge:
    detail = f"The file is larger than the {_megabytes(MAX_UPLOAD_BYTES)} limit."
    return ImportTooLarge(ReportErrorCode.IMPORT_TOO_LARGE,
                          detail, [Violation(ReportErrorCode.IMPORT_TOO_LARGE, detail, "file")])


def not_a_workbook(why: str) -> ImportFileError:
    return _refuse(ReportErrorCode.IMPORT_NOT_A_WORKBOOK,
                   f"The file is not an Excel workbook (.xlsx) the import can read: {why}")


def _too_many_rows(rows: int = MAX_ROWS) -> ImportFileError:
    return _refuse(ReportErrorCode.IMPORT_TOO_MANY_ROWS,
                   f"The file has more than {rows:,} rows; the most one import takes is "
                   f"{MAX_ROWS:,} rows below the header ({MAX_SHEET_ROWS:,} counting "
                   "blank rows). Split it into several files.")


def _cell_too_long(where: str) -> ImportFileError:
    return _refuse(ReportErrorCode.IMPORT_CELL_TOO_LONG,
                   f"The cell at {where} holds more than {MAX_CELL_CHARS:,} characters, "
                   "the most one cell may hold.")


def _too_many_columns(where: str) -> ImportFileError:
    return _refuse(ReportErrorCode.IMPORT_TOO_MANY_COLUMNS,
                   f"{where} has a value beyond column {_letter(MAX_COLUMNS)}; the "
                   f"most one import reads is {MAX_COLUMNS} columns.")


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column))


class BoundedTable:
    """Rows as read, numbered as the spreadsheet numbers them: blank rows dropped, the first row with a value
    taken as the header, every limit on rows and columns checked as each row arrives."""

    def __init__(self) -> None:
        self.header: list[Any] | None = None
        self.rows: list[list[Any]] = []

    def add(self, number: int, cells: list[Any]) -> None:
        if number > MAX_SHEET_ROWS:
            raise _too_many_rows(MAX_SHEET_ROWS)
        if not any(cell not in (None, "") and str(cell).strip() for cell in cells):
            return
        if len(cells) > MAX_COLUMNS and any(str(c).strip() for c in cells[MAX_COLUMNS:] if c is not None):
            raise _too_many_columns(f"Row {number}")
        if self.header is None:
            self.header = cells[:MAX_COLUMNS]
            return
        if len(self.rows) >= MAX_ROWS:
            raise _too_many_rows()
        self.rows.append(cells[:MAX_COLUMNS])


# --- CSV --------------------------------------------------------------------------------------------------

class _BoundedLines:
    """The text's lines for csv.reader, refusing a record (quoted line breaks included) longer than
    MAX_RECORD_CHARS before the reader splits it: ten megabytes of commas would be ten million fields."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pending = 0
        self.record = 1

    def __iter__(self) -> Iterator[str]:
        for line in io.StringIO(self.text, newline=""):
            self.pending += len(line)
            if self.pending > MAX_RECORD_CHARS:
                raise _refuse(ReportErrorCode.IMPORT_ROW_TOO_LONG,
                              f"Row {self.record} is longer than {MAX_RECORD_CHARS:,} "
                              f"characters, more than {MAX_COLUMNS} cells of "
                              f"{MAX_CELL_CHARS:,} characters can hold.")
            yield line


def read_csv(text: str, table: BoundedTable) -> None:
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        pass
    lines = _BoundedLines(text)
    reader = csv.reader(lines, delimiter=dialect.delimiter, skipinitialspace=True)
    try:
        for record in reader:
            table.add(lines.record, record)
            lines.record += 1
            lines.pending = 0
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise _cell_too_long(f"row {lines.record}") from exc
        raise _refuse(ReportErrorCode.IMPORT_FILE_INVALID, f"The file could not be read as CSV: {exc}.") from exc


# --- XLSX: checked as an archive, then streamed part by part ----------------------------------------------

def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuses a workbook by what its zip directory declares, before any part is decompressed.

    The declared sizes bind: Python's zipfile never returns more than a member's declared size (and fails the
    CRC if the data was meant to be longer). It also decompresses deflate in bounded steps, but bzip2 and LZMA
    in one unbounded call, so only stored and deflated members are accepted (Excel writes nothing else)."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise _refuse(ReportErrorCode.IMPORT_WORKBOOK_TOO_LARGE,
                      f"The workbook holds {len(members):,} parts; a workbook the "
                      f"import reads holds at most {MAX_MEMBERS:,}.")
    total = 0
    for member in members:
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or member.flag_bits & 0x1:
            raise not_a_workbook(f"part {member.filename} is encrypted or compressed in a way Excel never uses.")
        if member.file_size > MAX_PART_BYTES:
            raise _refuse(ReportErrorCode.IMPORT_WORKBOOK_TOO_LARGE, f"Part {member.filename} expands to more than "
                                                       f"{_megabytes(MAX_PART_BYTES)}, the most one part may.")
        if member.file_size > RATIO_EXEMPT_BYTES and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise _refuse(ReportErrorCode.IMPORT_WORKBOOK_TOO_LARGE,
                          f"Part {member.filename} expands more than {MAX_RATIO} "
                          "times: a real workbook never does.")
        total += member.file_size
    if total > MAX_EXPANDED_BYTES:
        raise _refuse(ReportErrorCode.IMPORT_WORKBOOK_TOO_LARGE, f"The workbook expands to more than "
                                                   f"{_megabytes(MAX_EXPANDED_BYTES)}, the most one import reads.")


class _Stop(Exception):
    """A handler has read all it needs."""


def _local(name: tuple[str | None, str]) -> str:
    return name[1]


def _attr(attrs: Any, local: str) -> str | None:
    for (_, name), value in attrs.items():
        if name == local:
            return str(value)
    return None


def _stream(archive: zipfile.ZipFile, name: str, handler: xml.sax.handler.ContentHandler) -> None:
    """Feeds one part to a defused, namespace-aware SAX parser in small chunks: no DTD, no entities, and the
    text of an element reaches the handler piecewise, so a handler can stop at a limit before holding it all."""
    from defusedxml.expatreader import DefusedExpatParser

    parser = DefusedExpatParser(forbid_dtd=True)
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    parser.setContentHandler(handler)
    try:
        with archive.open(name) as part:
            while chunk := part.read(_CHUNK):
                parser.feed(chunk)
        parser.close()
    except _Stop:
        pass


class _Relationships(xml.sax.handler.ContentHandler):
    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base
        self.targets: dict[str, tuple[str, str]] = {}  # id → (type, part name)

    def startElementNS(self, name: Any, qname: Any, attrs: Any) -> None:
        if _local(name) == "Relationship" and (target := _attr(attrs, "Target")) and _attr(attrs, "TargetMode") \
                != "External":
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(self.base, target))
            self.targets[_attr(attrs, "Id") or ""] = (_attr(attrs, "Type") or "", part)

    def of_type(self, suffix: str) -> str | None:
        return next((part for kind, part in self.targets.values() if kind.endswith(suffix)), None)


class _Workbook(xml.sax.handler.ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.first_sheet: str | None = None
        self.date1904 = False

    def startElementNS(self, name: Any, qname: Any, attrs: Any) -> None:
        local = _local(name)
        if local == "workbookPr":
            self.date1904 = (_attr(attrs, "date1904") or "").lower() in ("1", "true")
        elif local == "sheet":
            self.first_sheet = _attr(attrs, "id")
            raise _Stop


class _Styles(xml.sax.handler.ContentHandler):
    """Which cell formats show a number as a date."""

    def __init__(self) -> None:
        super().__init__()
        self.formats: dict[int, str] = {}
        self.cell_formats: list[int] = []
        self.in_cell_xfs = False

    def startElementNS(self, name: Any, qname: Any, attrs: Any) -> None:
        local = _local(name)
        if local == "numFmt":
            self.formats[int(_attr(attrs, "numFmtId") or -1)] = _attr(attrs, "formatCode") or ""
        elif local == "cellXfs":
            self.in_cell_xfs = True
        elif local == "xf" and self.in_cell_xfs and len(self.cell_formats) < MAX_CELL_FORMATS:
            self.cell_formats.append(int(_attr(attrs, "numFmtId") or 0))

    def endElementNS(self, name: Any, qname: Any) -> None:
        if _local(name) == "cellXfs":
            raise _Stop

    def date_styles(self) -> set[int]:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

        return {index for index, number in enumerate(self.cell_formats)
                if is_date_format(self.formats.get(number, BUILTIN_FORMATS.get(number, "General")))}


_TOO_LONG = object()  # a shared string past the cell limit: refused only if a cell uses it


class _SharedStrings(xml.sax.handler.ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.strings: list[Any] = []
        self.parts: list[str] = []
        self.length = 0
        self.depth_t = 0
        self.in_phonetic = False

    def startElementNS(self, name: Any, qname: Any, attrs: Any) -> None:
        local = _local(name)
        if local == "si":
            if len(self.strings) >= MAX_SHARED_STRINGS:
                raise _refuse(ReportErrorCode.IMPORT_WORKBOOK_TOO_LARGE,
                              f"The workbook holds more than {MAX_SHARED_STRINGS:,} "
                              "distinct texts.")
            self.parts, self.length = [], 0
        elif local == "rPh":  # phonetic guides are not part of the text
            self.in_phonetic = True
        elif local == "t" and not self.in_phonetic:
            self.depth_t += 1

    def characters(self, content: str) -> None:
        if self.depth_t:
            self.length += len(content)
            if self.length <= MAX_CELL_CHARS:
                self.parts.append(content)

    def endElementNS(self, name: Any, qname: Any) -> None:
        local = _local(name)
        if local == "si":
            self.strings.append(_TOO_LONG if self.length > MAX_CELL_CHARS else "".join(self.parts))
        elif local == "rPh":
            self.in_phonetic = False
        elif local == "t" and not self.in_phonetic:
            self.depth_t -= 1


class _Sheet(xml.sax.handler.ContentHandler):
    """The sheet's rows into a BoundedTable: cell text gathered piecewise and refused past MAX_CELL_CHARS."""

    def __init__(self, table: BoundedTable, strings: list[Any], date_styles: set[int], date1904: bool) -> None:
        super().__init__()
        self.table, self.strings, self.date_styles, self.date1904 = table, strings, date_styles, date1904
        self.row_number = 0
        self.cells: dict[int, Any] = {}
        self.column = 0
        self.kind = "n"
        self.style = 0
        self.parts: list[str] = []
        self.length = 0
        self.collecting = 0
        self.in_phonetic = False

    def _where(self) -> str:
        return f"{_letter(self.column)}{self.row_number}" if self.column <= 16_384 else f"row {self.row_number}"

    def startElementNS(self, name: Any, qname: Any, attrs: Any) -> None:
        local = _local(name)
        if local == "c":
            ref = _attr(attrs, "r")
            self.column = _column_of(ref) if ref else self.column + 1
            self.kind = _attr(attrs, "t") or "n"
            self.style = int(_attr(attrs, "s") or 0)
            self.parts, self.length, self.collecting = [], 0, 0
        elif local == "row":
            number = _attr(attrs, "r")
            self.row_number = int(number) if number and number.isdigit() else self.row_number + 1
            if self.row_number > MAX_SHEET_ROWS:
                raise _too_many_rows(MAX_SHEET_ROWS)
            self.cells, self.column = {}, 0
        elif local == "v" or (local == "t" and not self.in_phonetic):
            self.collecting += 1
        elif local == "rPh":
            self.in_phonetic = True
        elif local == "dimension":
            last = (_attr(attrs, "ref") or "").rpartition(":")[2]
            digits = last.lstrip("$ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
            if digits.isdigit() and int(digits) > MAX_SHEET_ROWS:
                raise _too_many_rows(MAX_SHEET_ROWS)

    def characters(self, content: str) -> None:
        if self.collecting:
            self.length += len(content)
            if self.length > MAX_CELL_CHARS:
                raise _cell_too_long(self._where())
            self.parts.append(content)

    def endElementNS(self, name: Any, qname: Any) -> None:
        local = _local(name)
        if local == "c":
            value = self._value("".join(self.parts))
            if value not in (None, ""):
                if self.column > MAX_COLUMNS:
                    raise _too_many_columns(f"Row {self.row_number}")
                self.cells[self.column] = value
        elif local == "row":
            width = max(self.cells, default=0)
            self.table.add(self.row_number, [self.cells.get(i) for i in range(1, width + 1)])
        elif local == "v" or (local == "t" and not self.in_phonetic):
            self.collecting -= 1
        elif local == "rPh":
            self.in_phonetic = False

    def _value(self, text: str) -> Any:
        if self.kind == "s":
            try:
                value = self.strings[int(text)]
            except (ValueError, IndexError) as exc:
                raise not_a_workbook(f"cell {self._where()} names a text the workbook does not hold.") from exc
            if value is _TOO_LONG:
                raise _cell_too_long(self._where())
            return value
        if self.kind == "b":
            return "True" if text.strip() in ("1", "true") else "False"
        if self.kind != "n" or not text.strip():
            return text
        return _number(text, self.style in self.date_styles, self.date1904, self._where)


def _column_of(ref: str) -> int:
    from openpyxl.utils.cell import column_index_from_string

    letters = ref.rstrip("0123456789").lstrip("$").rstrip("$")
    try:
        return int(column_index_from_string(letters.upper()))
    except ValueError:  # past XFD: only ever a breach of MAX_COLUMNS, whatever its letters
        return 16_385


def _number(text: str, is_date: bool, date1904: bool, where: Callable[[], str]) -> str:
    """A numeric cell as text: dates as ISO (like the CSV the register exports), whole numbers without '.0'."""
    try:
        number = float(text)
    except ValueError as exc:
        raise not_a_workbook(f"cell {where()} holds '{text[:20]}' as a number.") from exc
    if is_date and number == number and abs(number) < 3_000_000:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

        try:
            moment = from_excel(number, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900)
        except (OverflowError, ValueError) as exc:  # beyond year 9999, or before the calendar's day 0
            raise not_a_workbook(f"cell {where()} holds {text[:20]}, which is no date.") from exc
        if isinstance(moment, dt.datetime):
            return moment.date().isoformat() if moment.time() == dt.time() else moment.isoformat(sep=" ")
        return str(moment)
    if number.is_integer() and not any(c in text for c in ".eE"):
        return str(int(text))
    return str(int(number)) if number.is_integer() else repr(number)


def read_xlsx(content: bytes, table: BoundedTable) -> None:
    """The first sheet of a workbook into the table, checked as an archive first, then streamed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise not_a_workbook("it is not a zip archive, or a damaged one.") from exc
    with archive:
        check_archive(archive)
        names = set(archive.namelist())
        try:
            root = _Relationships("")
            if "_rels/.rels" in names:
                _stream(archive, "_rels/.rels", root)
            book = root.of_type("/officeDocument") or "xl/workbook.xml"
            base = posixpath.dirname(book)
            rels_name = posixpath.join(base, "_rels", posixpath.basename(book) + ".rels")
            if book not in names or rels_name not in names:
                raise not_a_workbook("it has no workbook part.")
            workbook, rels = _Workbook(), _Relationships(base)
            _stream(archive, book, workbook)
            _stream(archive, rels_name, rels)
            sheet = rels.targets.get(workbook.first_sheet or "", ("", ""))[1]
            if sheet not in names:
                raise not_a_workbook("it has no worksheet.")
            styles = _Styles()
            if (styles_name := rels.of_type("/styles")) in names:
                _stream(archive, str(styles_name), styles)
            strings = _SharedStrings()
            if (strings_name := rels.of_type("/sharedStrings")) in names:
                _stream(archive, str(strings_name), strings)
            _stream(archive, sheet, _Sheet(table, strings.strings, styles.date_styles(), workbook.date1904))
        except ImportFileError:
            raise
        except (xml.sax.SAXException, ValueError, zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            # SAX: damaged XML; defusedxml's refusals of DTDs and entities are ValueErrors; zipfile: bad CRC.
            raise not_a_workbook("its parts are damaged or use XML features no workbook needs.") from exc
