"""Reading a .docx into the document model: package → styles → paragraphs, runs, tables, sections.

`read_docx` is the one reader of Word files: the NĐ 30 check reads its model, the audit and the
import a plain view of it (`generator.analysis.docread`), so the three agree on text, bold and cells.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from lxml import etree

from generator.docx.errors import DocxError
from generator.docx.model import (
    DEFAULT_SIZE,
    NO_BORDER,
    Block,
    Cell,
    DocModel,
    Field,
    HeaderFooter,
    Line,
    Para,
    Run,
    Section,
    Table,
)
from generator.docx.ns import (
    EMU_PER_MM,
    RT_FOOTER,
    RT_HEADER,
    RT_NUMBERING,
    RT_SETTINGS,
    RT_STYLES,
    RT_THEME,
    Element,
    on,
    q,
    side,
    to_int,
    val,
)
from generator.docx.package import Package, PathOrFile, open_package
from generator.docx.styles import Props, StyleSheet, TableStyle, theme_fonts

DEFAULT_CELL_MARGIN = 108  # twips, Word's default left/right cell margin
FONT_SLOTS = ("ascii", "hAnsi", "cs")
MARGIN_NAMES = ("top", "bottom", "left", "right", "header", "footer", "gutter")


_DESCEND_SKIP = {q("w:del"), q("w:moveFrom"), q("w:pPr"), q("w:rPr"), q("mc:Fallback")}


def _walk(el: Element) -> Iterator[tuple[str, Element]]:
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


def _theme(package: Package, part: str | None) -> Element | None:
    """The theme part, or None when there is none or it is damaged (its fonts are then unknown)."""
    try:
        return package.xml(part) if part else None
    except DocxError:
        return None


class _Reader:
    def __init__(self, package: Package):
        self.package = package
        self.main = package.main
        self.rels = package.relationships(package.main)
        theme = package.related(self.main, RT_THEME)
        numbering = package.related(self.main, RT_NUMBERING)
        styles = package.related(self.main, RT_STYLES)
        self.styles = StyleSheet(
            package.xml(styles) if styles else etree.Element(q("w:styles")),
            theme_fonts(_theme(package, theme)),
            package.xml(numbering) if numbering else None,
        )
        self.path = package.name
        self.table_count = 0

    # -- sections -------------------------------------------------------------------------------

    def read(self) -> DocModel:
        body = self.package.xml(self.main).find(q("w:body"))
        if body is None:
            raise DocxError(
                f"Tệp «{self.path}» không phải văn bản Word hợp lệ: phần văn bản chính không có thân văn bản (<w:body>)."
            )
        sect_els = [p.find(f"{q('w:pPr')}/{q('w:sectPr')}") for p in body.iter(q("w:p"))]
        sect_els = [s for s in sect_els if s is not None]
        final = body.find(q("w:sectPr"))
        sect_els.append(final if final is not None else etree.Element(q("w:sectPr")))
        self.sections = [self._section(i, s) for i, s in enumerate(sect_els)]
        blocks = self._body_blocks(body)
        parts = self._header_footers(sect_els)
        settings_part = self.package.related(self.main, RT_SETTINGS)
        settings = self.package.xml(settings_part) if settings_part else etree.Element(q("w:settings"))
        return DocModel(self.path, blocks, self.sections, parts, bool(on(settings.find(q("w:mirrorMargins")))))

    def _section(self, index: int, s: Element) -> Section:
        size, margin = s.find(q("w:pgSz")), s.find(q("w:pgMar"))
        numbering = s.find(q("w:pgNumType"))
        return Section(
            index=index,
            width=to_int(val(size, "w:w")),
            height=to_int(val(size, "w:h")),
            margins={k: to_int(val(margin, f"w:{k}")) for k in MARGIN_NAMES},
            title_page=bool(on(s.find(q("w:titlePg")))),
            page_start=to_int(val(numbering, "w:start")),
            page_format=val(numbering, "w:fmt"),
            start_type=val(s.find(q("w:type"))) or "nextPage",
        )

    def _header_footers(self, sect_els: list[Element]) -> list[HeaderFooter]:
        """Resolve each section's headers/footers, inheriting missing references from earlier sections."""
        parts: dict[str, HeaderFooter] = {}
        inherited: dict[tuple[str, str], str | None] = {}
        for section, s in zip(self.sections, sect_els):
            for kind in ("header", "footer"):
                for ref in s.findall(q(f"w:{kind}Reference")):
                    inherited[(kind, ref.get(q("w:type")) or "default")] = ref.get(q("r:id"))
                resolved: dict[str, HeaderFooter | None] = {}
                for htype in ("default", "first", "even"):
                    rid = inherited.get((kind, htype))
                    rel = self.rels.get(rid or "")
                    if (
                        rid is None
                        or rel is None
                        or rel.type not in (RT_HEADER, RT_FOOTER)
                        or rel.target not in self.package.parts
                    ):
                        resolved[htype] = None
                        continue
                    if rid not in parts:
                        parts[rid] = self._read_header_footer(kind, htype, section.index, rid)
                    resolved[htype] = parts[rid]
                setattr(section, f"{kind}s", resolved)
        return list(parts.values())

    def _read_header_footer(self, kind: str, htype: str, section: int, rid: str) -> HeaderFooter:
        element = self.package.xml(self.rels[rid].target)
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

    def _body_blocks(self, body: Element) -> list[Block]:
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
    def _block_elements(container: Element) -> Iterator[Element]:
        for child in container:
            if child.tag in (q("w:p"), q("w:tbl")):
                yield child
            elif child.tag in (q("w:sdt"), q("w:customXml")):
                content = child.find(q("w:sdtContent"))
                yield from _Reader._block_elements(content if content is not None else child)

    def _table(self, tbl: Element, section: int) -> Table:
        self.table_count += 1
        table = Table(tbl, self.table_count, section)
        tblpr = tbl.find(q("w:tblPr"))
        style_id = val(None if tblpr is None else tblpr.find(q("w:tblStyle")))
        tprops = self.styles.table_props(style_id, tblpr)
        grid = [to_int(g.get(q("w:w"))) or 0 for g in tbl.iterfind(f"{q('w:tblGrid')}/{q('w:gridCol')}")]
        rows = tbl.findall(q("w:tr"))
        for r, tr in enumerate(rows):
            trpr = tr.find(q("w:trPr"))
            cells, col = [], to_int(val(None if trpr is None else trpr.find(q("w:gridBefore")))) or 0
            for tc in tr.iter(q("w:tc")):
                if next(tc.iterancestors(q("w:tr"))) is not tr:
                    continue  # a cell of a nested table
                tcpr = tc.find(q("w:tcPr"))
                span = to_int(val(None if tcpr is None else tcpr.find(q("w:gridSpan")))) or 1
                tcw = None if tcpr is None else tcpr.find(q("w:tcW"))
                width = sum(grid[col : col + span]) or to_int(val(tcw, "w:w")) or 0
                margins = self._cell_margins(tprops, tcpr)
                merge = None if tcpr is None else tcpr.find(q("w:vMerge"))
                continues = merge is not None and val(merge) in (None, "continue")
                cell = Cell(table, r, col, width - margins[0] - margins[1], span, continues)
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
    def _cell_margins(tprops: Props, tcpr: Element | None) -> tuple[int, int]:
        left = tprops.get("mar.left", DEFAULT_CELL_MARGIN)
        right = tprops.get("mar.right", DEFAULT_CELL_MARGIN)
        tcmar = None if tcpr is None else tcpr.find(q("w:tcMar"))
        if tcmar is not None:
            for edge in tcmar:
                if side(edge) == "left":
                    left = to_int(edge.get(q("w:w"))) or 0
                elif side(edge) == "right":
                    right = to_int(edge.get(q("w:w"))) or 0
        return left, right

    @staticmethod
    def _cell_has_border(
        tprops: Props, tcpr: Element | None, row: int, nrows: int, col_end: int, ncols: int, col: int
    ) -> bool:
        table_side = {
            "top": "top" if row == 0 else "insideH",
            "bottom": "bottom" if row == nrows - 1 else "insideH",
            "left": "left" if col == 0 else "insideV",
            "right": "right" if col_end >= ncols else "insideV",
        }
        own = {}
        borders = None if tcpr is None else tcpr.find(q("w:tcBorders"))
        if borders is not None:
            own = {side(b): b.get(q("w:val")) for b in borders}
        return any(own.get(edge, tprops.get(f"bdr.{table_side[edge]}")) not in NO_BORDER for edge in table_side)

    # -- paragraphs -----------------------------------------------------------------------------

    def _para(
        self,
        p_el: Element,
        where: str,
        section: int,
        *,
        table_style: TableStyle = False,
        cell: Cell | None = None,
        width: int = 0,
    ) -> Para:
        ppr = p_el.find(q("w:pPr"))
        style_id = val(None if ppr is None else ppr.find(q("w:pStyle")))
        props = self.styles.para_props(style_id, table_style, ppr)
        para = Para(p_el, where, section, style_id, props, raw_text="", cell=cell)
        runs, fields, raw = self._runs(p_el, style_id, table_style)
        para.raw_text = raw
        para.fields = fields
        para.runs = runs
        para.lines = self._lines(runs, para)
        para.drawn_lines = _drawn_lines(p_el)
        para.width = width - para.left - para.right
        para.style_name = self.styles.style_name(style_id)
        return para

    def _run(self, r_el: Element, text: str, para_style: str | None, table_style: TableStyle) -> Run:
        rpr = r_el.find(q("w:rPr"))
        run_style = val(None if rpr is None else rpr.find(q("w:rStyle")))
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

    def _runs(
        self, p_el: Element, para_style: str | None, table_style: TableStyle
    ) -> tuple[list[Run], list[Field], str]:
        """Displayed runs, top-level fields and the raw (unnormalised) text of a paragraph."""
        runs: list[Run] = []
        fields: list[Field] = []
        stack: list[dict[str, Any]] = []  # open complex fields
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

    def _close_field(
        self,
        stack: list[dict[str, Any]],
        fields: list[Field],
        para_style: str | None = None,
        table_style: TableStyle = False,
    ) -> None:
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


def _link(blocks: list[Block] | list[Para]) -> None:
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
    return (coords[0], coords[1] if len(coords) > 1 else 0.0) if coords else None


def _own(el: Element, p_el: Element) -> bool:
    """True when ``el`` belongs to paragraph ``p_el`` itself (not to a text box inside it) and is no fallback."""
    for ancestor in el.iterancestors():
        if ancestor is p_el:
            return True
        if ancestor.tag in (q("mc:Fallback"), q("w:p"), q("w:del")):
            return False
    return False


def _drawn_lines(p_el: Element) -> list[float]:
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
        cx, cy = to_int(extent.get("cx")) or 0, to_int(extent.get("cy")) or 0
        rotation = (to_int(None if xfrm is None else xfrm.get("rot")) or 0) % 10800000
        prst = None if geom is None else geom.get("prst")
        flat = cy <= max(0.02 * cx, EMU_PER_MM * 0.5)
        if cx and rotation == 0 and flat and prst in ("line", "straightConnector1", "rect"):
            lengths.append(cx / EMU_PER_MM)
    for line in p_el.iter(q("v:line")):
        start, end = _vml_point(line.get("from")), _vml_point(line.get("to"))
        if _own(line, p_el) and start and end and abs(end[1] - start[1]) < 1:
            lengths.append(abs(end[0] - start[0]) * 25.4 / 72)
    return lengths


def read_docx(source: PathOrFile) -> DocModel:
    """Read a .docx (path or binary file object); DocxError with a Vietnamese message if it is no Word file."""
    return _Reader(open_package(source)).read()
