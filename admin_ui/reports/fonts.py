"""The PDF base: A4 portrait, DejaVu Sans regular and bold (shipped inside matplotlib), headings, tables and the
footer "page n of N · as of DATE, generated DATE"."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

FONT = "DejaVu"


# What a register prints: Latin scripts (names such as Nowak, Ó Briain, Dvořák), Greek and Cyrillic,
# punctuation (dashes, curly quotes, bullets, ellipsis), currency (£ €), arrows and a few symbols. Everything
# else is dropped from the embedded font.
UNICODE_RANGES = (
    (0x0020, 0x024F), (0x0300, 0x036F), (0x0370, 0x03FF), (0x0400, 0x04FF), (0x1E00, 0x1EFF),
    (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x2122), (0x2190, 0x2195), (0x2212, 0x2212), (0x25A0, 0x25CF),
    (0x2713, 0x2717), (0xFFFD, 0xFFFD),
)


def _subset(source: Path, target: Path) -> None:
    """DejaVu Sans holds ~6,000 glyphs; parsing it costs ~90 ms a document. A subset for the scripts above
    parses several times faster and is made once per machine (cached beside the other temporary files)."""
    from fontTools import subset

    options = subset.Options()
    options.layout_features = []  # fpdf2 does no shaping here: kerning and ligature tables are dead weight
    options.hinting = False       # PDF viewers rasterise without TrueType hints well enough
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for low, high in UNICODE_RANGES for c in range(low, high + 1)])
    subsetter.subset(font)
    partial = target.with_suffix(f".{os.getpid()}.tmp")
    subset.save_font(font, str(partial), options)
    partial.replace(target)  # atomic: concurrent workers never read half a file


@lru_cache(maxsize=1)
def font_files() -> tuple[str, str]:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    cache = Path(tempfile.gettempdir()) / f"csas-fonts-{matplotlib.__version__}-2"
    out = []
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        target = cache / name
        if not target.exists():
            try:
                cache.mkdir(parents=True, exist_ok=True)
                _subset(folder / name, target)
            except OSError:  # a read-only temp folder: embed the full font instead
                target = folder / name
        out.append(str(target))
    return out[0], out[1]


def register_fonts(pdf: FPDF) -> None:
    regular, bold = font_files()
    pdf.add_font(FONT, "", regular)
    pdf.add_font(FONT, "B", bold)


def day(value: dt.date | None, empty: str = "—") -> str:
    return value.strftime("%d %b %Y") if value else empty


class ReportPDF(FPDF):
    """A4 portrait with the register's footer on every page."""

    def __init__(self, title: str, as_of: dt.date, generated_on: dt.date) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        register_fonts(self)
        self.report_title = title
        self.as_of = as_of
        self.generated_on = generated_on
        self.set_title(title)
        self.set_author("CSAS Register")
        self.set_auto_page_break(auto=True, margin=18)
        self.alias_nb_pages()
        self.set_font(FONT, size=10)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, size=8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"{self.report_title} · as of {day(self.as_of)}, generated {day(self.generated_on)}",
                  align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)

    def h1(self, text: str) -> None:
        self.set_font(FONT, "B", 16)
        self.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT", align="L")
        self.set_font(FONT, size=10)
        self.ln(1)

    def h2(self, text: str) -> None:
        if self.get_y() > self.h - 45:
            self.add_page()
        self.ln(2)
        self.set_font(FONT, "B", 12)
        self.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT", align="L")
        self.set_font(FONT, size=10)

    def para(self, text: str, size: float = 10, bold: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT", align="L")
        self.set_font(FONT, size=10)

    def table_of(self, headings: list[str], rows: list[list[Any]], widths: list[float] | None = None,
                 size: float = 8, empty: str = "None recorded.") -> None:
        if not rows:
            self.para(empty, size=9)
            return
        self.set_font(FONT, size=size)
        with self.table(
            col_widths=tuple(widths) if widths else None, text_align="LEFT", line_height=self.font_size * 1.5,
            headings_style=FontFace(emphasis="BOLD", fill_color=(225, 230, 238)), first_row_as_headings=True,
        ) as table:
            for cells in [headings, *rows]:
                row = table.row()
                for cell in cells:
                    row.cell("" if cell is None else str(cell))
        self.set_font(FONT, size=10)
        self.ln(2)

    def image_png(self, png: bytes, width: float) -> None:
        from io import BytesIO

        if self.get_y() > self.h - 20 - width * 0.45:
            self.add_page()
        self.image(BytesIO(png), w=width)
        self.ln(2)
