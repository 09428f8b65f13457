"""The outbox: every message is stored here first, then delivered (scheduler.delivery).

At most one message per address, day and kind — a UNIQUE index on (lower(recipient_email), due_on, kind,
case_repeat), created in a hand-written migration — so a sweep that runs twice, or on two instances, never produces
a second digest for the same mailbox and day, however the address is capitalised. `case_repeat` is 0 on every row
the register writes; it exists for the rows queued before addresses were compared without case (see that
migration), which keep their history instead of failing the index.
"""

from __future__ import annotations

from piccolo.columns import JSON, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Notification(Table):
    id: Serial
    recipient_email = Varchar(length=254, null=False, default="")
    recipient_user_id = Integer(null=True, default=None, help_text="core user id of the recipient (no FK).")
    subject = Text(null=False, default="")
    body = Text(null=False, default="")
    officer_ids = JSON(null=False, default="[]", help_text="Every officer the message is about, e.g. [3, 7].")
    kind = Varchar(length=32, null=False, default="digest", help_text="digest is the main kind.")
    due_on = Date(null=False, default=None, index=True, help_text="The sweep day that produced it.")
    created_at = Timestamptz(null=False, default=TimestamptzNow())
    status = Varchar(
        length=16, null=False, default="pending", index=True,
        help_text="pending, sent or failed; 'sending' is an internal claim, read as pending.",
    )
    attempts = Integer(null=False, default=0, help_text="Failed SMTP attempts so far.")
    next_attempt_at = Timestamptz(null=True, default=None, help_text="Not retried before this; null: at once.")
    claimed_at = Timestamptz(null=True, default=None, help_text="When a deliverer claimed it ('sending').")
    sent_at = Timestamptz(null=True, default=None)
    last_error = Varchar(length=500, null=False, default="")
    case_repeat = Integer(
        null=False, default=0,
        help_text="0; a row queued before addresses were compared without case that repeats an earlier row's "
                  "mailbox, day and kind holds its own id, which sets it apart in the unique index.",
    )


class NotificationOfficer(Table):
    """One row per officer a notification is about: lets the outbox be filtered by officer on any engine."""

    id: Serial
    notification = ForeignKey(references=Notification, null=False, index=True, on_delete=OnDelete.cascade)
    officer_id = Integer(null=False, default=0, index=True, help_text="register officer id (no FK).")
