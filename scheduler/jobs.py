"""APScheduler in the app's lifespan: the sweep once at start-up (catch-up) and daily at CSAS_SWEEP_AT, and
outbox delivery every minute so retries with backoff happen without waiting for the next sweep."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from core.clock import business_today, now_utc
from core.settings import Settings
from scheduler.delivery import deliver_pending
from scheduler.sweep import run_sweep

logger = logging.getLogger("csas.jobs")
DELIVERY_INTERVAL = dt.timedelta(minutes=1)


async def sweep_today() -> None:
    try:
        await run_sweep(business_today(), now=now_utc())
    except Exception:  # the run is recorded as failed; the next trigger tries again
        logger.exception("Scheduled sweep failed")


async def deliver_due() -> None:
    try:
        await deliver_pending(now_utc())
    except Exception:
        logger.exception("Scheduled delivery failed")


def parse_sweep_at(value: str) -> tuple[int, int]:
    hour, _, minute = value.partition(":")
    parsed = int(hour), int(minute or 0)
    if not (0 <= parsed[0] < 24 and 0 <= parsed[1] < 60):
        raise ValueError(f"CSAS_SWEEP_AT must be HH:MM, not {value!r}")
    return parsed


def start_scheduler(settings: Settings) -> AsyncIOScheduler:
    hour, minute = parse_sweep_at(settings.sweep_at)
    tz = ZoneInfo(settings.timezone)
    scheduler = AsyncIOScheduler(timezone=tz)
    scheduler.add_job(sweep_today, "date", run_date=dt.datetime.now(tz), id="sweep-at-start",
                      misfire_grace_time=None)
    scheduler.add_job(sweep_today, CronTrigger(hour=hour, minute=minute, timezone=tz), id="sweep-daily",
                      coalesce=True, max_instances=1, misfire_grace_time=3600)
    scheduler.add_job(deliver_due, IntervalTrigger(seconds=int(DELIVERY_INTERVAL.total_seconds())),
                      id="deliver", coalesce=True, max_instances=1)
    scheduler.start()
    return scheduler
