"""The PDF base: A4 portrait, DejaVu Sans regular and bold (shipped inside matplotlib), headings, tables and the
footer "page n of N · as of DATE, generated DATE". Every PDF is tagged (the accessibility regulations cover PDFs):
/Lang en-GB, the title as the window title, and a structure tree of headings, paragraphs, tables and figures with
their alternative text; page furniture (footers, table borders, headings repeated after a page break) is marked
as artifacts so that screen readers skip it."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.prefs import ViewerPreferences
from fpdf.structure_tree import StructElem, StructureTreeBuilder
from fpdf.syntax import PDFObject, build_obj_dict

FONT = "DejaVu"
LANG = "en-GB"
HEADING_FILL = (225, 230, 238)


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


class _Element(StructElem):
    """fpdf2's element plus /A, the attributes a table heading cell needs (/Scope /Column)."""

    __slots__ = ("a",)

    def __init__(self, *args: Any, attributes: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.a = attributes

    def _build_obj_dict(self, security_handler: Any = None) -> dict[str, object]:
        # fpdf2 finds the keys with dir(), a third of this PDF's time once every table cell is an element
        return build_obj_dict({key: getattr(self, key) for key in _ELEMENT_KEYS}, _security_handler=security_handler,
                              _obj_id=self.id)


_ELEMENT_KEYS = ("type", "s", "p", "k", "t", "alt", "pg", "a")


class _Structure(StructureTreeBuilder):
    """fpdf2 2.8 hangs every element straight off /Document and only ever makes /Figure ones: that cannot say
    "this cell is in this row of this table". This builder nests each element under the group open at the time
    (fpdf2's own image(alt_text=...) calls land there too) and serialises the whole tree."""

    def __init__(self, pages: dict[int, Any]) -> None:
        super().__init__()
        self._pages = pages  # the page objects themselves: their references resolve when the file is written
        self._open: list[StructElem] = [self.doc_struct_elem]
        self._elements: list[StructElem] = []
        self._next_mcid: dict[int, int] = {}

    def add_marked_content(self, page_number: int, struct_type: str, mcid: int | None = None,
                           title: str | None = None, alt_text: str | None = None,
                           attributes: str | None = None) -> tuple[StructElem, int]:
        spid = self.spid_per_page_number.setdefault(page_number, len(self.spid_per_page_number))
        parent = self._open[-1]
        element = _Element(struct_type=struct_type, parent=parent, kids=[] if mcid is None else [mcid],
                           page_number=page_number, title=title, alt=alt_text, attributes=attributes)
        # A nested element's marked content is found through its own /Pg (fpdf2 sets it for /Document's kids only)
        element.pg = self._pages[page_number]
        parent.k.append(element)
        self._elements.append(element)
        if mcid is not None:
            # the parent tree's array for a page is indexed by MCID: MCIDs are handed out in this same order
            self.struct_tree_root.parent_tree.nums[spid].append(element)
            self._next_mcid[page_number] = mcid + 1
        return element, spid

    def next_mcid_for_page(self, page_number: int) -> int:
        return self._next_mcid.get(page_number, 0)

    def __iter__(self) -> Iterator[PDFObject]:
        yield self.struct_tree_root
        yield self.doc_struct_elem
        yield self.struct_tree_root.parent_tree
        yield from self._elements


class TaggedPDF(FPDF):
    """An FPDF whose content goes into the structure tree: text drawn inside tag(), groups (tables, rows) inside
    group(), decoration inside artifact(). Text drawn outside all three would be invisible to a screen reader
    reading the tags, so every drawing call in the reports sits inside one of them."""

    def __init__(self, title: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        register_fonts(self)
        self.set_lang(LANG)
        self.set_title(title)
        self.set_author("CSAS Register")
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)
        self.struct_builder = self._structure = _Structure(self.pages)
        self._tag_open: tuple[str, str | None] | None = None
        self._tag_continues: tuple[str, str | None] | None = None

    def _begin(self, struct_type: str, alt: str | None = None, attributes: str | None = None) -> None:
        mcid = self._structure.next_mcid_for_page(self.page)
        _, spid = self._structure.add_marked_content(self.page, struct_type, mcid=mcid, alt_text=alt,
                                                     attributes=attributes)
        self.pages[self.page].struct_parents = spid
        self._out(f"{struct_type} <</MCID {mcid}>> BDC")
        self._tag_open = (struct_type, attributes)

    @contextmanager
    def tag(self, struct_type: str, alt: str | None = None, attributes: str | None = None) -> Iterator[None]:
        """One element (/H1, /P, /TD, ...) holding what is drawn inside. A page break inside (a long paragraph)
        ends it at the footer and carries on in a second element of the same type on the next page: marked
        content cannot span pages."""
        self._begin(struct_type, alt, attributes)
        try:
            yield
        finally:
            self._out("EMC")
            self._tag_open = None

    @contextmanager
    def group(self, struct_type: str) -> Iterator[None]:
        """An element with elements inside (/Table, /TR, /L, /Sect), spanning pages as it likes."""
        element, _ = self._structure.add_marked_content(self.page, struct_type)
        self._structure._open.append(element)
        try:
            yield
        finally:
            self._structure._open.pop()

    @contextmanager
    def artifact(self, kind: str | None = None) -> Iterator[None]:
        self._out(f"/Artifact <</Type /{kind}>> BDC" if kind else "/Artifact BMC")
        try:
            yield
        finally:
            self._out("EMC")

    def footer(self) -> None:
        if self._tag_open:
            self._out("EMC")
            self._tag_continues, self._tag_open = self._tag_open, None
        with self.artifact("Pagination"):
            self.draw_footer()

    def header(self) -> None:
        if self._tag_continues:
            struct_type, attributes = self._tag_continues
            self._tag_continues = None
            self._begin(struct_type, attributes=attributes)

    def draw_footer(self) -> None:
        pass

    def figure(self, png: bytes, alt: str, **kwargs: Any) -> None:
        """An image as a /Figure with its words: fpdf2 tags the image itself when given alt_text."""
        from io import BytesIO

        self.image(BytesIO(png), alt_text=alt, **kwargs)


def wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Greedy word wrap to width (mm) in the current font; a word longer than a line is cut by characters."""
    if pdf.get_string_width(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if pdf.get_string_width(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:
            if line and pdf.get_string_width(line + char) > width:
                lines.append(line)
                line = ""
            line += char
    lines.append(line)
    return lines


# A heading cell heads its column: said once, in the structure, so a screen reader can repeat it in each cell
COLUMN_HEADING = "<< /O /Table /Scope /Column >>"


class ReportPDF(TaggedPDF):
    """A4 portrait with the register's footer on every page."""

    def __init__(self, title: str, as_of: dt.date, generated_on: dt.date) -> None:
        super().__init__(title, orientation="P", unit="mm", format="A4")
        self.report_title = title
        self.as_of = as_of
        self.generated_on = generated_on
        self.set_auto_page_break(auto=True, margin=18)
        self.alias_nb_pages()
        self.set_font(FONT, size=10)

    def draw_footer(self) -> None:
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
        with self.tag("/H1"):
            self.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT", align="L")
        self.set_font(FONT, size=10)
        self.ln(1)

    def h2(self, text: str) -> None:
        if self.get_y() > self.h - 45:
            self.add_page()
        self.ln(2)
        self.set_font(FONT, "B", 12)
        with self.tag("/H2"):
            self.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT", align="L")
        self.set_font(FONT, size=10)

    def para(self, text: str, size: float = 10, bold: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        with self.tag("/P"):
            self.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT", align="L")
        self.set_font(FONT, size=10)

    def table_of(self, headings: list[str], rows: list[list[Any]], widths: list[float] | None = None,
                 size: float = 8, empty: str = "None recorded.") -> None:
        """A bordered table tagged /Table, /TR, /TH and /TD: bold shaded headings repeated after a page break
        (as artifacts: the structure has them once), cells wrapped, column widths scaled to the page. Drawn with
        text() rather than fpdf2's table(), which cannot tag cells and spends ~15 ms a table on layout (issue 8:
        the record in at most 150 ms)."""
        if not rows:
            self.para(empty, size=9)
            return
        widths = widths or [1.0] * len(headings)
        scale = self.epw / sum(widths)
        columns = [w * scale for w in widths]
        line_height = size / self.k * 1.5
        pad = self.c_margin

        def layout(cells: list[Any], style: str) -> tuple[str, list[list[str]], float]:
            self.set_font(FONT, style, size)
            wrapped = [wrap(self, "" if cell is None else str(cell), width - 2 * pad)
                       for cell, width in zip(cells, columns, strict=True)]
            return style, wrapped, max(len(lines) for lines in wrapped) * line_height

        def draw(style: str, wrapped: list[list[str]], height: float, cell_tag: str | None) -> None:
            self.set_font(FONT, style, size)
            x, y = self.l_margin, self.get_y()
            with self.artifact():
                for width in columns:
                    self.rect(x, y, width, height, style="DF" if style else "D")
                    x += width
            x = self.l_margin
            for lines, width in zip(wrapped, columns, strict=True):
                marked = (self.tag(cell_tag, attributes=COLUMN_HEADING if cell_tag == "/TH" else None)
                          if cell_tag else self.artifact("Pagination"))
                with marked:
                    for index, line in enumerate(lines):
                        if line:
                            self.text(x + pad, y + (index + 0.5) * line_height + 0.3 * self.font_size, line)
                x += width
            self.set_xy(self.l_margin, y + height)

        header = layout(headings, "B")
        with self.group("/Table"):
            self.set_fill_color(*HEADING_FILL)
            with self.group("/TR"):
                draw(*header, "/TH")
            for cells in rows:
                row = layout(cells, "")
                if self.get_y() + row[2] > self.page_break_trigger:
                    self.add_page()
                    self.set_fill_color(*HEADING_FILL)
                    draw(*header, None)
                with self.group("/TR"):
                    draw(*row, "/TD")
        self.set_fill_color(255, 255, 255)
        self.set_font(FONT, size=10)
        self.ln(2)

    def image_png(self, png: bytes, width: float, alt: str) -> None:
        if self.get_y() > self.h - 20 - width * 0.45:
            self.add_page()
        self.figure(png, alt, w=width)
        self.ln(2)
