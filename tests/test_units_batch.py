"""Issue 18 points 3–4 and the units-file cases of issue 14: a batch for any event (the assignments
are what the skeleton declares), wording that follows the issuing level, the Tây Ninh data set, bad
units files (exit 2 with unit and line, nothing written, no zip), folder names Windows opens.

Expected figures are computed here from the YAML files read with ruamel (not vanban's loaders);
documents are read back with python-docx and the workbook with openpyxl.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from ruamel.yaml import YAML

from conftest import REPO, norm
from generator.cli import main
from generator.units.unitsfile import MAX_SLUG, WINDOWS_RESERVED, load_units, slug

PROVINCE = REPO / "data" / "tay-ninh-2026.yaml"
UNITS = REPO / "data" / "units" / "tay-ninh.yaml"
SKELETON = REPO / "data" / "units" / "ke-hoach-xa-tay-ninh-2026.yaml"
KT_PLAN = REPO / "data" / "kien-tuong-2024.yaml"
KT_UNITS = REPO / "data" / "units" / "kien-tuong.yaml"
KT_SKELETON = REPO / "data" / "units" / "ke-hoach-don-vi.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_yaml(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def paragraphs(path: Path) -> list[str]:
    body = Document(str(path)).element.body
    return [norm("".join(t.text or "" for t in p.iter(f"{W}t"))) for p in body.iter(f"{W}p")]


def snapshot(folder: Path) -> dict[str, bytes]:
    return (
        {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
        if folder.exists()
        else {}
    )


def line_of(text: str, needle: str) -> int:
    return text.count("\n", 0, text.index(needle)) + 1


def three_units(tmp_path: Path) -> Path:
    """Three communes of Tây Ninh (the command's output, cut to 3 entries) beside a copy of the skeleton."""
    shutil.copy(SKELETON, tmp_path / SKELETON.name)
    text = UNITS.read_text(encoding="utf-8")
    entries = text.split("\n  - ten: ")
    target = tmp_path / "units.yaml"
    target.write_text("\n  - ten: ".join(entries[:4]).rstrip("\n") + "\n", encoding="utf-8")
    return target


def unit_entry(text: str, k: int) -> tuple[int, int]:
    """Character span of the k-th unit's entry."""
    starts = [m.start() for m in re.finditer(r"^  - ten: ", text, re.MULTILINE)]
    return starts[k], starts[k + 1] if k + 1 < len(starts) else len(text)


def edit_unit(text: str, k: int, old: str, new: str) -> str:
    start, end = unit_entry(text, k)
    entry = text[start:end]
    assert old in entry, old
    return text[:start] + entry.replace(old, new, 1) + text[end:]


# --- the Tây Ninh data set ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def tay_ninh(tmp_path_factory):
    out = tmp_path_factory.mktemp("tay-ninh") / "out"
    import contextlib
    import io

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["batch", str(PROVINCE), "--units", str(UNITS), "-o", str(out), "-j", "2"])
    return code, stdout.getvalue(), stderr.getvalue(), out


def province_figures() -> dict[str, int]:
    plan = read_yaml(PROVINCE)
    members = {m["id"]: m["so_luong"] for g in plan["phu_luc_1"]["nhom"] for m in g["thanh_vien"] if "id" in m}
    lines = {d["id"]: d for b in plan["phu_luc_2"]["bang"] for d in b["dong"] if "id" in d}
    own = sum(
        d["so_luong"] * d["don_gia"]
        for b in plan["phu_luc_2"]["bang"]
        for d in b["dong"]
        if d.get("nguon") == "tu_chu_xa"
    )
    return {
        "bang_ron": lines["bang_ron_xa"]["so_luong"],
        "tu_chu": own,
        "price": lines["bang_ron_xa"]["don_gia"],
        "lanh_dao": members["lanh_dao_xa"],
        "cong_chuc_cds": members["cong_chuc_cds_xa"],
        "dai_dien_to": members["to_cnsc_xa"],
    }


def test_all_96_communes_are_built_and_reconcile_with_the_province_plan(tay_ninh):
    code, stdout, stderr, out = tay_ninh
    assert code == 0, stderr
    units = read_yaml(UNITS)["don_vi"]
    assert len(units) == 96 and len(list((out / "don-vi").iterdir())) == 96
    figures = province_figures()
    sums = {
        name: sum(u["giao"][name] for u in units) for name in ("bang_ron", "lanh_dao", "cong_chuc_cds", "dai_dien_to")
    }
    assert sums == {name: figures[name] for name in sums}  # the data set adds up, computed here
    rows = [list(r) for r in load_workbook(out / "tong-hop-don-vi.xlsx").active.iter_rows(values_only=True)]
    assert rows[0][0] == "TỔNG HỢP KẾ HOẠCH CỦA UBND CÁC XÃ, PHƯỜNG VÀ ĐỐI CHIẾU VỚI KẾ HOẠCH CỦA UBND TỈNH TÂY NINH"
    total = next(r for r in rows if r[1] == "Cộng các đơn vị")
    higher = next(r for r in rows if r[1] == "Kế hoạch của UBND tỉnh Tây Ninh")
    expected = [
        sums["bang_ron"],
        sums["bang_ron"] * figures["price"],
        sums["lanh_dao"],
        sums["cong_chuc_cds"],
        sums["dai_dien_to"],
    ]
    assert total[3:8] == expected and higher[3:8] == [
        figures["bang_ron"],
        figures["tu_chu"],
        figures["lanh_dao"],
        figures["cong_chuc_cds"],
        figures["dai_dien_to"],
    ]
    assert next(r for r in rows if r[1] == "Chênh lệch")[-1] == "Khớp"
    assert "Đối chiếu với Kế hoạch của UBND tỉnh Tây Ninh" in stdout and "thị xã" not in stdout + stderr
    assert "Đã soạn Kế hoạch của UBND 96/96 xã, phường" in stdout


def test_tay_ninh_documents_name_each_commune_and_pass_check(tay_ninh):
    from generator.check import check_document

    out = tay_ninh[3]
    units = read_yaml(UNITS)["don_vi"]
    folders = sorted((out / "don-vi").iterdir())
    assert {"xa-tan-thanh", "xa-tan-thanh-27826"} <= {f.name for f in folders}  # Tân Thành and Tân Thạnh kept apart
    for path in sorted((out / "don-vi").rglob("*.docx")):
        assert check_document(path).violations == [], path
    for unit in units[::12]:  # the text of a sample, each against its own entry
        folder = next(f for f in folders if f.name in (slug(unit["ten"]), f"{slug(unit['ten'])}-{unit['ma']}"))
        plan = paragraphs(folder / "ke-hoach.docx")
        text = "\n".join(plan)
        assert all(line in plan for line in unit["tieu_de"])
        assert any(p.startswith(f"{unit['dia_danh']}, ngày") for p in plan)
        assert "của Ủy ban nhân dân tỉnh Tây Ninh về việc tổ chức" in text
        assert (
            f"Treo {unit['giao']['bang_ron']} tấm băng rôn" in text
            and f"địa điểm: {unit['giao']['diem_ra_quan']}" in text
        )


# --- any event: the skeleton declares the assignments -------------------------------------------

CUSTOM_GIAO = """giao:
  thi_sinh: {kieu: so, mo_ta: "thí sinh dự thi Tìm hiểu chuyển đổi số (người)"}
  giai_thuong: {kieu: chu, mac_dinh: "Giấy khen"}
  bang_ron: {kieu: so, mac_dinh: 2}
"""


def custom_event(tmp_path: Path) -> Path:
    """A skeleton of another event: its own assignments (one text with a default), used in the text
    and in the units file's own reconciliation line."""
    units = three_units(tmp_path)
    skeleton = SKELETON.read_text(encoding="utf-8")
    start = skeleton.index("giao:\n")
    end = skeleton.index("\n\n", start)
    skeleton = skeleton[:start] + CUSTOM_GIAO.rstrip("\n") + skeleton[end:]
    skeleton = skeleton.replace("lanh_dao + bien.cong_chuc_cds + bien.dai_dien_to", "thi_sinh")
    skeleton = skeleton.replace("({=bien.lanh_dao} người)", "({=bien.thi_sinh} thí sinh, giải: {=bien.giai_thuong})")
    skeleton = skeleton.replace("({=bien.cong_chuc_cds} người)", "").replace("({=bien.dai_dien_to} người)", "")
    skeleton = skeleton.replace("diem_ra_quan", "giai_thuong")
    skeleton = re.sub(r"doi_chieu:\n(  - .*\n)+", "", skeleton)
    (tmp_path / SKELETON.name).write_text(skeleton, encoding="utf-8")
    text = units.read_text(encoding="utf-8")
    text = text.replace(
        "\ndon_vi:", "\ndoi_chieu:\n  - {ten: Thí sinh, don_vi: bien.thi_sinh, cap_tren: pano_tinh.so_luong}\n\ndon_vi:"
    )
    for k, value in enumerate((3, 3, 4)):
        start, end = unit_entry(text, k)
        entry = re.sub(
            r"giao: \{.*\}",
            f"giao: {{thi_sinh: {value}{', giai_thuong: Bằng khen' if k == 2 else ''}}}",
            text[start:end],
        )
        text = text[:start] + entry + text[end:]
    units.write_text(text, encoding="utf-8")
    return units


def test_a_skeleton_declares_its_own_assignments(tmp_path, capsys):
    units = custom_event(tmp_path)
    out = tmp_path / "out"
    code = main(["batch", str(PROVINCE), "--units", str(units), "-o", str(out), "-j", "1"])
    stdout, stderr = capsys.readouterr()
    assert code == 0, stderr  # 3 + 3 + 4 thí sinh = the province plan's 10 (pano_tinh, standing in)
    given = read_yaml(units)["don_vi"]
    for unit, prize in zip(given, ("Giấy khen", "Giấy khen", "Bằng khen")):
        folder = out / "don-vi" / slug(unit["ten"])
        text = "\n".join(paragraphs(folder / "ke-hoach.docx"))
        assert f"Thành phần: {unit['giao']['thi_sinh']} người" in text and f"giải: {prize}" in text
        assert "Treo 2 tấm băng rôn" in text  # a default
    assert "Thí sinh: 10 / 10 — khớp" in stdout


def test_the_issue_example_misnamed_assignment_writes_nothing(tmp_path, capsys):
    """`giao: {bang_ron: 2, thi_sinh: 5}` against a skeleton without thi_sinh: exit 2 naming the unit,
    its line and the declared names — no unit folder, no zip, no workbook."""
    units = three_units(tmp_path)
    text = units.read_text(encoding="utf-8")
    text = edit_unit(text, 1, "giao: {bang_ron: 2,", "giao: {bang_ron: 2, thi_sinh: 5,")
    units.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["batch", str(PROVINCE), "--units", str(units), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    name = read_yaml(units)["don_vi"][1]["ten"]
    assert f"{units}:{line_of(text, 'thi_sinh: 5')}:" in err and name in err and "'thi_sinh'" in err
    assert "bang_ron, lanh_dao, cong_chuc_cds, dai_dien_to, diem_ra_quan" in err
    assert not out.exists()


# --- the bad-input catalogue of units files ----------------------------------------------------


def _tag(text: str) -> str:
    return edit_unit(text, 0, "dia_danh: ", "dia_danh: !!python/object/apply:os.system [echo]\n    x_: ")


def _alias_bomb(text: str) -> str:
    """7 levels of 9 aliases in a unit's ghi_de: under 1 KB, 43 million values once copied out."""
    bomb = "    ghi_de:\n      a0: &a0 [l, l, l, l, l, l, l, l, l]\n"
    bomb += "".join(f"      a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 8))
    end = unit_entry(text, 0)[1]
    return text[:end].rstrip("\n") + "\n" + bomb + text[end:]


BAD_UNITS = {
    "alias bomb": (_alias_bomb, None, "bí danh YAML (*tên) lồng nhau", "*a0"),
    # name: (edit of the 3-unit file, edit of the skeleton or None, text expected in the message, line marker)
    "python tag": (_tag, None, "thẻ YAML (tag:yaml.org,2002:python/object/apply:os.system)", "!!python"),
    "local tag": (lambda t: edit_unit(t, 2, "giao: {", "giao: !vanban {"), None, "thẻ YAML (!vanban)", "!vanban"),
    "missing assignment": (
        lambda t: edit_unit(t, 0, "bang_ron: 2, ", ""),
        lambda s: s.replace("bang_ron: {kieu: so, mac_dinh: 2,", "bang_ron: {kieu: so,"),
        "thiếu trường bắt buộc",
        None,
    ),
    "misnamed assignment": (
        lambda t: edit_unit(t, 2, "lanh_dao:", "lanh_dao_x:"),
        None,
        "có phải ý bạn là 'lanh_dao'?",
        "lanh_dao_x",
    ),
    "no giao at all": (
        lambda t: edit_unit(t, 1, "    giao: {", "    giao_: {"),
        lambda s: s.replace("lanh_dao: {kieu: so, mac_dinh: 1,", "lanh_dao: {kieu: so,"),
        "giao",
        None,
    ),
    "bad declaration": (
        lambda t: t,
        lambda s: s.replace("bang_ron: {kieu: so,", "bang_ron: {kieu: so_thuc,"),
        "cần {kieu: so} hoặc {kieu: chu}",
        None,
    ),
    "assignment named like a fact": (
        lambda t: t,
        lambda s: s.replace("  lanh_dao: {kieu: so,", "  ten: {kieu: so,"),
        "tên 'ten' không dùng được",
        None,
    ),
    "default of another kind": (
        lambda t: t,
        lambda s: s.replace("bang_ron: {kieu: so, mac_dinh: 2,", "bang_ron: {kieu: so, mac_dinh: hai,"),
        "mac_dinh phải là số nguyên ≥ 0, thấy 'hai'",
        None,
    ),
    "unknown bien in skeleton": (
        lambda t: t,
        lambda s: s.replace("{=bien.cap}.", "{=bien.cap_xa}."),
        "bien.cap_xa",
        None,
    ),
    "reconciliation names nothing": (
        lambda t: t,
        lambda s: s.replace("cap_tren: bang_ron_xa.so_luong", "cap_tren: bang_ron_x.so_luong"),
        "Kế hoạch của UBND tỉnh Tây Ninh không có số liệu 'bang_ron_x.so_luong'",
        None,
    ),
    "syntax error": (lambda t: edit_unit(t, 1, "tieu_de: [", "tieu_de: [[["), None, "lỗi cú pháp YAML", None),
    "every unit invalid": (
        lambda t: t.replace("loai: xa", "loai: thi_tran").replace("loai: phuong", "loai: thi_tran"),
        None,
        "chỉ nhận: phuong (phường), xa (xã), dac_khu (đặc khu)",
        "thi_tran",
    ),
    "no units": (lambda t: t[: t.index("\n  - ten:")] + " []\n", None, "không được để trống", None),
    "skeleton missing": (
        lambda t: t.replace("ke_hoach: ke-hoach-xa-tay-ninh-2026.yaml", "ke_hoach: khong-co.yaml"),
        None,
        "khong-co.yaml",
        "khong-co",
    ),
    "not a mapping": (lambda t: "- mot\n- hai\n", None, "", None),
}


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> Path:
    """A previous good batch of the 3 units: every bad file must leave it as it was."""
    base = tmp_path_factory.mktemp("previous")
    units = three_units(base)
    assert (
        main(["batch", str(PROVINCE), "--units", str(units), "-o", str(base / "out"), "-j", "1"]) == 1
    )  # 3 of 96: mismatch
    return base / "out"


@pytest.mark.parametrize("case", sorted(BAD_UNITS))
def test_bad_units_file_exits_2_and_writes_nothing(case, tmp_path, previous, capsys):
    edit, edit_skeleton, expected, marker = BAD_UNITS[case]
    units = three_units(tmp_path)
    text = edit(units.read_text(encoding="utf-8"))
    units.write_text(text, encoding="utf-8")
    if edit_skeleton:
        skeleton = tmp_path / SKELETON.name
        skeleton.write_text(edit_skeleton(skeleton.read_text(encoding="utf-8")), encoding="utf-8")
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    before = snapshot(out)
    capsys.readouterr()
    code = main(["batch", str(PROVINCE), "--units", str(units), "-o", str(out), "-j", "2"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert snapshot(out) == before, "the output folder changed"
    assert "Traceback" not in err
    assert " or " not in err or case == "syntax error"  # the YAML parser's own detail, in brackets after the Vietnamese
    assert expected in err, err
    assert re.search(r"\.yaml:\d+", err), err  # a file and a line
    if marker:
        assert f"{units}:{line_of(text, marker)}:" in err, err


def test_one_bad_unit_does_not_stop_the_others(tmp_path, capsys, monkeypatch):
    """An invalid kind in one unit (the message Vietnamese, no English "or"), and one unit whose
    computation fails unexpectedly: both reported with their names, the third written."""
    units = three_units(tmp_path)
    text = edit_unit(units.read_text(encoding="utf-8"), 0, "loai: phuong", "loai: thi_tran")
    units.write_text(text, encoding="utf-8")
    names = [u["ten"] for u in read_yaml(units)["don_vi"]]
    from generator.units import batch

    real = batch.compute_loaded

    def fails_for_the_second(loaded):
        if getattr(loaded, "unit", None) is not None and loaded.unit.index == 1:
            raise ZeroDivisionError("thử")
        return real(loaded)

    monkeypatch.setattr(batch, "compute_loaded", fails_for_the_second)
    out = tmp_path / "out"
    assert main(["batch", str(PROVINCE), "--units", str(units), "-o", str(out), "-j", "1"]) == 2
    stdout, err = capsys.readouterr()
    assert (
        f"{units}:{line_of(text, 'thi_tran')}:" in err
        and "loại đơn vị 'thi_tran' không hợp lệ" in err
        and " or " not in err
    )
    assert names[0] in err and names[1] in err and "lỗi nội bộ" in err and "Traceback" not in err
    assert [p.name for p in (out / "don-vi").iterdir()] == [slug(names[2])]
    assert "1/3" in stdout


def test_the_2024_town_batch_keeps_its_wording(tmp_path, capsys):
    assert main(["batch", str(KT_PLAN), "--units", str(KT_UNITS), "-o", str(tmp_path / "out"), "-j", "1"]) == 0
    out = capsys.readouterr().out
    assert "Đối chiếu với Kế hoạch của UBND thị xã Kiến Tường" in out and "8/8 xã, phường" in out


# --- folder names Windows opens ----------------------------------------------------------------


def test_reserved_device_names_and_long_names_give_folders_windows_opens(tmp_path, capsys):
    for name in ("CON", "prn", "Aux", "NUL", "COM1", "lpt1"):
        assert slug(name) == f"{name.lower()}-dv"
    long_a, long_b = "xã " + "Bình Hiệp " * 30 + "A", "xã " + "Bình Hiệp " * 30 + "B"
    assert len(slug(long_a)) == MAX_SLUG and slug(long_a) != slug(long_b) and slug(long_a) == slug(long_a)
    units = three_units(tmp_path)
    text = units.read_text(encoding="utf-8")
    text = edit_unit(text, 0, "- ten: phường Tân Ninh", "- ten: CON")
    text = edit_unit(text, 1, "- ten: phường Bình Minh", f"- ten: {long_a}")
    units.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert (
        main(["batch", str(PROVINCE), "--units", str(units), "-o", str(out), "-j", "1"]) == 1
    )  # written (3 of 96: mismatch)
    folders = sorted(p.name for p in (out / "don-vi").iterdir())
    assert "con-dv" in folders and slug(long_a) in folders
    longest = max(len(str(p.relative_to(out))) for p in out.rglob("*"))
    assert longest <= MAX_SLUG + len("don-vi//phu-luc-2.docx")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_every_slug_is_a_safe_windows_name(name):
    folder = slug(name)
    assert re.fullmatch(r"([a-z0-9]+(-[a-z0-9]+)*)?", folder), folder
    assert len(folder) <= MAX_SLUG and folder not in WINDOWS_RESERVED


def test_units_file_fields_follow_the_skeleton(tmp_path):
    """The 2024 skeleton uses ap and to_cnsc: a unit without them is told they are required; the
    Tây Ninh skeleton does not: its units need neither."""
    assert not load_units(UNITS).problems
    shutil.copy(KT_SKELETON, tmp_path / KT_SKELETON.name)
    text = KT_UNITS.read_text(encoding="utf-8").replace("    to_cnsc: 5 ", "    # to_cnsc: 5", 1)
    (tmp_path / "kt.yaml").write_text(text, encoding="utf-8")
    problems = load_units(tmp_path / "kt.yaml").problems
    assert [p.message for error in problems.values() for p in error.problems] == ["thiếu trường bắt buộc"]


def test_a_special_zone_is_a_unit_kind(tmp_path, capsys):
    """Đặc khu Phú Quốc and a xã of An Giang, from the data: the zone's header, date line and
    wording ("UBND các xã, đặc khu") as its kind is."""
    shutil.copy(SKELETON, tmp_path / SKELETON.name)
    units = tmp_path / "an-giang.yaml"
    assert (
        main(
            [
                "don-vi",
                "An Giang",
                "--xa",
                "Phú Quốc",
                "--xa",
                "Kiên Hải",
                "--xa",
                "Mỹ Hòa Hưng",
                "--khung",
                str(tmp_path / SKELETON.name),
                "-o",
                str(units),
            ]
        )
        == 0
    )
    entries = read_yaml(units)["don_vi"]
    assert [u["loai"] for u in entries] == ["dac_khu", "dac_khu", "xa"]
    out = tmp_path / "out"
    capsys.readouterr()
    assert (
        main(["batch", str(PROVINCE), "--units", str(units), "-o", str(out), "-j", "1"]) == 1
    )  # 3 units against 96: mismatch
    stdout = capsys.readouterr().out
    assert "Đã soạn Kế hoạch của UBND 3/3 xã, đặc khu" in stdout
    plan = paragraphs(out / "don-vi" / "dac-khu-phu-quoc" / "ke-hoach.docx")
    assert "ĐẶC KHU PHÚ QUỐC" in plan and any(p.startswith("Phú Quốc, ngày") for p in plan)
    assert any("trên địa bàn đặc khu Phú Quốc" in p for p in plan) and any("Ủy ban nhân dân đặc khu" in p for p in plan)
