"""Issue 16: appendices of every kind in any number and order, referred to by id; the body to any
depth NĐ 30 uses; old files upgraded (vanban nang-cap); own template sets; the model plans; the
JSON Schema. Figures are computed here independently and read back from the written .docx files.
"""

from __future__ import annotations

import copy
import json
import shutil
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from docx import Document

from conftest import PLAN, REPO, figure, norm, table_rows
from generator.cli import main

DATA = REPO / "data"
MODEL_PLANS = [
    "kien-tuong-2024.yaml",
    "giai-the-thao-2026.yaml",
    "tap-huan-chuyen-doi-so-2026.yaml",
    "du-toan-trang-tri-2026.yaml",
]

BASE = {
    "co_quan": {"ten": ["ỦY BAN NHÂN DÂN", "XÃ AN BÌNH"], "ten_day_du": "Ủy ban nhân dân xã An Bình"},
    "van_ban": {"so": 3, "ngay": 12, "thang": 2, "nam": 2026, "dia_danh": "An Bình", "trich_yeu": "Kế hoạch thử"},
    "mo_dau": ["Mở đầu."],
    "muc": [{"tieu_de": "Nội dung", "noi_dung": ["Đoạn."]}],
    "ket_thuc": "Trên đây là kế hoạch",
    "noi_nhan": ["Như trên"],
    "luu": ["VT"],
    "ky": {"chuc_vu": ["CHỦ TỊCH"], "ho_ten": "Nguyễn Văn A"},
}


def plan_with(**changes) -> dict:
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(changes))
    return data


def build(tmp_path: Path, data: dict, capsys, name: str = "plan.yaml") -> tuple[Path, str]:
    """Write `data` as a plan file (JSON is YAML), build it; return the output folder and stdout."""
    plan = tmp_path / name
    plan.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    out = tmp_path / "out"
    capsys.readouterr()
    code = main(["build", str(plan), "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return out, captured.out


def tables(path: Path) -> list[list[list[str]]]:
    return [table_rows(t) for t in Document(str(path)).tables]


def paragraphs(path: Path) -> list[str]:
    return [norm(p.text) for p in Document(str(path)).paragraphs if p.text.strip()]


def words_of(amount: int) -> str:
    from generator.vi import amount_in_words

    return amount_in_words(amount)


# --- appendices: numbering, references by id ----------------------------------------------------

PERSONS = {
    "id": "ds",
    "loai": "danh_sach_nguoi",
    "tieu_de": "DANH SÁCH",
    "nhom": [
        {
            "id": "nhom_a",
            "ten": "NHÓM A",
            "nguoi": [
                {"ho_ten": "Lê Văn B", "chuc_vu": "Trưởng ấp", "don_vi": "Ấp 1"},
                {"ho_ten": "Trần Thị C", "chuc_vu": "Phó ấp", "don_vi": "Ấp 1"},
            ],
        },
        {"id": "nhom_b", "ten": "NHÓM B", "nguoi": [{"ho_ten": "Phạm D", "don_vi": "Ấp 2", "ghi_chu": "dự bị"}]},
    ],
}
TEXT = {
    "id": "lich",
    "loai": "van_ban",
    "tieu_de": "LỊCH",
    "noi_dung": [{"gach": "Sáng: khai mạc."}, {"diem": "Chiều"}],
}


def test_three_appendices_numbered_by_position_and_referred_by_id(tmp_path, capsys):
    budget = {
        "id": "kinh_phi",
        "loai": "du_toan",
        "tieu_de": "DỰ TOÁN",
        "nguon_kinh_phi": [{"id": "ns", "ten": "Ngân sách xã"}],
        "nguon_mac_dinh": "ns",
        "bang": [
            {
                "tieu_de": "Chi",
                "dong": [{"noi_dung": "Nước", "don_vi_tinh": "Người", "so_luong": "=ds.tong", "don_gia": 20000}],
            }
        ],
    }
    body = [
        {
            "tieu_de": "Nội dung",
            "noi_dung": [
                "Gồm {=ds.tong} người ({=nhom_a.tong} + {=nhom_b.tong}), xem {=ds.ten}; lịch tại {=lich.ten}; kinh phí {=kinh_phi.tong} đồng ({=kinh_phi.ten})."
            ],
        }
    ]
    out, _ = build(tmp_path, plan_with(muc=body, phu_luc=[TEXT, PERSONS, budget]), capsys)
    assert sorted(p.name for p in out.glob("*.docx")) == [
        "ho-so.docx",
        "ke-hoach.docx",
        "phu-luc-1.docx",
        "phu-luc-2.docx",
        "phu-luc-3.docx",
    ]
    text = " ".join(paragraphs(out / "ke-hoach.docx"))
    assert "Gồm 3 người (2 + 1), xem Phụ lục II; lịch tại Phụ lục I; kinh phí 60.000 đồng (Phụ lục III)." in text
    for n, title in ((1, "LỊCH"), (2, "DANH SÁCH"), (3, "DỰ TOÁN")):
        heading = paragraphs(out / f"phu-luc-{n}.docx")
        assert heading[0] == f"Phụ lục {'I' * n if n < 4 else 'IV'}" and heading[1] == title

    # reordering the list renumbers; the references follow the ids
    out2, _ = (
        build(tmp_path / "b", plan_with(muc=body, phu_luc=[budget, PERSONS, TEXT]), capsys)
        if (tmp_path / "b").mkdir() is None
        else None
    )
    text = " ".join(paragraphs(out2 / "ke-hoach.docx"))
    assert "xem Phụ lục II; lịch tại Phụ lục III; kinh phí 60.000 đồng (Phụ lục I)." in text


def test_persons_list_columns_groups_and_counts(tmp_path, capsys):
    chosen = dict(PERSONS, cot=["ho_ten", "don_vi", "ghi_chu"])
    out, stdout = build(tmp_path, plan_with(phu_luc=[chosen]), capsys)
    rows = tables(out / "phu-luc-1.docx")[0]
    assert rows[0] == ["STT", "Họ và tên", "Đơn vị", "Ghi chú"]
    assert rows[1] == ["I", "NHÓM A (2 người)"]  # the group's name spans the columns
    assert rows[2] == ["1", "Lê Văn B", "Ấp 1", ""]
    assert rows[3] == ["2", "Trần Thị C", "Ấp 1", ""]
    assert rows[4] == ["II", "NHÓM B (1 người)"]
    assert rows[5] == ["3", "Phạm D", "Ấp 2", "dự bị"]
    assert rows[-1] == ["Tổng cộng: 3 người"]
    assert "danh sách 3 người" in stdout
    assert paragraphs(out / "phu-luc-1.docx")[0] == "Phụ lục"  # the only appendix (NĐ 30 AP-02)

    flat = {
        "id": "ds",
        "loai": "danh_sach_nguoi",
        "tieu_de": "DS",
        "nguoi": [{"ho_ten": f"Người {i}"} for i in range(1, 6)],
    }
    out, _ = (
        build(tmp_path / "flat", plan_with(phu_luc=[flat]), capsys) if (tmp_path / "flat").mkdir() is None else None
    )
    rows = tables(out / "phu-luc-1.docx")[0]
    assert [r[0] for r in rows[1:-1]] == ["1", "2", "3", "4", "5"] and rows[-1] == ["Tổng cộng: 5 người"]


def test_danh_sach_column_titles_set_by_the_plan(tmp_path, capsys):
    athletes = {
        "id": "vdv",
        "loai": "danh_sach",
        "tieu_de": "VẬN ĐỘNG VIÊN",
        "cot": {"so_luong": "Số lượng vận động viên"},
        "nhom": [{"ten": "CÁC ẤP", "thanh_vien": [{"ten": "Ấp 1", "so_luong": 12}, {"ten": "Ấp 2", "so_luong": 9}]}],
    }
    out, _ = build(tmp_path, plan_with(phu_luc=[athletes]), capsys)
    rows = tables(out / "phu-luc-1.docx")[0]
    assert rows[0] == ["TT", "Đơn vị", "Số lượng vận động viên"]
    assert rows[1] == ["I", "CÁC ẤP", str(12 + 9)] and rows[-1] == ["", "TỔNG CỘNG", "21"]


# --- du_toan ----------------------------------------------------------------------------------


def budget_of(*tables_, sources=None, default="ns") -> dict:
    return {
        "id": "dt",
        "loai": "du_toan",
        "tieu_de": "DỰ TOÁN",
        "nguon_kinh_phi": sources or [{"id": "ns", "ten": "Ngân sách xã"}, {"id": "xhh", "ten": "Xã hội hóa"}],
        "nguon_mac_dinh": default,
        "bang": list(tables_),
    }


def half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_multipliers_decimals_lump_sums_groups_and_split(tmp_path, capsys):
    table1 = {
        "tieu_de": "Tập huấn",
        "he_so": [{"id": "so_ngay", "ten": "Số ngày"}, {"id": "so_buoi", "ten": "Số buổi"}],
        "dong": [
            {
                "noi_dung": "Bồi dưỡng",
                "don_vi_tinh": "Người",
                "so_luong": 3,
                "he_so": {"so_ngay": 2, "so_buoi": 2},
                "don_gia": 150000,
            },
            {
                "noi_dung": "Bạt",
                "don_vi_tinh": "m²",
                "so_luong": "12,5",
                "he_so": {"so_ngay": 1, "so_buoi": 1},
                "don_gia": 85001,
            },
            {
                "noi_dung": "Xe",
                "don_vi_tinh": "Chuyến",
                "khoan_gon": 2500000,
                "ghi_chu": "Đưa đón 14 đại biểu",
                "nguon": "xhh",
            },
        ],
    }
    table2 = {
        "tieu_de": "Trang trí",
        "nguon": "xhh",
        "bang_chu": False,
        "nhom": [
            {
                "ten": "Trụ sở",
                "dong": [
                    {"noi_dung": "Cờ", "so_luong": 20, "don_gia": 45000},
                    {"noi_dung": "Đèn", "so_luong": "0,5", "don_gia": 1},
                ],
            },
            {"ten": "Đường", "dong": [{"noi_dung": "Băng rôn", "so_luong": "37,3", "don_gia": 55555, "nguon": "ns"}]},
        ],
    }
    out, stdout = build(tmp_path, plan_with(phu_luc=[budget_of(table1, table2)]), capsys)
    # independently: 3 × 2 × 2 × 150.000; 12,5 × 85.001 = 1.062.512,5 → 1.062.513 (half up)
    a1, a2, a3 = 3 * 2 * 2 * 150000, half_up(Decimal("12.5") * 85001), 2500000
    assert a2 == 1062513
    g1 = 20 * 45000 + half_up(Decimal("0.5"))  # 0,5 đồng rounds up to 1
    g2 = half_up(Decimal("37.3") * 55555)  # 2.072.201,5 → 2.072.202
    assert (g1, g2) == (900001, 2072202)
    t1, t2 = a1 + a2 + a3, g1 + g2
    doc = out / "phu-luc-1.docx"
    rows1, rows2, summary = tables(doc)
    assert rows1[0] == [
        "STT",
        "Nội dung",
        "Đơn vị tính",
        "Số lượng",
        "Số ngày",
        "Số buổi",
        "Đơn giá (đồng)",
        "Thành tiền (đồng)",
        "Ghi chú",
    ]
    assert rows1[1][3:8] == ["3", "2", "2", "150.000", "1.800.000"]
    assert rows1[2][3] == "12,5" and figure(rows1[2][7]) == a2
    assert rows1[3][3:7] == ["", "", "", ""] and figure(rows1[3][7]) == a3
    assert rows1[3][8] == "Xã hội hóa; Khoán gọn: Đưa đón 14 đại biểu"
    assert rows1[-1][1] == "Tổng cộng" and figure(rows1[-1][-2]) == t1  # the label spans to Thành tiền
    # groups: a group row, its lines (numbered on), a "Cộng" row each
    assert rows2[1] == ["I", "Trụ sở"] and [r[0] for r in rows2[2:4]] == ["1", "2"]
    assert rows2[4][1] == "Cộng" and figure(rows2[4][-2]) == g1
    assert rows2[5] == ["II", "Đường"] and rows2[6][0] == "3"
    assert rows2[7][1] == "Cộng" and figure(rows2[7][-2]) == g2
    assert rows2[8][1] == "Tổng cộng" and figure(rows2[8][-2]) == t2
    text = paragraphs(doc)
    assert f"Bằng chữ: {words_of(t1)}" in text
    assert f"Bằng chữ: {words_of(t2)}" not in text  # bang_chu: false
    ns, xhh = a1 + a2 + g2, a3 + g1
    assert summary[1] == ["1", "Ngân sách xã", f"{ns:,}".replace(",", ".")]
    assert summary[2] == ["2", "Xã hội hóa", f"{xhh:,}".replace(",", ".")]
    assert summary[3][0] == "Tổng kinh phí thực hiện Kế hoạch" and figure(summary[3][1]) == ns + xhh == t1 + t2
    assert f"Bằng chữ: {words_of(t1 + t2)}" in text
    assert f"tổng kinh phí {t1 + t2:,} đồng".replace(",", ".") in stdout


def test_classic_budget_with_lump_sum_keeps_its_layout(tmp_path, capsys):
    table = {
        "tieu_de": "Xe",
        "dong": [
            {"noi_dung": "Tiền xe", "don_vi_tinh": "Chuyến", "khoan_gon": 3500000, "ghi_chu": "Đưa đón 25 đại biểu"}
        ],
    }
    out, _ = build(tmp_path, plan_with(phu_luc=[budget_of(table)]), capsys)
    rows = tables(out / "phu-luc-1.docx")[0]
    assert rows[0][:4] == ["STT", "Nội dung", "Đơn vị tính", "Số lượng"] and len(rows[0]) == 7
    assert rows[1] == ["1", "Tiền xe", "Chuyến", "", "", "3.500.000", "Khoán gọn: Đưa đón 25 đại biểu"]


def test_bundled_2024_plan_bus_lines_are_lump_sums(tmp_path, capsys):
    from generator.model.loader import load_plan

    plan = load_plan(DATA / "kien-tuong-2024.yaml").plan
    buses = [
        d
        for _, _, a in plan.appendices
        if a.__class__.__name__ == "DuToan"
        for b in a.bang
        for d in b.dong
        if d.khoan_gon
    ]
    assert [d.khoan_gon for d in buses] == [2500000, 3500000]
    out = tmp_path / "out"
    assert main(["build", str(DATA / "kien-tuong-2024.yaml"), "-o", str(out)]) == 0
    printed = [r for t in tables(out / "phu-luc-2.docx") for r in t if len(r) == 7 and r[1].startswith("Tiền xe")]
    assert [figure(r[5]) for r in printed] == [2500000, 3500000]
    assert all(r[6].startswith("Khoán gọn: Đưa đón") for r in printed)


# --- bang ----------------------------------------------------------------------------------------


def test_general_table_types_formula_and_totals(tmp_path, capsys):
    table = {
        "id": "chi",
        "loai": "bang",
        "tieu_de": "BẢNG CHI",
        "bang_chu": True,
        "cot": [
            {"id": "ngay", "ten": "Ngày", "kieu": "ngay"},
            {"id": "gio", "ten": "Giờ", "kieu": "gio"},
            {"id": "viec", "ten": "Việc", "kieu": "chu"},
            {"id": "so_nguoi", "ten": "Số người", "kieu": "so_nguyen", "tong": True},
            {"id": "he_so", "ten": "Hệ số", "kieu": "so_thap_phan"},
            {"id": "muc_chi", "ten": "Mức chi", "kieu": "tien"},
            {
                "id": "thanh_tien",
                "ten": "Thành tiền",
                "kieu": "tien",
                "cong_thuc": "so_nguoi * he_so * muc_chi",
                "tong": True,
            },
        ],
        "dong": [
            {"ngay": "5/3/2026", "gio": "7h30", "viec": "Họp", "so_nguoi": 10, "he_so": "1,5", "muc_chi": 33333},
            {"ngay": "6/3/2026", "gio": "14:00", "viec": "Tập", "so_nguoi": 7, "he_so": 2, "muc_chi": "100.000"},
        ],
    }
    body = [
        {
            "tieu_de": "Kinh phí",
            "noi_dung": ["Cộng {=chi.thanh_tien} đồng cho {=chi.so_nguoi} lượt; {=chi.so_dong} dòng."],
        }
    ]
    out, _ = build(tmp_path, plan_with(muc=body, phu_luc=[table]), capsys)
    r1 = half_up(Decimal(10) * Decimal("1.5") * 33333)  # 499.995
    r2 = 7 * 2 * 100000
    rows = tables(out / "phu-luc-1.docx")[0]
    assert rows[0] == ["STT", "Ngày", "Giờ", "Việc", "Số người", "Hệ số", "Mức chi (đồng)", "Thành tiền (đồng)"]
    assert rows[1] == ["1", "05/03/2026", "07h30", "Họp", "10", "1,5", "33.333", f"{r1:,}".replace(",", ".")]
    assert rows[2] == ["2", "06/03/2026", "14h00", "Tập", "7", "2", "100.000", f"{r2:,}".replace(",", ".")]
    assert rows[3][:4] == ["Tổng cộng", "17", "", ""] and figure(rows[3][4]) == r1 + r2  # the label spans to Số người
    assert f"Bằng chữ: {words_of(r1 + r2)}" in paragraphs(out / "phu-luc-1.docx")
    text = " ".join(paragraphs(out / "ke-hoach.docx"))
    assert f"Cộng {r1 + r2:,} đồng cho 17 lượt; 2 dòng.".replace(",", ".") in text


# --- body depth ----------------------------------------------------------------------------------


def test_body_parts_sub_khoan_and_diem(tmp_path, capsys):
    phan = [
        {
            "tieu_de": "Kết quả",
            "muc": [
                {
                    "tieu_de": "Công tác chỉ đạo",
                    "khoan": [
                        {
                            "tieu_de": "Tuyên truyền",
                            "khoan": [
                                {
                                    "tieu_de": "Trên báo chí",
                                    "noi_dung": [{"diem": "Báo in"}, {"gach": "mỗi tháng"}, {"diem": "Báo điện tử"}],
                                    "khoan": [{"van_ban": "Tin bài: 12."}, {"van_ban": "Phóng sự: 2."}],
                                },
                                {"van_ban": "Trên loa truyền thanh."},
                            ],
                        },
                        {"van_ban": "Kiểm tra."},
                    ],
                }
            ],
        },
        {"tieu_de": "Phương hướng", "muc": [{"tieu_de": "Nhiệm vụ", "noi_dung": ["Tiếp tục."]}]},
    ]
    data = plan_with(phan=phan)
    del data["muc"]
    out, _ = build(tmp_path, data, capsys)
    text = paragraphs(out / "ke-hoach.docx")
    expected = [
        "Phần I",
        "KẾT QUẢ",
        "I. CÔNG TÁC CHỈ ĐẠO",
        "1. Tuyên truyền",
        "1.1. Trên báo chí",
        "a) Báo in",
        "- mỗi tháng",
        "b) Báo điện tử",
        "1.1.1. Tin bài: 12.",
        "1.1.2. Phóng sự: 2.",
        "1.2. Trên loa truyền thanh.",
        "2. Kiểm tra.",
        "Phần II",
        "PHƯƠNG HƯỚNG",
        "I. NHIỆM VỤ",
        "Tiếp tục.",
    ]
    start = text.index("Phần I")
    assert text[start : start + len(expected)] == expected
    document = Document(str(out / "ke-hoach.docx"))
    heading = next(p for p in document.paragraphs if p.text == "Phần I")
    assert heading.style.name == "VB Phan" and heading.style.font.bold and heading.style.paragraph_format.alignment == 1


def test_khoan_deeper_than_three_levels_is_refused(tmp_path, capsys):
    deep = {"tieu_de": "a", "khoan": [{"tieu_de": "b", "khoan": [{"tieu_de": "c", "khoan": [{"van_ban": "d"}]}]}]}
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        json.dumps(plan_with(muc=[{"tieu_de": "M", "khoan": [deep]}]), ensure_ascii=False), encoding="utf-8"
    )
    assert main(["build", str(plan), "-o", str(tmp_path / "out")]) == 2
    assert "khoản lồng quá 3 cấp" in capsys.readouterr().err and not (tmp_path / "out").exists()


# --- old files -----------------------------------------------------------------------------------


def test_upgrade_keeps_comments_and_builds_the_same_documents(tmp_path, capsys):
    old = tmp_path / "ke-hoach.yaml"
    shutil.copy(PLAN, old)
    before = old.read_text(encoding="utf-8")
    assert main(["build", str(old), "-o", str(tmp_path / "old")]) == 0
    capsys.readouterr()
    assert main(["nang-cap", str(old)]) == 0
    said = capsys.readouterr().out
    assert "phu_luc_1: → phu_luc[0] (id: phu_luc_1, loai: danh_sach)" in said
    assert "phu_luc_2: → phu_luc[1] (id: phu_luc_2, loai: du_toan)" in said
    after = old.read_text(encoding="utf-8")
    assert "phu_luc_1:" not in after and "\nphu_luc:\n" in after
    comments = [line.split("#", 1)[1].strip() for line in before.splitlines() if "#" in line and "bản gốc" in line]
    assert comments and all(c in after for c in comments)
    assert main(["build", str(old), "-o", str(tmp_path / "new")]) == 0
    for name in ("ke-hoach.docx", "phu-luc-1.docx", "phu-luc-2.docx", "ho-so.docx", "so-lieu.json"):
        assert (tmp_path / "old" / name).read_bytes() == (tmp_path / "new" / name).read_bytes(), name
    capsys.readouterr()
    assert main(["nang-cap", str(old)]) == 0 and "đã ở dạng mới" in capsys.readouterr().out
    assert old.read_text(encoding="utf-8") == after


def test_old_and_new_keys_together_are_refused(tmp_path, capsys):
    text = (
        PLAN.read_text(encoding="utf-8") + '\nphu_luc:\n  - {id: lich, loai: van_ban, tieu_de: LỊCH, noi_dung: ["x"]}\n'
    )
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, encoding="utf-8")
    assert main(["build", str(plan), "-o", str(tmp_path / "out")]) == 2
    assert "vanban nang-cap" in capsys.readouterr().err


# --- own template sets ---------------------------------------------------------------------------


def test_own_template_set_from_plan_or_option(tmp_path, capsys):
    own = tmp_path / "mau-xa"
    shutil.copytree(REPO / "templates", own)
    letterhead = own / "ke-hoach.docx"
    with zipfile.ZipFile(letterhead) as archive:
        entries = [(i.filename, archive.read(i)) for i in archive.infolist()]
    with zipfile.ZipFile(letterhead, "w") as archive:
        for name, data in entries:
            if name == "word/document.xml":
                data = data.replace(
                    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".encode(), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM ★".encode()
                )
            archive.writestr(name, data)
    data = plan_with(mau="mau-xa")
    out, _ = build(tmp_path, data, capsys)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM ★" in (Document(str(out / "ke-hoach.docx")).tables[0].cell(0, 1).text)
    # --mau on the command line, for a plan without mau:
    plan = tmp_path / "p2.yaml"
    plan.write_text(json.dumps(BASE, ensure_ascii=False), encoding="utf-8")
    assert main(["build", str(plan), "-o", str(tmp_path / "o2"), "--mau", str(own)]) == 0
    assert "★" in Document(str(tmp_path / "o2" / "ke-hoach.docx")).tables[0].cell(0, 1).text


# --- model plans ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", MODEL_PLANS)
def test_model_plan_builds_checks_and_audits_clean(tmp_path, capsys, name):
    out = tmp_path / "out"
    assert main(["build", str(DATA / name), "-o", str(out)]) == 0
    docx = sorted(str(p) for p in out.glob("*.docx"))
    capsys.readouterr()
    assert main(["check", *docx]) == 0, capsys.readouterr().out
    assert main(["audit", str(out / "ho-so.docx")]) == 0, capsys.readouterr().out
    for path in docx:  # every file re-opens
        Document(path)


def test_model_training_plan_figures(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(DATA / "tap-huan-chuyen-doi-so-2026.yaml"), "-o", str(out)]) == 0
    people = tables(out / "phu-luc-1.docx")[0]
    count = sum(1 for r in people if r[0].isdigit())
    budget = tables(out / "phu-luc-3.docx")[0]
    assert budget[0][4] == "Số ngày"
    expected = 2 * 2 * 500000 + count * 2 * 150000 + count * 2 * 20000 + count * 1 * 30000 + 1 * 2 * 400000
    assert figure(budget[-1][-2]) == expected
    assert f"Thành phần: {count} học viên" in " ".join(paragraphs(out / "ke-hoach.docx"))


# --- JSON Schema ---------------------------------------------------------------------------------


def test_schema_is_vietnamese_and_describes_every_kind(tmp_path, capsys):
    target = tmp_path / "vanban.schema.json"
    assert main(["schema", "-o", str(target)]) == 0
    schema = json.loads(target.read_text(encoding="utf-8"))
    assert schema["title"] == "Kế hoạch"
    kinds = {
        d["properties"]["loai"]["const"]
        for d in schema["$defs"].values()
        if "loai" in d.get("properties", {}) and "const" in d["properties"]["loai"]
    } - {"ke_hoach"}
    assert kinds == {"danh_sach", "danh_sach_nguoi", "du_toan", "bang", "van_ban"}
    assert schema["$defs"]["Dong"]["properties"]["khoan_gon"]["title"] == "Số tiền khoán gọn"
    for definition in schema["$defs"].values():
        assert any(ord(c) > 127 for c in definition["title"] + definition.get("description", "")), definition["title"]
        for name, field in definition.get("properties", {}).items():
            assert any(ord(c) > 127 for c in field.get("title", "")), name


def _png(width: int = 8, height: int = 8) -> bytes:
    """A small red PNG, written here byte by byte (no imaging library needed)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def test_own_template_set_with_a_logo_in_the_header(tmp_path, capsys):
    from docx.shared import Mm

    own = tmp_path / "mau-logo"
    shutil.copytree(REPO / "templates", own)
    document = Document(str(own / "ke-hoach.docx"))
    logo = tmp_path / "logo.png"
    logo.write_bytes(_png())
    document.sections[0].first_page_header.paragraphs[0].add_run().add_picture(str(logo), width=Mm(15))
    document.save(str(own / "ke-hoach.docx"))
    out, _ = build(tmp_path, plan_with(mau="mau-logo", phu_luc=[TEXT]), capsys)
    for name in ("ke-hoach.docx", "ho-so.docx"):
        with zipfile.ZipFile(out / name) as archive:
            media = [n for n in archive.namelist() if n.startswith("word/media/")]
            assert media and archive.read(media[0]) == logo.read_bytes(), name
        header = Document(str(out / name)).sections[0].first_page_header
        assert header._element.xpath(".//a:blip"), name


@pytest.mark.parametrize("name", MODEL_PLANS)
def test_the_default_set_passes_as_an_own_set(name):
    """Copying the default templates is the recipe: they must lint clean for every kind of plan."""
    from generator.build import compute_loaded
    from generator.model.loader import load_plan
    from generator.render.templateset import check_template_set

    check_template_set(REPO / "templates", compute_loaded(load_plan(DATA / name)))
