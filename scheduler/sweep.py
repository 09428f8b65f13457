"""The daily sweep: what is due on its day and not done yet — reminders, escalations, lapse notices, lapse events
and leavers' kit recovery — exactly once, however often it runs, whether days were missed, and with several app
instances at once (each trigger is claimed under a unique key; each recipient gets one digest a day). After missed
days it judges everything on its own day, with what is on record then, so every item it sends is true when sent.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from core.access import Principal, Role, require_role
from core.audit import record_audits
from core.clock import now_utc
from core.dates import long_date
from core.db import execute, long_running, write_transaction
from core.lifecycle import refresh_sqlite_statistics
from core.services import active_users_with_roles
from core.settings import get_settings
from register.kit.services import leavers_with_kit_out
from register.officers.employment import scoped_officer_ids
from scheduler import outlook
from scheduler.delivery import OutgoingMessage, deliver_pending, enqueue_each
from scheduler.facts import OfficerFacts
from scheduler.planning import early_starts
from scheduler.policy import Names, Policy
from scheduler.policy_store import load_catalogue
from scheduler.reminders import (
    Audience,
    Lapse,
    Reminder,
    StepKey,
    Trigger,
    due_reminders,
    find_lapses,
    may_warn_coordinators,
)
from scheduler.rules import compute_compliance, compute_plan
from scheduler.services import iter_facts
from scheduler.tables import LapseEvent, ReminderClaim, SweepRun

logger = logging.getLogger("csas.sweep")

# A sweep catches up on lapses since the previous successful sweep, at most this far back.
MAX_CATCH_UP_DAYS = 31
DIGEST = "digest"
DIGEST_BATCH = 200  # recipients whose digests are claimed and queued in one transaction
CLAIM_CHUNK = 1000  # rows per INSERT of claims or lapse events: well under every engine's parameter limit
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
    lapsed_officer_ids: list[int] = field(default_factory=list)  # one entry per power lapse counted in `lapses`


async def _catch_up_since(as_of: dt.date) -> dt.date:
    last = await SweepRun.select(SweepRun.as_of).where(
        (SweepRun.status == "succeeded") & (SweepRun.dry_run == 0) & (SweepRun.as_of < as_of)
    ).order_by(SweepRun.as_of, ascending=False).first()
    if last is None:
        return as_of
    previous: dt.date = last["as_of"]
    return max(previous + dt.timedelta(days=1), as_of - dt.timedelta(days=MAX_CATCH_UP_DAYS))


@dataclass(frozen=True)
class _Recipients:
    """Managers by team and coordinators by force: loaded once per sweep, so finding who hears about an officer
    grows with the officers, not officers x users."""

    managers_by_team: dict[int, list[Recipient]]
    coordinators_by_force: dict[int | None, list[Recipient]]

    def of(self, facts: OfficerFacts, audience: Audience) -> list[Recipient]:
        if audience is Audience.OFFICER:
            return [Recipient(facts.email, None, Audience.OFFICER)] if facts.email else []
        if audience is Audience.MANAGER:
            return self.managers_by_team.get(facts.team_id, []) if facts.team_id is not None else []
        if facts.employer.force_id is None:
            return []
        return self.coordinators_by_force.get(facts.employer.force_id, [])


async def _recipients() -> _Recipients:
    managers_by_team: dict[int, list[Recipient]] = defaultdict(list)
    for principal, email in await active_users_with_roles([Role.MANAGER]):
        if email:
            for team_id in principal.team_ids:
                managers_by_team[team_id].append(Recipient(email, principal.user_id, Audience.MANAGER))
    coordinators_by_force: dict[int | None, list[Recipient]] = defaultdict(list)
    for principal, email in await active_users_with_roles([Role.CSAS_COORDINATOR]):
        if email:
            coordinators_by_force[principal.force_id].append(
                Recipient(email, principal.user_id, Audience.COORDINATOR))
    return _Recipients(dict(managers_by_team), dict(coordinators_by_force))


def _one_per_mailbox(by_recipient: dict[Recipient, list[Reminder]]) -> dict[Recipient, list[Reminder]]:
    """Recipients whose addresses differ only in case (two accounts, or an account and an officer record) are one
    mailbox and get one digest, addressed as the first of them: a user account before an officer record."""
    mailboxes: dict[str, list[Recipient]] = defaultdict(list)
    for recipient in by_recipient:
        mailboxes[recipient.email.strip().lower()].append(recipient)
    merged: dict[Recipient, list[Reminder]] = {}
    for members in mailboxes.values():
        first = min(members, key=lambda r: (r.user_id is None, r.email, r.user_id or 0, r.audience.value))
        merged[first] = [reminder for member in members for reminder in by_recipient[member]]
    return merged


def _officer_link(recipient: Recipient, officer_id: int) -> str:
    path = "/me" if recipient.audience is Audience.OFFICER else f"/officers/{officer_id}"
    return get_settings().public_url + path


def _digest(as_of: dt.date, recipient: Recipient, reminders: list[Reminder]) -> OutgoingMessage:
    """One message listing each item once (the latest reminder about it), grouped by officer, each group with a
    link to the page where the reader acts."""
    latest: dict[tuple[int, str], Reminder] = {}
    for reminder in sorted(reminders, key=lambda r: r.trigger_on):
        latest[(reminder.officer_id, reminder.item)] = reminder
    items = list(latest.values())
    lapsed = any(r.trigger is Trigger.LAPSE for r in items)
    count = len(items)
    needing = "1 item needs" if count == 1 else f"{count} items need"
    subject = f"{'POWERS LAPSED - ' if lapsed else ''}CSAS Register: {needing} attention ({long_date(as_of)})"
    lines = [f"CSAS Register reminders for {as_of.strftime('%A')} {long_date(as_of)}."]
    officer_ids = sorted({r.officer_id for r in items})
    for officer_id in officer_ids:
        about = sorted((r for r in items if r.officer_id == officer_id),
                       key=lambda r: (r.trigger is not Trigger.LAPSE, r.line))
        lines += [""] + [f"- {r.line}" for r in about] + [f"  Open: {_officer_link(recipient, officer_id)}"]
    lines += ["", "You receive at most one message a day. Reminders stop as soon as each renewal is recorded."]
    return OutgoingMessage(recipient_email=recipient.email, recipient_user_id=recipient.user_id, subject=subject,
                           body="\n".join(lines), officer_ids=officer_ids, kind=DIGEST, due_on=as_of)


async def _record_lapses(lapses: list[Lapse]) -> list[int]:
    """Records each power's lapse once; returns the officer of each lapse newly recorded."""
    if not lapses:
        return []
    rows = [
        LapseEvent(key=f"{lapse.officer_id}|{code}|{lapse.lapsed_on.isoformat()}", officer_id=lapse.officer_id,
                   power_code=code, lapsed_on=lapse.lapsed_on, binding_kind=lapse.binding_kind,
                   binding_code=lapse.binding_code)
        for lapse in lapses for code in lapse.power_codes
    ]
    inserted: list[int] = []
    async with write_transaction():
        for start in range(0, len(rows), CLAIM_CHUNK):
            inserted += [r["officer_id"] for r in await LapseEvent.insert(*rows[start:start + CLAIM_CHUNK])
                         .on_conflict(target=(LapseEvent.key,), action="DO NOTHING").returning(LapseEvent.officer_id)]
    return inserted


def _claim_key(recipient: Recipient, reminder: Reminder) -> str:
    return f"{recipient.email}|{reminder.key}"[:255]


async def _send_digests(
    as_of: dt.date, batch: list[tuple[Recipient, list[Reminder]]]
) -> list[OutgoingMessage]:
    """Claims the reminders not yet handled and queues each recipient's digest, for a batch of recipients in one
    transaction (a transaction per recipient cost more than the work in it). Each trigger is claimed under its
    unique key, so another instance sweeping the same day gets none of these; a recipient who already has
    today's digest gets nothing more today, and their claims are given back for tomorrow's."""
    queued: list[OutgoingMessage] = []
    async with write_transaction():
        claims = sorted({_claim_key(recipient, r): ReminderClaim(
            key=_claim_key(recipient, r), officer_id=r.officer_id, recipient_email=recipient.email, due_on=as_of)
            for recipient, reminders in batch for r in reminders}.items())
        claimed: set[str] = set()
        for start in range(0, len(claims), CLAIM_CHUNK):
            rows = await ReminderClaim.insert(*(claim for _, claim in claims[start:start + CLAIM_CHUNK])) \
                .on_conflict(target=(ReminderClaim.key,), action="DO NOTHING").returning(ReminderClaim.key)
            claimed.update(row["key"] for row in rows)
        digests: list[tuple[OutgoingMessage, list[str]]] = []
        for recipient, reminders in batch:
            fresh = [r for r in reminders if _claim_key(recipient, r) in claimed]
            if not fresh:
                continue
            keys = sorted({_claim_key(recipient, r) for r in fresh})
            claimed.difference_update(keys)  # each claim goes to one digest (two users may share an address)
            digests.append((_digest(as_of, recipient, fresh), keys))
        ids = await enqueue_each([message for message, _ in digests])
        given_back: list[str] = []
        links: list[tuple[str, int]] = []
        for (message, keys), notification_id in zip(digests, ids, strict=True):
            if notification_id is None:  # today's digest is already taken: leave these reminders for tomorrow's
                given_back += keys
                continue
            queued.append(message)
            links += [(key, notification_id) for key in keys]
        await _link_claims(links)
        for start in range(0, len(given_back), CLAIM_CHUNK):
            await ReminderClaim.delete().where(ReminderClaim.key.is_in(given_back[start:start + CLAIM_CHUNK]))
    return queued


async def _link_claims(links: list[tuple[str, int]]) -> None:
    """Records the digest of each claim: one UPDATE per chunk, not one per digest (UPDATE ... FROM (VALUES ...)
    reads the same on SQLite and PostgreSQL)."""
    for start in range(0, len(links), CLAIM_CHUNK):
        chunk = links[start:start + CLAIM_CHUNK]
        values = ", ".join("(CAST({} AS VARCHAR), CAST({} AS INTEGER))" for _ in chunk)
        await execute(f'UPDATE "reminder_claim" SET "notification_id" = v.column2 FROM (VALUES {values}) AS v '
                      'WHERE "reminder_claim"."key" = v.column1', *(value for link in chunk for value in link))


def _judge(
    facts: OfficerFacts, since: dt.date, as_of: dt.date, policy: Policy, names: Names,
    early: dict[StepKey, dt.date] | None = None,
) -> tuple[list[Reminder], list[Lapse]]:
    """What is due for one officer on `as_of`, judged with what is on record that day (domain.md §8a): after
    missed days, each item once with its latest state (a step renewed meanwhile, or a lapse a known renewal
    prevents, says nothing), and each lapse since `since` that did happen."""
    lapses = find_lapses(facts, since, as_of, policy)
    steps = compute_plan(facts, as_of, policy)
    # Compliance matters for power warnings and for which lapsed powers are still unusable today: judged only when
    # something lapsed or some power could lapse within the window.
    compliance = compute_compliance(facts, as_of, policy) \
        if lapses or may_warn_coordinators(facts, as_of, policy) else None
    return due_reminders(facts, compliance, steps, lapses, as_of, policy, names, early), lapses


# Longer than any sweep takes (100,000 officers: minutes), shorter than the day between sweeps.
ABANDONED_AFTER = dt.timedelta(hours=6)


async def _mark_abandoned_runs(now: dt.datetime) -> None:
    """A process killed mid-sweep leaves its run 'running' for ever; scheduler health would show it so. Another
    instance may be sweeping right now, so only runs older than any sweep takes are called abandoned."""
    async with write_transaction():
        abandoned = await SweepRun.update({
            SweepRun.status: "abandoned", SweepRun.finished_at: now,
            SweepRun.error: "The process stopped before the sweep finished; a later run caught up.",
        }).where((SweepRun.status == "running") & (SweepRun.started_at < now - ABANDONED_AFTER)) \
            .returning(SweepRun.id)
        await record_audits(SWEEPER, "sweep_run.abandon", "sweep_run",
                            [(row["id"], {"status": "running"}, {"status": "abandoned"}) for row in abandoned])


@long_running  # batched, but a large register's catch-up may send statements longer than a request's bound
async def run_sweep(as_of: dt.date, dry_run: bool = False, now: dt.datetime | None = None) -> SweepResult:
    result = SweepResult(as_of=as_of, dry_run=dry_run)
    run_id = None
    if not dry_run:
        started = now or now_utc()
        await _mark_abandoned_runs(started)
        run_id = (await SweepRun.insert(SweepRun(as_of=as_of, started_at=started)).returning(SweepRun.id))[0]["id"]
    try:
        since = await _catch_up_since(as_of)
        catalogue = await load_catalogue()
        policy = catalogue.policy
        recipients = await _recipients()
        # Renewals the capacity plan, levelled today, asks to start this month, before their start-by month.
        early = await early_starts(as_of)
        by_recipient: dict[Recipient, list[Reminder]] = defaultdict(list)
        all_lapses: list[Lapse] = []
        # Officers are judged a batch at a time: the sweep holds what is due, never the whole force's facts.
        # Serving officers, and leavers whose kit is still to recover.
        officer_ids = sorted({*await scoped_officer_ids(SWEEPER, active_on=as_of),
                              *await leavers_with_kit_out(as_of)})
        async for batch in iter_facts(officer_ids, as_of, catalogue):
            for officer_facts in batch.values():
                reminders, lapses = _judge(officer_facts, since, as_of, policy, catalogue.names,
                                           early.get(officer_facts.officer_id))
                all_lapses += lapses
                for reminder in reminders:
                    for recipient in recipients.of(officer_facts, reminder.audience):
                        by_recipient[recipient].append(reminder)
            result.officers += len(batch)
        by_recipient = _one_per_mailbox(by_recipient)
        if dry_run:
            result.lapsed_officer_ids = [lapse.officer_id for lapse in all_lapses for _ in lapse.power_codes]
            result.lapses = len(result.lapsed_officer_ids)
            result.digests = [_digest_summary(_digest(as_of, r, rs)) for r, rs in by_recipient.items()]
            result.messages = len(result.digests)
            return result
        result.lapsed_officer_ids = await _record_lapses(all_lapses)
        result.lapses = len(result.lapsed_officer_ids)
        await outlook.forget_before(as_of)  # forecasts start today: older stored judgements serve none
        await refresh_sqlite_statistics()  # the register grows between starts: keep the planner's picture true
        ordered = sorted(by_recipient.items(), key=lambda item: item[0].email)
        for start in range(0, len(ordered), DIGEST_BATCH):
            for message in await _send_digests(as_of, ordered[start:start + DIGEST_BATCH]):
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


async def run_sweep_for(actor: Principal, as_of: dt.date, dry_run: bool, now: dt.datetime) -> SweepResult:
    """The sweep run on request. It runs for every force (it is the daily job, run early), but the answer shows a
    coordinator only their own force: the digests wholly about officers they may see, and counts of those."""
    require_role(actor, Role.CSAS_COORDINATOR, action="run the sweep")
    result = await run_sweep(as_of, dry_run=dry_run, now=now)
    if actor.is_admin:
        return result
    visible = frozenset(await scoped_officer_ids(actor, active_on=as_of))
    digests = [d for d in result.digests if d["officer_ids"] and visible.issuperset(d["officer_ids"])]
    lapsed = [officer_id for officer_id in result.lapsed_officer_ids if officer_id in visible]
    return replace(result, digests=digests, messages=len(digests), officers=len(visible), lapses=len(lapsed),
                   lapsed_officer_ids=lapsed)


def _digest_summary(message: OutgoingMessage) -> dict[str, Any]:
    return {"recipient_email": message.recipient_email, "subject": message.subject,
            "officer_ids": message.officer_ids, "body": message.body}

