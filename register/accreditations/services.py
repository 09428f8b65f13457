"""Use cases for accreditations and designated powers. Every write: one transaction, an event and an audit entry.

Who may write: admin, and csas_coordinator for accreditations from their own force (the accrediting force), for
officers in their scope. Reads: anyone, for officers in their scope (register.scope).
Event dates: never before the accreditation's granted_on (422); never before the last state change (409
event_out_of_order): history only moves forwards.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from core.access import Principal, Role, require_role
from core.audit import record_audit
from core.dates import long_date
from core.db import write_transaction
from core.errors import Conflict, CoreErrorCode, Forbidden, NotFound, Violation, raise_if_violations
from register.accreditations.rules import (
    STATE_EVENTS,
    AccreditationDates,
    EventKind,
    Placement,
    check_accreditation,
    check_event_day,
    check_power_grant,
    check_reason,
    compute_accreditation_status,
    is_out_of_order,
    place_new_accreditation,
    suspension_periods,
)
from register.errors import RegisterErrorCode
from register.facts import is_accreditation_in_force, is_power_in_force
from register.officers.services import get_officer
from register.scope import Scope
from register.tables import Accreditation, AccreditationEvent, DesignatedPower, Force, Power

ACC_COLUMNS = (
    Accreditation.id, Accreditation.officer, Accreditation.force, Accreditation.number, Accreditation.granted_on,
    Accreditation.expires_on, Accreditation.conditions, Accreditation.suspended_on, Accreditation.withdrawn_on,
    Accreditation.ended_on, Accreditation.ended_reason,
)
LEFT_REASON = "officer left employer"


# --- loading ------------------------------------------------------------------------------------------

def _by_accreditation(rows: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        out[row["accreditation"]].append(row)
    return out


async def _events_by_accreditation(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    if not ids:
        return defaultdict(list)
    return _by_accreditation(await AccreditationEvent.select(
        AccreditationEvent.accreditation, AccreditationEvent.kind, AccreditationEvent.effective_on,
        AccreditationEvent.reason, AccreditationEvent.power_code, AccreditationEvent.actor,
        AccreditationEvent.recorded_at,
    ).where(AccreditationEvent.accreditation.is_in(ids)).order_by(AccreditationEvent.id))


async def _powers_by_accreditation(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    if not ids:
        return defaultdict(list)
    return _by_accreditation(await DesignatedPower.select(
        DesignatedPower.accreditation, DesignatedPower.power.code.as_alias("code"),
        DesignatedPower.power.title.as_alias("title"), DesignatedPower.granted_on, DesignatedPower.withdrawn_on,
        DesignatedPower.withdrawn_reason,
    ).where(DesignatedPower.accreditation.is_in(ids)).order_by(DesignatedPower.id))


def _dates(row: dict[str, Any], events: Iterable[dict[str, Any]]) -> AccreditationDates:
    return AccreditationDates(
        id=row["id"], granted_on=row["granted_on"], expires_on=row["expires_on"],
        withdrawn_on=row["withdrawn_on"], ended_on=row["ended_on"],
        suspensions=suspension_periods((e["kind"], e["effective_on"]) for e in events),
    )


def _view(row: dict[str, Any], events: list[dict[str, Any]], powers: list[dict[str, Any]],
          day: dt.date) -> dict[str, Any]:
    dates = _dates(row, events)
    in_force = is_accreditation_in_force(dates, day)
    return {
        "id": row["id"], "officer_id": row["officer"], "force_id": row["force"], "number": row["number"],
        "granted_on": row["granted_on"], "expires_on": row["expires_on"], "conditions": row["conditions"],
        "suspended_on": row["suspended_on"], "withdrawn_on": row["withdrawn_on"], "ended_on": row["ended_on"],
        "ended_reason": row["ended_reason"], "status": compute_accreditation_status(dates, day).value,
        "powers": [
            {"code": p["code"], "title": p["title"], "granted_on": p["granted_on"],
             "withdrawn_on": p["withdrawn_on"], "withdrawn_reason": p["withdrawn_reason"],
             "in_force": in_force and is_power_in_force(p["granted_on"], p["withdrawn_on"], day)}
            for p in powers
        ],
        "events": [
            {"kind": e["kind"], "on": e["effective_on"], "reason": e["reason"], "power_code": e["power_code"],
             "actor": e["actor"], "recorded_at": e["recorded_at"]}
            for e in events
        ],
    }


async def _views(rows: list[dict[str, Any]], day: dt.date) -> list[dict[str, Any]]:
    ids = [r["id"] for r in rows]
    events, powers = await _events_by_accreditation(ids), await _powers_by_accreditation(ids)
    return [_view(r, events[r["id"]], powers[r["id"]], day) for r in rows]


async def _load_row(accreditation_id: int) -> dict[str, Any]:
    row = await Accreditation.select(*ACC_COLUMNS).where(Accreditation.id == accreditation_id).first()
    if row is None:
        raise NotFound(RegisterErrorCode.ACCREDITATION_NOT_FOUND, f"No accreditation with id {accreditation_id}.")
    return row


async def _load_view(accreditation_id: int, day: dt.date) -> dict[str, Any]:
    return (await _views([await _load_row(accreditation_id)], day))[0]


async def get_accreditation(actor: Principal, accreditation_id: int, today: dt.date) -> dict[str, Any]:
    row = await _load_row(accreditation_id)
    await get_officer(actor, row["officer"])
    return (await _views([row], today))[0]


async def list_accreditations(
    actor: Principal, *, today: dt.date, officer_id: int | None = None, expiring_between: tuple[dt.date, dt.date]
    | None = None, limit: int | None = 50, offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """`limit=None`: every match (a work list must not silently stop at a page's end)."""
    clauses: list[Any] = [c for c in (Scope.of(actor).where(Accreditation.officer),) if c is not None]
    if officer_id is not None:
        clauses.append(Accreditation.officer == officer_id)
    if expiring_between is not None:
        clauses.append((Accreditation.expires_on >= expiring_between[0])
                       & (Accreditation.expires_on <= expiring_between[1]))
    query = Accreditation.select(*ACC_COLUMNS).order_by(Accreditation.officer) \
        .order_by(Accreditation.granted_on, ascending=False).order_by(Accreditation.id)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    count = Accreditation.count()
    if clauses:
        where = clauses[0]
        for clause in clauses[1:]:
            where = where & clause
        query, count = query.where(where), count.where(where)
    return await _views(await query, today), await count


async def list_for_officer(officer_id: int, today: dt.date) -> list[dict[str, Any]]:
    """Every accreditation of the officer, newest first (the caller has checked scope)."""
    rows = await Accreditation.select(*ACC_COLUMNS).where(Accreditation.officer == officer_id) \
        .order_by(Accreditation.granted_on, ascending=False).order_by(Accreditation.id, ascending=False)
    return await _views(rows, today)


# --- writing helpers ----------------------------------------------------------------------------------

async def _event(actor: Principal, accreditation_id: int, kind: EventKind, on: dt.date, reason: str = "",
                 power_code: str = "") -> None:
    await AccreditationEvent.insert(AccreditationEvent(
        accreditation=accreditation_id, kind=kind.value, effective_on=on, reason=reason, power_code=power_code,
        actor=actor.username, actor_user_id=actor.user_id,
    ))


async def _require_grantor(actor: Principal, force_id: int) -> None:
    require_role(actor, Role.CSAS_COORDINATOR, action="grant or change accreditations")
    if not actor.is_admin and actor.force_id != force_id:
        raise Forbidden(RegisterErrorCode.FORCE_OUT_OF_SCOPE,
                        "Coordinators act only for accreditations from their own force.")


async def _powers_for_codes(codes: list[str], field: str) -> list[dict[str, Any]]:
    """Known powers for the codes (422 unknown, 409 repealed), in the order given, without repeats."""
    unique = list(dict.fromkeys(codes))
    rows = await Power.select(Power.id, Power.code, Power.in_force).where(Power.code.is_in(unique)) \
        if unique else []
    by_code = {r["code"]: r for r in rows}
    unknown = [c for c in unique if c not in by_code]
    raise_if_violations([Violation(RegisterErrorCode.UNKNOWN_POWER,
                                   f"No power with code '{c}'.", field) for c in unknown])
    repealed = [c for c in unique if not by_code[c]["in_force"]]
    if repealed:
        raise Conflict(RegisterErrorCode.POWER_REPEALED,
                       f"Repealed powers cannot be designated: {', '.join(repealed)}.",
                       [Violation(RegisterErrorCode.POWER_REPEALED, f"{c} is repealed.", field) for c in repealed])
    return [by_code[c] for c in unique]


async def _officer_dates(officer_id: int, force_id: int | None = None) -> list[AccreditationDates]:
    where: Any = Accreditation.officer == officer_id
    if force_id is not None:
        where = where & (Accreditation.force == force_id)
    rows = await Accreditation.select(*ACC_COLUMNS).where(where).order_by(Accreditation.id)
    events = await _events_by_accreditation([r["id"] for r in rows])
    return [_dates(r, events[r["id"]]) for r in rows]


# --- granting and renewing ----------------------------------------------------------------------------

async def grant_accreditation(
    actor: Principal,
    *,
    officer_id: int,
    force_id: int,
    number: str,
    granted_on: dt.date,
    expires_on: dt.date,
    power_codes: list[str],
    conditions: str,
    today: dt.date,
) -> dict[str, Any]:
    """A new accreditation. If one from the same force is in force on granted_on, this renews it: the old one
    ends that day ("superseded by <number>") and, when power_codes is empty, its current powers carry over."""
    require_role(actor, Role.CSAS_COORDINATOR, action="grant accreditations")
    officer = await get_officer(actor, officer_id)
    if not await Force.exists().where(Force.id == force_id):
        raise_if_violations([Violation(RegisterErrorCode.UNKNOWN_FORCE, f"No force with id {force_id}.", "force_id")])
    await _require_grantor(actor, force_id)
    raise_if_violations(check_accreditation(number, granted_on, expires_on, conditions))
    if granted_on < officer["started_on"]:
        raise_if_violations([Violation(CoreErrorCode.DATE_ORDER, "granted_on cannot be before the officer started.",
                                       "granted_on")])
    if officer["left_on"] is not None and officer["left_on"] <= granted_on:
        raise Conflict(RegisterErrorCode.OFFICER_ALREADY_LEFT,
                       f"The officer left on {long_date(officer['left_on'])}.")
    powers = await _powers_for_codes(power_codes, "power_codes")
    async with write_transaction():
        placement, other = place_new_accreditation(await _officer_dates(officer_id, force_id), granted_on,
                                                   expires_on)
        if placement is Placement.OVERLAP:
            assert other is not None
            raise Conflict(RegisterErrorCode.ACCREDITATION_OVERLAP,
                           f"Accreditation {other.id} from this force overlaps these dates; only one can be in "
                           "force at a time.")
        if placement is Placement.RENEW_SUSPENDED:
            raise Conflict(RegisterErrorCode.ACCREDITATION_SUSPENDED,
                           "The accreditation this would renew is suspended: reinstate or withdraw it first.")
        new_id = (await Accreditation.insert(Accreditation(
            officer=officer_id, force=force_id, number=number.strip(), granted_on=granted_on,
            expires_on=expires_on, conditions=conditions, recorded_on=today,
        )).returning(Accreditation.id))[0]["id"]
        reason = ""
        if placement is Placement.RENEWAL and other is not None:
            old = await _load_row(other.id)
            reason = f"renewal of {old['number']}"
            if not powers:
                carried = await DesignatedPower.select(
                    DesignatedPower.power.as_alias("id"), DesignatedPower.power.code.as_alias("code"),
                    DesignatedPower.granted_on, DesignatedPower.withdrawn_on,
                ).where(DesignatedPower.accreditation == other.id).order_by(DesignatedPower.id)
                powers = [p for p in carried if is_power_in_force(p["granted_on"], p["withdrawn_on"], granted_on)]
            await _end(actor, old, granted_on, f"superseded by {number.strip()}")
        await _event(actor, new_id, EventKind.GRANTED, granted_on, reason)
        for power in powers:
            await DesignatedPower.insert(DesignatedPower(accreditation=new_id, power=power["id"],
                                                         granted_on=granted_on))
            await _event(actor, new_id, EventKind.POWER_GRANTED, granted_on, "", power["code"])
        after = await _load_view(new_id, today)
        await record_audit(actor, "accreditation.renew" if reason else "accreditation.grant", "accreditation",
                           new_id, None, after)
    return after


async def _end(actor: Principal, row: dict[str, Any], on: dt.date, reason: str) -> None:
    """Ends an accreditation (superseded or officer left), inside the caller's transaction."""
    await Accreditation.update({Accreditation.ended_on: on, Accreditation.ended_reason: reason}) \
        .where(Accreditation.id == row["id"])
    await _event(actor, row["id"], EventKind.ENDED, on, reason)
    await record_audit(actor, "accreditation.end", "accreditation", row["id"], row,
                       {**row, "ended_on": on, "ended_reason": reason})


# --- state changes ------------------------------------------------------------------------------------

async def _prepare_change(actor: Principal, accreditation_id: int, on: dt.date, reason: str | None
                          ) -> tuple[dict[str, Any], AccreditationDates, list[dict[str, Any]]]:
    """Loads, checks scope and input (422), and refuses changes to a withdrawn or ended accreditation (409).
    With reason None (designating a power) the day is checked by the caller."""
    row = await _load_row(accreditation_id)
    await get_officer(actor, row["officer"])
    await _require_grantor(actor, row["force"])
    violations: list[Violation] = []
    if reason is not None:
        violations = check_event_day(row["granted_on"], on) + check_reason(reason)
    raise_if_violations(violations)
    events = (await _events_by_accreditation([row["id"]]))[row["id"]]
    dates = _dates(row, events)
    if dates.is_closed:
        state = "withdrawn" if row["withdrawn_on"] is not None else "ended"
        raise Conflict(RegisterErrorCode.ACCREDITATION_CLOSED, f"The accreditation is {state}: it cannot change.")
    return row, dates, events


def _require_in_order(events: list[dict[str, Any]], on: dt.date) -> None:
    last = max((e["effective_on"] for e in events if e["kind"] in STATE_EVENTS), default=None)
    if is_out_of_order(last, on):
        assert last is not None
        raise Conflict(RegisterErrorCode.EVENT_OUT_OF_ORDER,
                       f"The last change took effect on {long_date(last)}; history cannot run backwards.")


async def suspend_accreditation(actor: Principal, accreditation_id: int, on: dt.date, reason: str,
                                today: dt.date) -> dict[str, Any]:
    async with write_transaction():
        row, dates, events = await _prepare_change(actor, accreditation_id, on, reason)
        if dates.is_suspended_now:
            raise Conflict(RegisterErrorCode.ALREADY_SUSPENDED,
                           f"The accreditation is already suspended (since {row['suspended_on']}).")
        _require_in_order(events, on)
        await Accreditation.update({Accreditation.suspended_on: on}).where(Accreditation.id == row["id"])
        await _event(actor, row["id"], EventKind.SUSPENDED, on, reason)
        after = await _load_view(row["id"], today)
        await record_audit(actor, "accreditation.suspend", "accreditation", row["id"], row, after)
    return after


async def reinstate_accreditation(actor: Principal, accreditation_id: int, on: dt.date, reason: str,
                                  today: dt.date) -> dict[str, Any]:
    async with write_transaction():
        row, dates, events = await _prepare_change(actor, accreditation_id, on, reason)
        if not dates.is_suspended_now:
            raise Conflict(RegisterErrorCode.NOT_SUSPENDED, "The accreditation is not suspended.")
        _require_in_order(events, on)
        await Accreditation.update({Accreditation.suspended_on: None}).where(Accreditation.id == row["id"])
        await _event(actor, row["id"], EventKind.REINSTATED, on, reason)
        after = await _load_view(row["id"], today)
        await record_audit(actor, "accreditation.reinstate", "accreditation", row["id"], row, after)
    return after


async def end_by_withdrawal(actor: Principal, accreditation_id: int, on: dt.date, reason: str,
                            today: dt.date) -> dict[str, Any]:
    """The accreditation's part of withdrawing it from `on`. The use case is register.leaving's
    withdraw_accreditation, which also opens recovery of the ID card and badge in the same transaction."""
    async with write_transaction():
        row, _dates_now, events = await _prepare_change(actor, accreditation_id, on, reason)
        _require_in_order(events, on)
        await Accreditation.update({Accreditation.withdrawn_on: on}).where(Accreditation.id == row["id"])
        await _event(actor, row["id"], EventKind.WITHDRAWN, on, reason)
        after = await _load_view(row["id"], today)
        await record_audit(actor, "accreditation.withdraw", "accreditation", row["id"], row, after)
    return after


async def designate_power(actor: Principal, accreditation_id: int, code: str, granted_on: dt.date,
                          today: dt.date) -> dict[str, Any]:
    async with write_transaction():
        row, dates, _events = await _prepare_change(actor, accreditation_id, granted_on, None)
        raise_if_violations(check_power_grant(dates, granted_on))
        power = (await _powers_for_codes([code], "code"))[0]
        if await DesignatedPower.exists().where(
            (DesignatedPower.accreditation == row["id"]) & (DesignatedPower.power == power["id"])
            & DesignatedPower.withdrawn_on.is_null()
        ):
            raise Conflict(RegisterErrorCode.POWER_ALREADY_DESIGNATED, f"{code} is already designated.")
        await DesignatedPower.insert(DesignatedPower(accreditation=row["id"], power=power["id"],
                                                     granted_on=granted_on))
        await _event(actor, row["id"], EventKind.POWER_GRANTED, granted_on, "", code)
        after = await _load_view(row["id"], today)
        await record_audit(actor, "accreditation.power_grant", "accreditation", row["id"], row, after)
    return after


async def withdraw_power(actor: Principal, accreditation_id: int, code: str, on: dt.date, reason: str,
                         today: dt.date) -> dict[str, Any]:
    async with write_transaction():
        row, _dates_now, _events = await _prepare_change(actor, accreditation_id, on, reason)
        current = await DesignatedPower.select(DesignatedPower.id, DesignatedPower.granted_on).where(
            (DesignatedPower.accreditation == row["id"]) & (DesignatedPower.power.code == code)
            & DesignatedPower.withdrawn_on.is_null()
        ).first()
        if current is None:
            raise Conflict(RegisterErrorCode.POWER_NOT_DESIGNATED, f"{code} is not currently designated.")
        if on < current["granted_on"]:
            raise_if_violations([Violation(CoreErrorCode.DATE_ORDER, "on cannot be before the power was granted "
                                           f"({long_date(current['granted_on'])}).", "on")])
        await DesignatedPower.update({DesignatedPower.withdrawn_on: on, DesignatedPower.withdrawn_reason: reason}) \
            .where(DesignatedPower.id == current["id"])
        await _event(actor, row["id"], EventKind.POWER_WITHDRAWN, on, reason, code)
        after = await _load_view(row["id"], today)
        await record_audit(actor, "accreditation.power_withdraw", "accreditation", row["id"], row, after)
    return after


async def has_accreditation_in_force(officer_id: int, day: dt.date) -> bool:
    return any(is_accreditation_in_force(d, day) for d in await _officer_dates(officer_id))


# --- leaving (called inside register.leaving.record_leaving's transaction) ----------------------------

async def end_for_leaving(actor: Principal, officer_id: int, left_on: dt.date) -> int:
    """Ends every accreditation of the officer not already over by left_on. Returns how many ended."""
    rows = await Accreditation.select(*ACC_COLUMNS).where(
        (Accreditation.officer == officer_id) & Accreditation.withdrawn_on.is_null()
        & Accreditation.ended_on.is_null() & (Accreditation.expires_on > left_on)
    ).order_by(Accreditation.id)
    for row in rows:
        await _end(actor, row, left_on, LEFT_REASON)
    return len(rows)
