"""`vanban export-xlsx` / `import-xlsx`: edit the appendices in Excel and build from the result."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest

import generator.cli
from generator.build import build
from generator.compute.figures import compute
from generator.excel.layout import LARGE_NUMBER_FORMAT, NUMBER_FORMAT, SPARE_ROWS, number_format
from generator.model.loader import load_plan
from generator.vi import amount_in_words, format_number

DATA = Path(__file__).resolve().parent / "data" / "kien-tuong-2024-cu.yaml"  # the old shape
NEW_SHAPE = Path(__file__).resolve().parents[1] / "data"  # the bundled plans
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
    assert wb.sheetnames[: 1 + len(figures.phu_luc_2.bang)] == ["Phụ lục I"] + [
        f"Bảng {t.so}" for t in figures.phu_luc_2.bang
    ]
    assert wb["Nguồn"].sheet_state == "hidden"
    ws = wb["Bảng 1"]
    lines = len(figures.phu_luc_2.bang[0].dong)
    total = 5 + lines + SPARE_ROWS
    assert ws["F5"].value == "=D5*E5" and ws[f"F{total}"].value == "=SUM(F$4:INDEX(F:F,ROW()-1))"
    assert {ws[f"{c}5"].number_format for c in "DE"} == {NUMBER_FORMAT}
    assert ws["F5"].number_format == number_format(figures.phu_luc_2.bang[0].dong[0].thanh_tien)
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
    table_1 = (
        sum(
            (
                attendees_total
                if isinstance(line.dong.so_luong, str)
                else 12
                if line.noi_dung == "Bảng tên"
                else line.so_luong
            )
            * line.dong.don_gia
            for line in before.phu_luc_2.bang[0].dong
        )
        + 2 * 300000
    )
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


# --- issue 15 point 4: nothing lost in the round trip ------------------------------------------------------


def test_amount_typed_over_its_formula_is_rejected_not_ignored(exported, monkeypatch, capsys):
    """The reported case: a Thành tiền typed over its formula was ignored ("sửa 0 dòng")."""
    plan_path, workbook = exported
    before = plan_path.read_bytes()
    wb = openpyxl.load_workbook(workbook)
    table = wb["Bảng 1"]
    row = row_of(table, "B", "Bảng tên")
    table[f"F{row}"] = 1600000
    total = row_of(table, "B", "Tổng cộng")
    table[f"F{total}"] = 9999999
    wb["Tổng hợp"]["B3"] = 1
    wb.save(workbook)
    code, out, err = run(monkeypatch, capsys, "import-xlsx", workbook, plan_path)
    assert code == 2 and "sửa 0 dòng" not in out
    assert f"Bảng 1!F{row}: ô tự tính (Thành tiền) bị gõ đè bằng «1.600.000»" in err
    assert f"Bảng 1!F{total}: ô tự tính" in err and "Tổng hợp!B3: ô tự tính bị gõ đè" in err
    assert plan_path.read_bytes() == before


def test_linked_and_computed_cells_locked_without_password(exported):
    _, workbook = exported
    wb = openpyxl.load_workbook(workbook)
    for name in ("Phụ lục I", "Bảng 1", "Bảng 2", "Tổng hợp"):
        ws = wb[name]
        assert ws.protection.sheet and not ws.protection.password, name
    table = wb["Bảng 1"]
    assert "=phu_luc_1.tong" in table["D5"].comment.text
    assert table["D5"].protection.locked and table["F5"].protection.locked and table["A5"].protection.locked
    row = row_of(table, "B", "Bảng tên")
    assert not any(table[f"{c}{row}"].protection.locked for c in "BCDEGH")
    assert table[f"F{row}"].protection.locked
    assert not table.protection.insertRows  # rows may still be inserted
    attendees = wb["Phụ lục I"]
    group = row_of(attendees, "B", load_plan(DATA).plan.phu_luc_1.nhom[0].ten)
    assert attendees[f"C{group}"].protection.locked and not attendees[f"B{group}"].protection.locked


def test_linked_quantity_edited_anyway_is_rejected(exported, monkeypatch, capsys):
    """The reported case: the grey cell of a linked quantity, edited, replaced the link with a number."""
    plan_path, workbook = exported
    before = plan_path.read_bytes()
    wb = openpyxl.load_workbook(workbook)
    wb["Bảng 1"]["D5"] = 150
    wb.save(workbook)
    code, _, err = run(monkeypatch, capsys, "import-xlsx", workbook, plan_path)
    assert code == 2
    assert "Bảng 1!D5: số lượng này lấy từ tham chiếu" in err and "«150»" in err
    assert plan_path.read_bytes() == before


def test_figure_typed_as_text_accepted_as_yaml_accepts_it_and_every_edit_listed(exported, monkeypatch, capsys):
    """The reported case: "1.250.000" typed as text was refused although the plan file accepts it."""
    plan_path, workbook = exported
    wb = openpyxl.load_workbook(workbook)
    table = wb["Bảng 1"]
    row = row_of(table, "B", "Bảng tên")
    table[f"E{row}"] = "1.250.000"
    table[f"D{row}"] = "12"
    spare = row_of(table, "B", "Tổng cộng") - 1
    for column, value in zip("BCDE", ("Hoa tươi", "Lẵng", 2, "300.000")):
        table[f"{column}{spare}"] = value
    wb.save(workbook)
    code, out, err = run(monkeypatch, capsys, "import-xlsx", workbook, plan_path)
    assert code == 0, err
    assert f"Bảng 1!E{row}: Đơn giá: «200.000» → «1.250.000»" in out
    assert f"Bảng 1!D{row}: Số lượng: «8» → «12»" in out
    assert f"Bảng 1!A{spare}: dòng mới «Hoa tươi»" in out
    lines = {line.noi_dung: line for line in compute(load_plan(plan_path).plan).phu_luc_2.bang[0].dong}
    assert (lines["Bảng tên"].so_luong, lines["Bảng tên"].dong.don_gia) == (12, 1250000)
    assert lines["Hoa tươi"].thanh_tien == 600000


def test_number_format_groups_the_ty(tmp_path, monkeypatch, capsys):
    """The reported case: 1.587.700.000 showed as "1587.700.000". Checked as LibreOffice shows the cells."""
    plan = tmp_path / "lon.yaml"
    line = '- {noi_dung: "Bảng tên", don_vi_tinh: Cái, so_luong: 8, don_gia: 200000}'
    plan.write_text(
        DATA.read_text(encoding="utf-8").replace(
            line, line.replace("so_luong: 8, don_gia: 200000", "so_luong: 1, don_gia: 1587700000")
        ),
        encoding="utf-8",
    )
    workbook = tmp_path / "lon.xlsx"
    assert run(monkeypatch, capsys, "export-xlsx", plan, "-o", workbook)[0] == 0
    ws = openpyxl.load_workbook(workbook)["Bảng 1"]
    row = row_of(ws, "B", "Bảng tên")
    assert ws[f"E{row}"].number_format == ws[f"F{row}"].number_format == LARGE_NUMBER_FORMAT
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("thiếu LibreOffice: không xem được số hiển thị")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
            "--outdir",
            str(tmp_path / "csv"),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    shown = "\n".join(p.read_text(encoding="utf-8") for p in (tmp_path / "csv").glob("*.csv"))
    assert "1.587.700.000" in shown and "1587.700.000" not in shown
    for value in (200000, 20000, 30000):  # smaller figures still grouped, and 3-digit ones plain
        assert format_number(value) in shown


@pytest.mark.parametrize(
    "value, shown",
    [
        (0, "0"),
        (150, "150"),
        (25_000, "25.000"),
        (2_540_000, "2.540.000"),
        (1_587_700_000, "1.587.700.000"),
        (999_999_999_999, "999.999.999.999"),
    ],
)
def test_number_format_sections(value, shown):
    """The format chosen for a value, applied by hand as Excel applies conditional sections."""
    code = number_format(value)
    sections = code.split(";")
    for section in sections:
        condition = re.match(r"\[<(\d+)\]", section)
        if condition is None or value < int(condition.group(1)):
            pattern = re.sub(r"\[<\d+\]", "", section).replace('"."', ".")
            break
    digits = pattern.count("0")
    text = str(value).zfill(digits)
    out, k = "", len(text)
    for char in reversed(pattern):
        if char == "0":
            k -= 1
            out = text[k] + out
        else:
            out = char + out
    assert text[:k] + out == shown


def test_plan_without_appendices_exports_a_sheet_saying_so(tmp_path, monkeypatch, capsys):
    """The reported case: a traceback ("The only worksheet of a workbook cannot be hidden")."""
    from test_rollover import MINIMAL

    plan = tmp_path / "hoi.yaml"
    plan.write_text(MINIMAL, encoding="utf-8")
    workbook = tmp_path / "hoi.xlsx"
    code, out, err = run(monkeypatch, capsys, "export-xlsx", plan, "-o", workbook)
    assert code == 0, err
    wb = openpyxl.load_workbook(workbook)
    visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert [ws.title for ws in visible] == ["Không có phụ lục"]
    assert "không có phụ lục" in visible[0]["A1"].value
    code, out, _ = run(monkeypatch, capsys, "import-xlsx", workbook, plan)
    assert code == 0 and "giữ nguyên" in out


def test_batch_workbook_formatted_like_the_export(tmp_path, monkeypatch, capsys):
    """The reported case: the batch workbook's amounts were unformatted."""
    monkeypatch.setattr(generator.cli, "COMMANDS", ["batch"])
    units = NEW_SHAPE / "units" / "kien-tuong.yaml"
    assert generator.cli.main(["batch", str(DATA), "--units", str(units), "-o", str(tmp_path)]) in (0, 1)
    ws = openpyxl.load_workbook(tmp_path / "tong-hop-don-vi.xlsx")["Tổng hợp"]
    header = next(r for r in range(1, ws.max_row + 1) if ws[f"A{r}"].value == "STT")
    budget = next(c for c in ws[header] if c.value == "Tổng kinh phí (đồng)").column_letter
    figures = [
        ws[f"{budget}{r}"] for r in range(header + 1, ws.max_row + 1) if isinstance(ws[f"{budget}{r}"].value, int)
    ]
    assert len(figures) >= 9
    for cell in figures:
        assert cell.number_format == number_format(cell.value) and cell.font.name == "Times New Roman"
    assert ws[f"A{header}"].fill.fgColor.rgb.endswith("D9E1F2")


@pytest.mark.parametrize("name", ["kien-tuong-2024"])
def test_lump_sums_and_multipliers_round_trip_locked(monkeypatch, capsys, tmp_path, name):
    """A lump-sum line (the bundled plan's bus hire) and lines with multiplier columns are exported
    with their computed amount in a locked row; the untouched workbook imports as no change, and a
    price typed into such a row anyway is rejected with its cell named."""
    plan = tmp_path / f"{name}.yaml"
    shutil.copy(NEW_SHAPE / f"{name}.yaml", plan)
    book = tmp_path / "du-toan.xlsx"
    assert run(monkeypatch, capsys, "export-xlsx", plan, "-o", book)[0] == 0
    before = plan.read_bytes()
    code, out, err = run(monkeypatch, capsys, "import-xlsx", book, plan)
    assert code == 0, err
    assert plan.read_bytes() == before
    figures = compute(load_plan(plan).plan)
    wb = openpyxl.load_workbook(book)
    fixed = [
        (t, d, line)
        for t, table in enumerate(figures.phu_luc_2.bang)
        for d, line in enumerate(table.dong)
        if line.dong.khoan_gon is not None or table.bang.he_so
    ]
    assert fixed, "the plan has lump sums or multipliers"
    for t, d, line in fixed:
        ws = wb[f"Bảng {t + 1}"]
        row = 5 + d
        assert ws[f"F{row}"].value == line.thanh_tien  # the amount itself, not a formula of D and E
        assert ws[f"E{row}"].protection.locked
    t, d, _ = fixed[0]
    wb[f"Bảng {t + 1}"][f"E{5 + d}"] = 999
    wb.save(book)
    code, out, err = run(monkeypatch, capsys, "import-xlsx", book, plan)
    assert code == 2 and f"Bảng {t + 1}!E{5 + d}" in err and "tệp dữ liệu" in err
    assert plan.read_bytes() == before
