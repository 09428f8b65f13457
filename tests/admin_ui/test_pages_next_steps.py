"""The manager's working pages: each officer's next step with the page that does it, booking training and
recording attendance, reached by links from the landing page and refused to roles that may not."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from httpx import AsyncClient

from admin_ui.pages_next_steps import step_action
from core.tables import AuditEvent
from register.tables import Organisation
from scheduler.kinds import Kind, PlanStep, StepStatus
from tests.admin_ui.test_pages_common import post_form, sign_in, today
from tests.factories import SYSTEM, World
from training.services import record_completion
from training.tables import TrainingBooking, TrainingRecord


def _links(html: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)"', html)]


async def _safety_training_running_out(world: World) -> int:
    """A1a-1's personal-safety training expires within days: renewing it is their next step. The employers'
    arrangement reviews are put far off so that they do not come first."""
    await Organisation.update({Organisation.arrangement_review_due_on: dt.date(2035, 1, 1)}, force=True)
    officer_id = world.officers["A1a-1"]
    await record_completion(SYSTEM, today=today(), officer_id=officer_id, module_code="PERSONAL_SAFETY",
                            completed_on=today() - dt.timedelta(days=360), result="pass")
    return officer_id


async def test_a_manager_books_the_next_step_and_records_attendance_by_clicking(
        client: AsyncClient, world: World) -> None:
    officer_id = await _safety_training_running_out(world)
    await sign_in(client, "mgr_a1a")
    landing = await client.get((await client.get("/")).headers["location"])
    assert "/team/next-steps" in _links(landing.text)
    steps = await client.get("/team/next-steps")
    book = f"/officers/{officer_id}/training/book?module_code=PERSONAL_SAFETY"
    assert book in _links(steps.text) and "Renew personal safety training" in steps.text
    form = await client.get(book)
    assert '<option value="PERSONAL_SAFETY" selected>' in form.text  # the step's module, chosen already
    answers = {"module_code": "PERSONAL_SAFETY", "starts_on": today().isoformat(), "provider": "Safe Ltd"}
    check = await post_form(client, book, answers)
    assert "Check your answers" in check.text and await TrainingBooking.count() == 0
    done = await post_form(client, book, {**answers, "confirm": "yes"})
    assert done.status_code == 303
    record = await client.get(done.headers["location"])
    assert "The training was booked." in record.text
    booking = await TrainingBooking.select(TrainingBooking.id).first()
    assert booking is not None
    attend = f"/bookings/{booking['id']}/attend"
    assert attend in _links(record.text)
    await post_form(client, attend, {"attended_on": today().isoformat(), "result": "pass"})
    assert await TrainingRecord.count() == 1  # only the earlier pass: nothing written before confirming
    done = await post_form(client, attend, {"attended_on": today().isoformat(), "result": "pass", "confirm": "yes"})
    assert done.status_code == 303
    record = await client.get(done.headers["location"])
    assert "The attendance was recorded." in record.text and attend not in _links(record.text)
    row = await TrainingBooking.select(TrainingBooking.status).first()
    assert row is not None and row["status"] == "attended" and await TrainingRecord.count() == 2
    actions = {r["action"] for r in await AuditEvent.select(AuditEvent.action)}
    assert {"training_booking.create", "training_booking.attend"} <= actions
    before = steps.text.split('id="next-steps"')[1]
    after = (await client.get("/team/next-steps")).text.split('id="next-steps"')[1]
    assert "Overdue: start by" in before and "Overdue" not in after  # renewed: the next renewal is months off


async def test_a_booking_before_the_course_starts_cannot_be_attended(client: AsyncClient, world: World) -> None:
    officer_id = await _safety_training_running_out(world)
    await sign_in(client, "mgr_a1a")
    url = f"/officers/{officer_id}/training/book"
    later = (today() + dt.timedelta(days=7)).isoformat()
    await post_form(client, url, {"module_code": "PERSONAL_SAFETY", "starts_on": later, "confirm": "yes"})
    booking = await TrainingBooking.select(TrainingBooking.id).first()
    assert booking is not None
    response = await post_form(client, f"/bookings/{booking['id']}/attend",
                               {"attended_on": today().isoformat(), "result": "pass", "confirm": "yes"})
    assert response.status_code == 422 and "govuk-error-summary" in response.text
    assert await TrainingRecord.count() == 1


async def test_an_officer_cannot_book_training(client: AsyncClient, world: World) -> None:
    officer_id = world.officers["A1a-1"]
    await sign_in(client, "off_a1a1")
    assert f"/officers/{officer_id}/training/book" not in _links((await client.get("/me")).text)
    response = await post_form(client, f"/officers/{officer_id}/training/book",
                               {"module_code": "PERSONAL_SAFETY", "starts_on": today().isoformat(), "confirm": "yes"})
    assert response.status_code == 403 and await TrainingBooking.count() == 0


async def test_a_manager_cannot_book_outside_their_team(client: AsyncClient, world: World) -> None:
    await sign_in(client, "mgr_a1a")
    response = await client.get(f"/officers/{world.officers['A1b-1']}/training/book")
    assert response.status_code == 403


def _step(kind: Kind, code: str, title: str = "Renew") -> PlanStep:
    day = dt.date(2027, 1, 1)
    return PlanStep(kind, code, title, day, day - dt.timedelta(days=60), StepStatus.OPEN)


@pytest.mark.parametrize(("who", "kind", "link", "doer"), [
    ("mgr_a1a", Kind.TRAINING, "/officers/7/training/book?module_code=FIRST_AID", ""),
    ("mgr_a1a", Kind.VETTING, None, "HR"),
    ("hr_a1", Kind.VETTING, "/officers/7/vetting/new?level_code=FIRST_AID", ""),
    ("mgr_a1a", Kind.ACCREDITATION, None, "The CSAS coordinator, with the officer's evidence"),
    ("coord_a", Kind.ACCREDITATION, "/officers/7/accreditations/new", ""),
    ("mgr_a1a", Kind.KIT, "/officers/7/kit/new?kit_type_code=FIRST_AID", ""),
    ("vet_a", Kind.TRAINING, None, "The officer's manager or HR"),
    ("mgr_a1a", Kind.EMPLOYER, None, "The CSAS coordinator"),
])
async def test_each_step_links_to_its_page_for_the_role_that_does_it(
        world: World, who: str, kind: Kind, link: str | None, doer: str) -> None:
    action = step_action(_step(kind, "FIRST_AID"), 7, world.principals[who])
    assert action.href == link and action.who == doer
