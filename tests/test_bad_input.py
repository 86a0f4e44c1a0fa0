"""Issue 6: a catalogue of bad inputs — each exits 2, names file/line/field, and writes nothing.

Each case edits a copy of the bundled plan (or writes a broken file), runs `vanban build` into a
folder that already holds a previous build, and checks the message and that the folder is unchanged.
"""

from __future__ import annotations

import errno
import unicodedata
from pathlib import Path

import pytest

from conftest import PLAN, REPO
from generator.cli import main

GOOD = PLAN.read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    """1-based line of the first occurrence of `needle` in `text` (computed by the test)."""
    index = text.index(needle)
    return text.count("\n", 0, index) + 1


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


@pytest.fixture(scope="module")
def previous_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("previous") / "out"
    assert main(["build", str(PLAN), "-o", str(out)]) == 0
    return out


def run_bad(tmp_path: Path, capsys, previous_build: Path, content: str | bytes, name: str = "plan.yaml") -> str:
    """Build `content`; assert exit 2 and an unchanged output folder; return stderr."""
    plan = tmp_path / name
    if isinstance(content, bytes):
        plan.write_bytes(content)
    else:
        plan.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    for file, data in snapshot(previous_build).items():
        (out / file).write_bytes(data)
    before = snapshot(out)
    capsys.readouterr()
    code = main(["build", str(plan), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert snapshot(out) == before, "the output folder changed"
    assert str(plan) in err
    return err


def replace(old: str, new: str, text: str = GOOD) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


PRICE_LINE = '- {noi_dung: "Bảng tên", don_vi_tinh: Cái, so_luong: 8, don_gia: 200000}'

# (case id, edited plan text, expected fragments of the message; "{line}" is the line of `at`, `at`)
CASES = [
    (
        "unknown-key-typo",
        replace(PRICE_LINE, PRICE_LINE.replace("don_gia", "dongia")),
        ["phu_luc_2.bang[0].dong[2].dongia", "có phải ý bạn là 'don_gia'"],
        "dongia: 200000",
    ),
    (
        "negative-quantity",
        replace(PRICE_LINE, PRICE_LINE.replace("so_luong: 8", "so_luong: -8")),
        ["phu_luc_2.bang[0].dong[2].so_luong", "từ 1 trở lên"],
        "so_luong: -8",
    ),
    (
        "zero-quantity",
        replace(PRICE_LINE, PRICE_LINE.replace("so_luong: 8", "so_luong: 0")),
        ["phu_luc_2.bang[0].dong[2].so_luong", "từ 1 trở lên"],
        "so_luong: 0,",
    ),
    (
        "fractional-price",
        replace(PRICE_LINE, PRICE_LINE.replace("200000", "200000.5")),
        ["phu_luc_2.bang[0].dong[2].don_gia", "thập phân"],
        "200000.5",
    ),
    (
        "unquoted-dotted-price",
        replace(PRICE_LINE, PRICE_LINE.replace("200000", "200.000")),
        ["phu_luc_2.bang[0].dong[2].don_gia", "ngoặc kép"],
        "200.000",
    ),
    (
        "malformed-figure",
        replace(PRICE_LINE, PRICE_LINE.replace("200000", '"7.00.000"')),
        ["phu_luc_2.bang[0].dong[2].don_gia", "7.00.000"],
        "7.00.000",
    ),
    (
        "text-in-quantity",
        replace(PRICE_LINE, PRICE_LINE.replace("so_luong: 8", "so_luong: nhiều")),
        ["phu_luc_2.bang[0].dong[2].so_luong", "nhiều"],
        "so_luong: nhiều",
    ),
    (
        "bool-quantity",
        replace(PRICE_LINE, PRICE_LINE.replace("so_luong: 8", "so_luong: true")),
        ["phu_luc_2.bang[0].dong[2].so_luong", "số nguyên"],
        "so_luong: true",
    ),
    (
        "price-over-words-range",
        replace(PRICE_LINE, PRICE_LINE.replace("200000", "999999999999999")),
        ["phu_luc_2.bang[0].dong[2]", "vượt giới hạn"],
        "999999999999999",
    ),
    (
        "impossible-date",
        replace("  ngay:          # ngày ký", "  ngay: 31        # ngày ký", replace("  thang: 9", "  thang: 2")),
        ["van_ban.ngay", "31/2/2024", "không tồn tại"],
        "ngay: 31",
    ),
    ("padded-number", replace("  so:            #", '  so: "005"       #'), ["van_ban.so", "005"], 'so: "005"'),
    (
        "unknown-document-type",
        replace("  loai: ke_hoach", "  loai: cong_van"),
        ["van_ban.loai", "cong_van", "ke_hoach"],
        "loai: cong_van",
    ),
    (
        "empty-budget-table",
        replace(
            '      dong:\n        - {noi_dung: "Khen tập thể"',
            '      dong: []\n      ghi_chu_cu:\n        - {noi_dung: "Khen tập thể"',
        ),
        ["phu_luc_2.bang[2]"],
        "dong: []",
    ),
    (
        "reference-to-missing-total",
        replace("so_luong: =phu_luc_1.tong, don_gia: 20000", "so_luong: =hop_ma.tong, don_gia: 20000"),
        ["phu_luc_2.bang[0].dong[0].so_luong", "hop_ma", "có phải ý bạn là 'hop_mat'"],
        "=hop_ma.tong",
    ),
    (
        "reference-cycle",
        replace("so_luong: =phu_luc_1.tong, don_gia: 20000", "so_luong: =hop_mat.tong, don_gia: 20000"),
        ["phu_luc_2.bang[0].dong[0].so_luong", "vòng tròn"],
        "=hop_mat.tong",
    ),
    (
        "reference-not-integer",
        replace("so_luong: =phu_luc_1.tong, don_gia: 20000", "so_luong: =phu_luc_1.tong / 2, don_gia: 20000"),
        ["phu_luc_2.bang[0].dong[0].so_luong", "số nguyên", "63,5"],
        "=phu_luc_1.tong / 2",
    ),
    (
        "reference-sandbox-escape",
        replace("so_luong: =phu_luc_1.tong, don_gia: 20000", "so_luong: \"=''.__class__.__mro__\", don_gia: 20000"),
        ["phu_luc_2.bang[0].dong[0].so_luong", "bị chặn"],
        "__mro__",
    ),
    (
        "text-reference-missing",
        replace("{=phu_luc_1.ten}", "{=phu_luc_3.ten}"),
        ["phu_luc_3", "không tồn tại"],
        "{=phu_luc_3.ten}",
    ),
    (
        "duplicate-ids",
        replace("    - id: truc_quan", "    - id: hop_mat"),
        ["phu_luc_2.bang[1].id", "hop_mat", "bị trùng"],
        "    - id: hop_mat\n      tieu_de: Tổ chức các hoạt động",
    ),
    (
        "unknown-funding-source",
        replace("          nguon: tu_chu", "          nguon: ngan_sach_tinh"),
        ["ngan_sach_tinh", "chưa khai báo"],
        None,
    ),
    (
        "bad-id-format",
        replace("    - id: truc_quan", "    - id: Truc-Quan"),
        ["phu_luc_2.bang[1].id", "Truc-Quan"],
        "id: Truc-Quan",
    ),
    (
        "missing-required-field",
        replace('ket_thuc: "Trên đây là', 'ket_thuc_cu: "Trên đây là'),
        ["ket_thuc", "thiếu trường bắt buộc"],
        None,
    ),
    ("missing-signer-name", replace("  ho_ten: Nguyễn Thị Lụa\n", ""), ["ky.ho_ten", "thiếu trường bắt buộc"], None),
    (
        "academic-title",
        replace("  ho_ten: Nguyễn Thị Lụa", "  ho_ten: TS. Nguyễn Thị Lụa"),
        ["ky.ho_ten", "học hàm"],
        "TS. Nguyễn",
    ),
    (
        "khoan-title-and-text",
        replace("      - tieu_de: Mục đích\n", "      - tieu_de: Mục đích\n        van_ban: thêm\n"),
        ["muc[0].khoan[0]", "đúng một"],
        None,
    ),
    (
        "empty-opening",
        replace('mo_dau:\n  - "Thực hiện', 'mo_dau: []\nmo_dau_cu:\n  - "Thực hiện'),
        ["mo_dau", "không được để trống"],
        "mo_dau: []",
    ),
    ("duplicate-yaml-key", replace("  thang: 9\n", "  thang: 9\n  thang: 10\n"), ["khóa bị lặp lại"], "thang: 10"),
    ("malformed-yaml", replace("  trich_yeu: Tổ chức", '  trich_yeu: "Tổ chức'), ["lỗi cú pháp YAML"], None),
    ("tab-indented", replace("  thang: 9", "\tthang: 9"), ["Tab"], "\tthang: 9"),
    ("top-level-list", "- co_quan: 1\n- van_ban: 2\n", ["bảng khóa"], None),
    # issue 15 point 6: each message Vietnamese, at the right line, with the fix
    (
        "yaml-indentation",
        replace("  thang: 9\n", "  thang: 9\n nam: 2024\n"),
        ["thụt lề không khớp", "thẳng hàng với khóa cùng cấp"],
        " nam: 2024",
    ),
    (
        "reference-missing-field",
        replace(PRICE_LINE, PRICE_LINE.replace("so_luong: 8", "so_luong: =phu_luc_1.khong_co")),
        ["phu_luc_2.bang[0].dong[2].so_luong", "không tồn tại", "phu_luc_1.tong"],
        "=phu_luc_1.khong_co",
    ),
    (
        "empty-price",
        replace(PRICE_LINE, PRICE_LINE.replace("don_gia: 200000", "don_gia: ")),
        ["phu_luc_2.bang[0].dong[2]", "thiếu don_gia", "đang để trống", "khoan_gon"],
        "don_gia: }",
    ),
    (
        "number-with-symbol",
        replace("  so:            #", "  so: 12/KH-UBND  #"),
        ["van_ban.so", "so: 12", "ghép tự động"],
        "so: 12/KH-UBND",
    ),
    (
        # a decimal quantity (12,5 m²) is valid since the plan model of issue 16; a decimal price is not
        "decimal-comma-price",
        replace(PRICE_LINE, PRICE_LINE.replace("don_gia: 200000", 'don_gia: "12,5"')),
        ["phu_luc_2.bang[0].dong[2].don_gia", "số nguyên đồng", "12,5", "dấu phẩy là dấu thập phân"],
        '"12,5"',
    ),
    (
        "undeclared-source-own-line",
        replace("          nguon: tu_chu", "          nguon: ngan_sach_tinh"),
        ["phu_luc_2.bang[1].dong[0].nguon", "ngan_sach_tinh", "hãy thêm nó vào nguon_kinh_phi"],
        "nguon: ngan_sach_tinh",
    ),
    (
        "comma-figure-in-flow-map",
        replace(PRICE_LINE, PRICE_LINE.replace("don_gia: 200000", "don_gia: 1,250,000")),
        ["phu_luc_2.bang[0].dong[2].don_gia", "dấu phẩy", "don_gia: 1250000", '"1.250.000"'],
        "don_gia: 1,250,000",
    ),
    (
        "unclosed-bold",
        replace("**ngày 10 tháng 10**", "**ngày 10 tháng 10"),
        ["muc[0].khoan[0].noi_dung[0].gach", "** mở in đậm chưa đóng", "thêm **"],
        "**ngày 10 tháng 10",
    ),
]


# Issue 16: the new plan model (appendix list, kinds, formulas, decimals), on a model plan of that shape.
NEW = (REPO / "data" / "giai-the-thao-2026.yaml").read_text(encoding="utf-8")


def with_table(formula: str, rows: str = "{a: 6, b: 0}", kind: str = "so_thap_phan") -> str:
    """The model plan with one more appendix: a general table whose column c is `formula` over a and b."""
    table = (
        "  - id: ty_le\n    loai: bang\n    tieu_de: TỶ LỆ\n    cot:\n"
        "      - {id: a, ten: A, kieu: so_nguyen}\n      - {id: b, ten: B, kieu: so_nguyen}\n"
        f'      - {{id: c, ten: C, kieu: {kind}, cong_thuc: "{formula}"}}\n'
        f"    dong:\n      - {rows}\n\n"
    )
    return replace("  - id: van_dong_vien\n", table + "  - id: van_dong_vien\n", NEW)


CASES += [
    (
        "appendix-unknown-kind",
        replace("    loai: bang\n", "    loai: bieu_do\n", NEW),
        ["phu_luc[0].loai", "bieu_do", "danh_sach_nguoi"],
        "loai: bieu_do",
    ),
    (
        "appendix-without-kind",
        replace("    loai: bang\n", "", NEW),
        ["phu_luc[0]", "thiếu loai"],
        "  - id: lich_thi_dau",
    ),
    (
        "appendix-reference-missing-id",
        replace("{=van_dong_vien.ten}", "{=vdv.ten}", NEW),
        ["muc[1].khoan[3].noi_dung[0]", "'vdv'", "van_dong_vien"],
        "{=vdv.ten}",
    ),
    (
        "appendix-duplicate-id",
        replace("  - id: du_toan\n", "  - id: lich_thi_dau\n", NEW),
        ["lich_thi_dau", "trùng"],
        None,
    ),
    (
        "formula-syntax-error",
        with_table("a *"),
        ["phu_luc[1].cot[2].cong_thuc", "công thức", "không hợp lệ"],
        'cong_thuc: "a *"',
    ),
    (
        "formula-unknown-column",
        with_table("a * d"),
        ["phu_luc[1].cot[2].cong_thuc", "'d'", "a, b"],
        'cong_thuc: "a * d"',
    ),
    (
        "formula-division-by-zero",
        with_table("a / b"),
        ["phu_luc[1].cot[2].cong_thuc", "chia cho 0"],
        'cong_thuc: "a / b"',
    ),
    (
        "formula-sandbox-escape",
        with_table("a.__class__.__mro__"),
        ["phu_luc[1].cot[2].cong_thuc", "bị chặn"],
        "__mro__",
    ),
    (
        "formula-decimal-in-integer-column",
        with_table("a / 4", "{a: 6, b: 1}", "so_nguyen"),
        ["phu_luc[1].dong[0]", "1,5", "số nguyên"],
        "{a: 6, b: 1}",
    ),
    (
        "decimal-where-integer-count",
        replace("so_luong: 32}", 'so_luong: "32,5"}', NEW),
        ["phu_luc[1].nhom[0].thanh_vien[0].so_luong", "số nguyên"],
        '"32,5"',
    ),
    (
        "decimal-where-integer-column",
        with_table("a + b", '{a: "2,5", b: 1}'),
        ["phu_luc[1].dong[0].a", "số nguyên"],
        '{a: "2,5"',
    ),
    (
        "rounding-overflow",
        replace("so_luong: 6, don_gia: 150000}", 'so_luong: "199.999.999.999.999,9", don_gia: 5}', NEW),
        ["phu_luc[2].bang[0].dong[1]", "1.000.000.000.000.000", "vượt giới hạn"],
        '"199.999.999.999.999,9"',
    ),
    (
        "too-many-decimals",
        replace("so_luong: 6, don_gia: 150000}", 'so_luong: "6,123456", don_gia: 150000}', NEW),
        ["phu_luc[2].bang[0].dong[1].so_luong", "chữ số thập phân"],
        '"6,123456"',
    ),
    (
        "decimal-unquoted-yaml-float",
        replace("so_luong: 6, don_gia: 150000}", "so_luong: 1.500, don_gia: 150000}", NEW),
        ["phu_luc[2].bang[0].dong[1].so_luong", '"12,5"', "1.500"],
        "so_luong: 1.500",
    ),
    (
        "lump-sum-without-reason",
        replace(", ghi_chu: Hợp đồng trọn gói 2 buổi}", "}", NEW),
        ["phu_luc[2].bang[0].dong[2]", "lý do"],
        "khoan_gon: 3000000",
    ),
    (
        "lump-sum-with-price",
        replace("khoan_gon: 3000000,", "khoan_gon: 3000000, don_gia: 5,", NEW),
        ["phu_luc[2].bang[0].dong[2]", "khoan_gon"],
        "khoan_gon: 3000000",
    ),
    (
        "multiplier-missing",
        replace("  - id: to_chuc\n", "  - id: to_chuc\n        he_so: [{id: so_ngay, ten: Số ngày}]\n", NEW),
        ["phu_luc[2].bang[0]", "thiếu so_ngay"],
        "  - id: to_chuc",
    ),
    (
        "template-set-missing",
        replace("co_quan:\n", "mau: khong-co-bo-mau\nco_quan:\n", NEW),
        ["mau", "khong-co-bo-mau", "không tìm thấy thư mục bộ mẫu"],
        "mau: khong-co-bo-mau",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_plan(tmp_path, capsys, previous_build, case):
    _, content, fragments, at = case
    err = run_bad(tmp_path, capsys, previous_build, content)
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in:\n{err}"
    if at is not None:
        assert f"plan.yaml:{line_of(content, at)}:" in err, f"line of {at!r} ({line_of(content, at)}) not in:\n{err}"


def to_cp1258(text: str) -> bytes:
    """What Windows' Vietnamese code page holds: base letters it has, then the tone as a combining mark."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += (base + "".join(c for c in parts if c in tones)).encode("cp1258")
    return bytes(out)


ENCODING_CASES = [
    ("utf-16", GOOD.encode("utf-16"), "UTF-16"),
    ("utf-16-be-bom", b"\xfe\xff" + GOOD.encode("utf-16-be"), "UTF-16"),
    ("windows-1258", to_cp1258(GOOD), "Windows-1258"),
    (
        "latin-1",
        GOOD.replace("Kiến Tường", "Kien Tuong")
        .replace("ỦY BAN", "UY BAN")
        .encode("utf-8")
        .replace(b"Kien", b"Ki\xe9n"),
        "UTF-8",
    ),
    ("binary", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4, "nhị phân"),
    ("empty", b"", "rỗng"),
    ("only-whitespace", b"  \n\n  \n", "rỗng"),
]


@pytest.mark.parametrize("case", ENCODING_CASES, ids=[c[0] for c in ENCODING_CASES])
def test_bad_file_bytes(tmp_path, capsys, previous_build, case):
    _, data, fragment = case
    assert fragment in run_bad(tmp_path, capsys, previous_build, data)


def test_latin1_names_the_line(tmp_path, capsys, previous_build):
    text = GOOD.replace("Kiến Tường", "Kien Tuong")
    data = text.encode("utf-8").replace(b"Kien Tuong\n", b"Ki\xe9n Tuong\n", 1)
    err = run_bad(tmp_path, capsys, previous_build, data)
    assert f"plan.yaml:{line_of(text, 'Kien Tuong' + chr(10))}:" in err


def test_utf8_bom_is_accepted(tmp_path, capsys):
    """Notepad saves UTF-8 with a BOM: that is not an error."""
    plan = tmp_path / "plan.yaml"
    plan.write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert main(["build", str(plan), "-o", str(tmp_path / "out")]) == 0


def test_huge_file(tmp_path, capsys, previous_build):
    plan = tmp_path / "plan.yaml"
    with plan.open("wb") as out:
        out.truncate(50 * 1024 * 1024)
    out_dir = tmp_path / "out"
    code = main(["build", str(plan), "-o", str(out_dir)])
    assert code == 2 and "quá lớn" in capsys.readouterr().err
    assert not out_dir.exists()


def test_directory_and_missing_file(tmp_path, capsys):
    assert main(["build", str(tmp_path), "-o", str(tmp_path / "out")]) == 2
    assert "thư mục" in capsys.readouterr().err
    assert main(["build", str(tmp_path / "khong-co.yaml"), "-o", str(tmp_path / "out")]) == 2
    assert "không tìm thấy" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_output_folder_is_a_file(tmp_path, capsys):
    target = tmp_path / "out"
    target.write_text("not a folder")
    assert main(["build", str(PLAN), "-o", str(target / "sub")]) == 2
    assert "Không ghi được" in capsys.readouterr().err
    assert target.read_text() == "not a folder"


def test_read_only_output_folder(tmp_path, capsys, previous_build, monkeypatch):
    """A read-only file system (EROFS when creating the temporary folder): exit 2, old files intact."""
    out = tmp_path / "out"
    out.mkdir()
    for file, data in snapshot(previous_build).items():
        (out / file).write_bytes(data)
    before = snapshot(out)

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("generator.files.os.mkdir", read_only)
    assert main(["build", str(PLAN), "-o", str(out)]) == 2
    assert "Không ghi được" in capsys.readouterr().err
    assert snapshot(out) == before


def test_all_problems_reported_at_once(tmp_path, capsys, previous_build):
    text = replace(PRICE_LINE, PRICE_LINE.replace("don_gia", "dongia").replace("so_luong: 8", "so_luong: -1"))
    err = run_bad(tmp_path, capsys, previous_build, text)
    assert "dongia" in err and "so_luong" in err


def test_bad_template_set(tmp_path, capsys, previous_build):
    """A set whose template has a broken tag, or a file that is not a Word file: exit 2 naming both, nothing written."""
    import shutil
    import zipfile

    own = tmp_path / "mau"
    shutil.copytree(REPO / "templates", own)
    with zipfile.ZipFile(REPO / "templates" / "ke-hoach.docx") as archive:
        entries = [(i.filename, archive.read(i)) for i in archive.infolist()]
    with zipfile.ZipFile(own / "ke-hoach.docx", "w") as archive:
        for name, data in entries:
            archive.writestr(
                name,
                data.replace(b"{{ van_ban.trich_yeu }}", b"{{ van_ban.trich_yeu }")
                if name == "word/document.xml"
                else data,
            )
    content = "mau: mau\n" + NEW
    err = run_bad(tmp_path, capsys, previous_build, content)
    assert "ke-hoach.docx" in err and "van_ban.trich_yeu" in err and "plan.yaml:1:" in err
    (own / "phu-luc.docx").write_bytes(b"not a zip")
    shutil.copy(REPO / "templates" / "ke-hoach.docx", own / "ke-hoach.docx")
    (tmp_path / "out").rename(tmp_path / "out-1")
    err = run_bad(tmp_path, capsys, previous_build, content)
    assert "phu-luc.docx" in err and "không phải tệp Word" in err


def test_catalogue_size():
    assert len(CASES) + len(ENCODING_CASES) + 6 >= 30
