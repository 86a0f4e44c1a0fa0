"""Read any .docx into paragraphs, lines, runs, tables and sections with EFFECTIVE formatting.

Nothing here knows about Nghị định 30: this module only answers "what does Word show". Effective run
formatting is resolved as Word does: docDefaults → table style → paragraph style → character style
(each style with its ``basedOn`` chain) → direct formatting. Toggle properties (bold, italic, caps) are
XOR-ed across the three style layers and set absolutely by direct formatting (ECMA-376 §17.7.3). Theme
fonts (``w:asciiTheme`` …) are resolved through the theme part. Paragraph properties (jc, ind, spacing,
borders) merge the same way, with numbering-level indents between style and direct formatting.

Not modelled (documented limits): conditional table-style formatting (first row, banding), hidden text,
the ``*Lines`` spacing variants, text inside text boxes, grouped shapes.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterator, Union

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from generator.check.report import CheckFileError
from generator.check.textwidth import UNDERSCORE_EM
from generator.safezip import PackageError, open_word

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "v": "urn:schemas-microsoft-com:vml",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}
TWIPS_PER_MM = 1440 / 25.4
EMU_PER_MM = 36000
DEFAULT_SIZE = 20  # half-points: Word's size when no level declares one (10 pt)
DEFAULT_CELL_MARGIN = 108  # twips, Word's default left/right cell margin
FONT_SLOTS = ("ascii", "hAnsi", "cs")
MARGIN_NAMES = ("top", "bottom", "left", "right", "header", "footer", "gutter")
_THEME_ATTR = {"ascii": "asciiTheme", "hAnsi": "hAnsiTheme", "cs": "cstheme", "eastAsia": "eastAsiaTheme"}
_TOGGLES = ("b", "i", "caps")
_NO_BORDER = {None, "nil", "none"}

PathOrFile = Union[str, Path, IO[bytes]]


def q(name: str) -> str:
    """Clark name of a prefixed name: ``q("w:p")`` → ``{…/main}p``."""
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _val(el, name: str = "w:val") -> str | None:
    return None if el is None else el.get(q(name))


def _int(value: str | None) -> int | None:
    try:
        return None if value is None else int(float(value))
    except (ValueError, OverflowError):  # "abc", "1e999"
        return None


def _on(el) -> bool | None:
    """An ON/OFF property: absent → None, ``<w:b/>`` → True, ``w:val="0|false|off"`` → False."""
    if el is None:
        return None
    return _val(el) not in ("0", "false", "off")


def mm(twips: float) -> float:
    return twips / TWIPS_PER_MM


# ---------------------------------------------------------------------------------------------------
# Property parsing and style resolution
# ---------------------------------------------------------------------------------------------------


def _parse_rpr(rpr) -> dict:
    """Run properties of one level as a flat dict (only what is declared at that level)."""
    props: dict = {}
    if rpr is None:
        return props
    for key in _TOGGLES:
        value = _on(rpr.find(q(f"w:{key}")))
        if value is not None:
            props[key] = value
    for key, attr in (("sz", "w:val"), ("color", "w:val"), ("highlight", "w:val"), ("shd", "w:fill")):
        el = rpr.find(q(f"w:{key}"))
        if el is not None and el.get(q(attr)) is not None:
            props[key] = _int(el.get(q(attr))) if key == "sz" else el.get(q(attr))
    fonts = rpr.find(q("w:rFonts"))
    if fonts is not None:
        for slot, theme_attr in _THEME_ATTR.items():
            theme, name = fonts.get(q(f"w:{theme_attr}")), fonts.get(q(f"w:{slot}"))
            if theme:  # within one level the theme attribute wins over the plain name
                props[f"font.{slot}"] = ("theme", theme)
            elif name:
                props[f"font.{slot}"] = ("name", name)
    return props


def _parse_ppr(ppr) -> dict:
    """Paragraph properties of one level as a flat dict."""
    props: dict = {}
    if ppr is None:
        return props
    jc = _val(ppr.find(q("w:jc")))
    if jc:
        props["jc"] = {"start": "left", "end": "right"}.get(jc, jc)
    ind = ppr.find(q("w:ind"))
    if ind is not None:
        for key, names in (("left", ("w:left", "w:start")), ("right", ("w:right", "w:end"))):
            value = next((_int(ind.get(q(n))) for n in names if ind.get(q(n)) is not None), None)
            if value is not None:
                props[f"ind.{key}"] = value
        # firstLine and hanging exclude each other: the level that sets one replaces the other.
        if ind.get(q("w:hanging")) is not None:
            props["ind.first"] = -(_int(ind.get(q("w:hanging"))) or 0)
        elif ind.get(q("w:firstLine")) is not None:
            props["ind.first"] = _int(ind.get(q("w:firstLine"))) or 0
        if ind.get(q("w:hangingChars")) is not None:
            props["ind.firstChars"] = -(_int(ind.get(q("w:hangingChars"))) or 0)
        elif ind.get(q("w:firstLineChars")) is not None:
            props["ind.firstChars"] = _int(ind.get(q("w:firstLineChars"))) or 0
    spacing = ppr.find(q("w:spacing"))
    if spacing is not None:
        for key in ("before", "after", "line"):
            value = _int(spacing.get(q(f"w:{key}")))
            if value is not None:
                props[f"spacing.{key}"] = value
        if spacing.get(q("w:lineRule")):
            props["spacing.lineRule"] = spacing.get(q("w:lineRule"))
        for key in ("before", "after"):
            if _on_attr(spacing, f"w:{key}Autospacing"):
                props[f"spacing.{key}"] = 280  # Word's "auto" paragraph spacing is 14 pt
    contextual = _on(ppr.find(q("w:contextualSpacing")))
    if contextual is not None:
        props["contextual"] = contextual
    borders = ppr.find(q("w:pBdr"))
    if borders is not None:
        for side in borders:
            props[f"bdr.{etree.QName(side).localname}"] = side.get(q("w:val"))
    num = ppr.find(q("w:numPr"))
    if num is not None:
        num_id = _val(num.find(q("w:numId")))
        if num_id is not None:
            props["numId"] = num_id
            props["ilvl"] = _int(_val(num.find(q("w:ilvl")))) or 0
    return props


def _on_attr(el, name: str) -> bool:
    value = el.get(q(name))
    return value is not None and value not in ("0", "false", "off")


def _parse_tblpr(tblpr) -> dict:
    props: dict = {}
    if tblpr is None:
        return props
    borders = tblpr.find(q("w:tblBorders"))
    if borders is not None:
        for side in borders:
            props[f"bdr.{_side(side)}"] = side.get(q("w:val"))
    margins = tblpr.find(q("w:tblCellMar"))
    if margins is not None:
        for side in margins:
            props[f"mar.{_side(side)}"] = _int(side.get(q("w:w")))
    return props


def _side(el) -> str:
    return {"start": "left", "end": "right"}.get(etree.QName(el).localname, etree.QName(el).localname)


class StyleSheet:
    """styles.xml + theme fonts + numbering: merges the levels of formatting into effective values."""

    def __init__(self, styles_el, theme_fonts: dict[str, str], numbering_el):
        self._styles = {s.get(q("w:styleId")): s for s in styles_el.iter(q("w:style"))}
        self._defaults = {
            t: s.get(q("w:styleId"))
            for s in styles_el.iter(q("w:style"))
            if _on_attr(s, "w:default") and (t := s.get(q("w:type")))
        }
        defaults = styles_el.find(q("w:docDefaults"))
        self.default_rpr = _parse_rpr(None if defaults is None else defaults.find(f"{q('w:rPrDefault')}/{q('w:rPr')}"))
        self.default_ppr = _parse_ppr(None if defaults is None else defaults.find(f"{q('w:pPrDefault')}/{q('w:pPr')}"))
        self.theme_fonts = theme_fonts
        self._numbering = numbering_el
        self._cache: dict[tuple, dict] = {}

    def _chain_props(self, style_id: str | None, kind: str, part: str) -> dict:
        """Merged ``part`` (rPr/pPr/tblPr) of a style and its basedOn ancestors; unknown id → default style."""
        key = (style_id, kind, part)
        if key not in self._cache:
            if style_id not in self._styles or self._styles[style_id].get(q("w:type")) != kind:
                style_id = self._defaults.get(kind) if kind != "character" else None
            chain, seen = [], set()
            while style_id and style_id in self._styles and style_id not in seen:
                seen.add(style_id)
                chain.append(self._styles[style_id])
                style_id = _val(self._styles[style_id].find(q("w:basedOn")))
            parse = {"rPr": _parse_rpr, "pPr": _parse_ppr, "tblPr": _parse_tblpr}[part]
            merged: dict = {}
            for style in reversed(chain):
                merged.update(parse(style.find(q(f"w:{part}"))))
            self._cache[key] = merged
        return self._cache[key]

    def run_props(self, para_style, table_style, run_style, direct_rpr) -> dict:
        """Effective run properties (see the module docstring for the order)."""
        layers = [
            self._chain_props(table_style, "table", "rPr") if table_style is not False else {},
            self._chain_props(para_style, "paragraph", "rPr"),
            self._chain_props(run_style, "character", "rPr") if run_style else {},
        ]
        direct = _parse_rpr(direct_rpr)
        props = dict(self.default_rpr)
        for layer in layers:
            props.update({k: v for k, v in layer.items() if k not in _TOGGLES})
        for key in _TOGGLES:
            state = bool(self.default_rpr.get(key, False))
            for layer in layers:
                state ^= bool(layer.get(key, False))
            props[key] = state
        props.update(direct)
        return props

    def para_props(self, para_style, table_style, direct_ppr) -> dict:
        """Effective paragraph properties: defaults → table style → paragraph style → numbering → direct."""
        props = dict(self.default_ppr)
        if table_style is not False:
            props.update(self._chain_props(table_style, "table", "pPr"))
        props.update(self._chain_props(para_style, "paragraph", "pPr"))
        direct = _parse_ppr(direct_ppr)
        num_id = direct.get("numId", props.get("numId"))
        if num_id not in (None, "0"):
            props.update(self._numbering_ind(num_id, direct.get("ilvl", props.get("ilvl", 0))))
        props.update(direct)
        return props

    def table_props(self, table_style, direct_tblpr) -> dict:
        props = dict(self._chain_props(table_style, "table", "tblPr"))
        props.update(_parse_tblpr(direct_tblpr))
        return props

    def _numbering_ind(self, num_id: str, ilvl: int) -> dict:
        if self._numbering is None:
            return {}
        num = next((n for n in self._numbering.iter(q("w:num")) if n.get(q("w:numId")) == num_id), None)
        if num is None:
            return {}
        for override in num.iter(q("w:lvlOverride")):
            lvl = override.find(q("w:lvl"))
            if _int(override.get(q("w:ilvl"))) == ilvl and lvl is not None:
                return {k: v for k, v in _parse_ppr(lvl.find(q("w:pPr"))).items() if k.startswith("ind.")}
        abstract_id = _val(num.find(q("w:abstractNumId")))
        for abstract in self._numbering.iter(q("w:abstractNum")):
            if abstract.get(q("w:abstractNumId")) == abstract_id:
                for lvl in abstract.iter(q("w:lvl")):
                    if _int(lvl.get(q("w:ilvl"))) == ilvl:
                        return {k: v for k, v in _parse_ppr(lvl.find(q("w:pPr"))).items() if k.startswith("ind.")}
        return {}

    def font(self, props: dict, slot: str) -> str | None:
        """Font name of a slot (ascii/hAnsi/cs), theme fonts resolved; None when no level declares one."""
        declared = props.get(f"font.{slot}")
        if declared is None:
            return None
        kind, value = declared
        if kind == "theme":
            return self.theme_fonts.get(value) or f"phông chủ đề {value} để trống"
        return value


def _theme_fonts(blob: bytes | None) -> dict[str, str]:
    """Map theme font references (minorHAnsi, majorBidi …) to typefaces ("" when the theme leaves one empty)."""
    if not blob:
        return {}
    try:
        root = etree.fromstring(blob)
    except etree.XMLSyntaxError:  # a damaged theme: its fonts are unknown
        return {}
    fonts: dict[str, str] = {}
    for major_minor in ("major", "minor"):
        group = root.find(f".//{q(f'a:{major_minor}Font')}")
        if group is None:
            continue
        faces = {}
        for script in ("latin", "ea", "cs"):
            face = group.find(q(f"a:{script}"))
            faces[script] = "" if face is None else face.get("typeface", "")
        fonts.update({
            f"{major_minor}HAnsi": faces["latin"], f"{major_minor}Ascii": faces["latin"],
            f"{major_minor}EastAsia": faces["ea"], f"{major_minor}Bidi": faces["cs"],
        })
    return fonts


# ---------------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------------


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

    def piece(self, text: str) -> "Run":
        return Run(text, self.fonts, self.size, self.bold, self.italic, self.color, self.highlight)


@dataclass(eq=False)
class Line:
    """One printed line of a paragraph: the paragraph split at ``w:br`` (or a slice of such a line)."""

    runs: list[Run]
    para: "Para"
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
        return max(counts, key=counts.get) if counts else None

    def slice(self, start: int, end: int | None = None) -> "Line":
        """The characters ``text[start:end]`` as a line of their own (same paragraph and number)."""
        end = len(self.text) if end is None else end
        runs, pos = [], 0
        for r in self.runs:
            lo, hi = max(start, pos), min(end, pos + len(r.text))
            if lo < hi:
                runs.append(r.piece(r.text[lo - pos:hi - pos]))
            pos += len(r.text)
        return Line(runs, self.para, self.number)


@dataclass
class Field:
    instr: str  # upper-case instruction, e.g. "PAGE"
    runs: list[Run]  # displayed result (or the instruction run's formatting when there is no result)


@dataclass(eq=False)
class Para:
    el: object
    where: str
    section: int  # 0-based
    style_id: str | None
    props: dict
    raw_text: str  # as stored (for the NFC check)
    lines: list[Line] = field(default_factory=list)
    drawn_lines: list[float] = field(default_factory=list)  # mm, DrawingML/VML horizontal lines
    fields: list[Field] = field(default_factory=list)
    width: int = 0  # twips available to the text: container width minus left/right indents
    cell: "Cell | None" = None
    next: "Para | None" = None  # next paragraph in the same container, if no table comes between

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
            return round(chars / 100 * (self.size or DEFAULT_SIZE) * 10)
        return self.props.get("ind.first", 0)

    @property
    def left(self) -> int:
        return self.props.get("ind.left", 0)

    @property
    def right(self) -> int:
        return self.props.get("ind.right", 0)

    @property
    def before(self) -> int:
        return self.props.get("spacing.before", 0)

    @property
    def after(self) -> int:
        return self.props.get("spacing.after", 0)

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
        return self.props.get(f"bdr.{side}") not in _NO_BORDER

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
    table: "Table"
    row: int  # 0-based
    col: int  # 0-based grid column
    width: int  # twips inside the cell margins
    paras: list[Para] = field(default_factory=list)
    tables: list["Table"] = field(default_factory=list)

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


Block = Union[Para, Table]


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


# ---------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------

_DESCEND_SKIP = {q("w:del"), q("w:moveFrom"), q("w:pPr"), q("w:rPr"), q("mc:Fallback")}


def _walk(el) -> Iterator[tuple[str, object]]:
    """Runs and simple fields of a paragraph in reading order, skipping deleted text and fallbacks."""
    for child in el:
        tag = child.tag
        if tag == q("w:r"):
            yield "run", child
        elif tag == q("w:fldSimple"):
            yield "simple-begin", child
            yield from _walk(child)
            yield "simple-end", child
        elif tag not in _DESCEND_SKIP and isinstance(tag, str):
            yield from _walk(child)


class _Reader:
    def __init__(self, document, path: str):
        self.doc = document
        self.part = document.part
        theme = self._related_blob(RT.THEME)
        numbering = self._related_element(RT.NUMBERING)
        self.styles = StyleSheet(document.styles.element, _theme_fonts(theme), numbering)
        self.path = path
        self.table_count = 0

    def _related_blob(self, reltype):
        try:
            return self.part.part_related_by(reltype).blob
        except KeyError:
            return None

    def _related_element(self, reltype):
        try:
            return self.part.part_related_by(reltype).element
        except KeyError:
            return None

    # -- sections -------------------------------------------------------------------------------

    def read(self) -> DocModel:
        body = self.doc.element.body
        sect_els = [p.find(f"{q('w:pPr')}/{q('w:sectPr')}") for p in body.iter(q("w:p"))]
        sect_els = [s for s in sect_els if s is not None]
        final = body.find(q("w:sectPr"))
        sect_els.append(final if final is not None else etree.Element(q("w:sectPr")))
        self.sections = [self._section(i, s) for i, s in enumerate(sect_els)]
        blocks = self._body_blocks(body)
        parts = self._header_footers(sect_els)
        settings = self.doc.settings.element
        return DocModel(self.path, blocks, self.sections, parts,
                        bool(_on(settings.find(q("w:mirrorMargins")))))

    def _section(self, index: int, s) -> Section:
        size, margin = s.find(q("w:pgSz")), s.find(q("w:pgMar"))
        numbering = s.find(q("w:pgNumType"))
        return Section(
            index=index,
            width=_int(_val(size, "w:w")),
            height=_int(_val(size, "w:h")),
            margins={k: _int(_val(margin, f"w:{k}")) for k in MARGIN_NAMES},
            title_page=bool(_on(s.find(q("w:titlePg")))),
            page_start=_int(_val(numbering, "w:start")),
            page_format=_val(numbering, "w:fmt"),
            start_type=_val(s.find(q("w:type"))) or "nextPage",
        )

    def _header_footers(self, sect_els) -> list[HeaderFooter]:
        """Resolve each section's headers/footers, inheriting missing references from earlier sections."""
        parts: dict[str, HeaderFooter] = {}
        inherited: dict[tuple[str, str], str | None] = {}
        for section, s in zip(self.sections, sect_els):
            for kind in ("header", "footer"):
                for ref in s.findall(q(f"w:{kind}Reference")):
                    inherited[(kind, ref.get(q("w:type")) or "default")] = ref.get(q("r:id"))
                resolved = {}
                for htype in ("default", "first", "even"):
                    rid = inherited.get((kind, htype))
                    if rid is None or rid not in self.part.related_parts:
                        resolved[htype] = None
                        continue
                    if rid not in parts:
                        parts[rid] = self._read_header_footer(kind, htype, section.index, rid)
                    resolved[htype] = parts[rid]
                setattr(section, f"{kind}s", resolved)
        return list(parts.values())

    def _read_header_footer(self, kind: str, htype: str, section: int, rid: str) -> HeaderFooter:
        element = self.part.related_parts[rid].element
        label = {"header": "phần đầu trang (header", "footer": "phần cuối trang (footer"}[kind]
        label += {"default": ")", "first": ", trang đầu)", "even": ", trang chẵn)"}[htype]
        part = HeaderFooter(kind, htype, section)
        base = f"{label} mục {section + 1}"
        els = [p for p in element.iter(q("w:p")) if not any(a.tag == q("w:txbxContent") for a in p.iterancestors())]
        for n, p_el in enumerate(els, 1):
            where = base + (f", đoạn {n}" if len(els) > 1 else "")
            para = self._para(p_el, where, section, width=self.sections[section].text_width)
            part.paras.append(para)
        return part

    # -- body -----------------------------------------------------------------------------------

    def _body_blocks(self, body) -> list[Block]:
        """Body-level paragraphs and tables; paragraphs are numbered per section ("mục N, đoạn M")."""
        blocks: list[Block] = []
        section, number = 0, 0
        for child in self._block_elements(body):
            last = min(section, len(self.sections) - 1)
            if child.tag == q("w:tbl"):
                blocks.append(self._table(child, last))
                continue
            number += 1
            where = f"mục {last + 1}, đoạn {number}"
            blocks.append(self._para(child, where, last, width=self.sections[last].text_width))
            if child.find(f"{q('w:pPr')}/{q('w:sectPr')}") is not None:
                section, number = section + 1, 0
        _link(blocks)
        return blocks

    @staticmethod
    def _block_elements(container) -> Iterator:
        for child in container:
            if child.tag in (q("w:p"), q("w:tbl")):
                yield child
            elif child.tag in (q("w:sdt"), q("w:customXml")):
                content = child.find(q("w:sdtContent"))
                yield from _Reader._block_elements(content if content is not None else child)

    def _table(self, tbl, section: int) -> Table:
        self.table_count += 1
        table = Table(tbl, self.table_count, section)
        tblpr = tbl.find(q("w:tblPr"))
        style_id = _val(None if tblpr is None else tblpr.find(q("w:tblStyle")))
        tprops = self.styles.table_props(style_id, tblpr)
        grid = [_int(g.get(q("w:w"))) or 0 for g in tbl.iterfind(f"{q('w:tblGrid')}/{q('w:gridCol')}")]
        rows = tbl.findall(q("w:tr"))
        for r, tr in enumerate(rows):
            cells, col = [], 0
            for tc in tr.iter(q("w:tc")):
                if next(tc.iterancestors(q("w:tr"))) is not tr:
                    continue  # a cell of a nested table
                tcpr = tc.find(q("w:tcPr"))
                span = _int(_val(None if tcpr is None else tcpr.find(q("w:gridSpan")))) or 1
                tcw = None if tcpr is None else tcpr.find(q("w:tcW"))
                width = sum(grid[col:col + span]) or _int(_val(tcw, "w:w")) or 0
                margins = self._cell_margins(tprops, tcpr)
                cell = Cell(table, r, col, width - margins[0] - margins[1])
                table.borders_visible |= self._cell_has_border(tprops, tcpr, r, len(rows), col + span, len(grid), col)
                col += span
                paras = []
                for child in self._block_elements(tc):
                    if child.tag == q("w:tbl"):
                        cell.tables.append(self._table(child, section))
                    else:
                        paras.append(child)
                for n, p_el in enumerate(paras, 1):
                    where = f"bảng {table.number}, hàng {r + 1}, ô {col - span + 1}"
                    where += f", đoạn {n}" if len(paras) > 1 else ""
                    para = self._para(p_el, where, section, table_style=style_id, cell=cell, width=cell.width)
                    cell.paras.append(para)
                _link(cell.paras)
                cells.append(cell)
            table.rows.append(cells)
        return table

    @staticmethod
    def _cell_margins(tprops: dict, tcpr) -> tuple[int, int]:
        left = tprops.get("mar.left", DEFAULT_CELL_MARGIN)
        right = tprops.get("mar.right", DEFAULT_CELL_MARGIN)
        tcmar = None if tcpr is None else tcpr.find(q("w:tcMar"))
        if tcmar is not None:
            for side in tcmar:
                if _side(side) == "left":
                    left = _int(side.get(q("w:w"))) or 0
                elif _side(side) == "right":
                    right = _int(side.get(q("w:w"))) or 0
        return left, right

    @staticmethod
    def _cell_has_border(tprops: dict, tcpr, row: int, nrows: int, col_end: int, ncols: int, col: int) -> bool:
        table_side = {
            "top": "top" if row == 0 else "insideH",
            "bottom": "bottom" if row == nrows - 1 else "insideH",
            "left": "left" if col == 0 else "insideV",
            "right": "right" if col_end >= ncols else "insideV",
        }
        own = {}
        borders = None if tcpr is None else tcpr.find(q("w:tcBorders"))
        if borders is not None:
            own = {_side(b): b.get(q("w:val")) for b in borders}
        return any(own.get(side, tprops.get(f"bdr.{table_side[side]}")) not in _NO_BORDER for side in table_side)

    # -- paragraphs -----------------------------------------------------------------------------

    def _para(self, p_el, where: str, section: int, *, table_style=False, cell=None, width=0) -> Para:
        ppr = p_el.find(q("w:pPr"))
        style_id = _val(None if ppr is None else ppr.find(q("w:pStyle")))
        props = self.styles.para_props(style_id, table_style, ppr)
        para = Para(p_el, where, section, style_id, props, raw_text="", cell=cell)
        runs, fields, raw = self._runs(p_el, style_id, table_style)
        para.raw_text = raw
        para.fields = fields
        para.lines = self._lines(runs, para)
        para.drawn_lines = _drawn_lines(p_el)
        para.width = width - para.left - para.right
        return para

    def _run(self, r_el, text: str, para_style, table_style) -> Run:
        rpr = r_el.find(q("w:rPr"))
        run_style = _val(None if rpr is None else rpr.find(q("w:rStyle")))
        props = self.styles.run_props(para_style, table_style, run_style, rpr)
        shading = props.get("shd")
        highlight = props.get("highlight")
        if highlight in (None, "none") and shading not in (None, "auto", "FFFFFF", "ffffff"):
            highlight = f"tô nền {shading}"
        return Run(
            text=text.upper() if props.get("caps") else text,
            fonts={slot: self.styles.font(props, slot) for slot in FONT_SLOTS},
            size=props.get("sz") or DEFAULT_SIZE,
            bold=bool(props.get("b")),
            italic=bool(props.get("i")),
            color=props.get("color"),
            highlight=None if highlight in (None, "none") else highlight,
        )

    def _runs(self, p_el, para_style, table_style) -> tuple[list[Run], list[Field], str]:
        """Displayed runs, top-level fields and the raw (unnormalised) text of a paragraph."""
        runs: list[Run] = []
        fields: list[Field] = []
        stack: list[dict] = []  # open complex fields
        raw_parts: list[str] = []
        for kind, el in _walk(p_el):
            if kind == "simple-begin":
                stack.append({"instr": el.get(q("w:instr")) or "", "runs": [], "result": True, "simple": True})
                continue
            if kind == "simple-end":
                self._close_field(stack, fields)
                continue
            text = []
            for child in el:
                tag = child.tag
                if tag == q("w:fldChar"):
                    ftype = child.get(q("w:fldCharType"))
                    if ftype == "begin":
                        stack.append({"instr": "", "runs": [], "result": False, "el": el})
                    elif ftype == "separate" and stack:
                        stack[-1]["result"] = True
                    elif ftype == "end" and stack:
                        self._close_field(stack, fields, para_style, table_style)
                elif tag == q("w:instrText") and stack and not stack[-1]["result"]:
                    stack[-1]["instr"] += child.text or ""
                elif tag == q("w:t"):
                    text.append(child.text or "")
                elif tag in (q("w:tab"), q("w:ptab")):
                    text.append("\t")
                elif tag in (q("w:br"), q("w:cr")):
                    text.append("\n")
                elif tag == q("w:noBreakHyphen"):
                    text.append("-")
            joined = "".join(text)
            if joined:
                raw_parts.append(joined)
                run = self._run(el, unicodedata.normalize("NFC", joined), para_style, table_style)
                runs.append(run)
                for frame in stack:
                    if frame["result"]:
                        frame["runs"].append(run)
        return runs, fields, "".join(raw_parts)

    def _close_field(self, stack, fields, para_style=None, table_style=False) -> None:
        frame = stack.pop()
        if stack:
            return  # only top-level fields are reported
        result = frame["runs"]
        if not result and "el" in frame:  # no cached result: the field shows with its first run's formatting
            result = [self._run(frame["el"], "", para_style, table_style)]
        fields.append(Field(" ".join(frame["instr"].split()).upper(), result))

    @staticmethod
    def _lines(runs: list[Run], para: Para) -> list[Line]:
        lines = [Line([], para, 1)]
        for run in runs:
            pieces = run.text.split("\n")
            for n, piece in enumerate(pieces):
                if n:
                    lines.append(Line([], para, len(lines) + 1))
                if piece:
                    lines[-1].runs.append(run.piece(piece))
        return lines


def _link(blocks: list) -> None:
    """Set ``Para.next`` to the following block when it is a paragraph."""
    for block, following in zip(blocks, blocks[1:]):
        if isinstance(block, Para) and isinstance(following, Para):
            block.next = following


_UNIT_PT = {"pt": 1.0, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "px": 0.75, "": 1.0}


def _vml_point(value: str | None) -> tuple[float, float] | None:
    if not value:
        return None
    coords = []
    for part in value.split(",")[:2]:
        m = re.fullmatch(r"\s*(-?[\d.]+)\s*([a-z]*)\s*", part)
        if not m or m.group(2) not in _UNIT_PT:
            return None
        coords.append(float(m.group(1)) * _UNIT_PT[m.group(2)])
    return (coords + [0.0])[:2] if coords else None


def _own(el, p_el) -> bool:
    """True when ``el`` belongs to paragraph ``p_el`` itself (not to a text box inside it) and is no fallback."""
    for ancestor in el.iterancestors():
        if ancestor is p_el:
            return True
        if ancestor.tag in (q("mc:Fallback"), q("w:p"), q("w:del")):
            return False
    return False


def _drawn_lines(p_el) -> list[float]:
    """Horizontal lines drawn in the paragraph: DrawingML ``wps:wsp`` lines/thin bars and VML ``v:line``."""
    lengths: list[float] = []
    for wsp in p_el.iter(q("wps:wsp")):
        if not _own(wsp, p_el):
            continue
        frame = next((a for a in wsp.iterancestors() if a.tag in (q("wp:inline"), q("wp:anchor"))), None)
        extent = None if frame is None else frame.find(q("wp:extent"))
        geom = wsp.find(f"{q('wps:spPr')}/{q('a:prstGeom')}")
        xfrm = wsp.find(f"{q('wps:spPr')}/{q('a:xfrm')}")
        if extent is None:
            continue
        cx, cy = _int(extent.get("cx")) or 0, _int(extent.get("cy")) or 0
        rotation = (_int(None if xfrm is None else xfrm.get("rot")) or 0) % 10800000
        prst = None if geom is None else geom.get("prst")
        flat = cy <= max(0.02 * cx, EMU_PER_MM * 0.5)
        if cx and rotation == 0 and flat and prst in ("line", "straightConnector1", "rect"):
            lengths.append(cx / EMU_PER_MM)
    for line in p_el.iter(q("v:line")):
        start, end = _vml_point(line.get("from")), _vml_point(line.get("to"))
        if _own(line, p_el) and start and end and abs(end[1] - start[1]) < 1:
            lengths.append(abs(end[0] - start[0]) * 25.4 / 72)
    return lengths


def load(path_or_file: PathOrFile) -> DocModel:
    """Read a .docx (path or binary file object); raise CheckFileError with a Vietnamese message."""
    name = str(path_or_file) if isinstance(path_or_file, (str, Path)) else getattr(path_or_file, "name", "<tệp>")
    if isinstance(path_or_file, (str, Path)):
        path = Path(path_or_file)
        if not path.exists():
            raise CheckFileError(f"Không tìm thấy tệp «{name}».")
        if not path.is_file():
            raise CheckFileError(f"«{name}» không phải là một tệp.")
        if not zipfile.is_zipfile(path):
            raise CheckFileError(f"Tệp «{name}» không phải văn bản Word .docx (không phải tệp nén ZIP).")
    else:
        data = path_or_file.read()
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise CheckFileError(f"Tệp «{name}» không phải văn bản Word .docx (không phải tệp nén ZIP).")
        path_or_file = io.BytesIO(data)
    try:
        document = open_word(path_or_file)  # budgets and structure checked before parsing (generator/safezip.py)
    except PackageError as exc:
        raise CheckFileError(f"Tệp «{name}» không đọc được: {exc}.") from exc
    except (PackageNotFoundError, KeyError, zipfile.BadZipFile) as exc:
        raise CheckFileError(f"Tệp «{name}» không phải văn bản Word .docx hợp lệ ({exc}).") from exc
    except ValueError as exc:  # python-docx: "… is not a Word file, content type is …"
        raise CheckFileError(f"Tệp «{name}» không phải văn bản Word .docx ({exc}).") from exc
    except etree.XMLSyntaxError as exc:
        raise CheckFileError(f"Tệp «{name}» bị hỏng: XML không đọc được ({exc}).") from exc
    return _Reader(document, name).read()
