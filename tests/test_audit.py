"""Issue 5: `vanban audit` finds the arithmetic, figure-format and numbering errors of a typed plan.

Expected findings are computed here from the figures printed in each document (the seed's are
quoted below); documents are made with python-docx (tests/docx_factory_audit.py) or built from
the bundled plan.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from docx_factory_audit import BUDGET_HEADERS, T, budget_document, budget_table, fmt, write_docx
from generator.analysis.audit import audit_document
from generator.analysis.docread import read_document
from generator.build import build
from generator.cli import audit as audit_cli
from generator.vi import amount_in_words

REPO = Path(__file__).resolve().parents[1]
SEED = Path(__file__).resolve().parents[0] / "reference" / "seed" / "ke-hoach-ngay-chuyen-doi-so-2024.docx"
WHERE = "bảng 1 (Phụ lục II, mục 1)"


def seed() -> Path:
    return SEED


def findings(path: Path) -> list[tuple[str, str, str, str]]:
    return [(f.code, f.where, f.found, f.expected) for f in audit_document(path).findings]


def lines_of(items: list[tuple[str, str, int, int]], printed: dict[int, int] | None = None) -> list[tuple]:
    """(stt, nội dung, đvt, số lượng, đơn giá, thành tiền, ghi chú) with thành tiền = q × p unless overridden."""
    printed = printed or {}
    return [(i, name, unit, q, fmt(p), fmt(printed.get(i, q * p)), "") for i, (name, unit, q, p) in enumerate(items, 1)]


ITEMS = [("Nước uống", "Người", 127, 20_000), ("Bảng tên", "Cái", 8, 200_000), ("Phong nền", "Cái", 1, 200_000)]
CORRECT = sum(q * p for _, _, q, p in ITEMS)


# --- documents made in the tests ----------------------------------------------------------------


def test_correct_budget_table_has_no_finding(tmp_path):
    doc = budget_document(
        tmp_path / "a.docx", budget_table(lines_of(ITEMS), total=CORRECT, words=amount_in_words(CORRECT))
    )
    assert findings(doc) == []


def test_one_wrong_product_is_one_finding_when_total_and_words_are_right(tmp_path):
    assert 8 * 200_000 != 200_000
    table = budget_table(lines_of(ITEMS, {2: 200_000}), total=CORRECT, words=amount_in_words(CORRECT))
    doc = budget_document(tmp_path / "a.docx", table)
    assert findings(doc) == [("SAI-THANH-TIEN", f"{WHERE}, hàng 3, cột Thành tiền", "200.000", fmt(8 * 200_000))]


def test_wrong_product_carried_into_total_and_words_are_marked_as_consequences(tmp_path):
    printed_sum = CORRECT - 8 * 200_000 + 200_000
    table = budget_table(lines_of(ITEMS, {2: 200_000}), total=printed_sum, words=amount_in_words(printed_sum))
    report = audit_document(budget_document(tmp_path / "a.docx", table))
    line, total, words = report.findings
    assert (line.code, line.consequence_of) == ("SAI-THANH-TIEN", None)
    assert (total.code, total.where, total.found, total.expected) == (
        "SAI-TONG",
        f"{WHERE}, hàng 5, cột Thành tiền",
        fmt(printed_sum),
        fmt(CORRECT),
    )
    assert total.consequence_of == f"SAI-THANH-TIEN ở {line.where}"
    assert (words.code, words.where, words.expected) == ("SAI-BANG-CHU", f"{WHERE}, hàng 6", amount_in_words(CORRECT))
    assert words.consequence_of == f"SAI-TONG ở {total.where}"


def test_one_wrong_total_is_one_finding_when_the_words_are_right(tmp_path):
    table = budget_table(lines_of(ITEMS), total=CORRECT + 100_000, words=amount_in_words(CORRECT))
    doc = budget_document(tmp_path / "a.docx", table)
    assert findings(doc) == [("SAI-TONG", f"{WHERE}, hàng 5, cột Thành tiền", fmt(CORRECT + 100_000), fmt(CORRECT))]


def test_words_repeating_a_wrong_total_follow_from_it(tmp_path):
    wrong = CORRECT + 100_000
    report = audit_document(
        budget_document(tmp_path / "a.docx", budget_table(lines_of(ITEMS), total=wrong, words=amount_in_words(wrong)))
    )
    assert [(f.code, f.consequence_of) for f in report.findings] == [
        ("SAI-TONG", None),
        ("SAI-BANG-CHU", f"SAI-TONG ở {WHERE}, hàng 5, cột Thành tiền"),
    ]


def test_one_wrong_amount_in_words(tmp_path):
    words = amount_in_words(CORRECT + 1_000_000)
    doc = budget_document(tmp_path / "a.docx", budget_table(lines_of(ITEMS), total=CORRECT, words=words))
    assert findings(doc) == [
        ("SAI-BANG-CHU", f"{WHERE}, hàng 6", f"{words} (= {fmt(CORRECT + 1_000_000)})", amount_in_words(CORRECT))
    ]


def test_unreadable_words_and_the_misspelt_label(tmp_path):
    doc = budget_document(
        tmp_path / "a.docx",
        budget_table(
            lines_of(ITEMS), total=CORRECT, label="Bảng chữ", words="Sáu triệu chín trăm năm mười nghìn đồng."
        ),
    )
    report = audit_document(doc)
    assert [(f.code, f.severity, f.found) for f in report.findings] == [
        ("CHINH-TA-BANG-CHU", "warning", "Bảng chữ"),
        ("SAI-BANG-CHU", "error", "Sáu triệu chín trăm năm mười nghìn đồng."),
    ]


def test_malformed_figure_is_reported_with_its_likely_value_and_used(tmp_path):
    items = [("Khen cá nhân", "Cá nhân", 6, 700_000)]
    line = (1, "Khen cá nhân", "Cá nhân", "06", "7.00.000", fmt(6 * 700_000), "")
    doc = budget_document(
        tmp_path / "a.docx", budget_table([line], total=6 * 700_000, words=amount_in_words(6 * 700_000))
    )
    report = audit_document(doc)
    assert [(f.code, f.where, f.found, f.expected) for f in report.findings] == [
        ("SO-SAI-DINH-DANG", f"{WHERE}, hàng 2, cột Đơn giá", "7.00.000", fmt(items[0][3]))
    ]
    assert f"có lẽ là {fmt(700_000)}" in report.findings[0].message


def test_repeated_stt(tmp_path):
    lines = lines_of(ITEMS + [("Bồi dưỡng", "Người", 1, 200_000)])
    lines[2] = (2, *lines[2][1:])  # STT 1, 2, 2, 4
    total = CORRECT + 200_000
    doc = budget_document(tmp_path / "a.docx", budget_table(lines, total=total, words=amount_in_words(total)))
    assert findings(doc) == [("DANH-SO-LAP", f"{WHERE}, hàng 4, cột STT", "2", "3")]


def test_gap_in_roman_group_numbers(tmp_path):
    rows = [
        ["TT", "Đơn vị", "Số lượng đại biểu"],
        ["I", "ĐẠI BIỂU TỈNH", "01"],
        ["1", "Sở", "01"],
        ["II", "THỊ XÃ", "3"],
        ["1", "Phòng A", "1"],
        ["2", "Phòng B", "2"],
        ["IV", "DOANH NGHIỆP", "2"],
        ["1", "VNPT", "2"],
        ["", "TỔNG CỘNG:", str(1 + 3 + 2)],
    ]
    doc = write_docx(tmp_path / "a.docx", ["Phụ lục I", "DANH SÁCH", T(rows)])
    assert findings(doc) == [("DANH-SO-NHAY", "bảng 1 (Phụ lục I), hàng 7, cột TT", "IV", "III")]


def test_wrong_group_subtotal_and_the_total_that_adds_the_subtotals(tmp_path):
    rows = [
        ["TT", "Đơn vị", "Số lượng đại biểu"],
        ["I", "A", "4"],
        ["1", "x", "1"],
        ["2", "y", "2"],
        ["II", "B", "5"],
        ["1", "z", "5"],
        ["", "TỔNG CỘNG", str(4 + 5)],
    ]
    report = audit_document(write_docx(tmp_path / "a.docx", ["Phụ lục I", T(rows)]))
    group, total = report.findings
    assert (group.code, group.found, group.expected) == ("SAI-TONG-NHOM", "4", str(1 + 2))
    assert (total.code, total.found, total.expected, total.consequence_of) == (
        "SAI-TONG",
        "9",
        str(1 + 2 + 5),
        f"SAI-TONG-NHOM ở {group.where}",
    )


def test_attendee_table_without_groups(tmp_path):
    rows = [["STT", "Đơn vị", "Số lượng"], ["1", "x", "2"], ["2", "y", "3"], ["", "Tổng cộng", "6"]]
    doc = write_docx(tmp_path / "a.docx", ["Phụ lục I", T(rows)])
    assert findings(doc) == [("SAI-TONG", "bảng 1 (Phụ lục I), hàng 4, cột Số lượng", "6", str(2 + 3))]


def test_columns_in_another_order_with_lower_case_headers(tmp_path):
    headers = ["stt", "nội dung", "số lượng", "thành tiền", "đơn giá", "ghi chú"]
    rows = [
        headers,
        ["1", "Khen tập thể", "03", fmt(3 * 1_400_000), "1.400.000", ""],
        ["2", "Khen cá nhân", "06", fmt(6 * 600_000), "700.000", ""],
        ["TỔNG CỘNG", "", "", fmt(3 * 1_400_000 + 6 * 700_000), "", ""],
    ]
    assert 6 * 700_000 != 6 * 600_000
    doc = budget_document(tmp_path / "a.docx", T(rows))
    assert findings(doc) == [("SAI-THANH-TIEN", f"{WHERE}, hàng 3, cột Thành tiền", fmt(6 * 600_000), fmt(6 * 700_000))]


def test_merged_cells_are_read_once(tmp_path):
    table = budget_table(lines_of(ITEMS), total=CORRECT, words=amount_in_words(CORRECT))
    rows = read_document(budget_document(tmp_path / "a.docx", table)).tables[0].rows
    assert [c.text for c in rows[-2]] == ["Tổng cộng", fmt(CORRECT), ""]
    assert [(c.column, c.span) for c in rows[-2]] == [(0, 5), (5, 1), (6, 1)]
    assert len(rows[-1]) == 1 and rows[-1][0].span == len(BUDGET_HEADERS)


def test_stated_count_of_people_is_a_warning(tmp_path):
    rows = [
        ["TT", "Đơn vị", "Số lượng đại biểu"],
        ["I", "A", "3"],
        ["1", "x", "1"],
        ["2", "y", "2"],
        ["", "TỔNG CỘNG", "3"],
    ]
    doc = write_docx(
        tmp_path / "a.docx",
        ["I. NỘI DUNG", "- Thành phần tham dự: Khoảng 5 người, gồm đại diện.", "Phụ lục I", T(rows)],
    )
    report = audit_document(doc)
    assert [(f.code, f.severity, f.where, f.found, f.expected) for f in report.findings] == [
        ("LECH-SO-NGUOI", "warning", "đoạn 2", "Khoảng 5 người", f"{1 + 2} người (Phụ lục I)")
    ]


# --- the seed -------------------------------------------------------------------------------------


def test_seed_findings():
    """Every error a careful reader finds in the seed, at its table and row, and nothing else."""
    t = {n: f"bảng {n + 1} (Phụ lục II, mục {n})" for n in range(1, 7)}  # table 1 is Phụ lục I
    # Phụ lục 2, table 1: 08 × 200.000 printed 200.000; its total adds the printed lines
    lines_1 = [127 * 20_000, 127 * 30_000, 200_000, 1 * 200_000, 1 * 200_000]
    assert sum(lines_1) == 6_950_000 and 8 * 200_000 != 200_000
    total_1 = sum(lines_1) - 200_000 + 8 * 200_000
    # table 2: 16 × 225.000 printed 1.920.000
    assert 1_920_000 + 14_400_000 == 16_320_000 and 16 * 225_000 != 1_920_000
    total_2 = 16 * 225_000 + 120 * 120_000
    # tables 3-6 add up; 7.00.000 and 50.0000 are malformed (6 × 700.000 = 4.200.000, 40 × 50.000 = 2.000.000)
    totals = [
        total_1,
        total_2,
        3 * 1_400_000 + 6 * 700_000,
        50 * 50_000 + 2_500_000 + 5 * 200_000 + 4 * 250_000 + 40 * 50_000,
        2_500_000,
        3_500_000,
    ]
    assert totals[2:] == [8_400_000, 9_000_000, 2_500_000, 3_500_000]
    grand = sum(totals)
    assert 6_950_000 + 16_320_000 + sum(totals[2:]) == 46_670_000 != grand
    # sources by the Ghi chú notes: "Xã hội hóa" on two lines, "tự chủ" on one, the rest ngân sách
    xhh, tu_chu = 120 * 120_000 + 50 * 50_000, 16 * 225_000
    ngan_sach = grand - xhh - tu_chu
    attendees = 1 + (1 + 1 + 3 + 2 + 4 + 6 + 40 + 8 + 8 + 1 + 37 + 3 + 6) + (2 + 2 + 2)
    grand_where = "đoạn 115"
    expected = {
        ("LECH-SO-NGUOI", "đoạn 51", "Khoảng 130 người", f"{attendees} người (Phụ lục I)"),
        ("DANH-SO-NHAY", "bảng 1 (Phụ lục I), hàng 18, cột TT", "IV", "III"),
        ("SAI-THANH-TIEN", f"{t[1]}, hàng 4, cột Thành tiền", "200.000", fmt(8 * 200_000)),
        ("SAI-TONG", f"{t[1]}, hàng 7, cột Thành tiền", "6.950.000", fmt(total_1)),
        ("CHINH-TA-BANG-CHU", f"{t[1]}, hàng 8", "Bảng chữ", "Bằng chữ"),
        (
            "SAI-BANG-CHU",
            f"{t[1]}, hàng 8",
            f"Sáu triệu chín trăm năm mươi nghìn đồng. (= {fmt(6_950_000)})",
            amount_in_words(total_1),
        ),
        ("SAI-THANH-TIEN", f"{t[2]}, hàng 2, cột Số tiền", "1.920.000", fmt(16 * 225_000)),
        ("SAI-TONG", f"{t[2]}, hàng 4, cột Số tiền", "16.320.000", fmt(total_2)),
        ("CHINH-TA-BANG-CHU", f"{t[2]}, hàng 5", "Bảng chữ", "Bằng chữ"),
        (
            "SAI-BANG-CHU",
            f"{t[2]}, hàng 5",
            f"Mười sáu triệu ba trăm hai mươi nghìn đồng. (= {fmt(16_320_000)})",
            amount_in_words(total_2),
        ),
        ("SO-SAI-DINH-DANG", f"{t[3]}, hàng 3, cột Đơn giá", "7.00.000", fmt(700_000)),
        ("SO-SAI-DINH-DANG", f"{t[4]}, hàng 6, cột Đơn giá", "50.0000", fmt(50_000)),
        # 14 × 2.500.000 ≠ 2.500.000: the column counts delegates, the amount is one bus
        ("SAI-THANH-TIEN", f"{t[5]}, hàng 2, cột Số tiền", "2.500.000", "số lượng 1 (thành tiền 2.500.000 giữ nguyên)"),
        ("SAI-THANH-TIEN", f"{t[6]}, hàng 2, cột Số tiền", "3.500.000", "số lượng 1 (thành tiền 3.500.000 giữ nguyên)"),
        ("SAI-TONG-KINH-PHI", grand_where, "46.670.000", fmt(grand)),
        (
            "SAI-BANG-CHU",
            grand_where,
            f"Bốn mươi sáu triệu sáu trăm bảy mươi nghìn đồng (= {fmt(46_670_000)})",
            amount_in_words(grand),
        ),
        ("SAI-PHAN-BO-NGUON", f"{grand_where} (phần “vận động xã hội hóa”)", "23.400.000", fmt(xhh)),
        ("SAI-PHAN-BO-NGUON", f"{grand_where} (phần “chi từ ngân sách nhà nước”)", "23.270.000", fmt(ngan_sach)),
        ("SAI-PHAN-BO-NGUON", grand_where, "không có", f"Kinh phí UBND các xã, phường tự chủ: {fmt(tu_chu)}"),
    }
    report = audit_document(seed())
    got = {(f.code, f.where, f.found, f.expected) for f in report.findings}
    assert got == expected
    assert {f.code for f in report.warnings} == {"LECH-SO-NGUOI", "CHINH-TA-BANG-CHU"}
    by_key = {(f.code, f.where): f for f in report.findings}
    bus = by_key[("SAI-THANH-TIEN", f"{t[5]}, hàng 2, cột Số tiền")]
    assert "số đại biểu (14)" in bus.message and fmt(14 * 2_500_000) in bus.message
    assert (
        by_key[("SAI-TONG", f"{t[1]}, hàng 7, cột Thành tiền")].consequence_of
        == f"SAI-THANH-TIEN ở {t[1]}, hàng 4, cột Thành tiền"
    )
    assert by_key[("SAI-TONG-KINH-PHI", grand_where)].consequence_of == (
        f"SAI-TONG ở {t[1]}, hàng 7, cột Thành tiền; SAI-TONG ở {t[2]}, hàng 4, cột Số tiền"
    )
    xhh_finding = by_key[("SAI-PHAN-BO-NGUON", f"{grand_where} (phần “vận động xã hội hóa”)")]
    table_4_rest = 2_500_000 + 5 * 200_000 + 4 * 250_000 + 40 * 50_000
    assert 23_400_000 - xhh == table_4_rest and f"Chênh lệch {fmt(table_4_rest)}" in xhh_finding.message
    assert "Dòng không ghi nguồn" in xhh_finding.message  # the assumption is stated


# --- our own documents ----------------------------------------------------------------------------


def test_built_documents_have_no_findings(tmp_path):
    build(REPO / "data" / "kien-tuong-2024.yaml", tmp_path)
    for name in ("ke-hoach.docx", "phu-luc-1.docx", "phu-luc-2.docx", "ho-so.docx"):
        assert findings(tmp_path / name) == [], name


# --- the command ----------------------------------------------------------------------------------


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="vanban")
    audit_cli.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_exit_codes_and_text(tmp_path, capsys):
    assert run_cli(["audit", str(seed())]) == 1
    out = capsys.readouterr().out
    assert "LỖI SAI-THANH-TIEN — bảng 2 (Phụ lục II, mục 1), hàng 4, cột Thành tiền" in out
    assert "   Thấy: 200.000\n   Đúng: 1.600.000" in out
    assert "CẢNH BÁO LECH-SO-NGUOI — đoạn 51" in out
    clean = budget_document(
        tmp_path / "ok.docx", budget_table(lines_of(ITEMS), total=CORRECT, words=amount_in_words(CORRECT))
    )
    assert run_cli(["audit", str(clean)]) == 0
    warned = budget_document(
        tmp_path / "w.docx",
        budget_table(lines_of(ITEMS), total=CORRECT, label="Bảng chữ", words=amount_in_words(CORRECT)),
    )
    assert run_cli(["audit", str(warned)]) == 0  # warnings alone
    assert "0 lỗi, 1 cảnh báo" in capsys.readouterr().out


def test_cli_json(capsys):
    assert run_cli(["audit", str(seed()), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["errors"] == 16 and data["warnings"] == 3
    assert data["findings"][2]["code"] == "SAI-THANH-TIEN" and data["findings"][2]["consequence_of"] is None


@pytest.mark.parametrize("content", [None, b"not a zip", b"\xd0\xcf\x11\xe0old word"])
def test_cli_unreadable_file(tmp_path, capsys, content):
    path = tmp_path / "x.docx"
    if content is not None:
        path.write_bytes(content)
    assert run_cli(["audit", str(path)]) == 2
    assert "Không đọc được" in capsys.readouterr().err
