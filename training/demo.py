"""The demo force's training histories: deterministic, relative to today, through the services (so audited).

Every officer passed the CSAS course (some after a referral) and holds the usual modules; dates are spread so the
matrix shows in-date, expiring and expired cells. The lapse borough's first five officers' CSAS course expires in
about 60-100 days with no refresher booked: the Reigate and Banstead story the register exists to prevent.
"""

from __future__ import annotations

import datetime as dt

from core.access import Principal
from core.dates import add_months
from register.demo import DemoRegister
from training import services

LAPSE_OFFICERS = 5
LAPSE_CSAS_DAYS_LEFT = (62, 68, 75, 81, 88)  # all inside the 90-day warning window

# module code -> (provider, certificate prefix, qualification title)
PROVIDERS: dict[str, tuple[str, str, str]] = {
    "CSAS_CORE": ("Police CPI", "CPI-CSAS", "Level 3 Award in Community Safety Accreditation"),
    "CSAS_TRAFFIC": ("Police CPI", "CPI-TM", "Level 3 Award in Traffic Management for CSAS"),
    "PENALTY_NOTICES": ("Police CPI", "CPI-FPN", "Penalty notices, witness statements and case files"),
    "SAFEGUARDING": ("Surrey Safeguarding Children Partnership", "SSCP", "Safeguarding adults and children"),
    "PERSONAL_SAFETY": ("Maybo", "MAY", "Conflict management and personal safety (assessed)"),
    "FIRST_AID": ("St John Ambulance", "SJA", "Emergency First Aid at Work (EFAW)"),
    "DATA_PROTECTION": ("Council e-learning", "ELN", "Data protection and information sharing"),
    "PREVENT": ("Home Office Prevent e-learning", "PREV", "Prevent awareness"),
    "BODY_WORN_VIDEO": ("Surrey Police Training", "SPT-BWV", "Body-worn video user"),
    "RADIO": ("Surrey Police Training", "SPT-RAD", "Airwave radio procedure"),
}

# module code -> (base days ago, step per officer, spread): completed (base + i*step % spread) days ago.
SPREAD: dict[str, tuple[int, int, int]] = {
    "PENALTY_NOTICES": (120, 71, 900),  # 36 months: a few expiring
    "SAFEGUARDING": (60, 37, 700),  # 24 months: a few expired
    "PERSONAL_SAFETY": (30, 41, 380),  # 12 months: some expiring, some expired
    "FIRST_AID": (100, 89, 1000),
    "DATA_PROTECTION": (20, 67, 350),
    "PREVENT": (200, 29, 500),
    "BODY_WORN_VIDEO": (300, 13, 400),  # never expire
    "RADIO": (280, 17, 400),
}


class _Loader:
    def __init__(self, actor: Principal, today: dt.date) -> None:
        self.actor, self.today, self.serial = actor, today, 0

    async def passed(self, officer_id: int, module: str, completed_on: dt.date, result: str = "pass") -> int:
        provider, prefix, title = PROVIDERS[module]
        self.serial += 1
        row = await services.record_completion(
            self.actor, today=self.today, officer_id=officer_id, module_code=module, completed_on=completed_on,
            result=result, provider=provider,
            certificate_ref=f"{prefix}-{completed_on.year}-{10000 + self.serial * 37:05d}" if result == "pass" else "",
            qualification_title=title if result == "pass" else "",
        )
        return int(row["id"])


def _days_ago(today: dt.date, days: int) -> dt.date:
    return today - dt.timedelta(days=days)


async def load(actor: Principal, people: DemoRegister, today: dt.date) -> None:
    loader = _Loader(actor, today)
    officers = [(borough, j, officer_id) for borough, ids in people.officer_ids.items()
                for j, officer_id in enumerate(ids)]
    for i, (borough, j, officer_id) in enumerate(officers):
        heading_for_lapse = borough == people.lapse_borough and j < LAPSE_OFFICERS
        if heading_for_lapse:
            core_on = add_months(today + dt.timedelta(days=LAPSE_CSAS_DAYS_LEFT[j]), -36)
        else:
            core_on = _days_ago(today, 150 + (i * 53) % 800)
            if i % 3 == 0:  # the previous three-year cycle, kept as history
                await loader.passed(officer_id, "CSAS_CORE", add_months(core_on, -36) - dt.timedelta(days=20))
        if i % 4 == 1:  # referred at the first sitting of the exam, passed the resit
            await loader.passed(officer_id, "CSAS_CORE", core_on - dt.timedelta(days=35), "referred")
        await loader.passed(officer_id, "CSAS_CORE", core_on)
        if i % 5 == 0 and not heading_for_lapse:
            await loader.passed(officer_id, "CSAS_TRAFFIC", min(core_on + dt.timedelta(days=14), today))
        for module, (base, step, spread) in SPREAD.items():
            if module == "PREVENT" and i % 2:
                continue
            if module in ("BODY_WORN_VIDEO", "RADIO") and i % 3 == 2:
                continue
            # The lapse team's other modules are recent: the CSAS course is what will stop them.
            days = 40 + 15 * j if heading_for_lapse else base + (i * step) % spread
            await loader.passed(officer_id, module, _days_ago(today, days))
    await _bookings(actor, people, today)


async def _bookings(actor: Principal, people: DemoRegister, today: dt.date) -> None:
    """A few bookings in every state, away from the lapse team (which has no refresher booked)."""
    others = [b for b in people.officer_ids if b != people.lapse_borough]

    def officer(n: int, j: int) -> int:
        return people.officer_ids[others[n % len(others)]][j]

    await services.create_booking(actor, officer_id=officer(0, 0), module_code="PERSONAL_SAFETY",
                                  starts_on=today + dt.timedelta(days=21), today=today, provider="Maybo")
    await services.create_booking(actor, officer_id=officer(0, 4), module_code="PENALTY_NOTICES",
                                  starts_on=today + dt.timedelta(days=45), today=today, provider="Police CPI")
    attended = await services.create_booking(actor, officer_id=officer(1, 1), module_code="FIRST_AID",
                                             starts_on=today - dt.timedelta(days=40), today=today,
                                             provider="St John Ambulance")
    await services.attend_booking(actor, attended["id"], today=today, attended_on=today - dt.timedelta(days=39),
                                  result="pass", certificate_ref=f"SJA-{today.year}-EFAW-0412",
                                  qualification_title="Emergency First Aid at Work (EFAW)")
    cancelled = await services.create_booking(actor, officer_id=officer(2, 2), module_code="SAFEGUARDING",
                                              starts_on=today + dt.timedelta(days=10), today=today,
                                              provider="Surrey Safeguarding Children Partnership")
    await services.cancel_booking(actor, cancelled["id"], on=today - dt.timedelta(days=3),
                                  reason="Course cancelled by the provider")
    missed = await services.create_booking(actor, officer_id=officer(3, 3), module_code="DATA_PROTECTION",
                                           starts_on=today - dt.timedelta(days=14), today=today,
                                           provider="Council e-learning")
    await services.record_no_show(actor, missed["id"], on=today - dt.timedelta(days=14))
