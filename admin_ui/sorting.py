"""Column headers that sort a paged table across all its pages (issue 19): each header is a link that asks the
page again with `sort=<key>` (or `-<key>`, the reverse), keeping the filters and starting again at the first page;
the service orders and pages in SQL, so a coordinator with 600 officers sorts all 600, not the 50 shown."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode


@dataclass(frozen=True)
class SortHeader:
    label: str
    href: str | None  # None: a column that cannot be sorted
    aria_sort: str  # ascending, descending or none (GOV.UK / MoJ sortable tables)
    numeric: bool = False


def chosen_sort(asked: str | None, orders: Iterable[str], default: str) -> str:
    """The order asked for when the list knows it, else its default (a hand-edited address is not an error)."""
    return asked if asked and asked.removeprefix("-") in set(orders) else default


def sort_headers(path: str, kept: dict[str, str], current: str, columns: list[tuple[str, str | None]],
                 numeric: Iterable[str] = ()) -> list[SortHeader]:
    """A header per (label, key) column: the link sorts by its key, or reverses it when it is already the order."""
    keep = {name: value for name, value in kept.items() if value}
    headers = []
    for label, key in columns:
        if key is None:
            headers.append(SortHeader(label, None, "none", label in numeric))
            continue
        state = "ascending" if current == key else "descending" if current == f"-{key}" else "none"
        wanted = f"-{key}" if state == "ascending" else key
        headers.append(SortHeader(label, f"{path}?{urlencode({**keep, 'sort': wanted})}", state, label in numeric))
    return headers


def page_query(kept: dict[str, str], sort: str, offset: int) -> str:
    """The query string of another page of the same list: its filters, its order and the offset."""
    return urlencode({**{name: value for name, value in kept.items() if value}, "sort": sort, "offset": offset})
