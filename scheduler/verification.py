"""The public answer to "may the holder of this card use powers today?" (issue 20, GET /verify/{token}).

The judgement is compute_compliance's, from the officer's facts as every other page reads them; this module only
says it in the public's words and shows nothing else: the name as on the card, the employer, the force, the card's
serial and expiry, the verdict and the powers usable today by their catalogue titles. Never vetting, training or
notes. Unknown, malformed and void tokens (the card returned, lost or replaced) all get NOT_VALID, the same answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from register.accreditations import services as accreditations
from register.accreditations.rules import AccreditationStatus
from register.facts import is_accreditation_in_force
from register.kit import cards
from register.officers import services as officers
from register.officers.photos import has_photo, photo_jpeg
from scheduler.facts import OfficerFacts
from scheduler.kinds import Kind
from scheduler.policy_store import load_catalogue
from scheduler.rules import Compliance, compute_compliance
from scheduler.services import load_facts


class Reason(StrEnum):
    """Why the holder may not use powers today, in the public's words."""

    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    LEFT = "left"
    CARD_NOT_VALID = "card no longer valid"
    NOT_ACCREDITED = "not accredited"


@dataclass(frozen=True)
class PowerTitle:
    code: str
    title: str


@dataclass(frozen=True)
class Verdict:
    valid: bool
    name: str | None = None
    employer: str | None = None
    force: str | None = None
    card_serial: str | None = None
    card_expires_on: dt.date | None = None
    accredited_today: bool = False
    reason: Reason | None = None
    powers: tuple[PowerTitle, ...] = ()
    asked: str | None = None  # ?power=CODE, as asked
    asked_title: str | None = None  # its catalogue title; None for a code the catalogue does not know
    asked_usable: bool = False
    has_photo: bool = False  # the page shows it (from card_photo); the JSON answer carries no photograph

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "valid": self.valid, "name": self.name, "employer": self.employer, "force": self.force,
            "card_serial": self.card_serial,
            "card_expires_on": self.card_expires_on.isoformat() if self.card_expires_on else None,
            "accredited_today": self.accredited_today,
        }
        if self.reason is not None:
            body["reason"] = self.reason.value
        body["powers"] = [{"code": p.code, "title": p.title} for p in self.powers]
        if self.asked is not None:
            body["power"] = {"code": self.asked, "usable": self.asked_usable}
        return body


def not_valid(asked: str | None = None) -> Verdict:
    """The one answer for every token that names no current card: nothing about why, or whose."""
    return Verdict(valid=False, reason=Reason.CARD_NOT_VALID, asked=asked)


_STATUS_REASON = {
    AccreditationStatus.SUSPENDED: Reason.SUSPENDED,
    AccreditationStatus.WITHDRAWN: Reason.WITHDRAWN,
    AccreditationStatus.EXPIRED: Reason.EXPIRED,
    AccreditationStatus.NOT_YET_IN_FORCE: Reason.NOT_ACCREDITED,
}


def compute_reason(compliance: Compliance, facts: OfficerFacts, latest_status: AccreditationStatus | None,
                   day: dt.date) -> Reason:
    """Why no power is usable on `day`, from the judgement's blockers and the latest accreditation's status.
    Blockers the public must not be told the detail of (vetting, training) are an expiry of something the
    accreditation needs; an employer whose scheme arrangement is not in force had it withdrawn."""
    kinds = {blocker.kind for power in compliance.powers for blocker in power.blocked_by}
    if Kind.OFFICER in kinds or (facts.left_on is not None and facts.left_on <= day):
        return Reason.LEFT
    if latest_status is None:
        return Reason.NOT_ACCREDITED
    if latest_status in _STATUS_REASON:
        return _STATUS_REASON[latest_status]
    if latest_status is AccreditationStatus.ENDED:
        return Reason.EXPIRED
    if Kind.EMPLOYER in kinds or not compliance.powers:  # no powers left designated: they were withdrawn
        return Reason.WITHDRAWN
    if Kind.KIT in kinds:
        return Reason.CARD_NOT_VALID
    return Reason.EXPIRED


async def verify_card(token: str, day: dt.date, power: str | None = None) -> Verdict:
    """The answer for the card whose QR code carries `token`, on `day`; every look-up is counted (by day only)."""
    catalogue = await load_catalogue()
    card = await cards.card_for_token(token)
    await cards.count_check(day, valid=card is not None)
    if card is None:
        return not_valid(power)
    facts = (await load_facts([card["officer"]], day, catalogue))[card["officer"]]
    compliance = compute_compliance(facts, day, catalogue.policy)
    usable = [p.code for p in compliance.powers if p.usable]
    reason: Reason | None = None
    if not usable:
        history = await accreditations.list_for_officer(card["officer"], day)
        granted = [a for a in history if a["granted_on"] <= day]  # newest first
        reason = compute_reason(compliance, facts, AccreditationStatus(granted[0]["status"]) if granted else None,
                                day)
    elif card["expires_on"] is not None and card["expires_on"] <= day:
        # Renewed without a gap, the judgement still allows the powers, but this card's date has passed: the holder
        # must show the new card, and the public cannot be asked to accept an expired one.
        reason, usable = Reason.CARD_NOT_VALID, []
    in_force = [a for a in facts.accreditations if is_accreditation_in_force(a, day)]
    force_id = in_force[-1].force_id if in_force else facts.employer.force_id
    force = await officers.get_force(force_id) if force_id else None
    names = catalogue.names
    return Verdict(
        valid=True, name=facts.name, employer=facts.employer.name, force=force["name"] if force else None,
        card_serial=card["serial_number"], card_expires_on=card["expires_on"], accredited_today=bool(usable),
        reason=reason, powers=tuple(PowerTitle(code, names.power(code)) for code in usable),
        asked=power, asked_title=names.powers.get(power) if power is not None else None,
        asked_usable=power in usable, has_photo=await has_photo(card["officer"]),
    )


async def card_photo(token: str) -> bytes | None:
    """The photo of the holder of the card `token` names, for the page beside its verdict: None for a token that
    names no current card (as for an officer with no photo), so the photo's address is no oracle either. Not
    counted as a look-up: it is part of the page's one."""
    card = await cards.card_for_token(token)
    return await photo_jpeg(card["officer"]) if card is not None else None
