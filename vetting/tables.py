"""Vetting levels, applications (each granted one is a clearance), their events, and declarations.

Never stored: refusal reasons, intelligence or financial detail (domain.md §2). Case notes on events are
administrative only, visible to vetting_officer and admin, and each read of them is audited.
"""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table

from register.tables import Officer


class VettingLevel(Table):
    """A vetting level (domain.md §5). Renewal period and annual-review flag are policy: editable."""

    id: Serial
    code = Varchar(length=32, null=False, default="", unique=True)
    title = Varchar(length=200, null=False, default="")
    renewal_months = Integer(null=False, default=36, help_text="A clearance expires this many months after grant.")
    has_annual_review = Boolean(null=False, default=False, help_text="Granted clearances need a review yearly.")
    accepted_for_csas = Boolean(null=False, default=False, help_text="Accepted for CSAS powers (domain.md §8.3).")
    sort_order = Integer(null=False, default=0)


class VettingApplication(Table):
    """An application for a level; once granted (or overturned on appeal) it is the officer's clearance."""

    id: Serial
    officer = ForeignKey(references=Officer, null=False, index=True)
    level = ForeignKey(references=VettingLevel, null=False, index=True)
    requested_on = Date(null=False, default=None)
    status = Varchar(length=32, null=False, default="draft", index=True, help_text="vetting.rules.Status")
    force_reference = Varchar(length=100, null=True, default=None, help_text="The force vetting unit's reference.")
    submitted_on = Date(null=True, default=None, help_text="First submission.")
    decided_on = Date(null=True, default=None, help_text="Last decision: granted, refused, upheld or overturned.")
    granted_on = Date(null=True, default=None)
    expires_on = Date(null=True, default=None, help_text="First day the clearance is no longer valid.")
    expiry_override_reason = Varchar(length=500, null=True, default=None)
    next_review_due_on = Date(null=True, default=None, help_text="Annual review due (levels with one).")
    closed_on = Date(null=True, default=None, help_text="Withdrawn, discontinued, revoked or terminated on.")
    last_event_on = Date(null=True, default=None, help_text="Date of the latest event; events never go back.")
    renews: ForeignKey[VettingApplication] = ForeignKey(
        references=LazyTableReference("VettingApplication", module_path="vetting.tables"),
        null=True, default=None, index=True, help_text="The clearance this application renews.",
    )
    created_at = Timestamptz(null=False, default=TimestamptzNow())


class VettingEvent(Table):
    """A status change. `note` is the administrative case note: vetting staff only, reads audited."""

    id: Serial
    application = ForeignKey(references=VettingApplication, null=False, index=True)
    status = Varchar(length=32, null=False, default="")
    occurred_on = Date(null=False, default=None, help_text="The event's date (api.md `on`).")
    note = Text(null=True, default=None, help_text="Administrative case note; never reasons or intelligence.")
    actor_user_id = Integer(null=True, default=None)
    actor = Varchar(length=150, null=False, default="")
    created_at = Timestamptz(null=False, default=TimestamptzNow())


class Declaration(Table):
    """A change of circumstances or annual self-declaration: kind, categories and dates only, no detail."""

    id: Serial
    officer = ForeignKey(references=Officer, null=False, index=True)
    kind = Varchar(length=40, null=False, default="")
    categories = JSON(null=False, default="[]", help_text="Which circumstances changed; never the detail.")
    made_on = Date(null=False, default=None)
    acknowledged_on = Date(null=True, default=None)
    acknowledged_by = Varchar(length=150, null=True, default=None)
    created_at = Timestamptz(null=False, default=TimestamptzNow())
