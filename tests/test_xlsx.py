"""`vanban export-xlsx` / `import-xlsx`: edit the appendices in Excel and build from the result."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import openpyxl
import pytest

import generator.cli
from generator.build import build
from generator.compute.figures import compute
from generator.model.loader import load_plan
from generator.vi import amount_in_words, format_number
from generator.excel.xlsx import NUMBER_FORMAT

DATA = Path(__file__).resolve().parent / "data" / "kien-tuong-2024-cu.yaml"  # the old shape
REMOVED_LINE_COMMENT = '# bản gốc in đơn giá "7.00.000"'


def run(monkeypatch, capsys, *argv) -> tuple[int, str, str]:
    monkeypatch.setattr(generator.cli, "COMMANDS", ["build", "xlsx"])
    code = generator.cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def comment_lines(text: str) -> list[str]:
    """Every YAML comment (whole-line or after a value), in order."""
    return re.findall(r"(?m)(?:^|\s)(#.*)$", text)


def row_of(ws, column: str, text: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws[f"{column}{r}"].value == text)


@pytest.fixture
def exported(tmp_path, monkeypatch, capsys):
    plan = tmp_path / "ke-hoach.yaml"
    plan.write_bytes(DATA.read_bytes())
    workbook = tmp_path / "ke-hoach.xlsx"
    code, _, err = run(monkeypatch, capsys, "export-xlsx", plan, "-o", workbook)
    assert code == 0, err
    return plan, workbook


def test_workbook_layout(exported):
    _, workbook = exported
    wb = openpyxl.load_workbook(workbook)
    figures = compute(load_plan(DATA).plan)
    assert wb.sheetnames[:1 + len(figures.phu_luc_2.bang)] == ["Phụ lục I"] + [f"Bảng {t.so}" for t in figures.phu_luc_2.bang]
    assert wb["Nguồn"].sheet_state == "hidden"
    ws = wb["Bảng 1"]
    lines = len(figures.phu_luc_2.bang[0].dong)
    assert ws["F5"].value == "=D5*E5" and ws[f"F{5 + lines}"].value == "=SUM(F$4:INDEX(F:F,ROW()-1))"
    assert {ws[f"{c}5"].number_format for c in "DEF"} == {NUMBER_FORMAT}
    assert ws.column_dimensions["I"].hidden and ws["I5"].value and ws.freeze_panes == "A5"
    assert ws["D5"].value == figures.phu_luc_1.tong and "=phu_luc_1.tong" in ws["D5"].comment.text
    choices = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(choices) == 1 and "Nguồn" in choices[0].formula1 and "G5" in str(choices[0].sqref)
    assert [wb["Nguồn"][f"A{i}"].value for i in (1, 2, 3)] == [s.ten for s in figures.plan.phu_luc_2.nguon_kinh_phi]


def test_edit_in_excel_then_build(exported, tmp_path, monkeypatch, capsys):
    plan_path, workbook = exported
    before = compute(load_plan(DATA).plan)
    wb = openpyxl.load_workbook(workbook)
    attendees = wb["Phụ lục I"]
    row = row_of(attendees, "B", "Phòng Văn hóa và Thông tin")
    attendees[f"C{row}"] = attendees[f"C{row}"].value + 1
    table = wb["Bảng 1"]
    table[f"D{row_of(table, 'B', 'Bảng tên')}"] = 12
    total_row = row_of(table, "B", "Tổng cộng")
    table.insert_rows(total_row)
    for column, value in zip("BCDEG", ("Hoa tươi", "Lẵng", 2, 300000, "Xã hội hóa")):
        table[f"{column}{total_row}"] = value
    awards = wb["Bảng 3"]
    awards.delete_rows(row_of(awards, "B", "Khen cá nhân"))
    wb.save(workbook)

    code, out, err = run(monkeypatch, capsys, "import-xlsx", workbook, plan_path)
    assert code == 0, err
    assert "Bảng 1: sửa 1 dòng, thêm 1 dòng, bỏ 0 dòng" in out and "Bảng 3: sửa 0 dòng, thêm 0 dòng, bỏ 1 dòng" in out

    # expected figures, from the 2024 data and the three edits
    attendees_total = before.phu_luc_1.tong + 1
    table_1 = sum(
        (attendees_total if isinstance(line.dong.so_luong, str) else 12 if line.noi_dung == "Bảng tên" else line.so_luong)
        * line.dong.don_gia
        for line in before.phu_luc_2.bang[0].dong
    ) + 2 * 300000
    removed = next(line.thanh_tien for line in before.phu_luc_2.bang[2].dong if line.noi_dung == "Khen cá nhân")
    table_3 = before.phu_luc_2.bang[2].tong - removed
    grand = before.phu_luc_2.tong - before.phu_luc_2.bang[0].tong + table_1 - removed

    text = plan_path.read_text(encoding="utf-8")
    references = "so_luong: =phu_luc_1.tong"  # the computed quantities stay references
    assert text.count(references) == DATA.read_text(encoding="utf-8").count(references) >= 2
    original = comment_lines(DATA.read_text(encoding="utf-8"))
    assert REMOVED_LINE_COMMENT in original
    assert comment_lines(text) == [c for c in original if c != REMOVED_LINE_COMMENT]

    result = build(plan_path, tmp_path / "out")
    assert result.figures.phu_luc_1.tong == attendees_total
    tables = docx.Document(str(tmp_path / "out" / "phu-luc-2.docx")).tables
    rows = [[cell.text for cell in r.cells] for r in tables[0].rows]
    assert ["Hoa tươi", "Lẵng", "2", "300.000", "600.000"] == next(r for r in rows if r[1] == "Hoa tươi")[1:6]
    assert next(r for r in rows if r[1] == "Bảng tên")[5] == format_number(12 * 200000)
    assert next(r for r in rows if r[0] == "Tổng cộng")[5] == format_number(table_1)
    awards_rows = [[cell.text for cell in r.cells] for r in tables[2].rows]
    assert not any(r[1] == "Khen cá nhân" for r in awards_rows)
    assert next(r for r in awards_rows if r[0] == "Tổng cộng")[5] == format_number(table_3)
    summary = [[cell.text for cell in r.cells] for r in tables[-1].rows]
    assert summary[-2][-1] == format_number(grand)
    words = amount_in_words(grand, load_plan(plan_path).plan.quy_uoc_so.convention())
    assert summary[-1][0] == f"Bằng chữ: {words}"


def test_text_in_a_number_cell_is_rejected_and_nothing_changes(exported, monkeypatch, capsys):
    plan_path, workbook = exported
    before = plan_path.read_bytes()
    wb = openpyxl.load_workbook(workbook)
    table = wb["Bảng 1"]
    row = row_of(table, "B", "Bảng tên")
    table[f"D{row}"] = "mười hai"
    table[f"E{row - 1}"] = 1500.5
    table[f"G{row}"] = "Ngân sách tỉnh"
    table[f"D{row + 1}"] = -3
    wb["Bảng 2"]["D5"] = 20  # a good change: still nothing is written
    wb.save(workbook)
    code, _, err = run(monkeypatch, capsys, "import-xlsx", workbook, plan_path)
    assert code == 2
    assert f"Bảng 1!D{row}: số lượng phải là số, thấy chữ «mười hai»" in err
    assert f"Bảng 1!E{row - 1}: đơn giá phải là số nguyên" in err
    assert f"Bảng 1!G{row}: nguồn kinh phí «Ngân sách tỉnh» không có trong danh sách" in err
    assert f"Bảng 1!D{row + 1}: số lượng phải từ 1 trở lên" in err
    assert plan_path.read_bytes() == before


def test_workbook_of_a_changed_plan_is_refused(exported, monkeypatch, capsys):
    plan_path, workbook = exported
    text = plan_path.read_text(encoding="utf-8").replace("so_luong: 120", "so_luong: 130")
    plan_path.write_text(text, encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "import-xlsx", workbook, plan_path)
    assert code == 2 and "hãy xuất lại" in err
    assert plan_path.read_text(encoding="utf-8") == text


def test_unchanged_workbook_leaves_the_plan_as_is(exported, monkeypatch, capsys):
    plan_path, workbook = exported
    code, out, _ = run(monkeypatch, capsys, "import-xlsx", workbook, plan_path)
    assert code == 0 and "giữ nguyên" in out
    assert plan_path.read_bytes() == DATA.read_bytes()
    code, _, err = run(monkeypatch, capsys, "export-xlsx", plan_path, "-o", workbook)
    assert code == 2 and "--force" in err
