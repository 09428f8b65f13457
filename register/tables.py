"""Forces, employers (organisations) with their scheme arrangement, teams and officers."""

from __future__ import annotations

from piccolo.columns import Boolean, Date, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Force(Table):
    id: Serial
    name = Varchar(length=200, null=False, default="")
    code = Varchar(length=32, null=False, default="", unique=True, help_text="Short code, e.g. SURREY.")
    created_at = Timestamptz(null=False, default=TimestamptzNow())


class Organisation(Table):
    """An employer with CSAS arrangements with the force."""

    id: Serial
    name = Varchar(length=200, null=False, default="")
    force = ForeignKey(references=Force, null=False, index=True)
    kind = Varchar(length=32, null=False, default="council", help_text="council, housing_trust, company, other")
    arrangement_approved_on = Date(null=True, default=None, help_text="When the chief officer approved it.")
    arrangement_review_due_on = Date(null=True, default=None)
    arrangement_ended_on = Date(null=True, default=None, help_text="First day the arrangement is not in force.")
    created_at = Timestamptz(null=False, default=TimestamptzNow())


class Team(Table):
    id: Serial
    name = Varchar(length=200, null=False, default="")
    organisation = ForeignKey(references=Organisation, null=False, index=True)
    created_at = Timestamptz(null=False, default=TimestamptzNow())


class Officer(Table):
    id: Serial
    organisation = ForeignKey(references=Organisation, null=False, index=True)
    team = ForeignKey(references=Team, null=True, default=None, index=True)
    staff_number = Varchar(length=50, null=False, default="", help_text="Unique within the organisation.")
    given_name = Varchar(length=100, null=False, default="")
    family_name = Varchar(length=100, null=False, default="", index=True)
    email = Varchar(length=254, null=False, default="")
    started_on = Date(null=False, default=None)
    left_on = Date(
        null=True, default=None, help_text="Leaving day: from it the officer no longer serves; null while employed."
    )
    created_at = Timestamptz(null=False, default=TimestamptzNow())


class Power(Table):
    """A Schedule 5 power a chief officer may designate (domain.md §4). Repealed powers stay readable."""

    id: Serial
    code = Varchar(length=64, null=False, default="", unique=True)
    title = Varchar(length=300, null=False, default="")
    statute = Varchar(length=300, null=False, default="")
    in_force = Boolean(null=False, default=True, help_text="False once repealed: never newly designated.")
    is_traffic = Boolean(null=False, default=False, help_text="Traffic powers need the CSAS traffic course.")
