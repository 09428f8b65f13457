"""The messages that carry a password link (core.accounts): written here and queued in the outbox, so they leave
by the reminders' own path (files without CSAS_SMTP_URL, SMTP with it, retried alike). Core cannot import the
outbox (core ← register ← scheduler), so `install()` hands core this sender; bootstrap.wire() calls it."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from core.accounts import LinkMail, LinkPurpose, install_link_sender
from core.dates import long_date
from core.settings import get_settings
from scheduler.delivery import OutgoingMessage, enqueue_each

KINDS = {LinkPurpose.RESET: "password_reset", LinkPurpose.INVITE: "invitation"}
PATHS = {LinkPurpose.RESET: "/password/reset/", LinkPurpose.INVITE: "/password/set/"}


def link_url(purpose: LinkPurpose, token: str) -> str:
    return get_settings().public_url + PATHS[purpose] + token


def compose(mail: LinkMail) -> OutgoingMessage:
    settings = get_settings()
    local = mail.expires_at.astimezone(ZoneInfo(settings.timezone))
    until = f"{local:%H:%M} on {long_date(local.date())}"
    url = link_url(mail.purpose, mail.token)
    if mail.purpose is LinkPurpose.INVITE:
        subject = "You have been given an account on the CSAS Register"
        lines = [f"An administrator has added you to the CSAS Register as '{mail.username}'.",
                 "", "Choose your password by following this link:", url, "",
                 f"The link works once, until {until}. If it has expired, ask your administrator for a new "
                 "invitation, or use 'Forgotten your password?' on the sign-in page."]
    else:
        subject = "Reset your CSAS Register password"
        lines = [f"Someone asked to reset the password of the CSAS Register account '{mail.username}'.",
                 "", "To choose a new password, follow this link:", url, "",
                 f"The link works once, until {until}.",
                 "If you did not ask, ignore this message: your password stays as it is."]
    return OutgoingMessage(
        recipient_email=mail.email, recipient_user_id=mail.user_id, subject=subject, body="\n".join(lines) + "\n",
        officer_ids=(), kind=KINDS[mail.purpose], due_on=local.date(),
        case_repeat=mail.link_id,  # each link its own message, however many a mailbox gets that day
    )


async def send_link(mail: LinkMail) -> None:
    """Queues the message inside the caller's transaction (the link's); delivery follows (scheduler.jobs)."""
    await enqueue_each([compose(mail)])


def install() -> None:
    install_link_sender(send_link)
