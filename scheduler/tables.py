"""The policy, the sweep's claims and runs, lapse events and calendar feeds."""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, Date, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class PolicySetting(Table):
    """One row per policy section (e.g. 'lead_times'), JSON valued; absent sections take domain.md defaults."""

    id: Serial
    key = Varchar(length=64, null=False, default="", unique=True)
    value = JSON(null=False, default="{}")
    updated_at = Timestamptz(null=False, default=TimestamptzNow())


class ReminderClaim(Table):
    """One row per reminder trigger ever handled: the unique key makes each trigger fire exactly once, across
    re-runs, missed days and concurrent instances (INSERT … ON CONFLICT DO NOTHING)."""

    id: Serial
    key = Varchar(length=255, null=False, default="", unique=True,
                  help_text="recipient|officer|item|trigger|date")
    officer_id = Integer(null=False, default=0, index=True)
    recipient_email = Varchar(length=254, null=False, default="")
    due_on = Date(null=False, default=None, help_text="The sweep day that handled it.")
    notification_id = Integer(null=True, default=None, help_text="The digest it went out in.")
    created_at = Timestamptz(null=False, default=TimestamptzNow())


class LapseEvent(Table):
    """A designated power became unusable: recorded once per officer, power and day, for reporting."""

    id: Serial
    key = Varchar(length=255, null=False, default="", unique=True)
    officer_id = Integer(null=False, default=0, index=True)
    power_code = Varchar(length=64, null=False, default="")
    lapsed_on = Date(null=False, default=None, index=True)
    binding_kind = Varchar(length=32, null=False, default="")
    binding_code = Varchar(length=64, null=False, default="")
    created_at = Timestamptz(null=False, default=TimestamptzNow())


class SweepRun(Table):
    id: Serial
    as_of = Date(null=False, default=None, index=True)
    started_at = Timestamptz(null=False, default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
    status = Varchar(length=16, null=False, default="running", help_text="running, succeeded, failed")
    dry_run = Integer(null=False, default=0, help_text="1 when nothing was written but the run record.")
    officers = Integer(null=False, default=0)
    messages = Integer(null=False, default=0)
    lapses = Integer(null=False, default=0)
    error = Text(null=False, default="")


class CalendarFeed(Table):
    id: Serial
    token_hash = Varchar(length=64, null=False, default="", unique=True, index=True)
    scope = Varchar(length=16, null=False, default="officer", help_text="officer, team or organisation")
    scope_id = Integer(null=False, default=0)
    created_by_user_id = Integer(null=True, default=None)
    created_at = Timestamptz(null=False, default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)


class OfficerFactVersion(Table):
    """A counter per officer, raised by database triggers (not by services, so no write path can forget) whenever
    a row the officer's judgement is built from changes: their record, employer, accreditations, powers,
    suspensions, vetting, declarations, training, bookings and kit (migration scheduler_2026_11_23t00_50_00).
    The row of officer_id 0 is the catalogue's stamp: a new random value whenever a catalogue or policy row
    changes (migration scheduler_2026_11_23t02_00_00)."""

    id: Serial
    officer_id = Integer(null=False, default=0, unique=True)
    version = BigInt(null=False, default=0)


class PowerOutlook(Table):
    """Each officer's judgement as of one day, stored: a marker row (power_code '') saying which facts and
    catalogue it was judged from, and one row per power usable that day with its last usable day. Read by the
    forecast while the officer's OfficerFactVersion and the catalogue are unchanged (scheduler/outlook.py)."""

    id: Serial
    officer_id = Integer(null=False, default=0, index=True)
    judged_on = Date(null=False, default=None)
    fact_version = BigInt(null=False, default=0)
    catalogue = Varchar(length=64, null=False, default="", help_text="The catalogue stamp it was judged under.")
    name = Varchar(length=201, null=False, default="", help_text="The officer's name when judged.")
    power_code = Varchar(length=64, null=False, default="", help_text="'' on the officer's marker row.")
    usable_until = Date(null=True, default=None)
    binding_kind = Varchar(length=32, null=False, default="")
    binding_code = Varchar(length=64, null=False, default="")
    binding_expires_on = Date(null=True, default=None)
    resumes_on = Date(null=True, default=None, help_text="After a gap: the day a renewal makes it usable again.")


class CapacitySetting(Table):
    """A force's capacity for renewals, per month (scheduler.planning): policy data, one row per force. A null
    capacity is one not set: its renewals are planned in their own months, without a limit."""

    id: Serial
    force_id = Integer(null=False, default=0, unique=True, help_text="The force (register) it is for.")
    vetting_per_month = Integer(null=True, default=None, help_text="Vetting renewals the unit can process.")
    course_seats_per_month = Integer(null=True, default=None, help_text="CSAS refresher and module course seats.")
    accreditations_per_month = Integer(null=True, default=None, help_text="Re-accreditations the force can grant.")
    updated_at = Timestamptz(null=False, default=TimestamptzNow())
