"""The ID card prints the officer's photo (issue 20) in its photograph box, as the JPEG stored, tagged a /Figure
named for the officer; without a photo the box says what goes there, as before. Still CR80."""

from __future__ import annotations

import io

import httpx
import pikepdf

from register.officers import photos
from reports import data
from reports.pdf import id_card
from tests.factories import World
from tests.register.officers.photo_files import jpeg
from tests.reports.reporting import SYSTEM, TODAY, pdf_page_size_mm
from tests.reports.test_pdf_accessibility import read_tags


def images(content: bytes, page: int) -> list[tuple[int, int, str, bytes]]:
    """Each image XObject the page draws with: width, height, filter, its stream as stored."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        xobjects = pdf.pages[page].Resources.get("/XObject", {})
        return [(int(x.Width), int(x.Height), str(x.Filter), x.read_raw_bytes())
                for x in (xobjects[name] for name in xobjects) if x.Subtype == "/Image"]


async def test_the_card_prints_the_photo_held(world: World) -> None:
    officer_id = world.officers["A1a-1"]
    await photos.set_photo(SYSTEM, officer_id, jpeg())
    loaded = await data.card_data(SYSTEM, officer_id, TODAY)
    content = id_card.render(loaded, TODAY)
    assert pdf_page_size_mm(content) == (85.6, 54.0)
    ((width, height, kind, stream),) = images(content, 0)
    assert (width, height) == photos.PHOTO_SIZE
    assert kind == "/DCTDecode" and stream == await photos.photo_jpeg(officer_id)
    assert images(content, 1) == []
    name = f"{loaded['officer']['given_name']} {loaded['officer']['family_name']}"
    (figure,) = read_tags(content).of("/Figure")
    assert figure.alt == f"Photograph of {name}"


async def test_without_a_photo_the_box_stays_empty(world: World) -> None:
    loaded = await data.card_data(SYSTEM, world.officers["A1a-1"], TODAY)
    assert loaded["photo"] is None
    content = id_card.render(loaded, TODAY)
    assert images(content, 0) == [] and images(content, 1) == []
    (figure,) = read_tags(content).of("/Figure")
    assert figure.alt and figure.alt.startswith("Space for the photograph of")


async def test_the_card_route_prints_the_photo(client: httpx.AsyncClient, world: World) -> None:
    officer_id = world.officers["A1a-1"]
    before = await client.get(f"/api/officers/{officer_id}/card.pdf", headers=world.auth("mgr_a1a"))
    assert before.status_code == 200 and images(before.content, 0) == []
    await photos.set_photo(SYSTEM, officer_id, jpeg())
    after = await client.get(f"/api/officers/{officer_id}/card.pdf", headers=world.auth("mgr_a1a"))
    assert after.status_code == 200 and len(images(after.content, 0)) == 1
