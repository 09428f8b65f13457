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
"""

from __future__ import annotations

import re
from typing import Any

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
