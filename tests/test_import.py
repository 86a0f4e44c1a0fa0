"""Issue 5: `vanban import` turns a typed plan (.docx) into plan data that `vanban build` accepts.

The seed is imported, built and compared with itself text by text (the figures it got wrong are
listed below); our own built document is imported back and must give the same figures.
"""

from __future__ import annotations

import argparse
import os
import re
import unicodedata
from pathlib import Path

import pytest
from docx import Document
from ruamel.yaml import YAML

from docx_factory_audit import P, budget_table, fmt, write_docx
from generator.analysis.audit import audit_document
from generator.analysis.importer import import_document
from generator.build import build
from generator.cli import import_docx as import_cli
from generator.compute.figures import compute
from generator.model.loader import load_plan
from generator.vi import amount_in_words

REPO = Path(__file__).resolve().parents[1]
PLAN = (
    REPO / "tests" / "data" / "kien-tuong-2024-cu.yaml"
)  # the old shape (phu_luc_1/phu_luc_2), which every command reads
SEED = Path(__file__).resolve().parents[0] / "reference" / "seed" / "ke-hoach-ngay-chuyen-doi-so-2024.docx"
ROMAN = {"1": "i", "2": "ii"}


def seed() -> Path:
    return SEED


def norm(text: str) -> str:
    """NFC, case-folded, one space, no markup, no numbering label or "- "/"+ ", no leading zeros,
    "Phụ lục 1" as "Phụ lục I" (the importer turns the references into vanban's labels)."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("*", "").casefold()
    text = " ".join(text.split())
    text = re.sub(r"^(?:[ivxlc]+\.|\d+\.|[a-zđ]\)|[-+–])\s+", "", text)
    text = re.sub(r"phụ lục (\d)", lambda m: f"phụ lục {ROMAN.get(m.group(1), m.group(1))}", text)
    return re.sub(r"(?<![\d.,/])0+(\d)", r"\1", text)


def texts(path: Path, *, cells: bool) -> tuple[list[str], list[list[str]]]:
    """(the body's paragraphs, with those of table cells if `cells`; each table row as its non-empty cells), normalised."""
    doc = Document(str(path))
    paragraphs = [norm(p.text) for p in doc.paragraphs]
    rows = []
    for table in doc.tables:
        for row in table.rows:
            seen, row_cells = [], []
            for cell in row.cells:
                if any(cell._tc is tc for tc in seen):
                    continue
                seen.append(cell._tc)
                paragraphs += [norm(p.text) for p in cell.paragraphs] if cells else []
                if norm(cell.text):
                    row_cells.append(norm(cell.text))
            rows.append(row_cells)
    return [p for p in paragraphs if p], [r for r in rows if r]


def is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


#: Seed text not found verbatim in the built documents, and why (normalised as by `norm`).
CORRECTED = {
    # paragraphs
    "thành phần tham dự: khoảng 130 người, bao gồm: đại diện lãnh đạo sở thông tin và truyền thông tỉnh; "
    "lãnh đạo ubnd thị xã; đại diện các cơ quan, ban ngành thị xã; đại diện ủy ban mặt trận tổ quốc việt nam "
    "thị xã và các tổ chức chính trị - xã hội thị xã; đại diện ubnd các xã, phường; đại diện cá nhân tiêu biểu "
    "tổ công nghệ số cộng đồng các xã, phường; các doanh nghiệp viễn thông": "“khoảng 130” → 127, the total of Phụ lục I",
    "phụ lục idanh sách thành phần tham dự hợp mặt(kèm theo kế hoạch số /kh-ubnd ngày / / của ubnd thị xã)": "appendix heading, regenerated as three lines",
    "(kèm theo kế hoạch số /kh-ubnd ngày / / của ubnd thị xã)": "regenerated with the date and the body's full name",
    "tổng kinh phí hoạt động cho kế hoạch: 46.670.000 (bằng chữ: bốn mươi sáu triệu sáu trăm bảy mươi nghìn đồng). "
    "trong đó vận động xã hội hóa: 23.400.000; chi từ ngân sách nhà nước: 23.270.000.": "wrong grand total and split, replaced by the computed summary table",
    # table rows
    "iv | các doanh nghiệp viễn thông thị xã | 6": "group renumbered III",
    "tổng cộng: | 127": "printed “TỔNG CỘNG” without the colon",
    "stt | nội dung | số lượng | đơn giá | số tiền (đồng) | ghi chú": "our header row",
    "stt | nội dung | số lượng đại biểu | đơn giá | số tiền (đồng) | ghi chú": "our header row",
    "3 | bảng tên | cái | 8 | 200.000 | 200.000": f"8 × 200.000 = {fmt(8 * 200_000)}",
    "tổng cộng | 6.950.000": "total of the corrected lines",
    "bảng chữ: sáu triệu chín trăm năm mươi nghìn đồng.": "words of the corrected total",
    "1 | kích thước: banner (0,5m x 5.0m), số lượng: 16 tấm mỗi xã, phường 2 tấm. | 16 | 225.000 | 1.920.000 | "
    "kinh phí ubnd các xã, phường tự chủ": f"16 × 225.000 = {fmt(16 * 225_000)}",
    "tổng cộng | 16.320.000": "total of the corrected lines",
    "bảng chữ: mười sáu triệu ba trăm hai mươi nghìn đồng.": "words of the corrected total",
    "2 | khen cá nhân | 6 | 7.00.000 | 4.200.000": "“7.00.000” printed as 700.000",
    "5 | bồi dưỡng cho đoàn viên thanh niên | 40 | 50.0000 | 2.000.000": "“50.0000” printed as 50.000",
    "1 | tiền xe (xe 16 chỗ) | 14 | 2.500.000 | 2.500.000": "one bus: quantity 1, the 14 delegates in Ghi chú",
    "1 | tiền xe (xe 30 chỗ) | 25 | 3.500.000 | 3.500.000": "one bus: quantity 1, the 25 delegates in Ghi chú",
}


@pytest.fixture(scope="module")
def seed_import(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seed")
    result = import_document(seed())
    data_file = folder / "seed.yaml"
    data_file.write_text(result.yaml_text, encoding="utf-8")
    return result, data_file, folder


def test_seed_round_trip(seed_import):
    result, data_file, folder = seed_import
    assert result.problems == [] and result.unplaced == []
    load_plan(data_file)
    build(data_file, folder / "out")
    paragraphs, rows = texts(folder / "out" / "ho-so.docx", cells=True)  # Nơi nhận and chữ ký sit in a table
    seed_paragraphs, seed_rows = texts(seed(), cells=False)
    missing = {p for p in seed_paragraphs if not any(p in q for q in paragraphs)}
    missing |= {" | ".join(r) for r in seed_rows if not any(is_subsequence(r, q) for q in rows)}
    assert missing == set(CORRECTED)
    for name in ("ke-hoach.docx", "phu-luc-1.docx", "phu-luc-2.docx", "ho-so.docx"):
        assert audit_document(folder / "out" / name).findings == [], name


def test_seed_import_comments_and_guesses(seed_import):
    result, data_file, _ = seed_import
    text = result.yaml_text
    assert f"# bản gốc in thành tiền 200.000 (8 × 200.000 = {fmt(8 * 200_000)})" in text
    assert "don_gia: 700000}  # bản gốc in đơn giá “7.00.000”" in text
    assert "# bản gốc in tổng cộng 6.950.000 (đúng: " + fmt(6_950_000 - 200_000 + 8 * 200_000) + ")" in text
    assert "# Bản gốc đánh số nhóm này là “IV” (đúng: III)" in text
    assert "ten: [ỦY BAN NHÂN DÂN, THỊ XÃ KIẾN TƯỜNG]  # TODO: kiểm tra" in text
    data = YAML(typ="safe").load(text)
    assert data["van_ban"] == {
        "loai": "ke_hoach",
        "so": None,
        "ngay": None,
        "thang": 9,
        "nam": 2024,
        "dia_danh": "Kiến Tường",
        "trich_yeu": data["van_ban"]["trich_yeu"],
    }
    assert data["luu"] == ["VT", "PVHTT"] and data["ky"]["chuc_vu"] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert data["ket_thuc"].endswith("**trước ngày 25/10/2024**")
    khoan_4 = data["muc"][2]["khoan"][3]["noi_dung"]
    assert khoan_4[-1]["gach"].startswith("Thành phần tham dự: {=phu_luc_1.tong} người")
    assert khoan_4[-1]["gach"].endswith("(*Chi tiết theo {=phu_luc_1.ten}*).")  # the broken line joined
    buses = [bang["dong"][0] for bang in data["phu_luc_2"]["bang"][4:]]
    assert [(d["so_luong"], d["ghi_chu"]) for d in buses] == [(1, "14 đại biểu"), (1, "25 đại biểu")]
    assert any("Khoảng 130 người" in r for r in result.review)


def test_own_document_imports_to_the_same_figures(tmp_path):
    build(PLAN, tmp_path / "built")
    result = import_document(tmp_path / "built" / "ho-so.docx")
    assert result.problems == [] and result.unplaced == []
    (tmp_path / "back.yaml").write_text(result.yaml_text, encoding="utf-8")
    original, back = compute(load_plan(PLAN).plan), compute(load_plan(tmp_path / "back.yaml").plan)
    b1, b2 = original.phu_luc_2, back.phu_luc_2
    assert b2.tong == b1.tong and [t.tong for t in b2.bang] == [t.tong for t in b1.bang]
    assert [(s.ten, n) for s, n in b2.theo_nguon] == [(s.ten, n) for s, n in b1.theo_nguon]
    assert [[(d.noi_dung, d.so_luong, d.dong.don_gia, d.ghi_chu) for d in t.dong] for t in b2.bang] == [
        [(d.noi_dung, d.so_luong, d.dong.don_gia, d.ghi_chu) for d in t.dong] for t in b1.bang
    ]
    a1, a2 = original.phu_luc_1, back.phu_luc_1
    assert [(g.ten, g.tong, [(m.ten, m.so_luong) for m in g.thanh_vien]) for g in a2.nhom] == [
        (g.ten, g.tong, [(m.ten, m.so_luong) for m in g.thanh_vien]) for g in a1.nhom
    ]
    assert back.than == original.than and back.mo_dau == original.mo_dau and back.ket_thuc == original.ket_thuc
    p1, p2 = original.plan, back.plan
    assert (p2.co_quan, p2.van_ban, p2.noi_nhan, p2.luu, p2.ky) == (p1.co_quan, p1.van_ban, p1.noi_nhan, p1.luu, p1.ky)


# --- documents made in the tests ------------------------------------------------------------------

PLAN_DOC = [
    P([("ỦY BAN NHÂN DÂN", "b")]),
    P([("HUYỆN TÂN AN", "b")]),
    "Số: 12/KH-UBND",
    "Tân An, ngày 05 tháng 02 năm 2025",
    P([("KẾ HOẠCH", "b")]),
    P([("Tổ chức hội thi tin học", "b")]),
    "Căn cứ Kế hoạch số 1/KH-UBND của UBND tỉnh.",
    P([("I. MỤC ĐÍCH", "b")]),
    P([("1. Mục đích", "b")]),
    P([("- Xin ", ""), ("chào ", "b"), ("bạn", "b"), (" và ", ""), ("tạm biệt", "i"), (".", "")]),
    P([("+ Một", ""), (" ", "b"), ("hai ", "b"), ("ba*", "")]),
    "a) Điểm một;",
    "Đoạn thường.",
    "2. Chủ đề: nội dung",
    P([("II. TỔ CHỨC", "b")]),
    "Đoạn trực tiếp của mục.",
    P([("Trên đây là kế hoạch ", ""), ("trước ngày 1/3./.", "b")]),
    P([("Nơi nhận:", "b")]),
    "- UBND tỉnh;",
    "- Lưu: VT, VP.",
    P([("TM. ỦY BAN NHÂN DÂN", "b")]),
    "CHỦ TỊCH",
    P([("Nguyễn Văn An", "b")]),
]


def test_structure_and_markup(tmp_path):
    result = import_document(write_docx(tmp_path / "a.docx", PLAN_DOC))
    assert result.problems == []
    data = YAML(typ="safe").load(result.yaml_text)
    assert data["co_quan"] == {
        "ten": ["ỦY BAN NHÂN DÂN", "HUYỆN TÂN AN"],
        "ten_day_du": "Ủy ban nhân dân huyện Tân An",
        "viet_tat": "UBND",
    }
    assert data["van_ban"] == {
        "loai": "ke_hoach",
        "so": 12,
        "ngay": 5,
        "thang": 2,
        "nam": 2025,
        "dia_danh": "Tân An",
        "trich_yeu": "Tổ chức hội thi tin học",
    }
    assert data["mo_dau"] == ["Căn cứ Kế hoạch số 1/KH-UBND của UBND tỉnh."]
    assert data["muc"] == [
        {
            "tieu_de": "MỤC ĐÍCH",
            "khoan": [
                {
                    "tieu_de": "Mục đích",
                    "noi_dung": [
                        {"gach": "Xin **chào bạn** và *tạm biệt*."},
                        {"cong": "Một **hai** ba\\*"},
                        {"diem": "Điểm một;"},
                        "Đoạn thường.",
                    ],
                },
                {"van_ban": "Chủ đề: nội dung"},
            ],
        },
        {"tieu_de": "TỔ CHỨC", "noi_dung": ["Đoạn trực tiếp của mục."]},
    ]
    assert data["ket_thuc"] == "Trên đây là kế hoạch **trước ngày 1/3**"
    assert (data["noi_nhan"], data["luu"]) == (["UBND tỉnh"], ["VT", "VP"])
    assert data["ky"] == {"tham_quyen": "TM. ỦY BAN NHÂN DÂN", "chuc_vu": ["CHỦ TỊCH"], "ho_ten": "Nguyễn Văn An"}
    assert "phu_luc_1" not in data and "phu_luc_2" not in data
    assert "ten_day_du: Ủy ban nhân dân huyện Tân An  # TODO: kiểm tra (đoán từ nội dung)" in result.yaml_text


def test_text_that_cannot_be_placed_is_kept_and_listed(tmp_path):
    total = 3 * 100_000
    doc = write_docx(
        tmp_path / "a.docx",
        PLAN_DOC
        + [
            "Phụ lục",
            "DỰ TRÙ KINH PHÍ",
            "1. Hội thi",
            budget_table(
                [(1, "Giải thưởng", "Giải", "03", "100.000", fmt(total), "Xã hội hóa")],
                total=total,
                words=amount_in_words(total),
            ),
            "Giá trên là giá tạm tính.",
        ],
    )
    result = import_document(doc)
    assert result.problems == []
    assert len(result.unplaced) == 1 and "Giá trên là giá tạm tính." in result.unplaced[0]
    assert "# Bản gốc còn ghi: “Giá trên là giá tạm tính.”" in result.yaml_text
    data = YAML(typ="safe").load(result.yaml_text)
    p2 = data["phu_luc_2"]
    assert p2["tieu_de"] == "DỰ TRÙ KINH PHÍ"
    assert p2["bang"] == [
        {
            "tieu_de": "Hội thi",
            "nguon": "xa_hoi_hoa",
            "dong": [{"noi_dung": "Giải thưởng", "don_vi_tinh": "Giải", "so_luong": 3, "don_gia": 100_000}],
        }
    ]
    assert [s["id"] for s in p2["nguon_kinh_phi"]] == ["ngan_sach", "xa_hoi_hoa"] and p2[
        "nguon_mac_dinh"
    ] == "ngan_sach"


# --- the command ----------------------------------------------------------------------------------


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="vanban")
    import_cli.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_writes_atomically_and_refuses_to_overwrite(tmp_path, capsys):
    source = write_docx(tmp_path / "a.docx", PLAN_DOC)
    target = tmp_path / "data" / "a.yaml"
    assert run_cli(["import", str(source), "-o", str(target)]) == 0
    written = target.read_text(encoding="utf-8")
    assert written == import_document(source).yaml_text
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.yaml"]  # no temporary file left
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # as any new file, not a temporary file's 0600
    target.write_text("# sửa tay\n", encoding="utf-8")
    assert run_cli(["import", str(source), "-o", str(target)]) == 2
    assert "--force" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "# sửa tay\n"
    assert run_cli(["import", str(source), "-o", str(target), "--force"]) == 0
    assert target.read_text(encoding="utf-8") == written


def test_cli_prints_to_stdout_and_rejects_unreadable_files(tmp_path, capsys):
    source = write_docx(tmp_path / "a.docx", PLAN_DOC)
    assert run_cli(["import", str(source)]) == 0
    assert capsys.readouterr().out == import_document(source).yaml_text
    bad = tmp_path / "b.docx"
    bad.write_text("không phải docx", encoding="utf-8")
    assert run_cli(["import", str(bad), "-o", str(tmp_path / "b.yaml")]) == 2
    assert not (tmp_path / "b.yaml").exists()
