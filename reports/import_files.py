"""Reading an import's file into rows of text (CPU work: run it off the event loop), through the bounded readers
of reports.spreadsheets: a file over the upload limit, a hostile workbook or CSV, a header row naming one column
twice, each refuses the whole file before any row is looked at."""

from __future__ import annotations

import re
from typing import Any

from core.errors import Violation
from reports.errors import ReportErrorCode
from reports.spreadsheets import (
    MAX_UPLOAD_BYTES,
    BoundedTable,
    ImportFileError,
    not_a_workbook,
    read_csv,
    read_xlsx,
    upload_too_large,
)


def file_error(detail: str, code: str = ReportErrorCode.IMPORT_FILE_INVALID) -> ImportFileError:
    return ImportFileError(code, detail)


def _header(name: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def read_table(filename: str, content: bytes) -> list[dict[str, str]]:
    """The sheet's rows as dicts of stripped strings keyed by normalised headers ('Staff number' → staff_number).

    Read by reports.spreadsheets's bounded readers (issue 17): a workbook is checked as an archive, then streamed;
    a CSV is read record by record; the first limit breached stops the read. The header row is read as a row
    of its own: two columns whose headers normalise to the same name refuse the whole file.
    """
    if len(content) > MAX_UPLOAD_BYTES:
        raise upload_too_large()
    if not content.strip():
        raise file_error("The file is empty.")
    is_xlsx = content[:4] == b"PK\x03\x04"
    if filename.lower().endswith((".xlsx", ".xlsm")) and not is_xlsx:
        raise not_a_workbook("it is named .xlsx but is not a zip archive.")
    table = BoundedTable()
    if is_xlsx:
        read_xlsx(content, table)
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise file_error("The file is neither an Excel workbook (.xlsx) nor UTF-8 CSV text.") from exc
        if "\x00" in text:
            raise file_error("The file is neither an Excel workbook (.xlsx) nor UTF-8 CSV text.")
        read_csv(text, table)
    if table.header is None or not table.rows:
        raise file_error("The file has a header row but no data rows.")
    headers = check_headers(table.header)
    return [{name: _cell(record[index]) if index < len(record) else "" for index, name in enumerate(headers)}
            for record in table.rows]


def _cell(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()


def check_headers(cells: list[Any]) -> list[str]:
    """The normalised name of each column; a name given to two or more columns refuses the whole file.

    A column without a header is named by its position ('unnamed_3') and is ignored like any column the
    import does not know.
    """
    from openpyxl.utils import get_column_letter

    names: list[str] = []
    where: dict[str, list[int]] = {}
    shown: dict[str, list[str]] = {}
    for index, cell in enumerate(cells):
        text = _cell(cell)
        name = _header(text)
        if not name:
            names.append(f"unnamed_{index}")
            continue
        names.append(name)
        where.setdefault(name, []).append(index)
        shown.setdefault(name, []).append(text)
    repeated = {name: ", ".join(get_column_letter(i + 1) for i in columns)
                for name, columns in where.items() if len(columns) > 1}
    if repeated:
        violations = []
        for name, letters in repeated.items():
            headed = " and ".join(f"'{h}'" for h in dict.fromkeys(shown[name]))
            violations.append(Violation(
                ReportErrorCode.DUPLICATE_COLUMN,
                f"Column {name} appears {len(where[name])} times (columns {letters}, headed "
                f"{headed}): keep one and remove or rename the others.", name))
        raise ImportFileError(
            ReportErrorCode.IMPORT_DUPLICATE_COLUMNS,
            "The header row names a column more than once: "
            + "; ".join(f"{name} ({letters})" for name, letters in repeated.items()) + ". Nothing was imported.",
            violations)
    return names
