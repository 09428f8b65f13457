"""The ID and powers card: CR80 (85.60 by 53.98 mm), landscape, front and back; tagged like the reports, the
coloured band an artifact; the officer's photo, or the space for one, a figure that says what it is. The back carries
a QR code of the card's public check (/verify/<token>, issue 20), a figure whose alternative text gives its address."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from reports.pdf.fonts import FONT, TaggedPDF, day

CR80 = (85.60, 53.98)
PHOTO_BOX = (4, 14, 20, 25)  # x, y, width, height in mm
QR_SIDE = 21.0  # mm, quiet zone included


def render(data: dict[str, Any], generated_on: dt.date) -> bytes:
    officer = data["officer"]
    accreditation = data["accreditation"]
    name = f"{officer['given_name']} {officer['family_name']}"
    pdf = TaggedPDF(f"ID card: {name}", orientation="L", unit="mm",
                    format=(CR80[1], CR80[0]))  # fpdf2 takes (short, long) side
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(4, 4, 4)

    # Front
    pdf.add_page()
    with pdf.artifact():
        pdf.set_fill_color(25, 55, 95)
        pdf.rect(0, 0, CR80[0], 11, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(4, 1.5)
    pdf.set_font(FONT, "B", 8.5)
    with pdf.tag("/P"):
        pdf.cell(0, 4, data["force"]["name"], new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font(FONT, "", 6)
    with pdf.tag("/P"):
        pdf.cell(0, 3.5, "Community Safety Accreditation Scheme", new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_text_color(0, 0, 0)
    if data.get("photo"):
        _photo(pdf, data["photo"], name)
    else:
        with pdf.tag("/Figure", alt=f"Space for the photograph of {name}, stuck on when the card is issued"):
            pdf.set_draw_color(150, 150, 150)
            pdf.rect(*PHOTO_BOX)
            pdf.set_font(FONT, "", 5)
            pdf.set_xy(4, 25)
            pdf.cell(20, 3, "photograph", align="C")
    pdf.set_xy(27, 14)
    pdf.set_font(FONT, "B", 10)
    with pdf.tag("/H1"):
        pdf.multi_cell(55, 4.5, name, new_x="LEFT", new_y="NEXT", align="L")
    pdf.set_font(FONT, "", 6.5)
    lines = [f"Staff number: {officer['staff_number']}", f"Employer: {officer['organisation_name']}"]
    if accreditation:
        lines += [f"Accreditation number: {accreditation['number']}",
                  f"Expires: {day(accreditation['expires_on'])}"]
    else:
        lines += ["No accreditation in force", "NOT VALID FOR USE OF POWERS"]
    for line in lines:
        pdf.set_x(27)
        with pdf.tag("/P"):
            pdf.multi_cell(55, 3.4, line, new_x="LEFT", new_y="NEXT", align="L")
    pdf.set_xy(4, CR80[1] - 6)
    pdf.set_font(FONT, "", 4.5)
    with pdf.tag("/P"):
        pdf.cell(0, 3, f"Printed {day(generated_on)} · valid only with a current accreditation", align="L")

    # Back
    pdf.add_page()
    pdf.set_right_margin(4 + QR_SIDE + 2)  # the powers list wraps beside the code, never under it
    pdf.set_xy(4, 3)
    pdf.set_font(FONT, "B", 6.5)
    with pdf.tag("/H2"):
        pdf.cell(0, 3.5, "Designated powers (Police Reform Act 2002, Schedule 5)", new_x="LMARGIN", new_y="NEXT",
                 align="L")
    powers = data["powers"]
    size = 5.0 if len(powers) <= 12 else 4.2
    pdf.set_font(FONT, "", size)
    if not powers:
        with pdf.tag("/P"):
            pdf.multi_cell(0, 3, "No designated powers in force.", new_x="LMARGIN", new_y="NEXT",
                           align="L")
    else:
        with pdf.group("/L"):
            for power in powers:
                if pdf.get_y() > CR80[1] - 8:
                    with pdf.group("/LI"), pdf.tag("/LBody"):
                        pdf.multi_cell(0, 2.4, "… and more: see the register.", new_x="LMARGIN", new_y="NEXT",
                                       align="L")
                    break
                with pdf.group("/LI"), pdf.tag("/LBody"):
                    pdf.multi_cell(0, size * 0.5, f"• {power['title'] or power['code']}", new_x="LMARGIN",
                                   new_y="NEXT", align="L")
    pdf.set_right_margin(4)
    _draw_qr(pdf, data.get("verify_url"))  # after the powers, where a screen reader reaches it
    pdf.set_xy(4, CR80[1] - 5)
    pdf.set_font(FONT, "", 4.2)
    with pdf.tag("/P"):
        pdf.cell(0, 2.5, f"As of {day(data['as_of'])}. If found, please return to {data['force']['name']}.")
    return bytes(pdf.output())


def _photo(pdf: TaggedPDF, jpeg: bytes, name: str) -> None:
    """The stored photo (35:45) at the box's full height, centred across its width, the box's edge around it.
    fpdf2 embeds the JPEG as it is (no re-encoding) and tags it a /Figure with its words."""
    x, y, width, height = PHOTO_BOX
    photo_width = height * 35 / 45
    pdf.figure(jpeg, f"Photograph of {name}", x=x + (width - photo_width) / 2, y=y, w=photo_width, h=height)
    with pdf.artifact():
        pdf.set_draw_color(150, 150, 150)
        pdf.rect(*PHOTO_BOX)
def qr_png(url: str) -> bytes:
    """The QR code as a PNG, with the 4-module quiet zone scanners need, error correction M at least (segno raises
    it when the symbol has room)."""
    import segno

    out = io.BytesIO()
    segno.make_qr(url, error="m").save(out, kind="png", scale=10, border=4)
    return out.getvalue()


def _draw_qr(pdf: TaggedPDF, url: str | None) -> None:
    """At the back's top right, QR_SIDE mm with its quiet zone (a short URL makes a version 4 symbol of 33
    modules: about 16.5 mm without the zone, comfortably above the 15 mm phones scan from arm's length). Without
    an ID card issue on the register there is no card to check: the space says so rather than print a code."""
    x, y = CR80[0] - 4 - QR_SIDE, 7.5
    if url is None:
        pdf.set_font(FONT, "", 4.5)
        pdf.set_xy(x, y)
        with pdf.tag("/P"):
            pdf.multi_cell(QR_SIDE, 2.4, "No QR code: no ID card issue is recorded on the register for this "
                           "officer.", align="L")
        return
    pdf.figure(qr_png(url), f"QR code: check this card at {url}", x=x, y=y, w=QR_SIDE, h=QR_SIDE)
    pdf.set_font(FONT, "B", 4.5)
    pdf.set_xy(x, y + QR_SIDE)
    with pdf.tag("/P"):
        pdf.cell(QR_SIDE, 2.5, "Scan to check this card", align="C")
