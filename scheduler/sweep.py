"""The daily sweep: everything due up to its day that is not done yet — reminders, escalations, lapse notices
and lapse events — exactly once, however often it runs, whether days were missed, and with several app
instances at once (each trigger is claimed under a unique key; each recipient gets one digest a day)."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from core.clock import now_utc
from core.dates import long_date
from core.db import write_transaction
from core.roles import Principal, Role
from core.services import active_users_with_roles
from register.employment import employment_facts, scoped_officer_ids
from scheduler.delivery import OutgoingMessage, deliver_pending, enqueue
from scheduler.facts import OfficerFacts
from scheduler.policy import Policy
from scheduler.policy_store import load_policy
from scheduler.reminders import Audience, Lapse, Reminder, Trigger, due_reminders, find_lapses, lapse_reminders
from scheduler.rules import compute_compliance, compute_plan
from scheduler.services import load_facts
from scheduler.tables import LapseEvent, ReminderClaim, SweepRun

logger = logging.getLogger("csas.sweep")

# A sweep catches up on lapses since the previous successful sweep, at most this far back.
MAX_CATCH_UP_DAYS = 31
DIGEST = "digest"
SWEEPER = Principal.system("sweep")


@dataclass(frozen=True)
class Recipient:
    email: str
    user_id: int | None
    audience: Audience


@dataclass
class SweepResult:
    as_of: dt.date
    dry_run: bool
    officers: int = 0
    lapses: int = 0
    messages: int = 0
    delivered: int = 0
    digests: list[dict[str, Any]] = field(default_factory=list)  # what was (or would be) queued


class _DigestTaken(Exception):
    """This recipient already has today's digest: leave the claims for tomorrow's."""


async def _catch_up_since(as_of: dt.date) -> dt.date:
    last = await SweepRun.select(SweepRun.as_of).where(
        (SweepRun.status == "succeeded") & (SweepRun.dry_run == 0) & (SweepRun.as_of < as_of)
    ).order_by(SweepRun.as_of, ascending=False).first()
    if last is None:
        return as_of
    previous: dt.date = last["as_of"]
    return max(previous + dt.timedelta(days=1), as_of - dt.timedelta(days=MAX_CATCH_UP_DAYS))


async def _recipients_by_officer(facts: dict[int, OfficerFacts]) -> dict[tuple[int, Audience], list[Recipient]]:
    people = await employment_facts(list(facts))
    managers = await active_users_with_roles([Role.MANAGER])
    coordinators = await active_users_with_roles([Role.CSAS_COORDINATOR])
    out: dict[tuple[int, Audience], list[Recipient]] = {}
    for officer_id, person in people.items():
        if person["email"]:
            out[(officer_id, Audience.OFFICER)] = [Recipient(person["email"], None, Audience.OFFICER)]
        out[(officer_id, Audience.MANAGER)] = [
            Recipient(email, p.user_id, Audience.MANAGER) for p, email in managers
            if person["team"] is not None and person["team"] in p.team_ids and email
        ]
        out[(officer_id, Audience.COORDINATOR)] = [
            Recipient(email, p.user_id, Audience.COORDINATOR) for p, email in coordinators
            if p.force_id == person["force_id"] and email
        ]
    return out


def _digest(as_of: dt.date, recipient: Recipient, reminders: list[Reminder]) -> OutgoingMessage:
    lapsed = any(r.trigger is Trigger.LAPSE for r in reminders)
    count = len(reminders)
    items = "1 item needs" if count == 1 else f"{count} items need"
    subject = f"{'POWERS LAPSED - ' if lapsed else ''}CSAS Register: {items} attention ({long_date(as_of)})"
    lines = [f"CSAS Register reminders for {as_of.strftime('%A')} {long_date(as_of)}.", ""]
    lines += [f"- {r.line}" for r in sorted(reminders, key=lambda r: (r.trigger is not Trigger.LAPSE, r.line))]
    lines += ["", "You receive at most one message a day. Reminders stop as soon as each renewal is recorded."]
    officer_ids = sorted({r.officer_id for r in reminders})
    return OutgoingMessage(recipient_email=recipient.email, recipient_user_id=recipient.user_id, subject=subject,
                           body="\n".join(lines), officer_ids=officer_ids, kind=DIGEST, due_on=as_of)


async def _record_lapses(lapses: list[Lapse]) -> int:
    if not lapses:
        return 0
    rows = [
        LapseEvent(key=f"{lapse.officer_id}|{code}|{lapse.lapsed_on.isoformat()}", officer_id=lapse.officer_id,
                   power_code=code, lapsed_on=lapse.lapsed_on, binding_kind=lapse.binding_kind,
                   binding_code=lapse.binding_code)
        for lapse in lapses for code in lapse.power_codes
    ]
    async with write_transaction():
        inserted = await LapseEvent.insert(*rows).on_conflict(target=(LapseEvent.key,), action="DO NOTHING") \
            .returning(LapseEvent.id)
    return len(inserted)


async def _send_digest(as_of: dt.date, recipient: Recipient, reminders: list[Reminder]) -> OutgoingMessage | None:
    """Claims the reminders not yet handled and queues them as today's digest, in one transaction."""
    try:
        async with write_transaction():
            claims = [
                ReminderClaim(key=f"{recipient.email}|{r.key}"[:255], officer_id=r.officer_id,
                              recipient_email=recipient.email, due_on=as_of)
                for r in reminders
            ]
            claimed = await ReminderClaim.insert(*claims).on_conflict(
                target=(ReminderClaim.key,), action="DO NOTHING").returning(ReminderClaim.key)
            claimed_keys = {row["key"] for row in claimed}
            fresh = [r for r in reminders if f"{recipient.email}|{r.key}"[:255] in claimed_keys]
            if not fresh:
                return None
            message = _digest(as_of, recipient, fresh)
            ids = await enqueue([message])
            if not ids:
                raise _DigestTaken
            await ReminderClaim.update({ReminderClaim.notification_id: ids[0]}).where(
                ReminderClaim.key.is_in(sorted(claimed_keys)))
            return message
    except _DigestTaken:
        return None


def _judge(facts: OfficerFacts, since: dt.date, as_of: dt.date, policy: Policy) -> tuple[list[Reminder], list[Lapse]]:
    """Everything due on each day from `since` to `as_of`, judged on what is known today (so anything renewed
    since is left out): a sweep after missed days hands over exactly what the daily sweeps would have."""
    lapses = find_lapses(facts, since, as_of, policy)
    reminders: dict[str, Reminder] = {}
    day = since
    while day <= as_of:
        compliance = compute_compliance(facts, day, policy)
        steps = compute_plan(facts, day, policy)
        for reminder in due_reminders(facts, compliance, steps, [], day, policy):
            reminders.setdefault(reminder.key, reminder)
        day += dt.timedelta(days=1)
    for lapse in lapses:
        for reminder in lapse_reminders(facts, lapse):
            reminders.setdefault(reminder.key, reminder)
    return list(reminders.values()), lapses


async def run_sweep(as_of: dt.date, dry_run: bool = False, now: dt.datetime | None = None) -> SweepResult:
    result = SweepResult(as_of=as_of, dry_run=dry_run)
    run_id = None
    if not dry_run:
        run_id = (await SweepRun.insert(SweepRun(as_of=as_of, started_at=now_utc())).returning(SweepRun.id))[0]["id"]
    try:
        since = await _catch_up_since(as_of)
        policy = await load_policy()
        facts = await load_facts(await scoped_officer_ids(SWEEPER, active_on=as_of), as_of)
        recipients = await _recipients_by_officer(facts)
        by_recipient: dict[Recipient, list[Reminder]] = defaultdict(list)
        all_lapses: list[Lapse] = []
        for officer_facts in facts.values():
            reminders, lapses = _judge(officer_facts, since, as_of, policy)
            all_lapses += lapses
            for reminder in reminders:
                for recipient in recipients.get((reminder.officer_id, reminder.audience), []):
                    by_recipient[recipient].append(reminder)
        result.officers = len(facts)
        if dry_run:
            result.lapses = sum(len(lapse.power_codes) for lapse in all_lapses)
            result.digests = [_digest_summary(_digest(as_of, r, rs)) for r, rs in by_recipient.items()]
            result.messages = len(result.digests)
            return result
        result.lapses = await _record_lapses(all_lapses)
        for recipient, reminders in sorted(by_recipient.items(), key=lambda item: item[0].email):
            message = await _send_digest(as_of, recipient, reminders)
            if message is not None:
                result.digests.append(_digest_summary(message))
        result.messages = len(result.digests)
        report = await deliver_pending(now or now_utc())
        result.delivered = report.sent
        await SweepRun.update({SweepRun.status: "succeeded", SweepRun.finished_at: now_utc(),
                               SweepRun.officers: result.officers, SweepRun.messages: result.messages,
                               SweepRun.lapses: result.lapses}).where(SweepRun.id == run_id)
        return result
    except Exception as exc:
        if run_id is not None:
            logger.exception("Sweep for %s failed", as_of)
            await SweepRun.update({SweepRun.status: "failed", SweepRun.finished_at: now_utc(),
                                   SweepRun.error: f"{type(exc).__name__}: {exc}"[:2000]}).where(SweepRun.id == run_id)
        raise


def _digest_summary(message: OutgoingMessage) -> dict[str, Any]:
    return {"recipient_email": message.recipient_email, "subject": message.subject,
            "officer_ids": message.officer_ids, "body": message.body}

