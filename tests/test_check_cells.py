"""Issue 15 point 2 (the check part): OT-08, a word or figure wider than its table cell, for any .docx.

Files are made by hand with python-docx; the token widths expected are computed here from the
Liberation Serif advance widths in the repository (same metrics as Times New Roman), independently
of the rule's code.
"""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt, Twips

from generator.check import check_document
from generator.cli import main

WIDTHS = json.loads(
    (Path(__file__).resolve().parent.parent / "generator" / "render" / "data" / "tnr_widths.json").read_text(
        encoding="utf-8"
    )
)
CELL_MARGIN = 108  # Word's default left and right cell margin, twips


def width_twips(text: str, size: float, bold: bool = False) -> float:
    table = WIDTHS["widths"]["bold" if bold else "regular"]
    return sum(table[c] for c in text) / WIDTHS["units_per_em"] * size * 20


def table_file(path: Path, column_twips: int, text: str, *, size: float = 13, bold: bool = False) -> Path:
    """One 2×2 table with fixed grid widths; `text` in the second column of the second row."""
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), (3000, column_twips)):
        col.set(qn("w:w"), str(width))
    for row in table.rows:
        for cell, width in zip(row.cells, (3000, column_twips)):
            cell.width = Twips(width)
    table.cell(0, 0).text, table.cell(0, 1).text, table.cell(1, 0).text = "Nội dung", "Thành tiền", "Hội trường"
    run = table.cell(1, 1).paragraphs[0].add_run(text)
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, "Times New Roman"
    document.save(path)
    return path


def ot_08(path: Path) -> list:
    return [v for v in check_document(path).violations if v.rule == "OT-08"]


AMOUNT = "1.500.000.000"


def test_a_figure_wider_than_its_cell_is_flagged(tmp_path):
    """The reported case: 1.500.000.000 in a column that prints "1.500.000.0" / "00"."""
    needed = width_twips(AMOUNT, 13)
    column = int(needed * 0.85) + 2 * CELL_MARGIN  # the text width is 85 % of the figure
    found = ot_08(table_file(tmp_path / "hep.docx", column, AMOUNT))
    assert len(found) == 1
    v = found[0]
    assert v.severity == "error" and v.where.startswith("bảng 1, hàng 2, ô 2")
    assert AMOUNT in v.expected and f"{needed / (1440 / 25.4):.1f} mm" in v.expected
    assert f"{(column - 2 * CELL_MARGIN) / (1440 / 25.4):.1f} mm" in v.found


def test_a_figure_that_fits_is_not_flagged(tmp_path):
    column = int(width_twips(AMOUNT, 13) * 1.05) + 2 * CELL_MARGIN
    assert ot_08(table_file(tmp_path / "rong.docx", column, AMOUNT)) == []


def test_text_that_wraps_at_spaces_is_not_flagged(tmp_path):
    """A long sentence wraps between words: only a single word wider than the cell matters."""
    column = int(width_twips("Hỗ trợ", 13) * 1.2) + 2 * CELL_MARGIN
    assert ot_08(table_file(tmp_path / "cau.docx", column, "Hỗ trợ tiền ăn cho đại biểu tham dự")) == []


@pytest.mark.parametrize("size, bold, flagged", [(13, True, True), (11, False, False)])
def test_size_and_weight_count(tmp_path, size, bold, flagged):
    """The same cell: the bold 13 pt figure does not fit, the 11 pt regular one does."""
    regular_11, bold_13 = width_twips(AMOUNT, 11), width_twips(AMOUNT, 13, bold=True)
    assert regular_11 < bold_13
    column = int((regular_11 + bold_13) / 2) + 2 * CELL_MARGIN
    found = ot_08(table_file(tmp_path / "co.docx", column, AMOUNT, size=size, bold=bold))
    assert bool(found) is flagged


def test_check_command_exits_1_and_names_the_rule(tmp_path, capsys):
    path = table_file(tmp_path / "hep.docx", int(width_twips(AMOUNT, 13) * 0.7) + 2 * CELL_MARGIN, AMOUNT)
    assert main(["check", str(path)]) == 1
    assert "OT-08" in capsys.readouterr().out


def test_rule_is_in_the_nd30_table():
    rows = [
        line
        for line in (Path(__file__).resolve().parent.parent / "docs" / "nd30.md")
        .read_text(encoding="utf-8")
        .splitlines()
        if line.startswith("| OT-08 |")
    ]
    assert len(rows) == 1 and "Table cell" in rows[0]
