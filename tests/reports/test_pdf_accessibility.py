"""Every PDF the register makes is tagged (issue 17): /Lang, the title shown as the window title, a structure tree
whose figures say in words what the charts show, headings and tables tagged. Read back with pikepdf, which
shares no code with fpdf2, and each page's marked content checked against the structure tree's parent tree."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pikepdf

from register.demo import BOROUGHS
from reports import charts, data
from reports.pdf import compliance_pack, id_card, officer_record
from reports.pdf.fonts import ReportPDF
from tests.factories import World
from tests.reports.reporting import SYSTEM, TODAY, load_demo_force, pdf_page_size_mm, pdf_text


@dataclass
class Element:
    type: str
    alt: str | None
    depth: int
    kids: list[Element] = field(default_factory=list)
    scope: str | None = None


@dataclass
class Tagged:
    title: str
    elements: list[Element]
    root: Element

    def of(self, struct_type: str) -> list[Element]:
        return [e for e in self.elements if e.type == struct_type]


def read_tags(content: bytes) -> Tagged:
    """The catalog's accessibility entries asserted, and the structure tree flattened (document order)."""
    pdf = pikepdf.open(io.BytesIO(content))
    root = pdf.Root
    assert str(root.Lang) == "en-GB"
    assert bool(root.MarkInfo.Marked) is True
    assert bool(root.ViewerPreferences.DisplayDocTitle) is True
    title = str(pdf.docinfo.Title)
    assert title

    elements: list[Element] = []
    by_objgen: dict[tuple[int, int], Element] = {}

    def walk(node: Any, depth: int) -> Element:
        attributes = node.get("/A")
        element = Element(type=str(node.get("/S")), alt=str(node.Alt) if "/Alt" in node else None, depth=depth,
                          scope=str(attributes.get("/Scope")) if attributes is not None else None)
        elements.append(element)
        by_objgen[node.objgen] = element
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                element.kids.append(walk(kid, depth + 1))
        return element

    tree = walk(root.StructTreeRoot, 0)
    _check_marked_content(pdf, by_objgen)
    return Tagged(title, elements, tree)


def _check_marked_content(pdf: pikepdf.Pdf, by_objgen: dict[tuple[int, int], Element]) -> None:
    """Each page's marked-content sequences balance, and each MCID on a page is found through the page's
    /StructParents in the parent tree at the element that claims it, with that element's /Pg this page."""
    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for page in pdf.pages:
        depth = 0
        mcids = []
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) in ("BDC", "BMC"):
                depth += 1
                if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                    mcids.append(int(operands[1].MCID))
            elif str(operator) == "EMC":
                depth -= 1
                assert depth >= 0
        assert depth == 0, "unbalanced marked content"
        if not mcids:
            continue
        assert mcids == list(range(len(mcids)))
        owners = parent_tree[int(page.obj.StructParents)]
        assert len(owners) == len(mcids)
        for mcid, owner in zip(mcids, owners, strict=True):
            assert owner.objgen in by_objgen
            assert mcid in [int(k) for k in (owner.K if isinstance(owner.K, pikepdf.Array) else [owner.K])]
            assert owner.Pg.objgen == page.obj.objgen


def _figures_all_have_alt(tags: Tagged) -> list[str]:
    figures = tags.of("/Figure")
    assert figures
    for figure in figures:
        assert figure.alt and figure.alt.strip(), figure
    return [f.alt or "" for f in figures]


def _tables_are_tables(tags: Tagged) -> None:
    for table in tags.of("/Table"):
        rows = table.kids
        assert rows and all(r.type == "/TR" for r in rows)
        assert all(c.type == "/TH" and c.scope == "/Column" for c in rows[0].kids)
        widths = {len(r.kids) for r in rows}
        assert len(widths) == 1, "every row has a cell for every column"
        assert all(c.type == "/TD" for r in rows[1:] for c in r.kids)


def _day(d: dt.date) -> str:
    return d.strftime("%d %b %Y")


# --- the alternative text of the charts ---------------------------------------------------------------------

def test_chart_descriptions_say_the_extremes_and_the_span() -> None:
    months = ["Mar 2027", "Apr 2027", "May 2027", "Jun 2027"]
    text = charts.describe_compliance_trend(months, [3, 42, 31, 42])
    assert text == ("Line chart: powers lapsed per month, Mar 2027 to Jun 2027; 118 in all; "
                    "highest 42 in Apr 2027, lowest 3 in Mar 2027.")
    assert "0 in every month" in charts.describe_expiry_cliff(months, [0, 0, 0, 0])
    forecast = charts.describe_capability_forecast(["now", "Apr 2027", "May 2027"],
                                                   {"FPN_LITTER": [9, 4, 7], "DIRECT_TRAFFIC": [2, 2, 2]})
    assert "FPN_LITTER 9 now, 7 in May 2027, lowest 4 in Apr 2027" in forecast
    assert "DIRECT_TRAFFIC 2 now, 2 in May 2027." in forecast
    assert "no designated powers" in charts.describe_capability_forecast(["now"], {})


def test_a_paragraph_running_over_a_page_continues_in_a_second_element() -> None:
    pdf = ReportPDF("Long", TODAY, TODAY)
    pdf.add_page()
    pdf.h1("Long")
    pdf.para("word " * 2500)
    tags = read_tags(bytes(pdf.output()))  # the marked content on each page checked there
    assert len(tags.of("/P")) >= 2 and tags.title == "Long"


# --- the three documents ------------------------------------------------------------------------------------

async def test_the_officer_record_is_tagged_and_names_its_html_equivalent() -> None:
    people = await load_demo_force()
    officer_id = people.officer_ids[BOROUGHS[0]][0]
    loaded = await data.officer_record_data(SYSTEM, officer_id, TODAY)
    content = officer_record.render(loaded, TODAY, public_url="https://csas.example.gov.uk")
    tags = read_tags(content)
    officer = loaded["officer"]
    assert tags.title == f"Officer record: {officer['given_name']} {officer['family_name']}"
    assert tags.root.kids[0].type == "/Document"
    kinds = Counter(e.type for e in tags.elements)
    assert kinds["/H1"] == 1 and kinds["/H2"] == 7 and kinds["/Table"] >= 5 and kinds["/P"] >= 4
    assert not tags.of("/Figure")  # no images in the record
    _tables_are_tables(tags)
    text = " ".join(pdf_text(content).split())
    assert f"An accessible version of this record is at https://csas.example.gov.uk/officers/{officer_id}" in text


async def test_the_record_of_an_officer_with_nothing_is_tagged(world: World) -> None:
    loaded = await data.officer_record_data(SYSTEM, world.officers["B1a-2"], TODAY)
    tags = read_tags(officer_record.render(loaded, TODAY))
    assert len(tags.of("/H2")) == 7 and tags.of("/P")


async def test_the_compliance_pack_is_tagged_and_its_charts_say_what_they_show() -> None:
    await load_demo_force()
    loaded = await data.analytics(SYSTEM, TODAY)
    content = compliance_pack.render("Compliance pack", loaded, TODAY)
    tags = read_tags(content)
    assert tags.title == "Compliance pack"
    _tables_are_tables(tags)
    assert len(tags.of("/Table")) >= 5
    assert {"/H1", "/H2", "/P"} <= {e.type for e in tags.elements}
    cliff, capability, trend, capacity = _figures_all_have_alt(tags)
    assert capacity.startswith("Bar charts, one per kind of renewal")

    months, counts = loaded["cliff_months"], loaded["cliff"]
    assert cliff.startswith("Bar chart: items expiring per month")
    assert f"{months[0]} to {months[-1]}" in cliff and f"{sum(counts)} in all" in cliff
    top = counts.index(max(counts))
    assert f"highest {counts[top]} in {months[top]}" in cliff

    assert capability.startswith("Step chart: officers able to use each power")
    litter = loaded["capability"]["FPN_LITTER"]
    # The power by its title, as the chart's legend names it (issue 19), never its code.
    title = loaded["power_titles"]["FPN_LITTER"]
    assert title != "FPN_LITTER" and f"{title} {litter[0]} now, {litter[-1]} in {months[-1]}" in capability
    assert "FPN_LITTER" not in capability

    assert trend.startswith("Line chart: powers lapsed per month")
    assert f"{loaded['trend_months'][0]} to {loaded['trend_months'][-1]}" in trend
    assert f"{sum(loaded['trend'])} in all" in trend


async def test_the_pack_with_no_officers_is_tagged(world: World) -> None:
    loaded = await data.analytics(SYSTEM, TODAY, world.orgs["A2"], team_id=None)
    tags = read_tags(compliance_pack.render("Compliance pack: Council A2", loaded, TODAY))
    assert len(_figures_all_have_alt(tags)) == 4  # the capacity chart last
    assert "no designated powers in scope" in tags.of("/Figure")[1].alt.lower()  # type: ignore[union-attr]


async def test_the_id_card_is_tagged_and_still_cr80() -> None:
    people = await load_demo_force()
    loaded = await data.card_data(SYSTEM, people.officer_ids[BOROUGHS[1]][0], TODAY)
    content = id_card.render(loaded, TODAY)
    assert pdf_page_size_mm(content) == (85.6, 54.0)
    tags = read_tags(content)
    name = f"{loaded['officer']['given_name']} {loaded['officer']['family_name']}"
    assert tags.title == f"ID card: {name}"
    photo, qr = _figures_all_have_alt(tags)
    assert "photograph" in photo and name in photo
    assert re.fullmatch(r"QR code: check this card at http://127\.0\.0\.1:8000/verify/[A-Za-z0-9_-]{22}", qr)
    assert len(tags.of("/H1")) == 1 and len(tags.of("/H2")) == 1
    (powers,) = tags.of("/L")
    assert powers.kids and all(item.type == "/LI" and item.kids[0].type == "/LBody" for item in powers.kids)
    assert len(powers.kids) == min(len(loaded["powers"]), len(powers.kids))
    assert re.search(r"Accreditation number", pdf_text(content))


async def test_the_id_card_of_an_officer_with_nothing_is_tagged(world: World) -> None:
    loaded = await data.card_data(SYSTEM, world.officers["A1a-1"], TODAY)
    tags = read_tags(id_card.render(loaded, TODAY))
    assert not tags.of("/L") and len(tags.of("/Figure")) == 1
