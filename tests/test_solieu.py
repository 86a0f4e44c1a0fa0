"""so-lieu.json beside every build, the change list between builds, and `vanban diff`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import generator.cli
from generator.compute.figures import compute
from generator.model.loader import load_plan
from generator.vi import amount_in_words, format_number

DATA = Path(__file__).resolve().parent / "data" / "kien-tuong-2024-cu.yaml"  # the old shape
EDITS = (
    ('{ten: "Phòng Văn hóa và Thông tin", so_luong: 4}', '{ten: "Phòng Văn hóa và Thông tin", so_luong: 6}'),
    (
        '{noi_dung: "Bảng tên", don_vi_tinh: Cái, so_luong: 8, don_gia: 200000}',
        '{noi_dung: "Bảng tên", don_vi_tinh: Cái, so_luong: 8, don_gia: 250000}',
    ),
    ("Thời gian: Dự kiến giữa tháng 10 năm 2024.", "Thời gian: Dự kiến cuối tháng 10 năm 2024."),
)


def run(monkeypatch, capsys, *argv) -> tuple[int, str, str]:
    monkeypatch.setattr(generator.cli, "COMMANDS", ["build", "diff"])
    code = generator.cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def edited_copy(path: Path) -> Path:
    text = DATA.read_text(encoding="utf-8")
    for old, new in EDITS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return path


def changes_printed(out: str) -> list[str]:
    lines = out.splitlines()
    start = lines.index("Thay đổi so với lần soạn trước:")
    return [line.strip() for line in lines[start + 1 :] if line.startswith("  ")]


@pytest.fixture
def figures_before_after(tmp_path):
    before = compute(load_plan(DATA).plan)
    after = compute(load_plan(edited_copy(tmp_path / "edited.yaml")).plan)
    return before, after


def expected_changes(before, after) -> set[str]:
    """The figures the two edits move, labelled as so-lieu.json labels them, values from compute()."""

    def line(old: int, new: int) -> str:
        return f"{format_number(old)} → {format_number(new)}"

    p1b, p1a, p2b, p2a = before.phu_luc_1, after.phu_luc_1, before.phu_luc_2, after.phu_luc_2
    member = next(i for i, m in enumerate(p1b.nhom[1].thanh_vien) if m.ten == "Phòng Văn hóa và Thông tin")
    table = p2b.bang[0]
    expected = {
        f"Phụ lục I, nhóm II, Phòng Văn hóa và Thông tin: "
        f"{line(p1b.nhom[1].thanh_vien[member].so_luong, p1a.nhom[1].thanh_vien[member].so_luong)}",
        f"Phụ lục I, nhóm II, cộng: {line(p1b.nhom[1].tong, p1a.nhom[1].tong)}",
        f"Phụ lục I, tổng cộng: {line(p1b.tong, p1a.tong)}",
        f"Phụ lục II, bảng 1, tổng cộng: {line(table.tong, p2a.bang[0].tong)}",
        f"Phụ lục II, tổng cộng: {line(p2b.tong, p2a.tong)}",
    }
    for d, old_line in enumerate(table.dong):
        if (
            old_line.thanh_tien != p2a.bang[0].dong[d].thanh_tien
        ):  # Nước uống, Hỗ trợ tiền ăn (=phu_luc_1.tong), Bảng tên
            expected.add(
                f"Phụ lục II, bảng 1, {old_line.noi_dung}, thành tiền: "
                f"{line(old_line.thanh_tien, p2a.bang[0].dong[d].thanh_tien)}"
            )
    for (source, old), (_, new) in zip(p2b.theo_nguon, p2a.theo_nguon):
        if old != new:
            expected.add(f"Phụ lục II, nguồn {source.ten}: {line(old, new)}")
    return expected


def test_rebuild_prints_exactly_the_figures_that_moved(tmp_path, monkeypatch, capsys, figures_before_after):
    plan = tmp_path / "ke-hoach.yaml"
    plan.write_text(DATA.read_text(encoding="utf-8"), encoding="utf-8")
    out_dir = tmp_path / "out"
    code, out, err = run(monkeypatch, capsys, "build", plan, "-o", out_dir)
    assert code == 0, err
    assert (out_dir / "so-lieu.json").is_file() and "Thay đổi so với" not in out
    edited_copy(plan)
    code, out, err = run(monkeypatch, capsys, "build", plan, "-o", out_dir)
    assert code == 0, err
    expected = expected_changes(*figures_before_after)
    assert len(expected) == 9  # member, group, total; 3 line amounts, table, source, grand total
    assert set(changes_printed(out)) == expected
    assert len(changes_printed(out)) == len(expected)
    code, out, _ = run(monkeypatch, capsys, "build", plan, "-o", out_dir)
    assert code == 0 and "Không có số liệu nào thay đổi." in out


def test_so_lieu_json_is_deterministic_and_has_amounts_in_words(tmp_path, monkeypatch, capsys):
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        assert run(monkeypatch, capsys, "build", DATA, "-o", folder)[0] == 0
    raw = (first / "so-lieu.json").read_bytes()
    assert raw == (second / "so-lieu.json").read_bytes()
    data = json.loads(raw)
    assert list(data) == sorted(data) and "\\u" not in raw.decode("utf-8")
    plan = load_plan(DATA).plan
    figures = compute(plan)
    convention = plan.quy_uoc_so.convention()
    total = data["Phụ lục II, tổng cộng"]
    assert total == {"số": figures.phu_luc_2.tong, "bằng chữ": amount_in_words(figures.phu_luc_2.tong, convention)}
    for table in figures.phu_luc_2.bang:
        assert data[f"Phụ lục II, bảng {table.so}, tổng cộng"]["số"] == table.tong
    assert data["Phụ lục I, tổng cộng"]["số"] == figures.phu_luc_1.tong
    assert data["Văn bản, số và ký hiệu"] is None  # a draft
    assert "năm 2024" in data["Văn bản, ngày tháng năm"]


def test_diff_command_lists_figures_and_changed_text(tmp_path, monkeypatch, capsys, figures_before_after):
    edited = tmp_path / "edited.yaml"
    code, out, err = run(monkeypatch, capsys, "diff", DATA, edited)
    assert code == 0, err
    printed = [line.strip() for line in out.splitlines()[1:]]
    # a member's count is an input itself: shown once, as the input "số lượng 4 → 6"
    expected = {
        line for line in expected_changes(*figures_before_after) if "Phòng Văn hóa và Thông tin: 4 → 6" not in line
    }
    assert expected <= set(printed)
    inputs = {
        "Phụ lục I, nhóm II, Phòng Văn hóa và Thông tin: số lượng 4 → 6",
        "Phụ lục II, bảng 1, Bảng tên: đơn giá 200.000 → 250.000",
        "Số liệu khác thay đổi theo (tham chiếu, tổng cộng):",
    }
    assert inputs <= set(printed)
    text_changes = [line for line in printed if line not in expected | inputs]
    assert len(text_changes) == 1
    assert text_changes[0].startswith("Mục III, khoản 4, đoạn 3: «")
    assert "giữa tháng 10" in text_changes[0] and "cuối tháng 10" in text_changes[0]
    code, out, _ = run(monkeypatch, capsys, "diff", DATA, DATA)
    assert code == 0 and "Không có gì khác nhau" in out


def test_diff_shows_each_input_change_with_the_figures_it_moved(tmp_path, monkeypatch, capsys):
    """The reported case: `diff` listed computed amounts but not the quantity or price that changed them."""
    old = DATA.read_text(encoding="utf-8")
    line = '- {noi_dung: "Bảng tên", don_vi_tinh: Cái, so_luong: 8, don_gia: 200000}'
    edited = tmp_path / "edited.yaml"
    edited.write_text(old.replace(line, line.replace("don_gia: 200000", "don_gia: 250000")), encoding="utf-8")
    code, out, err = run(monkeypatch, capsys, "diff", DATA, edited)
    assert code == 0, err
    lines = out.splitlines()[1:]
    start = lines.index("  Phụ lục II, bảng 1, Bảng tên: đơn giá 200.000 → 250.000")
    before, after = compute(load_plan(DATA).plan).phu_luc_2, compute(load_plan(edited).plan).phu_luc_2
    caused = [
        f"Phụ lục II, bảng 1, Bảng tên, thành tiền: {format_number(8 * 200000)} → {format_number(8 * 250000)}",
        f"Phụ lục II, bảng 1, tổng cộng: {format_number(before.bang[0].tong)} → {format_number(before.bang[0].tong + 400000)}",
        f"Phụ lục II, tổng cộng: {format_number(before.tong)} → {format_number(after.tong)}",
    ]
    assert after.tong == before.tong + 400000
    under = [x.strip() for x in lines[start + 1 :] if x.startswith("    ")]
    assert set(caused) <= set(under)
    # a line added and one removed, with what was typed
    edited.write_text(
        old.replace(line, '- {noi_dung: "Hoa tươi", don_vi_tinh: Lẵng, so_luong: 2, don_gia: 300000}'), encoding="utf-8"
    )
    code, out, _ = run(monkeypatch, capsys, "diff", DATA, edited)
    assert (
        "Phụ lục II, bảng 1, Hoa tươi: thêm (số lượng 2; đơn giá 300.000; nguồn Ngân sách thị xã; đơn vị tính Lẵng)"
        in out
    )
    assert "Phụ lục II, bảng 1, Bảng tên: đã bỏ (trước đây số lượng 8; đơn giá 200.000" in out


def test_diff_bad_input_exits_2(tmp_path, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "diff", DATA, tmp_path / "khong-co.yaml")
    assert code == 2 and "không tìm thấy tệp" in err
