"""Issue 6's acceptance scenario: a year of sweeps over the 2018-style team. Every reminder, escalation and lapse
notice arrives on the right day, to the right people, exactly once; reminders stop once renewals are recorded;
the same holds when the sweep runs only on some days and when two sweeps run at once."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter

from httpx import AsyncClient

from scheduler.outbox_tables import Notification
from scheduler.sweep import run_sweep
from scheduler.tables import LapseEvent, ReminderClaim
from tests.db import reset_database
from tests.scheduler.scenario import (
    ACCREDITATION_EXPIRES,
    CORE_EXPIRES,
    VETTING_EXPIRES,
    YEAR_END,
    YEAR_START,
    D,
    Team,
    build_team,
    grant_clearance,
    submit_renewal,
)

DAY = dt.timedelta(days=1)
RENEW_VETTING_ON = D(2025, 3, 10)  # officers 1 and 2 submit their vetting renewal
BOOK_REFRESHER_ON = D(2025, 3, 20)  # officers 1 and 2 book the CSAS refresher


async def record_renewals(client: AsyncClient, team: Team, day: dt.date) -> None:
    """What HR does for officers 1 and 2 (and only them): the others are left to lapse, as in 2018."""
    renewing = team.officer_ids[:2]
    auth = team.world.auth("hr")
    for officer_id in renewing:
        if day == RENEW_VETTING_ON:
            await submit_renewal(client, team, officer_id, day)
        if day == BOOK_REFRESHER_ON:
            response = await client.post("/api/training/bookings", headers=auth, json={
                "officer_id": officer_id, "module_code": "CSAS_CORE", "starts_on": "2025-05-12",
                "provider": "Police CPI"})
            assert response.status_code == 201, response.text
        if day == D(2025, 5, 12):
            response = await client.post("/api/training/records", headers=auth, json={
                "officer_id": officer_id, "module_code": "CSAS_CORE", "completed_on": "2025-05-12",
                "result": "pass", "provider": "Police CPI"})
            assert response.status_code == 201, response.text
        if day == D(2025, 6, 2):
            team.clearance_ids[officer_id] = await grant_clearance(client, team, officer_id, D(2025, 3, 10),
                                                                   D(2025, 6, 2), renews=team.clearance_ids[officer_id])
        if day == D(2025, 8, 15):
            response = await client.post("/api/accreditations", headers=team.world.auth("coordinator"), json={
                "officer_id": officer_id, "force_id": team.force_id, "number": f"SUR-CSAS-R{officer_id}",
                "granted_on": "2025-08-15", "expires_on": "2028-08-15", "power_codes": []})
            assert response.status_code == 201, response.text
            response = await client.post("/api/kit/issues", headers=auth, json={
                "officer_id": officer_id, "kit_type_code": "ID_CARD", "issued_on": "2025-08-15",
                "serial_number": f"SUR-ID-R{officer_id}"})
            assert response.status_code == 201, response.text


async def replay(client: AsyncClient, sweep_days: set[dt.date] | None = None, concurrent: bool = False) -> Team:
    team = await build_team(client)
    day = YEAR_START
    while day <= YEAR_END:
        await record_renewals(client, team, day)
        if sweep_days is None or day in sweep_days:
            if concurrent:
                await asyncio.gather(run_sweep(day), run_sweep(day))
            else:
                await run_sweep(day)
        day += DAY
    return team


async def digests(email: str) -> list[dict]:
    return await Notification.select(Notification.due_on, Notification.body, Notification.officer_ids,
                                      Notification.status) \
        .where(Notification.recipient_email == email).order_by(Notification.due_on)


async def claim_keys() -> list[str]:
    return [row["key"] for row in await ReminderClaim.select(ReminderClaim.key)]


def weekly(first: dt.date, before: dt.date) -> list[dt.date]:
    out, day = [], first
    while day < before:
        out.append(day)
        day += dt.timedelta(days=7)
    return out


async def test_a_year_of_daily_sweeps(client: AsyncClient) -> None:
    team = await replay(client)
    lapsing, renewing = team.officer_ids[2:], team.officer_ids[:2]

    # The officers who never renew: told when each step opens, 14 and 1 days before each expiry, and on the lapse.
    expected_officer_days = sorted({
        D(2025, 2, 2), VETTING_EXPIRES - 14 * DAY, VETTING_EXPIRES - DAY,  # vetting (lead 180)
        D(2025, 3, 3), CORE_EXPIRES - 14 * DAY, CORE_EXPIRES - DAY,  # CSAS refresher (lead 120)
        D(2025, 7, 3), ACCREDITATION_EXPIRES - 14 * DAY, ACCREDITATION_EXPIRES - DAY,  # re-accreditation (lead 60)
        CORE_EXPIRES,  # the lapse notice: CSAS_CORE binds first
    })
    for officer_id in lapsing:
        got = [d["due_on"] for d in await digests(team.emails[officer_id])]
        assert got == expected_officer_days  # each on its day, one message a day, nothing else
        lapse_day = [d for d in await digests(team.emails[officer_id]) if "LAPSED" in d["body"]]
        assert [d["due_on"] for d in lapse_day] == [CORE_EXPIRES]

    # Reminders stop as soon as renewals are recorded: no vetting reminder after the renewal was submitted,
    # no refresher reminder after the booking, and no lapse at all for the two who renewed everything.
    for officer_id in renewing:
        bodies = await digests(team.emails[officer_id])
        assert not any("vetting" in d["body"] and d["due_on"] > RENEW_VETTING_ON for d in bodies)
        assert not any("CSAS accreditation course" in d["body"] and d["due_on"] > BOOK_REFRESHER_ON for d in bodies)
        assert not any("LAPSED" in d["body"] for d in bodies)
    assert await LapseEvent.count().where(LapseEvent.officer_id.is_in(renewing)) == 0

    # The manager hears once a step is overdue (14 days after it should have started), then weekly.
    manager_days = {d["due_on"] for d in await digests(team.manager_email)}
    assert set(weekly(D(2025, 2, 17), VETTING_EXPIRES)) <= manager_days
    assert set(weekly(D(2025, 3, 18), CORE_EXPIRES)) <= manager_days
    assert D(2025, 2, 16) not in manager_days
    assert CORE_EXPIRES in manager_days  # lapse notice

    # Coordinators: 30 days before powers become unusable, and on the day (the lapse notice).
    coordinator = await digests(team.coordinator_email)
    warnings = [d["due_on"] for d in coordinator if "become unusable" in d["body"]]
    assert CORE_EXPIRES - 30 * DAY in warnings
    assert [d["due_on"] for d in coordinator if "LAPSED" in d["body"]] == [CORE_EXPIRES]

    # Lapse events recorded once per officer and power, on the day.
    lapses = await LapseEvent.select(LapseEvent.officer_id, LapseEvent.power_code, LapseEvent.lapsed_on)
    assert sorted((r["officer_id"], r["power_code"]) for r in lapses) == sorted(
        (o, p) for o in lapsing for p in ("FPN_LITTER", "NA_ASB"))
    assert {r["lapsed_on"] for r in lapses} == {CORE_EXPIRES}

    # Everything was delivered (no SMTP in tests: .eml files) and re-running every day sends nothing new.
    assert await Notification.count().where(Notification.status != "sent") == 0
    before = await Notification.count()
    for day in (D(2025, 3, 3), CORE_EXPIRES, YEAR_END):
        await run_sweep(day)
    assert await Notification.count() == before


async def test_sweeps_on_only_some_days_and_two_instances_send_the_same_once(client: AsyncClient) -> None:
    daily = await replay(client)
    daily_claims = Counter(await claim_keys())
    daily_lapses = sorted((r["officer_id"], r["power_code"], r["lapsed_on"]) for r in await LapseEvent.select())
    assert max(daily_claims.values()) == 1

    await reset_database()
    every_third = {YEAR_START + dt.timedelta(days=n) for n in range(0, 365, 3)}
    sparse = await replay(client, sweep_days=every_third)
    assert sparse.emails == daily.emails  # same ids and addresses, so claim keys compare one to one
    # Catching up judges each item on the sweep's own day, with what is on record then: every item the daily
    # sweeps raised about the lapsing officers still arrives (later), never twice, but only its latest reminder;
    # nothing arrives that the daily sweeps did not send.
    sparse_claims = Counter(await claim_keys())
    assert max(sparse_claims.values()) == 1 and set(sparse_claims) <= set(daily_claims)

    def about(keys, officer_ids):  # type: ignore[no-untyped-def]
        return {k for k in keys if k.split("|")[2] in {str(o) for o in officer_ids}}

    def items(keys):  # type: ignore[no-untyped-def]  # (recipient, audience, officer, item): trigger and day dropped
        return {tuple(k.split("|")[:4]) for k in keys}

    lapsing = sparse.officer_ids[2:]
    assert items(about(sparse_claims, lapsing)) == items(about(daily_claims, lapsing))
    assert len(about(sparse_claims, lapsing)) < len(about(daily_claims, lapsing))  # earlier triggers folded in
    sparse_lapses = sorted((r["officer_id"], r["power_code"], r["lapsed_on"]) for r in await LapseEvent.select())
    assert sparse_lapses == daily_lapses

    await reset_database()
    await replay(client, concurrent=True)
    assert Counter(await claim_keys()) == daily_claims
    per_day = Counter((r["recipient_email"], r["due_on"]) for r in await Notification.select(
        Notification.recipient_email, Notification.due_on))
    assert max(per_day.values()) == 1
