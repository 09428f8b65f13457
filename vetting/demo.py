"""The demo force's vetting: clearances with realistic dates, the lapse team's clearances running out with no
renewal submitted (Reigate and Banstead, 2018), and applications in every state. Deterministic for a given today.
"""

from __future__ import annotations

import datetime as dt

from core.access import Principal
from core.dates import add_months
from register.demo import BOROUGHS, DemoRegister
from vetting import services

Step = tuple[str, dt.date, str | None]


def _days(today: dt.date, n: int) -> dt.date:
    return today + dt.timedelta(days=n)


async def _application(
    actor: Principal, officer_id: int, level: str, requested_on: dt.date, steps: list[Step], today: dt.date,
    reference: str, renews: int | None = None,
) -> int:
    row = await services.create_application(actor, officer_id=officer_id, level_code=level,
                                            requested_on=requested_on, today=today, renews_application_id=renews)
    for index, (status, on, note) in enumerate(steps):
        await services.record_event(actor, row["id"], status=status, on=on, note=note, today=today,
                                    force_reference=reference if index == 0 else None)
    return int(row["id"])


def _granted_steps(granted_on: dt.date, note: str | None = None) -> list[Step]:
    return [("submitted", granted_on - dt.timedelta(days=65), None),
            ("in_progress", granted_on - dt.timedelta(days=40), note),
            ("granted", granted_on, None)]


async def _clearance(
    actor: Principal, officer_id: int, level: str, granted_on: dt.date, today: dt.date, reference: str,
    note: str | None = None,
) -> int:
    return await _application(actor, officer_id, level, granted_on - dt.timedelta(days=70),
                              _granted_steps(granted_on, note), today, reference)


async def load(actor: Principal, people: DemoRegister, today: dt.date) -> None:
    serial = 0

    def ref() -> str:
        nonlocal serial
        serial += 1
        return f"SV/{today.year}/{serial:04d}"

    lapse = people.lapse_borough
    special = {borough: people.officer_ids[borough][5:] for borough in BOROUGHS[1:]}
    # Everyone holds a clearance but Guildford's last three, whose clearances end in the stories below; the
    # other stories are second applications (renewals, upgrades) beside a clearance still in force.
    for b_index, borough in enumerate(BOROUGHS):
        for n, officer_id in enumerate(people.officer_ids[borough]):
            if borough == BOROUGHS[4] and n >= 5:
                continue
            if borough == lapse and n < 5:
                # The 2018 story: five clearances expiring within ~60 days, no renewal submitted.
                granted = add_months(_days(today, 18 + 9 * n), -36)
                await _clearance(actor, officer_id, "NPPV2A", granted, today, ref())
            elif borough == lapse and n == 6:
                # Beside them, one whose renewal is under way, entered as HR enters it (no link to the clearance):
                # the register counts it, so the plan says done and the reminders have stopped.
                await _clearance(actor, officer_id, "NPPV2A", add_months(_days(today, 40), -36), today, ref())
                await _application(actor, officer_id, "NPPV2A", _days(today, -35), [
                    ("submitted", _days(today, -33), None),
                    ("in_progress", _days(today, -20), "Renewal: force vetting unit checks under way")],
                    today, ref())
            elif (n + b_index) % 4 == 3:  # NPPV3 granted within the year: its annual review is not yet due
                await _clearance(actor, officer_id, "NPPV3", _days(today, -(90 + (41 * n + 13 * b_index) % 250)), today,
                                 ref())
            else:
                await _clearance(actor, officer_id, "NPPV2A", _days(today, -(200 + 83 * n + 29 * b_index)), today,
                                 ref(), note="Chased force vetting unit by email" if n == 2 else None)

    spelthorne, elmbridge, waverley, guildford = (special[b] for b in BOROUGHS[1:])
    # Open applications at each stage.
    await _application(actor, spelthorne[0], "NPPV2A", _days(today, -3), [], today, ref())
    await _application(actor, spelthorne[1], "NPPV2A", _days(today, -30), [
        ("submitted", _days(today, -28), "Forms sent to the force vetting unit")], today, ref())
    await _application(actor, spelthorne[2], "NPPV2A", _days(today, -50), [
        ("submitted", _days(today, -48), None),
        ("info_requested", _days(today, -20), "Applicant asked to resend proof of address")], today, ref())
    await _application(actor, elmbridge[0], "NPPV2F", _days(today, -80), [
        ("submitted", _days(today, -78), None),
        ("in_progress", _days(today, -60), "Chased force vetting unit by email")], today, ref())
    # Refusals: one appealed (open), one upheld (final), one overturned (a grant), one just refused.
    await _application(actor, elmbridge[1], "NPPV2A", _days(today, -100), [
        ("submitted", _days(today, -98), None), ("in_progress", _days(today, -70), None),
        ("refused", _days(today, -20), None), ("appealed", _days(today, -10), "Appeal form received")],
        today, ref())
    await _application(actor, elmbridge[2], "NPPV2A", _days(today, -200), [
        ("submitted", _days(today, -198), None), ("in_progress", _days(today, -170), None),
        ("refused", _days(today, -120), None), ("appealed", _days(today, -110), None),
        ("upheld", _days(today, -60), None)], today, ref())
    await _application(actor, waverley[0], "NPPV2A", _days(today, -330), [
        ("submitted", _days(today, -328), None), ("in_progress", _days(today, -320), None),
        ("refused", _days(today, -300), None), ("appealed", _days(today, -290), None),
        ("overturned", _days(today, -250), None)], today, ref())
    lapse_officer = people.officer_ids[lapse][0]
    await _application(actor, lapse_officer, "NPPV3", _days(today, -60), [
        ("submitted", _days(today, -58), None), ("in_progress", _days(today, -40), None),
        ("refused", _days(today, -5), None)], today, ref())
    # Closed without a decision.
    await _application(actor, waverley[1], "NPPV2A", _days(today, -200), [
        ("submitted", _days(today, -198), None), ("info_requested", _days(today, -170), None),
        ("withdrawn", _days(today, -140), "No reply to the information request")], today, ref())
    await _application(actor, waverley[2], "NPPV2A", _days(today, -90), [
        ("submitted", _days(today, -88), None),
        ("discontinued", _days(today, -70), "Employer no longer needs the application")], today, ref())
    # Clearances that ended: revoked, terminated, expired (with its renewal in progress).
    revoked = await _clearance(actor, guildford[0], "NPPV2A", _days(today, -500), today, ref())
    await services.record_event(actor, revoked, status="revoked", on=_days(today, -30), note=None,
                                today=today)
    terminated = await _clearance(actor, guildford[1], "NPPV2A", _days(today, -700), today, ref())
    await services.record_event(actor, terminated, status="terminated", on=_days(today, -15),
                                note="No longer required: moved to a non-CSAS role", today=today)
    expired = await _clearance(actor, guildford[2], "NPPV2A", add_months(_days(today, -10), -36), today, ref())
    await _application(actor, guildford[2], "NPPV2A", _days(today, -100), [
        ("submitted", _days(today, -98), None), ("in_progress", _days(today, -80), None)], today, ref(),
        renews=expired)

    # Declarations: an acknowledged change of circumstances and an annual self-declaration awaiting review.
    change = await services.create_declaration(actor, officer_id=people.officer_ids[lapse][6],
                                               kind="change_of_circumstances", made_on=_days(today, -40),
                                               categories=["address"], today=today)
    await services.acknowledge_declaration(actor, change["id"], on=_days(today, -35), today=today)
    nppv3_holder = people.officer_ids[BOROUGHS[1]][2]  # (2 + 1) % 4 == 3: holds NPPV3
    await services.create_declaration(actor, officer_id=nppv3_holder, kind="annual_self_declaration",
                                      made_on=_days(today, -4), categories=[], today=today)
