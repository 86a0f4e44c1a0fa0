"""The tree path: docxtpl's table fix and vanban's short-rule sizing on the lxml tree (documents the
text path does not follow)."""

from __future__ import annotations

from lxml import etree

from generator.render import layout
from generator.render.wordml import RULE_STYLE, RULED_STYLES, W

_RULES = etree.XPath(f"//w:p[w:pPr/w:pStyle/@w:val = '{RULE_STYLE}']", namespaces={"w": W})


# --- the tree path ------------------------------------------------------------------------------


def tables_need_fixing(body) -> bool:
    """Whether docxtpl's fix_tables would change a table: its grid and its rows disagree in width."""
    w = f"{{{W}}}"
    spans: dict[object, int] = {}  # row → extra columns its merged cells take
    for grid_span in body.iter(f"{w}gridSpan"):
        properties = grid_span.getparent()
        cell = properties.getparent()
        if (
            cell.tag == f"{w}tc"
            and cell.find(f"{w}tcPr") is properties
            and properties.find(f"{w}gridSpan") is grid_span
        ):
            spans[cell.getparent()] = spans.get(cell.getparent(), 0) + int(grid_span.get(f"{w}val")) - 1
    for table in body.iter(f"{w}tbl"):
        grid = table.find(f"{w}tblGrid")
        if grid is None:
            return True
        columns = len(grid.findall(f"{w}gridCol"))
        widest = spanned = 0
        for row in table.iter(f"{w}tr"):
            cells = len(row.findall(f"{w}tc"))
            widest, spanned = max(widest, cells), max(spanned, cells + spans.get(row, 0))
        if widest > columns or spanned < columns:
            return True
    return False


def size_rules(root) -> None:
    """Size each short rule (style VB Gach) to 0.4 of the text above it (NĐ 30 HD-14, TL-05, AP-08), in place."""
    w = f"{{{W}}}"
    for rule in _RULES(root):
        widths, node = [], rule.getprevious()
        while node is not None and node.tag == f"{w}p":
            prev_style = node.find(f"{w}pPr/{w}pStyle")
            key = prev_style.get(f"{w}val") if prev_style is not None else None
            if key not in RULED_STYLES:
                break
            size, bold, italic = RULED_STYLES[key]
            text = "".join(t.text or "" for t in node.iter(f"{w}t"))
            widths.append(layout.text_width(text, size, bold=bold, italic=italic))
            node = node.getprevious()
        if not widths:
            continue
        cell = rule.getparent()
        box = layout.TEXT_WIDTH
        if cell.tag == f"{w}tc":
            box = int(cell.find(f"{w}tcPr/{w}tcW").get(f"{w}w"))
        indent = layout.centred_rule_indent(max(widths), box)
        ppr = rule.find(f"{w}pPr")
        ind = ppr.find(f"{w}ind")
        if ind is None:
            ind = etree.SubElement(ppr, f"{w}ind")
            jc = ppr.find(f"{w}jc")
            if jc is not None:
                jc.addprevious(ind)
        ind.set(f"{w}left", str(indent))
        ind.set(f"{w}right", str(indent))
        ind.set(f"{w}firstLine", "0")
