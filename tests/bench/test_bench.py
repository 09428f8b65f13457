"""The benchmark's synthetic force and wrk parsing; and that judging officers a batch at a time (the sweep, the
forecast) gives the same answers whatever the batch size."""

from __future__ import annotations

import datetime as dt

import pytest

from bench.generate import FORECAST_ORGANISATION_SIZE, generate, organisation_sizes
from bench.http import parse_wrk
from core.access import Principal
from core.db import execute
from core.tables import User
from register.tables import Officer
from scheduler import services
from scheduler.sweep import run_sweep

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize(("officers", "sizes"), [
    (60, [60]),
    (500, [500]),
    (650, [500, 100, 50]),
    (FORECAST_ORGANISATION_SIZE, [500, FORECAST_ORGANISATION_SIZE]),
    (10_700, [500, FORECAST_ORGANISATION_SIZE, 100, 100]),
])
def test_organisation_sizes(officers: int, sizes: list[int]) -> None:
    assert organisation_sizes(officers, 500) == sizes


WRK = """Running 10s test @ http://127.0.0.1:8000
  2 threads and 50 connections
  Latency Distribution
     50%    7.90ms
     75%    8.50ms
     90%    9.00ms
     99%    1.20s
  61234 requests in 10.00s, 10.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 3
Requests/sec:   6123.40
"""


def test_parse_wrk_reads_rate_p99_and_every_error() -> None:
    result = parse_wrk(WRK)
    assert (result.requests_per_s, result.p99_ms, result.errors) == (6123.4, 1200.0, 6)
    clean = parse_wrk(WRK.replace("  Socket errors: connect 0, read 2, write 0, timeout 1\n", "")
                      .replace("  Non-2xx or 3xx responses: 3\n", ""))
    assert clean.errors == 0
    assert parse_wrk(WRK.replace("61234 requests", "0 requests")).errors == 7


async def test_a_small_synthetic_force_is_judged_the_same_whatever_the_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    force = await generate(60, TODAY, pack_officers=40)
    assert await Officer.count() == 60
    assert await User.count().where(User.role == "manager") == 3  # a manager per team of 25
    actor = Principal.system("test")
    end = TODAY + dt.timedelta(days=365)
    whole = await services.forecast(actor, TODAY, end)
    judged = await services.compliance_for(actor, TODAY)
    monkeypatch.setattr(services, "BATCH", 7)
    await execute('DELETE FROM "power_outlook"')  # judged again, 7 at a time, not read from the stored outlook
    assert await services.forecast(actor, TODAY, end) == whole
    assert [(f, c) for f, c in await services.compliance_for(actor, TODAY)] == judged
    assert whole and {r["officer_id"] for r in whole} <= set(force.officer_ids)

    small = await run_sweep(TODAY, dry_run=True)
    monkeypatch.setattr(services, "BATCH", 500)
    large = await run_sweep(TODAY, dry_run=True)
    assert small.officers == large.officers == 60
    assert sorted(d["recipient_email"] for d in small.digests) == sorted(d["recipient_email"] for d in large.digests)
    assert any(d["recipient_email"].startswith("manager") for d in large.digests)
