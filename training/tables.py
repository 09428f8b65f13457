"""Training modules, completions (CSAS course and assessment included), bookings and power prerequisites."""

from __future__ import annotations

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from register.tables import Officer


class TrainingModule(Table):
    """A module an officer may need (domain.md §6). validity_months is policy data, edited by admins."""

    id: Serial
    code = Varchar(length=64, null=False, default="", unique=True)
    title = Varchar(length=300, null=False, default="")
    validity_months = Integer(null=True, default=None, help_text="Months a pass stays valid; null: never expires.")
    hours = Integer(null=True, default=None, help_text="Typical length of the course in hours.")
    is_csas_course = Boolean(null=False, default=False, help_text="The CSAS course or its traffic module.")
    sort_order = Integer(null=False, default=0)


class TrainingBooking(Table):
    """A planned course place for an officer. Attending it creates the TrainingRecord that points back here."""

    id: Serial
    officer = ForeignKey(references=Officer, null=False, index=True)
    module = ForeignKey(references=TrainingModule, null=False, index=True)
    starts_on = Date(null=False, default=None)
    provider = Varchar(length=200, null=False, default="")
    status = Varchar(length=16, null=False, default="booked", help_text="booked, attended, cancelled, no_show")
    status_on = Date(null=True, default=None, help_text="Day of the last status change (attended, cancelled...).")
    status_reason = Varchar(length=500, null=False, default="", help_text="Why it was cancelled, if given.")
    recorded_on = Date(null=True, default=None, help_text="Business day it was entered: a renewal counts from it.")
    created_at = Timestamptz(null=False, default=TimestamptzNow())


class TrainingRecord(Table):
    """One attempt at a module. History is kept; the newest pass counts (training.rules.counting_record)."""

    id: Serial
    officer = ForeignKey(references=Officer, null=False, index=True)
    module = ForeignKey(references=TrainingModule, null=False, index=True)
    completed_on = Date(null=False, default=None)
    result = Varchar(length=16, null=False, default="pass", help_text="pass, fail, referred")
    provider = Varchar(length=200, null=False, default="")
    certificate_ref = Varchar(length=100, null=False, default="")
    qualification_title = Varchar(length=300, null=False, default="")
    expires_on = Date(
        null=True, default=None, help_text="First day no longer valid; null: never expires (or not a pass)."
    )
    expiry_override_reason = Varchar(
        length=500, null=False, default="", help_text="Why expires_on differs from completed_on + validity."
    )
    booking = ForeignKey(
        references=TrainingBooking, null=True, default=None, index=True,
        help_text="The booking whose attendance produced this record (at most one record a booking).",
    )
    created_at = Timestamptz(null=False, default=TimestamptzNow())


class PowerPrerequisite(Table):
    """Policy data (domain.md §8 rule 5): the modules a power needs. power_code names register's Power."""

    id: Serial
    power_code = Varchar(length=64, null=False, default="", index=True)
    module = ForeignKey(references=TrainingModule, null=False, index=True)
