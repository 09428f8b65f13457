"""Forces, employers (organisations) with their scheme arrangement, teams and officers."""

from __future__ import annotations

from piccolo.columns import Boolean, Bytea, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
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


class OfficerPhoto(Table):
    """An officer's photograph for the ID card and the public check of a card: one per officer, replaced whole.

    Kept in the database rather than the var directory so that a backup (core/backup.py) holds it and every app
    instance serves it. Stored already processed (register/officers/photos.py): a 35:45 JPEG, metadata stripped.
    """

    id: Serial
    officer = ForeignKey(references=Officer, null=False, unique=True, help_text="One photo per officer.")
    jpeg = Bytea(null=False, default=b"", help_text="Baseline JPEG, 35:45, no EXIF or other metadata.")
    width = Integer(null=False, default=0)
    height = Integer(null=False, default=0)
    uploaded_at = Timestamptz(null=False, default=TimestamptzNow())
    uploaded_by = Varchar(length=150, null=False, default="")
    uploaded_by_user_id = Integer(null=True, default=None)


class Power(Table):
    """A Schedule 5 power a chief officer may designate (domain.md §4). Repealed powers stay readable."""

    id: Serial
    code = Varchar(length=64, null=False, default="", unique=True)
    title = Varchar(length=300, null=False, default="")
    statute = Varchar(length=300, null=False, default="")
    in_force = Boolean(null=False, default=True, help_text="False once repealed: never newly designated.")
    is_traffic = Boolean(null=False, default=False, help_text="Traffic powers need the CSAS traffic course.")


class Accreditation(Table):
    """What the chief officer granted an officer, for a fixed period (domain.md §3.5).

    Expired and lapsed are derived from the dates; explicit changes live in AccreditationEvent. The *_on
    columns below mirror the latest events for querying and are updated in the same transaction.
    """

    id: Serial
    officer = ForeignKey(references=Officer, null=False, index=True)
    force = ForeignKey(references=Force, null=False, index=True, help_text="The accrediting force.")
    number = Varchar(length=64, null=False, default="")
    granted_on = Date(null=False, default=None)
    expires_on = Date(null=False, default=None, help_text="First day no longer valid.")
    conditions = Text(null=False, default="", help_text="Conditions stated on it, e.g. the area.")
    suspended_on = Date(null=True, default=None, help_text="Start of the current suspension; null if none.")
    withdrawn_on = Date(null=True, default=None, help_text="First day withdrawn; null unless withdrawn.")
    ended_on = Date(
        null=True, default=None, help_text="First day ended other than by withdrawal (leaving, superseded)."
    )
    ended_reason = Varchar(length=300, null=False, default="")
    recorded_on = Date(null=True, default=None, help_text="Business day it was entered: a renewal counts from it.")
    created_at = Timestamptz(null=False, default=TimestamptzNow())


class DesignatedPower(Table):
    """A power designated on an accreditation. A withdrawn and re-designated power gets a new row."""

    id: Serial
    accreditation = ForeignKey(references=Accreditation, null=False, index=True)
    power = ForeignKey(references=Power, null=False, index=True)
    granted_on = Date(null=False, default=None)
    withdrawn_on = Date(null=True, default=None, help_text="First day the power is no longer designated.")
    withdrawn_reason = Varchar(length=500, null=False, default="")
    created_at = Timestamptz(null=False, default=TimestamptzNow())


class AccreditationEvent(Table):
    """History of an accreditation, never overwritten: who, when (the day it takes effect) and why."""

    id: Serial
    accreditation = ForeignKey(references=Accreditation, null=False, index=True)
    kind = Varchar(
        length=32, null=False, default="",
        help_text="granted, renewed, suspended, reinstated, withdrawn, ended, power_granted, power_withdrawn",
    )
    effective_on = Date(null=False, default=None, help_text="The day the change takes effect.")
    reason = Varchar(length=500, null=False, default="")
    power_code = Varchar(length=64, null=False, default="", help_text="For power_granted/power_withdrawn.")
    actor = Varchar(length=150, null=False, default="")
    actor_user_id = Integer(null=True, default=None)
    recorded_at = Timestamptz(null=False, default=TimestamptzNow())


class KitType(Table):
    """Uniform and kit catalogue (domain.md §7). Policy values are data: edit them here, not in code."""

    id: Serial
    code = Varchar(length=64, null=False, default="", unique=True)
    title = Varchar(length=200, null=False, default="")
    tracks_size = Boolean(null=False, default=False)
    tracks_serial = Boolean(null=False, default=False, help_text="A serial number is required on issue.")
    tracks_manufacture_date = Boolean(null=False, default=False)
    service_life_months = Integer(null=True, default=None, help_text="From manufacture (or issue): expiry.")
    inspection_interval_months = Integer(null=True, default=None)
    expires_with_accreditation = Boolean(null=False, default=False)
    recover_when_powers_end = Boolean(null=False, default=False)
    requires_module_code = Varchar(
        length=64, null=True, default=None, help_text="Training module needed before issue (checked by training)."
    )


class KitIssue(Table):
    """An item issued to an officer. The serial is unique among items still out (partial unique index)."""

    id: Serial
    officer = ForeignKey(references=Officer, null=False, index=True)
    kit_type = ForeignKey(references=KitType, null=False, index=True)
    issued_on = Date(null=False, default=None)
    issued_by = Varchar(length=150, null=False, default="")
    serial_number = Varchar(length=100, null=True, default=None)
    size = Varchar(length=32, null=False, default="")
    manufactured_on = Date(null=True, default=None)
    expires_on = Date(null=True, default=None, help_text="First day no longer valid; null if it does not expire.")
    condition = Varchar(length=16, null=False, default="new", help_text="new, serviceable, damaged, condemned, lost")
    last_inspected_on = Date(null=True, default=None)
    next_inspection_due_on = Date(null=True, default=None)
    needs_replacement = Boolean(null=False, default=False, help_text="Condemned on inspection.")
    returned_on = Date(null=True, default=None)
    created_at = Timestamptz(null=False, default=TimestamptzNow())


class KitInspection(Table):
    id: Serial
    kit_issue = ForeignKey(references=KitIssue, null=False, index=True)
    inspected_on = Date(null=False, default=None)
    condition = Varchar(length=16, null=False, default="serviceable")
    inspected_by = Varchar(length=150, null=False, default="")
    created_at = Timestamptz(null=False, default=TimestamptzNow())


class KitEvent(Table):
    """History of a kit issue (issued, inspected, returned, recovery opened), never overwritten."""

    id: Serial
    kit_issue = ForeignKey(references=KitIssue, null=False, index=True)
    kind = Varchar(length=32, null=False, default="")
    effective_on = Date(null=False, default=None)
    note = Varchar(length=500, null=False, default="")
    actor = Varchar(length=150, null=False, default="")
    actor_user_id = Integer(null=True, default=None)
    recorded_at = Timestamptz(null=False, default=TimestamptzNow())


class KitRecoveryTask(Table):
    """An ID card or badge to recover because the officer's powers ended. Closed when the item is returned."""

    id: Serial
    kit_issue = ForeignKey(references=KitIssue, null=False, index=True)
    opened_on = Date(null=False, default=None)
    reason = Varchar(length=300, null=False, default="")
    closed_on = Date(null=True, default=None)
    created_at = Timestamptz(null=False, default=TimestamptzNow())


class CardToken(Table):
    """The token an ID card's QR code carries (issue 20): /verify/<token> answers for that one card issue.

    Kept as issued, not hashed, because a card must re-print with the same QR code (a lost print, a damaged one)
    and the token shows nothing beyond the public verification page itself. A random token rather than an HMAC of
    the issue id under CSAS_SECRET_KEY: a printed card outlives a key rotation, and a rotation must not void every
    card in circulation. The card's own state (returned, lost, replaced) voids it; nothing here is ever updated."""

    id: Serial
    kit_issue = ForeignKey(references=KitIssue, null=False, unique=True, index=True,
                           help_text="The ID_CARD issue the token is bound to: one token per card issue.")
    token = Varchar(length=64, null=False, default="", unique=True, index=True)
    created_at = Timestamptz(null=False, default=TimestamptzNow())


class CardCheckDay(Table):
    """How many verification look-ups were made each day (valid cards and not), and nothing about who asked."""

    id: Serial
    day = Date(null=False, default=None, unique=True)
    checks = Integer(null=False, default=0)
    not_valid = Integer(null=False, default=0, help_text="Look-ups of unknown, malformed or void tokens.")
