"""The migrations that give accreditations and training bookings entered before recorded_on existed the day
they were entered (from created_at): otherwise a renewal booked or granted ahead would count only from its
start, and its reminders would start again after the upgrade."""

from __future__ import annotations

import datetime as dt
import importlib

from register.tables import Accreditation
from tests.admin_ui.test_pages_common import grant
from tests.factories import SYSTEM, World
from training import services as training
from training.tables import TrainingBooking

D = dt.date


async def _backfill(app: str) -> None:
    migration = importlib.import_module(f"{app}.piccolo_migrations.{app}_2026_12_02t09_10_00_000000")
    manager = await migration.forwards()
    await manager.run()


async def test_rows_entered_before_recorded_on_get_the_day_they_were_entered(world: World) -> None:
    officer_id = world.officers["A1a-1"]
    booking = await training.create_booking(SYSTEM, officer_id=officer_id, module_code="FIRST_AID",
                                            starts_on=D(2031, 5, 1), today=D(2026, 12, 2))
    entered = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)  # 1 July in London (BST)
    await TrainingBooking.update({TrainingBooking.recorded_on: None, TrainingBooking.created_at: entered}) \
        .where(TrainingBooking.id == booking["id"])
    await grant(world, "A1a-1", "SP-001")
    await grant(world, "A1a-2", "SP-002")
    await Accreditation.update({Accreditation.recorded_on: None, Accreditation.created_at: entered}, force=True)
    await Accreditation.update({Accreditation.recorded_on: D(2025, 1, 1)}).where(
        Accreditation.id == (await Accreditation.select(Accreditation.id).first())["id"])  # kept when known

    await _backfill("training")
    await _backfill("register")

    (row,) = await TrainingBooking.select(TrainingBooking.recorded_on).where(TrainingBooking.id == booking["id"])
    assert row["recorded_on"] in (D(2026, 6, 30), D(2026, 7, 1))  # the UTC day on SQLite, London's on PostgreSQL
    days = {r["recorded_on"] for r in await Accreditation.select(Accreditation.recorded_on)}
    assert D(2025, 1, 1) in days and days <= {D(2025, 1, 1), D(2026, 6, 30), D(2026, 7, 1)}
    assert len(days) == 2
