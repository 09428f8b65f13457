"""The forecast page (issue 19): grouped by officer or by power, paged by groups with the filter kept, a chart of
usable powers by month with its figures as text, and CSV/XLSX downloads holding exactly the rows shown."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from urllib.parse import urlencode

import pytest
from httpx import AsyncClient
from openpyxl import load_workbook

from admin_ui import forecast_view
from core.dates import long_date
from register.accreditations import services as accreditations
from scheduler.policy_store import load_catalogue
from tests.admin_ui.test_pages_common import sign_in, today
from tests.factories import SYSTEM, World

LITTER, ASB = "Fixed penalty: litter", "Require name and address of a person acting anti-socially"
GROUP = re.compile(r'<tbody class="govuk-table__body csas-group">(.*?)</tbody>', re.S)
HEADING = re.compile(r'<th scope="rowgroup"[^>]*>(?:<a class="govuk-link" href="(/officers/\d+)">)?([^<]+)')
ROW = re.compile(r'<tr class="govuk-table__row"><td class="govuk-table__cell">([^<]+)</td>'
                 r'<td class="govuk-table__cell">(?:<a [^>]*>)?([^<]+)')


async def _usable(world: World, officer: str, number: str, expires_in: int, powers: list[str]) -> None:
    """The officer cleared, trained, carded and accredited until `expires_in` days from today: their powers are
    usable today and lapse the day before the accreditation expires."""
    from register.kit import services as kit
    from training import services as training
    from vetting import services as vetting

    day, officer_id = today(), world.officers[officer]
    await accreditations.grant_accreditation(
        SYSTEM, officer_id=officer_id, force_id=world.forces["A"], number=number,
        granted_on=day - dt.timedelta(days=30), expires_on=day + dt.timedelta(days=expires_in),
        power_codes=powers, conditions="", today=day)
    application = await vetting.create_application(SYSTEM, officer_id=officer_id, level_code="NPPV2A",
                                                   requested_on=day - dt.timedelta(days=340), today=day)
    for status, ago in (("submitted", 335), ("in_progress", 330), ("granted", 320)):
        await vetting.record_event(SYSTEM, application["id"], status=status, on=day - dt.timedelta(days=ago),
                                   today=day, force_reference=f"FREF-{number}" if status == "granted" else None)
    for module in ("CSAS_CORE", "PENALTY_NOTICES"):
        await training.record_completion(SYSTEM, today=day, officer_id=officer_id, module_code=module,
                                         completed_on=day - dt.timedelta(days=100), result="pass")
    await kit.issue_kit(SYSTEM, officer_id=officer_id, kit_type_code="ID_CARD",
                        issued_on=day - dt.timedelta(days=20), serial_number=f"ID-{number}")


@pytest.fixture
async def lapsing(world: World) -> World:
    """A1a-1 holds both powers until day 400, A1b-1 the litter power until day 200 (the earliest lapse)."""
    await _usable(world, "A1a-1", "SP-001", 400, ["FPN_LITTER", "NA_ASB"])
    await _usable(world, "A1b-1", "SP-002", 200, ["FPN_LITTER"])
    return world


def _window(**more: object) -> str:
    return urlencode({"from_": today().isoformat(), "to": (today() + dt.timedelta(days=500)).isoformat(), **more})


def groups_shown(text: str) -> list[tuple[str, str | None, list[tuple[str, str]]]]:
    """Each group on the page: its heading, the link it carries, and its rows (usable until, power or officer)."""
    out = []
    for body in GROUP.findall(text):
        heading = HEADING.search(body)
        assert heading, body
        out.append((html.unescape(heading.group(2)).strip(), heading.group(1),
                    [(html.unescape(a), html.unescape(b)) for a, b in ROW.findall(body)]))
    return out


async def test_grouped_by_officer_by_default_the_earliest_lapse_first(client: AsyncClient, lapsing: World) -> None:
    await sign_in(client, "coord_a")
    page = await client.get(f"/forecast?{_window()}")
    assert page.status_code == 200
    until_a, until_b = (long_date(today() + dt.timedelta(days=d - 1)) for d in (400, 200))
    assert groups_shown(page.text) == [
        ("Alex OfficerA1B1", f"/officers/{lapsing.officers['A1b-1']}", [(until_b, LITTER)]),
        ("Alex OfficerA1A1", f"/officers/{lapsing.officers['A1a-1']}", [(until_a, LITTER), (until_a, ASB)]),
    ]
    assert 'id="group-officer" name="group" type="radio" value="officer" checked' in page.text


async def test_grouped_by_power_each_group_named_by_its_title(client: AsyncClient, lapsing: World) -> None:
    await sign_in(client, "coord_a")
    page = await client.get(f"/forecast?{_window(group='power')}")
    until_a, until_b = (long_date(today() + dt.timedelta(days=d - 1)) for d in (400, 200))
    assert groups_shown(page.text) == [
        (LITTER, None, [(until_b, "Alex OfficerA1B1"), (until_a, "Alex OfficerA1A1")]),
        (ASB, None, [(until_a, "Alex OfficerA1A1")]),
    ]
    assert "FPN_LITTER" not in page.text


async def test_page_two_holds_the_next_groups_and_the_links_keep_the_filter(
        client: AsyncClient, lapsing: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forecast_view, "GROUPS_PER_PAGE", 1)
    await sign_in(client, "coord_a")
    org = lapsing.orgs["A1"]
    first = await client.get(f"/forecast?{_window(group='power', organisation_id=org)}")
    assert [g[0] for g in groups_shown(first.text)] == [LITTER]
    assert "page 1 of 2" in first.text
    following = re.search(r'href="(/forecast\?[^"]+)" rel="next"', first.text)
    assert following, first.text
    link = html.unescape(following.group(1))
    assert f"organisation_id={org}" in link and "group=power" in link and "page=2" in link
    second = await client.get(link)
    assert [g[0] for g in groups_shown(second.text)] == [ASB]
    assert "page 2 of 2" in second.text and 'rel="prev"' in second.text and 'rel="next"' not in second.text
    # The filter's own form shows what the link carried.
    assert f'<option value="{org}" selected>' in second.text
    assert 'value="power" checked' in second.text


async def test_the_chart_is_served_and_said_in_words(client: AsyncClient, lapsing: World) -> None:
    await sign_in(client, "coord_a")
    page = await client.get(f"/forecast?{_window()}")
    img = re.search(r'<img class="csas-chart" src="([^"]+)" alt="([^"]+)"', page.text)
    assert img, page.text
    alt = html.unescape(img.group(2))
    assert alt.startswith("Step chart: ") and f"{LITTER} 2 on " in alt and "FPN_LITTER" not in alt
    chart = await client.get(html.unescape(img.group(1)))
    assert chart.status_code == 200 and chart.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in chart.content[:2000]
    figures = page.text[page.text.index('id="chart-figures"'):]
    figures = figures[:figures.index("</table>")]
    litter = re.search(rf"<th scope=\"row\"[^>]*>{re.escape(LITTER)}</th>(.*?)</tr>", figures)
    assert litter, figures
    counts = [int(c) for c in re.findall(r">(\d+)</td>", litter.group(1))]
    assert counts[0] == 2 and counts[-1] == 0 and 1 in counts  # A1b-1's lapse, then A1a-1's


@pytest.mark.parametrize("group", ["officer", "power"])
async def test_the_downloads_hold_exactly_the_rows_shown(client: AsyncClient, lapsing: World, group: str) -> None:
    await sign_in(client, "coord_a")
    page = await client.get(f"/forecast?{_window(group=group)}")
    shown = [(heading, *row) for heading, _, rows in groups_shown(page.text) for row in rows]
    assert len(shown) == 3
    titles = (await load_catalogue()).names

    def as_shown(name: str, code: str, until: str) -> tuple[str, str, str]:
        day = long_date(dt.date.fromisoformat(until))
        return (name, day, titles.power(code)) if group == "officer" else (titles.power(code), day, name)

    link = re.search(r'href="(/forecast/download\.csv\?[^"]+)"', page.text)
    assert link
    download = await client.get(html.unescape(link.group(1)))
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [as_shown(r["name"], r["power"], r["usable_until"]) for r in rows] == shown
    assert {r["staff_number"] for r in rows} == {"A1A1", "A1B1"}

    workbook = load_workbook(io.BytesIO((await client.get(html.unescape(link.group(1)).replace(
        "download.csv", "download.xlsx"))).content), read_only=True)
    sheet = list(workbook.active.iter_rows(values_only=True))
    header, *cells = sheet
    named = [dict(zip(header, row, strict=True)) for row in cells]
    assert [as_shown(str(r["name"]), str(r["power"]), r["usable_until"].date().isoformat())
            for r in named] == shown
    workbook.close()


@pytest.mark.parametrize(("who", "sees"), [("coord_a", {"A1a-1", "A1b-1"}), ("hr_a1", {"A1a-1", "A1b-1"}),
                                           ("mgr_a1a", {"A1a-1"})])
async def test_each_role_sees_and_downloads_only_its_own_officers(
        client: AsyncClient, lapsing: World, who: str, sees: set[str]) -> None:
    await sign_in(client, who)
    page = await client.get(f"/forecast?{_window()}")
    assert page.status_code == 200
    assert {link for _, link, _ in groups_shown(page.text)} == {f"/officers/{lapsing.officers[o]}" for o in sees}
    rows = list(csv.DictReader(io.StringIO(
        (await client.get(f"/forecast/download.csv?{_window()}")).content.decode("utf-8-sig"))))
    assert {r["staff_number"] for r in rows} == {o.replace("-", "").upper() for o in sees}
    # Asking for a team outside the scope shows nothing of it, on the page or in the file.
    if who == "mgr_a1a":
        other = _window(team_id=lapsing.teams["A1b"])
        assert groups_shown((await client.get(f"/forecast?{other}")).text) == []
        assert (await client.get(f"/forecast/download.csv?{other}")).content.decode("utf-8-sig").count("\n") == 1


async def test_signed_out_the_page_chart_and_downloads_send_you_to_sign_in(client: AsyncClient,
                                                                          lapsing: World) -> None:
    for path in ("/forecast", "/forecast/chart.svg", "/forecast/download.csv", "/forecast/download.xlsx"):
        response = await client.get(path)
        assert response.status_code in (303, 401), (path, response.status_code)
        assert b"A1A1" not in response.content
