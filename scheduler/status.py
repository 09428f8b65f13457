"""Scheduler health: when the sweep last ran, what it did, what failed, and the outbox backlog."""

from __future__ import annotations

from typing import Any

from core.settings import get_settings
from scheduler.outbox_tables import Notification
from scheduler.tables import SweepRun

RUN_COLUMNS = (SweepRun.id, SweepRun.as_of, SweepRun.started_at, SweepRun.finished_at, SweepRun.status,
               SweepRun.dry_run, SweepRun.officers, SweepRun.messages, SweepRun.lapses, SweepRun.error)


def _run(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {**row, "dry_run": bool(row["dry_run"])}


async def scheduler_health() -> dict[str, Any]:
    settings = get_settings()
    recent = await SweepRun.select(*RUN_COLUMNS).order_by(SweepRun.id, ascending=False).limit(10)
    last_success = await SweepRun.select(*RUN_COLUMNS).where(SweepRun.status == "succeeded") \
        .order_by(SweepRun.id, ascending=False).first()
    return {
        "scheduler_on": settings.scheduler_on,
        "sweep_at": settings.sweep_at,
        "timezone": settings.timezone,
        "last_run": _run(recent[0] if recent else None),
        "last_success": _run(last_success),
        "recent_runs": [_run(r) for r in recent],
        "pending_messages": await Notification.count().where(Notification.status.is_in(["pending", "sending"])),
        "failed_messages": await Notification.count().where(Notification.status == "failed"),
    }
