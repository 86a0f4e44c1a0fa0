"""The document layer: what Word shows — runs with effective formatting, printed lines, paragraphs,
tables with merged cells, headers and footers, sections. Made by `generator.docx.reader`.

Not modelled (documented limits): conditional table-style formatting (first row, banding), hidden
text, the ``*Lines`` spacing variants, text inside text boxes, grouped shapes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeAlias

from generator.docx.ns import Element, mm
from generator.docx.styles import Props

DEFAULT_SIZE = 20  # half-points: Word's size when no level declares one (10 pt)
NO_BORDER = {None, "nil", "none"}
UNDERSCORE_EM = 0.5
"""An underscore is half an em wide in Times New Roman, both weights (1024 units)."""


@dataclass
class Run:
    """A piece of displayed text with its effective formatting (text is NFC, ``w:caps`` applied)."""

    text: str
    fonts: dict[str, str | None]
    size: int  # half-points
    bold: bool
    italic: bool
    color: str | None
    highlight: str | None

    def piece(self, text: str) -> Run:
        return Run(text, self.fonts, self.size, self.bold, self.italic, self.color, self.highlight)


@dataclass(eq=False)
class Line:
    """One printed line of a paragraph: the paragraph split at ``w:br`` (or a slice of such a line)."""

    runs: list[Run]
    para: Para
    number: int  # 1-based line number inside the paragraph

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    @property
    def where(self) -> str:
        return self.para.where + (f", dòng {self.number}" if len(self.para.lines) > 1 else "")

    @property
    def ink_runs(self) -> list[Run]:
        """Runs that print something (not only spaces)."""
        return [r for r in self.runs if r.text.strip()]

    @property
    def size(self) -> int | None:
        """The size most of the characters have (half-points)."""
        counts: dict[int, int] = {}
        for r in self.ink_runs:
            counts[r.size] = counts.get(r.size, 0) + len(r.text.strip())
        return max(counts, key=lambda size: counts[size]) if counts else None

    def slice(self, start: int, end: int | None = None) -> Line:
        """The characters ``text[start:end]`` as a line of their own (same paragraph and number)."""
        end = len(self.text) if end is None else end
        runs, pos = [], 0
        for r in self.runs:
            lo, hi = max(start, pos), min(end, pos + len(r.text))
            if lo < hi:
                runs.append(r.piece(r.text[lo - pos : hi - pos]))
            pos += len(r.text)
        return Line(runs, self.para, self.number)


@dataclass
class Field:
    instr: str  # upper-case instruction, e.g. "PAGE"
    runs: list[Run]  # displayed result (or the instruction run's formatting when there is no result)


@dataclass(eq=False)
class Para:
    el: Element
    where: str
    section: int  # 0-based
    style_id: str | None
    props: Props
    raw_text: str  # as stored (for the NFC check)
    lines: list[Line] = field(default_factory=list)
    drawn_lines: list[float] = field(default_factory=list)  # mm, DrawingML/VML horizontal lines
    fields: list[Field] = field(default_factory=list)
    width: int = 0  # twips available to the text: container width minus left/right indents
    cell: Cell | None = None
    next: Para | None = None  # next paragraph in the same container, if no table comes between
    style_name: str = ""  # the paragraph style's name ("Normal", "Heading 1")
    runs: list[Run] = field(default_factory=list)  # as read, line breaks inside their text

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()

    @property
    def jc(self) -> str | None:
        return self.props.get("jc")

    @property
    def first_line(self) -> int:
        """First-line indent in twips (negative = hanging)."""
        chars = self.props.get("ind.firstChars")
        if chars:
            return int(round(chars / 100 * (self.size or DEFAULT_SIZE) * 10))
        return int(self.props.get("ind.first", 0))

    @property
    def left(self) -> int:
        return int(self.props.get("ind.left", 0))

    @property
    def right(self) -> int:
        return int(self.props.get("ind.right", 0))

    @property
    def before(self) -> int:
        return int(self.props.get("spacing.before", 0))

    @property
    def after(self) -> int:
        return int(self.props.get("spacing.after", 0))

    @property
    def line_spacing(self) -> tuple[int, str]:
        """(w:line, w:lineRule); single auto spacing when nothing is declared."""
        return self.props.get("spacing.line", 240), self.props.get("spacing.lineRule", "auto")

    @property
    def contextual(self) -> bool:
        return bool(self.props.get("contextual"))

    @property
    def numbered(self) -> bool:
        return self.props.get("numId") not in (None, "0")

    def border(self, side: str) -> bool:
        return self.props.get(f"bdr.{side}") not in NO_BORDER

    @property
    def size(self) -> int | None:
        sizes = [line.size for line in self.lines if line.size]
        return max(set(sizes), key=sizes.count) if sizes else None

    @property
    def underscore_mm(self) -> float:
        """Length of the underscores typed in the paragraph."""
        pts = sum(r.text.count("_") * r.size / 2 * UNDERSCORE_EM for line in self.lines for r in line.runs)
        return pts * 25.4 / 72

    @property
    def is_rule(self) -> bool:
        """Draws a horizontal line and prints no letters (a "line paragraph")."""
        if any(ch.isalnum() for ch in self.text):
            return False
        return bool(self.drawn_lines) or "_" in self.text or self.border("bottom") or self.border("top")

    def rule_mm(self) -> float | None:
        """Length of the line this paragraph draws (shape, underscores or bottom/top border), if any."""
        if self.drawn_lines:
            return self.drawn_lines[0]
        if "_" in self.text and not any(ch.isalnum() for ch in self.text):
            return self.underscore_mm
        if self.border("bottom") or (self.is_empty and self.border("top")):
            return mm(self.width)
        return None


@dataclass(eq=False)
class Cell:
    table: Table
    row: int  # 0-based
    col: int  # 0-based grid column
    width: int  # twips inside the cell margins
    span: int = 1  # grid columns the cell covers (w:gridSpan)
    merged_above: bool = False  # continues the cell above (w:vMerge without "restart"): shows nothing
    paras: list[Para] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return [line for p in self.paras for line in p.lines]


@dataclass(eq=False)
class Table:
    el: object
    number: int  # 1-based, in document order
    section: int
    rows: list[list[Cell]] = field(default_factory=list)
    borders_visible: bool = False

    @property
    def cells(self) -> list[Cell]:
        return [c for row in self.rows for c in row]

    @property
    def columns(self) -> int:
        return max((c.col + 1 for c in self.cells), default=0)

    def iter_paras(self) -> Iterator[Para]:
        for cell in self.cells:
            yield from cell.paras
            for nested in cell.tables:
                yield from nested.iter_paras()

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.iter_paras())


@dataclass(eq=False)
class HeaderFooter:
    kind: str  # "header" | "footer"
    type: str  # "default" | "first" | "even"
    section: int  # first section that uses it
    paras: list[Para] = field(default_factory=list)

    @property
    def page_fields(self) -> list[tuple[Para, Field]]:
        return [(p, f) for p in self.paras for f in p.fields if re.match(r"PAGE\b", f.instr)]

    @property
    def total_fields(self) -> list[tuple[Para, Field]]:
        return [(p, f) for p in self.paras for f in p.fields if re.match(r"(NUMPAGES|SECTIONPAGES)\b", f.instr)]


@dataclass
class Section:
    index: int  # 0-based
    width: int | None
    height: int | None
    margins: dict[str, int | None]
    title_page: bool
    page_start: int | None
    page_format: str | None
    start_type: str
    headers: dict[str, HeaderFooter | None] = field(default_factory=dict)
    footers: dict[str, HeaderFooter | None] = field(default_factory=dict)

    @property
    def landscape(self) -> bool:
        return bool(self.width and self.height and self.width > self.height)

    @property
    def text_width(self) -> int:
        return (self.width or 11906) - (self.margins.get("left") or 0) - (self.margins.get("right") or 0)


Block: TypeAlias = Para | Table


@dataclass
class DocModel:
    path: str
    blocks: list[Block]  # body-level paragraphs and tables, in order
    sections: list[Section]
    header_footers: list[HeaderFooter]  # each part once
    mirror_margins: bool

    def iter_paras(self) -> Iterator[Para]:
        """Every paragraph: body, table cells (nested too), then headers and footers."""
        for block in self.blocks:
            if isinstance(block, Table):
                yield from block.iter_paras()
            else:
                yield block
        for part in self.header_footers:
            yield from part.paras
