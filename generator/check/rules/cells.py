"""Table cells: OT-08, a word or figure that cannot fit its cell (nd30.md §2.10).

Word breaks a line only at a space (or after a hyphen): a token wider than its cell's text width is
cut wherever the width ends, so "1.500.000.000" prints as "1.500.000.0" / "00". Widths are Times New
Roman's (generator.render.layout, the widths the renderer lays out with), at each run's own size,
weight and slant; the cell's width is its grid width less its margins and the paragraph's indents.
"""

from __future__ import annotations

import re

from generator.check.docmodel import Cell, Para, Table
from generator.check.layout import Layout
from generator.check.rules.base import Finding, rule
from generator.render.layout import TWIPS_PER_MM, text_width

#: Where Word may break a line: after spaces, and after a hyphen or dash inside a word.
TOKEN = re.compile(r"[^\s\-–—/]+[\-–—/]?|[\-–—/]")


def _tables(layout: Layout) -> list[Table]:
    """Every table of the document, nested ones too."""
    found, stack = [], [b for b in layout.model.blocks if isinstance(b, Table)]
    while stack:
        table = stack.pop(0)
        found.append(table)
        stack += [nested for cell in table.cells for nested in cell.tables]
    return found


def _chars(para: Para) -> list[tuple[str, int, bool, bool]]:
    """The paragraph's characters with the size (half-points), bold and italic they print with."""
    return [(char, run.size, run.bold, run.italic) for line in para.lines for run in line.runs for char in run.text]


def wide_tokens(cell: Cell, para: Para) -> list[tuple[str, int, int]]:
    """(token, its width, the room in the cell) for each token of `para` wider than the cell, in twips."""
    room = cell.width - max(para.left, 0) - max(para.right, 0)
    if room <= 0:
        return []
    chars = _chars(para)
    text = "".join(c for c, *_ in chars)
    out = []
    for match in TOKEN.finditer(text):
        token = chars[match.start() : match.end()].copy()
        if token and token[-1][0] in "-–—/":  # the break comes after it: it needs no room on this line
            token.pop()
        width = sum(text_width(char, size / 2, bold=bold, italic=italic) for char, size, bold, italic in token)
        if width > room:
            out.append((match.group(0), width, room))
    return out


@rule("OT-08", "D", scope="all", severity="error")
def ot_08(layout: Layout):
    """A word or figure wider than its table cell is broken across lines: widen the column or shrink the text."""
    for table in _tables(layout):
        for cell in table.cells:
            for para in cell.paras:
                for token, width, room in wide_tokens(cell, para):
                    yield Finding(
                        para.where,
                        token,
                        f"«{token}» trên một dòng: cột rộng ít nhất {width / TWIPS_PER_MM:.1f} mm "
                        "(hoặc cỡ chữ nhỏ hơn)",
                        f"ô chỉ rộng {room / TWIPS_PER_MM:.1f} mm: «{token}» bị ngắt giữa chừng",
                    )
