"""Issue 7: `vanban batch` writes every xã, phường's plan, a zip and a reconciliation workbook.

Expected values are computed here from the units file and the town plan, read with ruamel (not
with vanban's loaders); the documents are read back with python-docx, the workbook with openpyxl.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from ruamel.yaml import YAML

from conftest import PLAN, REPO, norm
from generator.cli import batch as batch_cli
from generator.errors import PlanError
from generator.model.loader import load_plan, to_plain
from generator.units.unitplan import overlay, unit_plan
from generator.units.unitsfile import load_units
from generator.units.unitsyaml import fast_load, read_items, split_items

UNITS = REPO / "data" / "units" / "kien-tuong.yaml"
SKELETON = REPO / "data" / "units" / "ke-hoach-don-vi.yaml"
FILES = ["ho-so.docx", "ke-hoach.docx", "phu-luc-2.docx"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_yaml(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def money(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def folder_name(name: str) -> str:
    """The slug, written here independently: no diacritics (đ → d), lower case, hyphens."""
    table = str.maketrans(
        "àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ",
        "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd",
    )
    return re.sub(r"[^a-z0-9]+", "-", name.lower().translate(table)).strip("-")


def town_figures() -> dict[str, int]:
    """The town plan's figures the units must add up to, by the ids the units file names."""
    town = read_yaml(PLAN)
    p2, found = town["phu_luc_2"], {}
    tu_chu = 0
    for bang in p2["bang"]:
        for dong in bang["dong"]:
            if "id" in dong:
                found[dong["id"]] = dong["so_luong"]
            if (dong.get("nguon") or bang.get("nguon") or p2["nguon_mac_dinh"]) == "tu_chu":
                tu_chu += dong["so_luong"] * dong["don_gia"]
    for nhom in town["phu_luc_1"]["nhom"]:
        found.update((m["id"], m["so_luong"]) for m in nhom["thanh_vien"] if "id" in m)
    banner_price = next(d["don_gia"] for b in p2["bang"] for d in b["dong"] if d.get("id") == "banner_xa")
    return {
        "banner_xa": found["banner_xa"],
        "tu_chu": tu_chu,
        "doan_vien": found["doan_vien"],
        "lanh_dao_xa": found["lanh_dao_xa"],
        "cong_chuc_cds_xa": found["cong_chuc_cds_xa"],
        "to_cnsc_ap": found["to_cnsc_ap"],
        "banner_price": banner_price,
    }


def expected_row(unit: dict, price: int) -> list[int]:
    """A unit's workbook figures in the units file's doi_chieu order, and its total budget."""
    g = unit["giao"]
    return [
        g["bang_ron"],
        g["bang_ron"] * price,
        g["doan_vien"],
        g["lanh_dao"],
        g["cong_chuc_cds"],
        g["dai_dien_to"],
        g["bang_ron"] * price,
    ]


def run(*argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="vanban")
    batch_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["batch", *map(str, argv)])
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = args.func(args)
    return code, out.getvalue(), err.getvalue()


def paragraphs(path: Path) -> list[str]:
    """Every paragraph of a .docx (tables included), as text."""
    body = Document(str(path)).element.body
    return [norm("".join(t.text or "" for t in p.iter(f"{W}t"))) for p in body.iter(f"{W}p")]


def sheet_rows(path: Path) -> list[list]:
    return [list(row) for row in load_workbook(path).active.iter_rows(values_only=True)]


def copy_inputs(tmp_path: Path, edit) -> Path:
    """The units file and its skeleton copied to tmp_path, the units text changed by `edit`."""
    shutil.copy(SKELETON, tmp_path / SKELETON.name)
    target = tmp_path / UNITS.name
    target.write_text(edit(UNITS.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def unit_block(text: str, name: str) -> tuple[int, int]:
    """Index of a unit's first line in the units file text, and of the line after its entry."""
    lines = text.splitlines()
    start = lines.index(f"  - ten: {name}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("  - ten:")), len(lines))
    return start, end


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "out"
    code, stdout, stderr = run(PLAN, "--units", UNITS, "-o", out, "-j", "1")
    return code, stdout, stderr, out


def test_every_unit_has_its_folder(built):
    code, stdout, stderr, out = built
    assert code == 0, stderr
    units = read_yaml(UNITS)["don_vi"]
    assert len(units) == 8
    assert sorted(p.name for p in (out / "don-vi").iterdir()) == sorted(folder_name(u["ten"]) for u in units)
    assert {"phuong-1", "xa-binh-hiep"} <= {folder_name(u["ten"]) for u in units}
    for unit in units:
        assert sorted(p.name for p in (out / "don-vi" / folder_name(unit["ten"])).iterdir()) == FILES
    assert "8/8" in stdout and "Soạn kế hoạch đơn vị" not in stdout  # no progress bar off a terminal


def test_documents_carry_each_units_name_signer_and_figures(built):
    out = built[3]
    units = read_yaml(UNITS)["don_vi"]
    price = town_figures()["banner_price"]
    for unit in units:
        folder = out / "don-vi" / folder_name(unit["ten"])
        plan, appendix = paragraphs(folder / "ke-hoach.docx"), paragraphs(folder / "phu-luc-2.docx")
        text = "\n".join(plan)
        g = unit["giao"]
        for line in unit["tieu_de"]:
            assert line in plan
        assert any(p.startswith(f"{unit['dia_danh']}, ngày") for p in plan)
        assert f"trên địa bàn {unit['ten']}" in plan[plan.index("KẾ HOẠCH") + 1]
        assert unit["ky"]["ho_ten"] in plan and all(line in plan for line in unit["ky"]["chuc_vu"])
        assert f"Treo {g['bang_ron']} tấm băng rôn" in text
        assert f"Cử {g['doan_vien']} đoàn viên thanh niên" in text
        assert f"Thành phần: {g['lanh_dao'] + g['cong_chuc_cds'] + g['dai_dien_to']} người" in text
        places = "khu phố" if unit["loai"] == "phuong" else "ấp"
        assert f"đại diện Tổ công nghệ số cộng đồng các {places} ({g['dai_dien_to']} người)" in text
        assert f"Kinh phí thực hiện Kế hoạch là {money(g['bang_ron'] * price)} đồng" in text
        assert ", ".join(unit["ap"]) in text
        for other in units:
            if other is not unit:
                assert other["ten_day_du"] not in text and other["ky"]["ho_ten"] not in text
        # one appendix: labelled "Phụ lục", without a number
        assert "Phụ lục" in appendix and "Phụ lục II" not in text and "Phụ lục I" not in appendix
        assert appendix.index(money(g["bang_ron"] * price)) == appendix.index(money(price)) + 1
        assert f"của {unit['ten_day_du']})" in " ".join(appendix)


def test_opening_cites_the_town_plan(built):
    town = read_yaml(PLAN)
    number = "…" if town["van_ban"]["so"] is None else f"{town['van_ban']['so']:02d}"
    opening = next(
        p for p in paragraphs(built[3] / "don-vi" / "phuong-1" / "ke-hoach.docx") if p.startswith("Thực hiện")
    )
    assert opening.startswith(
        f"Thực hiện Kế hoạch số {number}/KH-UBND ngày … của {town['co_quan']['ten_day_du']} về việc tổ chức"
    )


def test_reconciliation_equals_the_town_plan(built):
    rows = sheet_rows(built[3] / "tong-hop-don-vi.xlsx")
    units, town = read_yaml(UNITS)["don_vi"], town_figures()
    header = next(i for i, row in enumerate(rows) if row[0] == "STT")
    for unit, row in zip(units, rows[header + 1 :]):
        assert row[1] == unit["ten"] and row[2] == folder_name(unit["ten"])
        assert row[3:10] == expected_row(unit, town["banner_price"])
    total = next(row for row in rows if row[1] == "Cộng các đơn vị")
    plan = next(row for row in rows if row[1] == "Kế hoạch của UBND thị xã Kiến Tường")
    expected_town = [
        town[k] for k in ("banner_xa", "tu_chu", "doan_vien", "lanh_dao_xa", "cong_chuc_cds_xa", "to_cnsc_ap")
    ]
    assert plan[3:9] == expected_town == [16, 3_600_000, 40, 8, 8, 37]
    sums = [sum(expected_row(u, town["banner_price"])[k] for u in units) for k in range(6)]
    assert total[3:9] == sums == expected_town
    assert next(row for row in rows if row[1] == "Chênh lệch")[-1] == "Khớp"


def test_zip_holds_every_unit_folder(built):
    out = built[3]
    units = read_yaml(UNITS)["don_vi"]
    with zipfile.ZipFile(out / "don-vi.zip") as archive:
        names = archive.namelist()
        assert names == [f"{folder_name(u['ten'])}/{name}" for u in units for name in FILES]  # units in file order
        assert {n.split("/")[0] for n in names} == {p.name for p in (out / "don-vi").iterdir()}
        for name in names:
            assert archive.read(name) == (out / "don-vi" / name).read_bytes()
            assert archive.getinfo(name).date_time == (1980, 1, 1, 0, 0, 0)
    # written through a temporary file, with the permissions every other file gets (not private)
    modes = {
        p.name: p.stat().st_mode & 0o777
        for p in (out / "don-vi.zip", out / "tong-hop-don-vi.xlsx", out / "don-vi" / names[0])
    }
    assert len(set(modes.values())) == 1, modes


def test_parallel_run_gives_the_same_bytes(built, tmp_path, monkeypatch):
    """-j 2 (into the default folder output/<plan name>/) writes exactly the files -j 1 wrote."""
    monkeypatch.chdir(tmp_path)
    code, _, stderr = run(PLAN, "--units", UNITS, "-j", "2")
    assert code == 0, stderr
    serial, parallel = built[3], tmp_path / "output" / PLAN.stem
    files = sorted(p.relative_to(serial) for p in serial.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(parallel) for p in parallel.rglob("*") if p.is_file())
    assert len(files) == 8 * len(FILES) + 2
    for name in files:
        assert (serial / name).read_bytes() == (parallel / name).read_bytes(), name


def test_bad_unit_is_named_and_the_others_are_written(tmp_path):
    """A unit with an invalid assignment and one with an impossible date in ghi_de: both named
    with file, line and field; the six others written; exit code 2."""

    def edit(text: str) -> str:
        lines = text.splitlines()
        start, end = unit_block(text, "xã Thạnh Trị")
        giao = next(i for i in range(start, end) if lines[i].lstrip().startswith("giao:"))
        lines[giao] = lines[giao].replace("bang_ron: 2", "bang_ron: hai")
        start, end = unit_block("\n".join(lines), "xã Bình Tân")
        lines.insert(end, "    ghi_de:\n      van_ban: {ngay: 31, thang: 9}")
        return "\n".join(lines) + "\n"

    units = copy_inputs(tmp_path, edit)
    text = units.read_text(encoding="utf-8").splitlines()
    giao_line = 1 + next(i for i in range(*unit_block("\n".join(text), "xã Thạnh Trị")) if "bang_ron: hai" in text[i])
    ghi_de_line = 1 + text.index("      van_ban: {ngay: 31, thang: 9}")
    code, stdout, stderr = run(PLAN, "--units", units, "-o", tmp_path / "out")
    assert code == 2
    assert "xã Thạnh Trị" in stderr and f"{units}:{giao_line}:" in stderr and "don_vi[6].giao.bang_ron" in stderr
    assert "xã Bình Tân" in stderr and f"{units}:{ghi_de_line}:" in stderr and "don_vi[4].ghi_de.van_ban" in stderr
    assert "31/9/2024 không tồn tại" in stderr
    written = sorted(p.name for p in (tmp_path / "out" / "don-vi").iterdir())
    assert written == sorted(
        folder_name(u["ten"]) for u in read_yaml(UNITS)["don_vi"] if u["ten"] not in ("xã Thạnh Trị", "xã Bình Tân")
    )
    with zipfile.ZipFile(tmp_path / "out" / "don-vi.zip") as archive:
        assert {n.split("/")[0] for n in archive.namelist()} == set(written)
    rows = sheet_rows(tmp_path / "out" / "tong-hop-don-vi.xlsx")
    failed = next(row for row in rows if row[1] == "xã Thạnh Trị")
    assert failed[-1].startswith("Lỗi") and "giao.bang_ron" in failed[-1]
    assert "6/8" in stdout


def test_mismatch_is_reported_and_ghi_de_applies(tmp_path):
    """Phường 1 given 3 banners: the sums no longer equal the town plan (exit 1, shown in the
    workbook). Phường 2's ghi_de gives its plan a number, a date and another signer."""

    def edit(text: str) -> str:
        lines = text.splitlines()
        start, end = unit_block(text, "Phường 1")
        giao = next(i for i in range(start, end) if lines[i].lstrip().startswith("giao:"))
        lines[giao] = lines[giao].replace("bang_ron: 2", "bang_ron: 3")
        start, end = unit_block("\n".join(lines), "Phường 2")
        lines.insert(end, "    ghi_de:\n      van_ban: {so: 7, ngay: 25}\n      ky: {ho_ten: Lê Thị Mới}")
        return "\n".join(lines) + "\n"

    code, stdout, stderr = run(PLAN, "--units", copy_inputs(tmp_path, edit), "-o", tmp_path / "out")
    assert code == 1, stderr
    assert "Băng rôn" in stderr and "KHÔNG KHỚP" in stdout
    rows = sheet_rows(tmp_path / "out" / "tong-hop-don-vi.xlsx")
    town = town_figures()
    assert next(row for row in rows if row[1] == "Cộng các đơn vị")[3:5] == [
        town["banner_xa"] + 1,
        town["tu_chu"] + town["banner_price"],
    ]
    difference = next(row for row in rows if row[1] == "Chênh lệch")
    assert difference[3:5] == [1, town["banner_price"]] and difference[-1].startswith("KHÔNG KHỚP")
    sheet = load_workbook(tmp_path / "out" / "tong-hop-don-vi.xlsx").active
    row = next(r for r in sheet.iter_rows() if r[1].value == "Chênh lệch")
    assert [c.fill.fgColor.rgb[-6:] for c in row[3:5]] == ["FFC7CE", "FFC7CE"] and row[5].fill.fill_type is None
    assert {c.number_format for c in row[3:9]} == {'[<1000]0;[<1000000]0"."000;0"."000"."000'}  # "." thousands
    assert row[1].font.b and sheet[3][0].font.b and sheet[3][0].alignment.wrap_text
    plan = paragraphs(tmp_path / "out" / "don-vi" / "phuong-2" / "ke-hoach.docx")
    assert "Số: 07/KH-UBND" in plan and "Lê Thị Mới" in plan and "Trần Thị Bích" not in plan
    assert any(p.startswith("Phường 2, ngày 25 tháng 9 năm 2024") for p in plan)


def test_units_file_problems_are_located(tmp_path):
    """A misspelt key of a unit: the loader's wording, a suggestion, its line. A reconciliation line
    naming a figure the town plan does not have: exit 2 before anything is written."""

    def edit(text: str) -> str:
        text = text.replace("thi_xa: banner_xa.so_luong", "thi_xa: banner_xaa.so_luong")
        start, end = unit_block(text, "Phường 3")
        lines = text.splitlines()
        typo = next(i for i in range(start, end) if lines[i].startswith("    to_cnsc:"))
        lines[typo] = lines[typo].replace("to_cnsc:", "to_cnscc:")
        return "\n".join(lines) + "\n"

    units_path = copy_inputs(tmp_path, edit)
    text = units_path.read_text(encoding="utf-8").splitlines()
    code, _, stderr = run(PLAN, "--units", units_path, "-o", tmp_path / "out")
    assert code == 2 and not (tmp_path / "out").exists()
    assert (
        f"{units_path}:{1 + next(i for i, t in enumerate(text) if 'banner_xaa' in t)}:" in stderr
        and "banner_xaa.so_luong" in stderr
    )

    problems = {p.path: p for p in load_units(units_path).problems[2].problems}
    typo_line = 1 + next(i for i, line in enumerate(text) if line.startswith("    to_cnscc:"))
    assert problems[("don_vi", 2, "to_cnscc")].line == typo_line
    assert problems[("don_vi", 2, "to_cnscc")].message == "khóa không hợp lệ 'to_cnscc'; có phải ý bạn là 'to_cnsc'?"
    assert problems[("don_vi", 2, "to_cnsc")].message == "thiếu trường bắt buộc"


def test_a_part_that_does_not_read_is_located_in_the_whole_file(tmp_path):
    """Read in parts (as a batch's processes read it), a units file with a syntax error inside one
    unit's entry is reported at that line, as a reading of the whole file reports it; a good file
    read in parts gives the units a whole reading gives, and the skeleton is handed to `meanwhile`
    before the units are checked."""

    def edit(text: str) -> str:
        start, end = unit_block(text, "xã Thạnh Trị")
        lines = text.splitlines()
        lines[start + 2] = lines[start + 2].rstrip("]")  # tieu_de: [… an unclosed flow sequence
        return "\n".join(lines) + "\n"

    units_path = copy_inputs(tmp_path, edit)
    bad_line = 1 + next(
        i for i, line in enumerate(units_path.read_text(encoding="utf-8").splitlines()) if line.endswith("THẠNH TRỊ")
    )
    read_parts = []

    def reader(parts):
        read_parts.extend(parts)
        return map(read_items, parts)

    with pytest.raises(PlanError) as info:
        load_units(units_path, reader, parts=4)
    assert len(read_parts) == 4
    assert any(p.line in (bad_line, bad_line + 1) and p.file == units_path for p in info.value.problems), (
        info.value.problems
    )
    seen = []
    whole = load_units(UNITS)
    split = load_units(
        UNITS, lambda parts: map(read_items, parts), parts=3, meanwhile=lambda skeleton: seen.append(skeleton.plan)
    )
    assert [(u.ten, u.slug, u.don_vi) for u in split.units] == [(u.ten, u.slug, u.don_vi) for u in whole.units]
    assert seen and seen[0] == whole.skeleton.plan


def test_a_bad_town_plan_is_located_and_nothing_is_written(tmp_path):
    """With every core (the units file read meanwhile in other processes), a town plan with a
    problem stops the batch with its file and line; no folder, zip or workbook is written."""
    plan_path = tmp_path / PLAN.name
    text = PLAN.read_text(encoding="utf-8")
    plan_path.write_text(text.replace("  so_luong: 16\n", "  so_luong: mười sáu\n", 1), encoding="utf-8")
    assert plan_path.read_text(encoding="utf-8") != text
    bad_line = 1 + next(
        i for i, line in enumerate(plan_path.read_text(encoding="utf-8").splitlines()) if "mười sáu" in line
    )
    units_path = copy_inputs(tmp_path, lambda text: text)
    code, _, stderr = run(plan_path, "--units", units_path, "-o", tmp_path / "out", "-j", "2")
    assert code == 2 and f"{plan_path}:{bad_line}:" in stderr, stderr
    assert not (tmp_path / "out").exists()


def test_overlay_merges_mappings_and_replaces_the_rest():
    base = {"van_ban": {"so": None, "thang": 9}, "noi_nhan": ["a", "b"], "ky": {"chuc_vu": ["CHỦ TỊCH"], "ho_ten": "X"}}
    replaced = []
    changes = {
        "van_ban": {"so": 5},
        "noi_nhan": ["c"],
        "ky": {"chuc_vu": ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]},
        "phu_luc_2": None,
    }
    merged = overlay(base, changes, replaced.append)
    assert merged == {
        "van_ban": {"so": 5, "thang": 9},
        "noi_nhan": ["c"],
        "ky": {"chuc_vu": ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "ho_ten": "X"},
        "phu_luc_2": None,
    }
    assert base["van_ban"] == {"so": None, "thang": 9} and base["noi_nhan"] == ["a", "b"]
    assert replaced == [("van_ban", "so"), ("noi_nhan",), ("ky", "chuc_vu"), ("phu_luc_2",)]


def test_unit_documents_pass_the_checkers(built):
    from generator.analysis.audit import audit_document
    from generator.check import check_document

    for path in sorted((built[3] / "don-vi").rglob("*.docx")):
        assert check_document(path).violations == [], path
        assert audit_document(path).errors == [], path


YAML_FORMS = """\
%YAML 1.1
---
bools: [true, True, TRUE, false, yes, No, on, OFF, y, "true"]
nulls: [~, null, Null, NULL, "null"]
empty:
ints: [0, 5, -5, +3, 017, 0o17, 0x1F, 0b101, 1_000, "5", !!str 5, !!int "7"]
floats: [1.5, -0.5, 1e3, 6.8523015e+5, .inf, -.Inf, .nan, 1_0.5, !!float 1]
dates:
  - 2024-01-02
  - 2024-1-2
  - 2024-01-02 10:00:00
  - 2024-01-02T10:00:00.5Z
  - 2024-01-02 10:00:00 +07:00
text: [Phường 1, "Phường 1", 'it''s', "tab\\tnewline\\n", <<x, "=bien.ten", {=bien.ten}]
sexagesimal: 1:30
block: |
  line 1
  line 2
folded: >
  one
  two
2: integer key
true: boolean key
null: null key
base: &base {ten: Phường 1, so: 5, ap: [Ấp 1, Ấp 2]}
other: &other {so: 6, loai: xa}
merged: {<<: *base, so: 7}
merged_all: {<<: [*other, *base], extra: 1}
alias: *base
nested: [[1, [2, {a: [3, "3", !!str 3]}]], {}, []]
"""


def test_units_file_is_read_as_ruamels_safe_loader_reads_it():
    """The units file's libyaml loader (its resolver works out each distinct scalar once) gives what
    ruamel's own safe loader gives: the same values of the same types, in the same order."""
    expected = YAML(typ="safe").load(YAML_FORMS)
    assert repr(fast_load(YAML_FORMS, Path("units.yaml"))) == repr(expected)
    assert expected["bools"][4] == "yes" and expected["ints"][4] == 17  # libyaml reads YAML 1.2 whatever the directive


def test_unit_text_filled_in_is_nfc(tmp_path):
    """A bien value beginning with a combining mark, filled in after "e": the unit's text is NFC
    ("é", one character), as the loader gives every text."""

    def edit(text: str) -> str:
        start, end = unit_block(text, "Phường 1")
        lines = text.splitlines()
        lines.insert(
            end, '    ghi_de:\n      bien: {dau: "\\u0301"}\n      van_ban: {trich_yeu: "Ke{=bien.dau} hoạch"}'
        )
        return "\n".join(lines) + "\n"

    units = load_units(copy_inputs(tmp_path, edit))
    plan = unit_plan(load_plan(PLAN), units, units.units[0]).plan
    assert plan.van_ban.trich_yeu == "K\u00e9 hoạch"


# --- reading a long units file in parts ---------------------------------------------------------

SCALARS = st.sampled_from(
    [
        "Phường 1",
        "'xã - Bình Hiệp'",
        '"a: b - c"',
        "Ấp 1 & Ấp 2",
        "yes",
        "0o17",
        "1_000",
        "2024-09-15",
        "~",
        "12",
        "-3",
        "'# không phải chú thích'",
        "x # chú thích",
        "|\n        dòng một\n        - dòng hai\n",
        ">-\n        gấp\n\n        lại\n",
    ]
)


@st.composite
def units_texts(draw):
    """Units files of many shapes: item indentation, comments and blank lines between and inside
    items, block and flow collections, block scalars, quoted '- ' and '#'."""
    indent = " " * draw(st.sampled_from([0, 2, 4]))
    lines = ["ke_hoach: khung.yaml  # khung", "doi_chieu: []", "", "don_vi:   # các đơn vị"]
    for i in range(draw(st.integers(1, 12))):
        lines += draw(st.sampled_from([[], [""], [f"{indent}# đơn vị {i}"], ["# cột đầu"]]))
        lines.append(f"{indent}- ten: {draw(SCALARS)}")
        for key in ("loai", "ap", "giao", "ghi_chu"):
            value = draw(
                st.one_of(
                    SCALARS,
                    st.just("[Ấp 1, 'Ấp - 2']"),
                    st.just("{a: 1, b: [x, y]}"),
                    st.just(f"\n{indent}    - Ấp 1\n{indent}    - Ấp 2"),
                    st.just(f"\n{indent}      con: 1"),
                )
            )
            lines.append(f"{indent}  {key}: {value}")
            lines += draw(st.sampled_from([[], [""], [f"{indent}    # giữa"]]))
    lines += draw(st.sampled_from([[], ["", "# hết"], ["khac: 1"], ["khac:", "  - 1"]]))
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None, database=None)
@given(units_texts(), st.integers(1, 5))
def test_units_file_read_in_parts_reads_as_a_whole(text, parts):
    """`split_items` + `read_items` (what a batch's processes do) give the data of one reading."""
    whole = to_plain(fast_load(text, Path("units.yaml")), None)[0]
    split = split_items(text, parts)
    assert split is not None, text
    head, texts = split
    assert len(texts) <= parts
    data = to_plain(fast_load(head, Path("units.yaml")), None)[0]
    data["don_vi"] = [item for part in texts for item in read_items(part)]
    assert repr(data) == repr(whole)


def test_units_files_that_do_not_split_are_read_whole():
    """Anchors and aliases, tags, directives, a flow list, two don_vi keys: not split."""
    item = "don_vi:\n  - ten: A\n"
    for text in (
        "x: &a 1\n" + item,
        item + "  - ten: *a\n",
        item + "  - ten: !!str 1\n",
        "%YAML 1.2\n---\n" + item,
        "don_vi: [{ten: A}]\n",
        item + "don_vi:\n  - ten: B\n",
        item.replace("  -", "\t-"),
    ):
        assert split_items(text, 4) is None, text
