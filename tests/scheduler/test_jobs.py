import datetime as dt
from dataclasses import replace

import pytest

from core.clock import business_today
from core.settings import get_settings
from scheduler.jobs import parse_sweep_at, start_scheduler, sweep_today
from scheduler.tables import SweepRun


async def test_the_scheduler_sweeps_at_start_then_daily_at_the_configured_time() -> None:
    settings = replace(get_settings(), sweep_at="05:30", timezone="Europe/London")
    scheduler = start_scheduler(settings)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        daily = jobs["sweep-daily"].next_run_time
        assert (daily.hour, daily.minute) == (5, 30) and str(daily.tzinfo) == "Europe/London"
        assert jobs["deliver"].trigger.interval == dt.timedelta(minutes=1)
    finally:
        scheduler.shutdown(wait=False)


async def test_a_scheduled_sweep_records_its_run() -> None:
    await sweep_today()
    run = await SweepRun.select().first()
    assert run["status"] == "succeeded" and run["as_of"] == business_today()


@pytest.mark.parametrize(("value", "expected"), [("06:00", (6, 0)), ("6", (6, 0)), ("23:59", (23, 59))])
def test_parse_sweep_at(value: str, expected: tuple[int, int]) -> None:
    assert parse_sweep_at(value) == expected


@pytest.mark.parametrize("value", ["24:00", "06:60", "six"])
def test_bad_sweep_at_is_refused(value: str) -> None:
    with pytest.raises(ValueError):
        parse_sweep_at(value)


async def test_a_run_killed_long_ago_is_marked_abandoned_but_one_in_progress_is_left_alone() -> None:
    from core.clock import now_utc
    from scheduler.sweep import ABANDONED_AFTER, run_sweep

    now = now_utc()
    today = business_today()
    killed = (await SweepRun.insert(SweepRun(as_of=today - dt.timedelta(days=1), status="running",
                                             started_at=now - ABANDONED_AFTER - dt.timedelta(minutes=1)))
              .returning(SweepRun.id))[0]["id"]
    in_progress = (await SweepRun.insert(SweepRun(as_of=today, status="running",
                                                  started_at=now - dt.timedelta(minutes=5)))
                   .returning(SweepRun.id))[0]["id"]
    await run_sweep(today, dry_run=True, now=now)
    assert (await SweepRun.select(SweepRun.status).where(SweepRun.id == killed).first())["status"] == "running"  # type: ignore[index]
    await run_sweep(today, now=now)
    statuses = {r["id"]: r["status"] for r in await SweepRun.select(SweepRun.id, SweepRun.status)}
    assert statuses[killed] == "abandoned" and statuses[in_progress] == "running"
    assert sorted(statuses.values()).count("succeeded") == 1
    from core.tables import AuditEvent

    marked = await AuditEvent.select(AuditEvent.entity_id).where(AuditEvent.action == "sweep_run.abandon")
    assert marked == [{"entity_id": killed}]
