"""ReportErrorCode: the stable codes of refusals only the reports, exports and imports make."""

from enum import StrEnum


class ReportErrorCode(StrEnum):
    UNKNOWN_DATASET = "unknown_dataset"
    DUPLICATE_COLUMN = "duplicate_column"
    IMPORT_DUPLICATE_COLUMNS = "import_duplicate_columns"
    UNKNOWN_CHART = "unknown_chart"
    UNKNOWN_EXPORT_FORMAT = "unknown_export_format"
    FILE_REQUIRED = "file_required"
    IMPORT_TOO_LARGE = "import_too_large"
    IMPORT_NOT_A_WORKBOOK = "import_not_a_workbook"
    IMPORT_TOO_MANY_ROWS = "import_too_many_rows"
    IMPORT_CELL_TOO_LONG = "import_cell_too_long"
    IMPORT_TOO_MANY_COLUMNS = "import_too_many_columns"
    IMPORT_ROW_TOO_LONG = "import_row_too_long"
    IMPORT_FILE_INVALID = "import_file_invalid"
    IMPORT_WORKBOOK_TOO_LARGE = "import_workbook_too_large"
    IMPORT_MISSING_COLUMNS = "import_missing_columns"
    IMPORT_INVALID = "import_invalid"
    SIGNING_UNAVAILABLE = "signing_unavailable"
    INVALID_MOMENT = "invalid_moment"
