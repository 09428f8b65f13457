"""The token an ID card's QR code carries (issue 20): bound to one ID card issue, made when the card is first
printed, the same on every re-print, and void once that card is returned (whatever its condition: returned, lost)
or replaced by a newer ID card issue. Whether the officer may use powers is the scheduler's judgement, not this.

The kit type of the card is the caller's (the scheduler's policy names it: `Policy.id_card_kit_type`), since the
register cannot read the scheduler's policy.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from core.access import Principal, Role, require_role
from core.audit import record_audit
from core.db import execute, is_unique_violation, select_rows, write_transaction
from core.settings import get_settings
from register.officers.services import get_officer
from register.tables import CardToken

PRINT_ROLES = (Role.CSAS_COORDINATOR, Role.HR, Role.MANAGER)
# 16 random bytes: 128 bits, 22 characters, a short URL and so a small, easily scanned QR code.
TOKEN_BYTES = 16
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")

_CARDS_SQL = (
    'SELECT k."id", k."officer", k."issued_on", k."serial_number", k."expires_on", k."returned_on", k."condition" '
    'FROM "kit_issue" k JOIN "kit_type" t ON t."id" = k."kit_type" WHERE k."officer" = {} AND t."code" = {} '
    'ORDER BY k."issued_on" DESC, k."id" DESC'
)
_TOKEN_SQL = (
    'SELECT c."kit_issue", k."officer", t."code" AS "kit_type_code" FROM "card_token" c '
    'JOIN "kit_issue" k ON k."id" = c."kit_issue" JOIN "kit_type" t ON t."id" = k."kit_type" WHERE c."token" = {}'
)
# Every look-up counted by day, valid or not; who asked is never recorded (nor which card).
_COUNT_SQL = (
    'INSERT INTO "card_check_day" ("day", "checks", "not_valid") VALUES ({}, 1, {}) ON CONFLICT ("day") '
    'DO UPDATE SET "checks" = "card_check_day"."checks" + 1, '
    '"not_valid" = "card_check_day"."not_valid" + excluded."not_valid"'
)


def verify_url(token: str) -> str:
    """What the card's QR code encodes: the public check at the address people reach the register at."""
    return f"{get_settings().public_url}/verify/{token}"


def is_current(card: dict[str, Any]) -> bool:
    """The newest ID card issue of its officer (the caller passes the newest), still out: a returned card is void
    whatever the condition it came back in, and one returned as lost is returned."""
    return card["returned_on"] is None and card["condition"] != "lost"


async def current_card(officer_id: int, card_type: str) -> dict[str, Any] | None:
    """The officer's current ID card issue: the newest one, unless it is back (then none is current)."""
    rows = await select_rows(_CARDS_SQL, officer_id, card_type)
    return rows[0] if rows and is_current(rows[0]) else None


async def card_token(actor: Principal, officer_id: int, card_type: str) -> tuple[dict[str, Any], str] | None:
    """The current card and its token, made (and audited) the first time the card is printed; None when the
    officer holds no ID card on the register (the card then prints without a QR code, and says so)."""
    require_role(actor, *PRINT_ROLES, action="print ID cards")
    await get_officer(actor, officer_id)
    card = await current_card(officer_id, card_type)
    if card is None:
        return None
    found = await CardToken.select(CardToken.token).where(CardToken.kit_issue == card["id"]).first()
    if found is not None:
        return card, str(found["token"])
    token = secrets.token_urlsafe(TOKEN_BYTES)
    try:
        async with write_transaction():
            await CardToken.insert(CardToken(kit_issue=card["id"], token=token))
            # The token itself stays out of the audit log: it is on the card, which is enough.
            await record_audit(actor, "card_token.create", "kit_issue", card["id"], None,
                               {"officer_id": officer_id, "serial_number": card["serial_number"]})
    except Exception as exc:
        if not is_unique_violation(exc):
            raise
        # Two prints of a new card at once: the other made the token first, and both cards carry it.
        found = await CardToken.select(CardToken.token).where(CardToken.kit_issue == card["id"]).first()
        if found is None:
            raise
        token = str(found["token"])
    return card, token


async def card_for_token(token: str) -> dict[str, Any] | None:
    """The card issue the token names while it is its officer's current ID card; None for a malformed, unknown or
    void token alike (the caller must answer them all the same way)."""
    if not _TOKEN_SHAPE.fullmatch(token):
        return None
    rows = await select_rows(_TOKEN_SQL, token)
    if not rows:
        return None
    card = await current_card(rows[0]["officer"], rows[0]["kit_type_code"])
    return card if card is not None and card["id"] == rows[0]["kit_issue"] else None


async def count_check(day: dt.date, valid: bool) -> None:
    async with write_transaction():
        await execute(_COUNT_SQL, day, 0 if valid else 1)


async def checks_on(day: dt.date) -> tuple[int, int]:
    """(look-ups, of which not valid) counted on `day`."""
    rows = await select_rows('SELECT "checks", "not_valid" FROM "card_check_day" WHERE "day" = {}', day)
    return (int(rows[0]["checks"]), int(rows[0]["not_valid"])) if rows else (0, 0)
