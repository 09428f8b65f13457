"""APScheduler in the app's lifespan: the sweep once at start-up (catch-up) and daily at CSAS_SWEEP_AT, and
outbox delivery every minute so retries with backoff happen without waiting for the next sweep.

Delivery in the app goes through one `BackgroundDelivery` per process: at most one delivery run at a time, beside
the requests (a sweep asked for over the API answers once its messages are queued), stopped between two messages
and awaited when the app shuts down (`delivery_lifespan`)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from core.clock import business_today, now_utc
from core.settings import Settings
from scheduler.delivery import deliver_pending, delivery_limit
from scheduler.sweep import run_sweep

logger = logging.getLogger("csas.jobs")
DELIVERY_INTERVAL = dt.timedelta(minutes=1)


class BackgroundDelivery:
    """Delivery runs beside the requests of this process, one at a time. A run asked for while one is under way
    becomes one more run straight after it (messages queued meanwhile may lie behind where it has got to). What a
    run leaves pending (shutdown, a failed run) waits for the next run: the scheduler's, every minute."""

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None
        self._again = False
        self._closing = False

    def open(self) -> None:
        self._closing = False

    def kick(self) -> asyncio.Task[None] | None:
        """Starts a delivery run, or asks for one more after the run under way; returns the run's task (None
        while the app shuts down)."""
        if self._closing:
            return None
        task = self._task
        loop = asyncio.get_running_loop()
        if task is not None and not task.done() and task.get_loop() is loop:
            self._again = True
            return task
        self._again = False
        self._task = loop.create_task(self._run(), name="csas-delivery")
        return self._task

    async def deliver(self) -> None:
        """A delivery run now (or after the one under way), awaited: the scheduler's job, so it never overlaps."""
        task = self.kick()
        if task is not None:
            await asyncio.shield(task)  # a cancelled job must not cut a send short

    async def _run(self) -> None:
        while True:
            self._again = False
            try:
                report = await deliver_pending(now_utc(), stop_when=lambda: self._closing)
                if report.left_pending:
                    logger.info("Delivery stopped for shutdown; %d messages left pending", report.left_pending)
            except Exception:  # the messages stay pending; the next run tries again
                logger.exception("Delivery failed")
            if not self._again or self._closing:
                return

    async def close(self) -> None:
        """Stops runs between two messages and waits for the message in flight (at most the SMTP timeouts)."""
        self._closing = True
        task, self._task = self._task, None
        if task is not None and not task.done() and task.get_loop() is asyncio.get_running_loop():
            await task


background_delivery = BackgroundDelivery()


@asynccontextmanager
async def delivery_lifespan(app: Any) -> AsyncIterator[None]:
    """Listed after the lifespan that opens the database, so it ends first: delivery stops before the pool closes."""
    background_delivery.open()
    try:
        yield
    finally:
        await background_delivery.close()


async def sweep_today() -> None:
    try:
        with delivery_limit(lambda: True):  # queued only: the one delivery run of this process sends them
            await run_sweep(business_today(), now=now_utc())
    except Exception:  # the run is recorded as failed; the next trigger tries again
        logger.exception("Scheduled sweep failed")
    await background_delivery.deliver()


async def deliver_due() -> None:
    await background_delivery.deliver()


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
