"""The papers around a plan (`vanban build --bo-ho-so`): figures read back from the built files and
checked against the budget appendix and the data; every paper passes `vanban check` and `vanban audit`;
missing data is exit 2 with nothing written."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import unicodedata
import zipfile
from functools import lru_cache
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from generator.analysis.audit import audit_document
from generator.build import compute_loaded
from generator.check.nd30 import check_document
from generator.cli import main
from generator.model.loader import load_plan
from generator.papers import contexts
from generator.papers.build import slug
from generator.papers.figures import Group, Member, plan_facts
from generator.vi import amount_in_words

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "kien-tuong-2024-ho-so.yaml"
ISSUED = {"plan": "  so: 125\n  ngay: 12\n"}


def text_of(path: Path | bytes) -> str:
    d = docx.Document(io.BytesIO(path) if isinstance(path, bytes) else str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for r in t.rows:
            parts += [c.text for c in r.cells]
    return unicodedata.normalize("NFC", "\n".join(parts))


def build(tmp_path: Path, source: str, name: str = "plan") -> tuple[int, Path]:
    plan = tmp_path / f"{name}.yaml"
    plan.write_text(source, encoding="utf-8")
    out = tmp_path / f"out-{name}"
    return main(["build", str(plan), "--bo-ho-so", "-o", str(out)]), out


def issued(source: str) -> str:
    """The bundled example with the plan and every paper numbered and dated."""
    source = source.replace("  so:            # để trống", "  so: 125        # để trống").replace(
        "  ngay:          # ngày ký", "  ngay: 12       # ngày ký"
    )
    counter = iter(range(30, 99))
    return re.sub(r"van_ban: \{so: , ngay: , ", lambda m: f"van_ban: {{so: {next(counter)}, ngay: 20, ", source)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("papers")
    source = DATA.read_text(encoding="utf-8")
    results = {}
    for name, text in (("draft", source), ("issued", issued(source))):
        code, out = build(tmp, text, name)
        assert code == 0
        results[name] = out
    return results


def budget_readback(folder: Path) -> tuple[str, str, list[tuple[str, str]]]:
    """Total, its words and the split by source as printed in the built phu-luc-2.docx."""
    d = docx.Document(str(folder / "phu-luc-2.docx"))
    summary = d.tables[-1]
    rows = [[c.text.strip() for c in r.cells] for r in summary.rows]
    total = next(r[-1] for r in rows if r[0].startswith("Tổng kinh phí"))
    words = next(r[0] for r in rows if r[0].startswith("Bằng chữ")).removeprefix("Bằng chữ: ")
    split = [(r[1], r[2]) for r in rows[1:] if r[0].isdigit()]
    return total, words, split


def data() -> dict:
    return YAML(typ="safe").load(DATA.read_text(encoding="utf-8"))


@pytest.mark.parametrize("state", ["draft", "issued"])
@pytest.mark.parametrize("paper", ["to-trinh", "quyet-dinh"])
def test_total_words_and_split_equal_the_budget_appendix(built, state, paper):
    folder = built[state]
    total, words, split = budget_readback(folder)
    plan = data()
    members = sum(m["so_luong"] for g in plan["phu_luc_1"]["nhom"] for m in g["thanh_vien"])
    expected = sum(
        (members if str(d["so_luong"]).startswith("=") else d["so_luong"]) * d["don_gia"]
        for b in plan["phu_luc_2"]["bang"]
        for d in b["dong"]
    )
    assert total == f"{expected:,}".replace(",", ".") == "49.750.000"
    assert words == amount_in_words(expected) == bundled_facts().bang_chu
    text = text_of(folder / f"{paper}.docx")
    assert f"Tổng kinh phí: {total} đồng (Bằng chữ: {words})." in text
    for source, amount in split:
        assert f"{source}: {amount} đồng" in text
    assert sum(int(a.replace(".", "")) for _, a in split) == expected


def test_quyet_dinh_articles_and_recipients(built):
    text = text_of(built["issued"] / "quyet-dinh.docx")
    assert [int(n) for n in re.findall(r"^Điều (\d+)\. ", text, re.M)] == [1, 2, 3]
    assert "- Như Điều 3;" in text
    # the plan cited by number and date once issued; the Tờ trình by its own
    assert "Kế hoạch số 125/KH-UBND ngày 12 tháng 9 năm 2024 của Ủy ban nhân dân thị xã Kiến Tường" in text
    to_trinh = json.loads((built["issued"] / "to-trinh.json").read_text(encoding="utf-8"))
    assert f"Tờ trình số {to_trinh['so_ky_hieu']} ngày 20 tháng 9 năm 2024" in text
    assert "DỰ THẢO" not in text
    assert "DỰ THẢO" in text_of(built["draft"] / "quyet-dinh.docx")


def test_ban_to_chuc_lists_the_members(built):
    text = text_of(built["issued"] / "quyet-dinh-ban-to-chuc.docx")
    for member in data()["giay_to"]["ban_to_chuc"]["thanh_vien"]:
        assert f"- {member['ho_ten']}, {member['chuc_vu']} - {member['nhiem_vu']}" in text


def _invited(plan: dict) -> dict[str, int]:
    skip = {s.casefold() for s in plan["giay_to"]["giay_moi"]["khong_moi"]}
    out: dict[str, int] = {}
    for group in plan["phu_luc_1"]["nhom"]:
        for m in group["thanh_vien"]:
            name = re.sub(r"\s*\([^()]*\)$", "", m["ten"])
            if name.casefold() not in skip:
                out[name] = out.get(name, 0) + m["so_luong"]
    return out


def test_one_giay_moi_per_invited_body_with_name_and_time(built):
    folder = built["issued"]
    plan = data()
    invited = _invited(plan)
    letters = sorted(folder.glob("giay-moi-*.docx"))
    assert len(letters) == len(invited) == 15
    time = plan["giay_to"]["giay_moi"]["thoi_gian"]
    seen = []
    for path in letters:
        text = text_of(path)
        name = next(n for n in invited if f"kính mời: {n} (" in text)
        seen.append(name)
        assert f"kính mời: {name} ({invited[name]:02d} người)." in text
        assert f"Thời gian: {time}." in text
        assert "Địa điểm: Hội trường Ủy ban nhân dân thị xã Kiến Tường." in text  # from the plan's khoản
        assert json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["noi_nhan"][0] == name
    assert sorted(seen) == sorted(invited)
    with zipfile.ZipFile(folder / "giay-moi.zip") as archive:
        assert sorted(n for n in archive.namelist() if n.endswith(".docx")) == [p.name for p in letters]


def test_a_body_invited_twice_gets_one_letter(tmp_path):
    source = DATA.read_text(encoding="utf-8").replace(
        '        - {ten: "VNPT", so_luong: 2}',
        '        - {ten: "VNPT", so_luong: 2}\n        - {ten: "Sở Thông tin và Truyền thông", so_luong: 2}',
    )
    code, out = build(tmp_path, source)
    assert code == 0
    letters = [p for p in out.glob("giay-moi-*.docx") if "kính mời: Sở Thông tin và Truyền thông" in text_of(p)]
    assert len(letters) == 1
    assert "kính mời: Sở Thông tin và Truyền thông (03 người)." in text_of(letters[0])
    assert len(list(out.glob("giay-moi-*.docx"))) == 15


def test_bao_cao_targets_results_and_spending(built):
    plan = data()
    text = text_of(built["issued"] / "bao-cao.docx")
    results = plan["giay_to"]["bao_cao"]["ket_qua"]
    spent = sum(r["kinh_phi"] for r in results.values())
    assert f"Tổng kinh phí đã chi: {spent:,} đồng".replace(",", ".") in text
    assert "dự toán 49.750.000 đồng" in text
    d = docx.Document(str(built["issued"] / "bao-cao.docx"))
    table = next(t for t in d.tables if t.rows[0].cells[0].text == "STT")
    rows = [[c.text for c in r.cells] for r in table.rows]
    line = next(r for r in rows if r[1] == "Nước uống")
    assert (line[3], line[4], line[5], line[6]) == ("127", "120", "2.540.000", "2.400.000")
    assert rows[-1][-2:] == ["49.750.000", f"{spent:,}".replace(",", ".")]
    meta = json.loads((built["draft"] / "bao-cao.json").read_text(encoding="utf-8"))
    assert meta["ten_loai"] == "Báo cáo" and meta["du_thao"] is True


def test_every_paper_passes_check_and_audit(built):
    for state, folder in built.items():
        papers = [
            p
            for p in folder.glob("*.docx")
            if p.name not in ("ke-hoach.docx", "phu-luc-1.docx", "phu-luc-2.docx", "ho-so.docx")
        ]
        assert len(papers) == 21
        for path in papers:
            report = check_document(path)
            assert report.violations == [], (state, path.name, report.violations)
            assert report.is_draft == (state == "draft")
            assert audit_document(path).errors == [], (state, path.name)


def test_metadata_beside_each_paper_and_listing_in_so_lieu(built):
    folder = built["issued"]
    listing = json.loads((folder / "so-lieu.json").read_text(encoding="utf-8"))["Hồ sơ"]
    names = {entry["tep"] for entry in listing}
    assert names == {p.name for p in folder.glob("*.docx")}
    meta = json.loads((folder / "quyet-dinh.json").read_text(encoding="utf-8"))
    assert meta["so_ky_hieu"] == "31/QĐ-UBND" and meta["ngay"] == "2024-09-20"
    assert meta["ke_hoach"] == "125/KH-UBND" and meta["so_trang"] >= 1
    assert meta["nguoi_ky"]["ho_ten"] == "Nguyễn Thị Lụa" and meta["noi_nhan"][0] == "Như Điều 3"
    plan = json.loads((folder / "ke-hoach.json").read_text(encoding="utf-8"))
    assert (plan["so_ky_hieu"], plan["ngay"], plan["ten_loai"]) == ("125/KH-UBND", "2024-09-12", "Kế hoạch")
    assert plan["noi_nhan"] == data()["noi_nhan"] and plan["du_thao"] is False
    for paper in folder.glob("*.docx"):
        if paper.name not in ("phu-luc-1.docx", "phu-luc-2.docx", "ho-so.docx"):
            assert paper.with_suffix(".json").is_file(), paper.name


def _without_attendees(source: str) -> str:
    start, end = source.index("\nphu_luc_1:"), source.index("\nphu_luc_2:")
    source = source[:start] + source[end:]
    return source.replace("=phu_luc_1.tong", "127").replace("{=phu_luc_1.ten}", "danh sách").replace("{127}", "127")


@pytest.mark.parametrize(
    "case, needle",
    [
        ("no_members", "thanh_vien"),
        ("no_attendees", "phu_luc_1"),
        ("no_time", "thoi_gian"),
        ("unknown_result", "nuoc_uongg"),
    ],
)
def test_missing_data_is_exit_2_and_nothing_written(tmp_path, capsys, case, needle):
    source = DATA.read_text(encoding="utf-8")
    if case == "no_members":
        start = source.index("    thanh_vien:\n      - {ho_ten: Bà")
        source = source[:start] + source[source.index('    nhiem_vu:\n      - gach: "Chỉ đạo') :]
    elif case == "no_attendees":
        source = _without_attendees(source)
    elif case == "no_time":
        source = source.replace('    thoi_gian: "14 giờ 00, ngày 15 tháng 10 năm 2024"', "")
        source = source.replace("    hoat_dong: Tổ chức họp mặt đại diện Tổ Công nghệ số cộng đồng toàn thị xã", "")
    else:
        source = source.replace("      nuoc_uong: {thuc_hien", "      nuoc_uongg: {thuc_hien")
    code, out = build(tmp_path, source)
    err = capsys.readouterr().err
    assert code == 2, err
    assert needle in err and "plan.yaml:" in err
    assert not out.exists()


def test_without_bo_ho_so_the_papers_are_not_made_but_checked(tmp_path, capsys):
    plan = tmp_path / "plan.yaml"
    plan.write_text(DATA.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["build", str(plan), "-o", str(tmp_path / "a")]) == 0
    assert not list((tmp_path / "a").glob("to-trinh*"))
    plan.write_text(
        DATA.read_text(encoding="utf-8").replace("    kinh_gui: Ủy ban", "    kinh_guii: Ủy ban", 1), encoding="utf-8"
    )
    assert main(["build", str(plan), "-o", str(tmp_path / "b")]) == 2
    assert "kinh_guii" in capsys.readouterr().err


# -- the checker knows each type: one fault planted in a clean paper, exactly its rule reported ----------------


def _replace(doc, old: str, new: str) -> None:
    """Replace text inside one run (header cells and body), keeping the run's formatting."""
    paragraphs = list(doc.paragraphs) + [p for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    for p in paragraphs:
        for r in p.runs:
            if old in r.text:
                r.text = r.text.replace(old, new)
                return
    raise AssertionError(f"not found: {old}")


def _not_italic(doc, start: str) -> None:
    for p in doc.paragraphs:
        if p.text.startswith(start):
            for r in p.runs:
                r.italic = False
            return
    raise AssertionError(start)


FAULTS = [
    ("cong-van-de-nghi-ho-tro", lambda d: _replace(d, "V/v đề nghị", "Về đề nghị"), {"TL-07"}),
    ("cong-van-de-nghi-ho-tro", lambda d: _replace(d, "/UBND-VHTT", "/CV-VHTT"), {"HD-17"}),
    ("to-trinh", lambda d: _replace(d, "/TTr-PVHTT", "/TT-PVHTT"), {"HD-17"}),
    ("to-trinh", lambda d: _replace(d, "/TTr-PVHTT", "/KH-PVHTT"), {"TL-01"}),
    ("to-trinh", lambda d: _replace(d, "/TTr-PVHTT", "/TTR-PVHTT"), {"HD-17"}),
    ("quyet-dinh", lambda d: _replace(d, "Điều 3.", "Điều 4."), {"HG-12"}),
    ("quyet-dinh", lambda d: _not_italic(d, "Căn cứ Luật Ngân sách"), {"BD-07"}),
    (
        "quyet-dinh",
        lambda d: _replace(
            d,
            "Căn cứ Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015;",
            "Căn cứ Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015",
        ),
        {"BD-07"},
    ),
    (
        "giay-moi-01-so-thong-tin-va-truyen-thong",
        lambda d: _replace(d, "Thời gian:", "Kính gửi: Sở; Thời gian:"),
        {"NN-05"},
    ),
]


@pytest.mark.parametrize("paper, fault, expected", FAULTS)
def test_checker_reports_a_planted_fault_by_type(built, tmp_path, paper, fault, expected):
    doc = docx.Document(str(built["issued"] / f"{paper}.docx"))
    fault(doc)
    path = tmp_path / f"{paper}.docx"
    doc.save(str(path))
    report = check_document(path)
    assert report.rules == expected, [(v.rule, v.expected, v.found) for v in report.violations]


def test_a_plan_keeps_the_plan_rules(built, tmp_path):
    """Under the by-type rules a Kế hoạch is still checked as one: a V/v line or Kính gửi is refused."""
    doc = docx.Document(str(built["issued"] / "ke-hoach.docx"))
    _replace(doc, "Thực hiện Kế hoạch số 2663", "Kính gửi: UBND tỉnh. Thực hiện Kế hoạch số 2663")
    path = tmp_path / "ke-hoach.docx"
    doc.save(str(path))
    assert "NN-05" in check_document(path).rules


def test_giay_moi_per_group_lists_its_members(tmp_path):
    source = DATA.read_text(encoding="utf-8").replace("  giay_moi:\n", "  giay_moi:\n    theo: nhom\n")
    code, out = build(tmp_path, source)
    assert code == 0
    groups = data()["phu_luc_1"]["nhom"]
    letters = sorted(out.glob("giay-moi-*.docx"))
    assert len(letters) == len(groups) == 3
    skip = set(data()["giay_to"]["giay_moi"]["khong_moi"])
    for path, group in zip(letters, groups):
        text = text_of(path)
        assert f"kính mời: {group['ten']}." in text
        for m in group["thanh_vien"]:
            assert (f"- {m['ten']}: {m['so_luong']:02d} người" in text) == (m["ten"] not in skip)


def test_report_due_date_is_read_from_the_plan_text(built):
    meta = json.loads((built["draft"] / "bao-cao.json").read_text(encoding="utf-8"))
    assert meta["han_bao_cao"] == "2024-10-25"  # "… **trước ngày 25/10/2024**" in ket_thuc


def test_issued_giay_moi_cites_the_plan(built):
    text = text_of(next(built["issued"].glob("giay-moi-01-*.docx")))
    assert text.count("Thực hiện Kế hoạch số 125/KH-UBND ngày 12 tháng 9 năm 2024") == 1
    assert "Thực hiện" not in text_of(next(built["draft"].glob("giay-moi-01-*.docx"))).split("kính mời")[0]


def test_bo_ho_so_without_giay_to_is_exit_2(tmp_path, capsys):
    source = DATA.read_text(encoding="utf-8")
    code, out = build(tmp_path, source[: source.index("\ngiay_to:")])
    assert code == 2 and "giay_to" in capsys.readouterr().err and not out.exists()


# -- invitees: bodies listed under several names forms, in several groups -------------------------------------

NAMES = ["Phòng Nội vụ", "VNPT", "Sở Thông tin và Truyền thông", "Ban Tuyên giáo Thị ủy"]


@st.composite
def spelling(draw):
    name = draw(st.sampled_from(NAMES))
    if draw(st.booleans()):
        name = name.upper()
    if draw(st.booleans()):
        name = "  " + name.replace(" ", "  ")
    if draw(st.booleans()):
        name += " (khen thưởng)"
    return name


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.tuples(spelling(), st.integers(1, 50)), min_size=1, max_size=5), min_size=1, max_size=4))
def test_one_invitee_per_body_with_counts_added(groups):
    facts = types_facts(
        [Group(str(i), f"NHÓM {i}", 0, tuple(Member(n, c) for n, c in g)) for i, g in enumerate(groups)]
    )
    invited = contexts.invitees(facts, contexts.GiayMoi())
    expected: dict[str, int] = {}
    for g in groups:
        for name, count in g:
            key = " ".join(re.sub(r"\s*\([^()]*\)\s*$", "", name).casefold().split())
            expected[key] = expected.get(key, 0) + count
    assert {" ".join(i.ten.casefold().split()): i.so_luong for i in invited} == expected


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=0, max_size=120))
def test_file_names_are_windows_safe(name):
    part = slug(name)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*|van-ban", part) and len(part) <= 50


@lru_cache(maxsize=1)
def bundled_facts():
    return plan_facts(compute_loaded(load_plan(DATA)))


def types_facts(groups):
    """The bundled plan's facts with other attendee groups."""
    return dataclasses.replace(bundled_facts(), nhom=tuple(groups))


def test_pdf_page_counts_go_into_the_metadata(tmp_path, capsys):
    import shutil
    import subprocess

    if not (shutil.which("soffice") or shutil.which("libreoffice")) or not shutil.which("pdfinfo"):
        reason = "thiếu LibreOffice hoặc poppler-utils: không thử đếm trang PDF"
        print(reason)
        pytest.skip(reason)
    yaml = YAML(typ="rt")
    plan = yaml.load(DATA.read_text(encoding="utf-8"))
    for key in ("giay_moi", "ban_to_chuc", "cong_van", "thong_bao"):
        del plan["giay_to"][key]
    source = tmp_path / "plan.yaml"
    with source.open("w", encoding="utf-8") as handle:
        yaml.dump(plan, handle)
    out = tmp_path / "out"
    assert main(["build", str(source), "--bo-ho-so", "-o", str(out)]) == 0
    estimates = {
        p.stem: json.loads(p.read_text(encoding="utf-8"))["so_trang"] for p in out.glob("*.json") if p.stem != "so-lieu"
    }
    assert main(["build", str(source), "--bo-ho-so", "-o", str(out), "--pdf"]) == 0
    for name, estimate in estimates.items():
        meta = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        info = subprocess.run(["pdfinfo", str(out / f"{name}.pdf")], capture_output=True, text=True, check=True).stdout
        pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        assert (meta["so_trang"], meta["so_trang_theo"]) == (pages, "PDF"), name
        assert abs(estimate - pages) <= 1, (name, estimate, pages)
    print(
        "ước tính / PDF:",
        {n: (e, json.loads((out / f"{n}.json").read_text(encoding="utf-8"))["so_trang"]) for n, e in estimates.items()},
    )


def test_rebuild_removes_letters_no_longer_asked_for_and_reports_no_change(tmp_path, capsys):
    source = DATA.read_text(encoding="utf-8")
    code, out = build(tmp_path, source)
    assert code == 0 and len(list(out.glob("giay-moi-*.docx"))) == 15
    (out / "ghi-chu.docx").write_bytes(b"not ours")
    capsys.readouterr()
    fewer = source.replace(
        "khong_moi: [Lãnh đạo UBND thị xã, Phòng Văn hóa và Thông tin]",
        "khong_moi: [Lãnh đạo UBND thị xã, Phòng Văn hóa và Thông tin, VNPT, Viettel]",
    )
    code, out = build(tmp_path, fewer)
    assert code == 0
    letters = sorted(p.name for p in out.glob("giay-moi-*"))
    assert len(letters) == 2 * 13 and not any("vnpt" in n or "viettel" in n for n in letters)
    with zipfile.ZipFile(out / "giay-moi.zip") as archive:
        assert len([n for n in archive.namelist() if n.endswith(".docx")]) == 13
    assert (out / "ghi-chu.docx").exists()  # not a paper of ours: kept
    assert "Không có số liệu nào thay đổi." in capsys.readouterr().out


def test_general_papers_insert_the_plan_citation(built):
    """Công văn and Thông báo text can insert the plan's citation ({=bien.ke_hoach}, {=bien.ke_hoach_so})."""
    cv = text_of(built["issued"] / "cong-van-de-nghi-ho-tro.docx")
    assert (
        "Thực hiện Kế hoạch số 125/KH-UBND ngày 12 tháng 9 năm 2024 của Ủy ban nhân dân thị xã Kiến Tường về "
        "tổ chức các hoạt động"
    ) in cv
    assert "tổng kinh phí 9.000.000 đồng" in cv  # {=it_xanh.tong}
    assert "V/v đề nghị hỗ trợ" in cv and "Số: " in cv and "/UBND-VHTT" in cv
    assert "Thực hiện Kế hoạch số 125/KH-UBND, " in text_of(built["issued"] / "thong-bao-lich-ra-quan.docx")
    assert "Thực hiện dự thảo Kế hoạch tổ chức" in text_of(built["draft"] / "cong-van-de-nghi-ho-tro.docx")


def test_paper_templates_are_what_the_tool_makes(tmp_path, monkeypatch):
    """tools/make_paper_templates.py makes the committed templates byte for byte (fixed zip dates)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_paper_templates", ROOT / "tools" / "make_paper_templates.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    monkeypatch.setattr(tool, "OUT", tmp_path)
    for make in tool.PAPERS:
        make()
    made = sorted(p.name for p in tmp_path.glob("*.docx"))
    assert len(made) == 7
    for name in made:
        assert (tmp_path / name).read_bytes() == (ROOT / "templates" / name).read_bytes(), name
