"""The officer's record, the ID card and the compliance pack: rendered on the demo force and on an officer with
nothing; their text read back with pdftotext."""

from __future__ import annotations

import datetime as dt

from core.dates import add_months
from register.accreditations import services as accreditations
from register.demo import BOROUGHS
from register.officers import services as register_services
from reports import data
from reports.pdf import compliance_pack, id_card, officer_record
from tests.factories import World
from tests.reports.reporting import SYSTEM, TODAY, load_demo_force, pdf_page_size_mm, pdf_pages, pdf_text
from vetting.tables import VettingEvent


def _day(d: dt.date) -> str:
    return d.strftime("%d %b %Y")


async def test_officer_record_on_the_demo_force_shows_usable_until_and_no_vetting_notes() -> None:
    people = await load_demo_force()
    officer_id = people.officer_ids[BOROUGHS[0]][0]  # the lapse team: accreditation expires in 45 days
    loaded = await data.officer_record_data(SYSTEM, officer_id, TODAY)
    text = pdf_text(officer_record.render(loaded, TODAY))
    until = loaded["compliance"].powers_usable_until
    assert until is not None and until < TODAY + dt.timedelta(days=46)
    assert f"Powers usable until {_day(until)}" in text
    officer = loaded["officer"]
    assert officer["staff_number"] in text and officer["family_name"] in text
    for heading in ("Designated powers", "Accreditations", "Vetting", "Training", "Kit", "Renewal plan", "History"):
        assert heading in text
    assert "FPN_LITTER" in text and "ID_CARD" in text
    assert "page 1 of" in text and f"as of {_day(TODAY)}" in text
    notes = [n["note"] for n in await VettingEvent.select(VettingEvent.note).where(VettingEvent.note.is_not_null())]
    assert notes, "the demo force has vetting case notes"
    for note in notes:
        assert note[:30] not in text


async def test_officer_record_as_of_a_past_day_shows_what_held_then() -> None:
    people = await load_demo_force()
    officer_id = people.officer_ids[BOROUGHS[0]][0]
    accs = await accreditations.list_for_officer(officer_id, TODAY)
    before_grant = min(a["granted_on"] for a in accs) - dt.timedelta(days=1)
    loaded = await data.officer_record_data(SYSTEM, officer_id, before_grant)
    text = pdf_text(officer_record.render(loaded, TODAY))
    assert "No powers usable" in text
    assert accs[0]["number"] not in text  # not yet granted on that day
    assert f"as of {_day(before_grant)}" in text


async def test_officer_record_of_an_officer_with_nothing(world: World) -> None:
    loaded = await data.officer_record_data(SYSTEM, world.officers["B1a-2"], TODAY)
    text = pdf_text(officer_record.render(loaded, TODAY))
    assert "No powers usable" in text and "None recorded." in text and "No history recorded." in text


async def test_id_card_is_cr80_front_and_back_with_powers() -> None:
    people = await load_demo_force()
    officer_id = people.officer_ids[BOROUGHS[1]][0]
    loaded = await data.card_data(SYSTEM, officer_id, TODAY)
    content = id_card.render(loaded, TODAY)
    assert pdf_pages(content) == 2
    assert pdf_page_size_mm(content) == (85.6, 54.0)
    text = pdf_text(content)
    assert "Community Safety Accreditation Scheme" in text
    assert loaded["accreditation"]["number"] in text and loaded["officer"]["staff_number"] in text
    power = await register_services.get_power("FPN_LITTER")
    assert power["title"][:25] in " ".join(text.split())


async def test_id_card_of_an_officer_with_nothing_says_not_valid(world: World) -> None:
    loaded = await data.card_data(SYSTEM, world.officers["A1a-1"], TODAY)
    text = pdf_text(id_card.render(loaded, TODAY))
    assert "No accreditation in force" in text and "No designated powers in force." in text


async def test_compliance_pack_on_the_demo_force() -> None:
    people = await load_demo_force()
    loaded = await data.analytics(SYSTEM, TODAY)
    assert loaded["officers"] >= 35
    # The lapse team's five accreditations expire 45-73 days out: in the cliff's first three months.
    assert sum(loaded["cliff"][:3]) >= 5
    assert loaded["capability"]["FPN_LITTER"][0] >= loaded["capability"]["FPN_LITTER"][-1]
    content = compliance_pack.render("Compliance pack", loaded, TODAY)
    text = pdf_text(content)
    for heading in ("Readiness by employer and team", "Expiry cliff", "Capability forecast", "Vetting queue",
                    "Officers at risk", "Compliance trend"):
        assert heading in text
    assert "Reigate and Banstead" in text and "FPN_LITTER" in text
    assert pdf_pages(content) >= 3  # cover and readiness, charts, the tables that follow
    lapsing = await register_services.get_officer(SYSTEM, people.officer_ids[BOROUGHS[0]][0])
    assert lapsing["family_name"] in text  # amber: on the at-risk list


async def test_compliance_pack_with_no_officers(world: World) -> None:
    loaded = await data.analytics(SYSTEM, TODAY, world.orgs["A2"], team_id=None)
    text = pdf_text(compliance_pack.render("Compliance pack: Council A2", loaded, TODAY))
    assert "No officer is amber or red." in text or "RED" in text
    assert "No open applications." in text


async def test_cliff_counts_items_by_month() -> None:
    people = await load_demo_force()
    loaded = await data.analytics(SYSTEM, TODAY, team_id=people.team_ids[BOROUGHS[0]])
    expiries = [a["expires_on"] for officer_id in people.officer_ids[BOROUGHS[0]]
                for a in await accreditations.list_for_officer(officer_id, TODAY) if a["status"] == "in_force"]
    first = TODAY.replace(day=1)
    in_window = [d for d in expiries if d < add_months(first, 12)]
    assert sum(loaded["cliff"]) >= len(in_window)


async def test_the_lapse_trend_counts_only_lapses_in_the_callers_scope(world: World) -> None:
    from scheduler.tables import LapseEvent

    day = TODAY - dt.timedelta(days=3)
    for officer in ("A1a-1", "A2a-1", "B1a-1"):  # hr_a1 sees organisation A1 only
        officer_id = world.officers[officer]
        await LapseEvent.insert(LapseEvent(key=f"{officer_id}|FPN_LITTER|{day}", officer_id=officer_id,
                                           power_code="FPN_LITTER", lapsed_on=day, binding_kind="accreditation",
                                           binding_code="X"))
    assert sum((await data.analytics(world.principals["hr_a1"], TODAY))["trend"]) == 1
    assert sum((await data.analytics(world.principals["coord_a"], TODAY))["trend"]) == 2


async def test_a_powers_reasons_read_as_sentences(world: World) -> None:
    """Accredited, but neither cleared nor carded: each reason is a sentence of its own, never joined by ".;"."""
    from tests.admin_ui.test_pages_common import grant

    await grant(world, officer="A1a-2", number="SP-002")
    loaded = await data.officer_record_data(SYSTEM, world.officers["A1a-2"], TODAY)
    text = " ".join(pdf_text(officer_record.render(loaded, TODAY)).split())
    assert "No vetting clearance has been granted. " in text
    assert "No ID and powers card is held." in text
    assert ".;" not in text


async def test_the_pack_cover_states_the_policys_windows(world: World) -> None:
    """The cover's "within N days" and "more than N days ago" are the policy's, which an administrator may change."""
    from scheduler.policy_store import update_policy

    await update_policy(SYSTEM, {"warning_days": 60, "overdue_after_days": 21})
    loaded = await data.analytics(SYSTEM, TODAY, world.orgs["A1"], team_id=None)
    text = " ".join(pdf_text(compliance_pack.render("Compliance pack", loaded, TODAY)).split())
    assert "a power lapses within 60 days" in text and "more than 21 days ago" in text
    assert f"expire from {loaded['cliff_months'][0]} to {loaded['cliff_months'][-1]}" in text
