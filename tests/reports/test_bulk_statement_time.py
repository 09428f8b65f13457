"""A whole dataset in one request (an export, an import, the compliance pack) is read and written under the long
statement bound (core.db.long_work): a page's 3-second bound would turn a big force's export into a 503, and the
detail 'did not answer in time' would be the only clue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core.db import LONG_WORK_TIMEOUT_SECONDS, statement_timeout
from reports import data, exports, imports
from tests.reports.reporting import SYSTEM


class Seen(Exception):
    pass


def _capture(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[float]:
    seen: list[float] = []

    async def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(statement_timeout())
        raise Seen

    monkeypatch.setattr(module, name, spy)
    return seen


async def test_bulk_reports_run_under_the_long_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    day = dt.date(2026, 12, 2)
    calls = [
        (exports, "_officers", lambda: exports.load_rows(SYSTEM, "officers", day)),
        (imports, "_prepare", lambda: imports.run_import(SYSTEM, "training", [{"officer": "1", "module": "X",
                                                                               "completed_on": "2026-01-01",
                                                                               "result": "pass"}], today=day)),
        (data.scheduler_services, "judgements_for", lambda: data.analytics(SYSTEM, day)),
    ]
    for module, name, call in calls:
        seen = _capture(monkeypatch, module, name)
        with pytest.raises(Seen):
            await call()
        assert seen == [LONG_WORK_TIMEOUT_SECONDS], name
    assert statement_timeout() < LONG_WORK_TIMEOUT_SECONDS  # and back to a page's bound afterwards
