"""`vanban new`: next year's plan from the bundled 2024 plan, and --set."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import generator.cli
from generator.build import build
from generator.model.loader import load_plan
from generator.model.yamlfile import YamlFile, strings

DATA = Path(__file__).resolve().parent / "data" / "kien-tuong-2024-cu.yaml"  # the old shape
#: Citations in the bundled plan, found here independently of generator.model.rollover.
CITED = re.compile(r"(?:Kế hoạch|Công văn) số \d+/[\w\-]+ ngày \d{1,2}/\d{1,2}/\d{4}")


def cited_spans(text: str) -> list[tuple[int, int]]:
    """Each citation with its subject: to the end of its clause (";", ". X", ", X", the end) or to the
    bracket it sits in."""
    spans = []
    for match in CITED.finditer(text):
        end, depth = len(text), 0
        for position in range(match.end(), len(text)):
            char, rest = text[position], text[position : position + 3]
            depth += {"(": 1, ")": -1}.get(char, 0)
            if (
                depth < 0
                or char == ";"
                or re.match(r"[.,] [A-ZĐỦ]", rest)
                or (char == "." and position == len(text) - 1)
            ):
                end = position
                break
        spans.append((match.start(), end))
    return spans


def run(monkeypatch, capsys, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setattr(generator.cli, "COMMANDS", ["build", "new"])
    code = generator.cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def signed_copy(tmp_path: Path) -> Path:
    """The bundled plan with a number and a signing day (as if it had been issued)."""
    text = DATA.read_text(encoding="utf-8")
    signed = text.replace("  so:            #", "  so: 2663       #").replace(
        "  ngay:          #", "  ngay: 20       #"
    )
    assert signed.count("2663       #") == 1 and signed.count("ngay: 20       #") == 1
    path = tmp_path / "kien-tuong-2024.yaml"
    path.write_text(signed, encoding="utf-8")
    return path


def comments(text: str) -> list[str]:
    """Every YAML comment (whole-line or after a value), in order."""
    return re.findall(r"(?m)(?:^|\s)(#.*)$", text)


@pytest.fixture
def rolled(tmp_path, monkeypatch, capsys):
    source = signed_copy(tmp_path)
    target = tmp_path / "kien-tuong-2025.yaml"
    code, out, err = run(monkeypatch, capsys, "new", source, "--year", "2025", "-o", target)
    assert code == 0, err
    return source, target, out


def test_dates_and_years_move_except_cited_documents(rolled):
    source, target, _ = rolled
    old, new = YamlFile.read(source).data, YamlFile.read(target).data
    old_texts = {path: text for _, _, path, text in strings(old)}
    new_texts = {path: text for _, _, path, text in strings(new)}
    assert old_texts.keys() == new_texts.keys()
    moved = 0
    for path, text in old_texts.items():
        keep = cited_spans(text)
        expected, position = "", 0
        for match in re.finditer("2024", text):
            if not any(a <= match.start() < b for a, b in keep):
                expected += text[position : match.start()] + "2025"
                position = match.end()
                moved += 1
        expected += text[position:]
        assert new_texts[path] == expected, path
    assert moved > 20  # titles, theme, slogan, activity dates, closing
    for date in ("09/9/2024", "11/09/2024", "11/9/2024", "09/02/2023"):
        assert date in target.read_text(encoding="utf-8")
    # the subject of a cited document stays as written
    assert "tỉnh Long An năm 2024. Ủy ban nhân dân thị xã ban hành" in new_texts[("mo_dau", 0)]
    assert new_texts[("mo_dau", 0)].endswith("thị xã Kiến Tường năm 2025, cụ thể như sau:")


CITING = """\
  - "Căn cứ Kế hoạch số 45/KH-UBND ngày 15/01/2026 của UBND tỉnh Tây Ninh về tổ chức Ngày Chuyển đổi số quốc gia năm 2026; Ủy ban nhân dân xã ban hành Kế hoạch năm 2026 như sau:"
"""


def test_cited_document_text_never_edited(tmp_path, monkeypatch, capsys):
    """The reported case: the year in a cited document's subject was changed."""
    source = tmp_path / "hoi-2026.yaml"
    source.write_text(
        MINIMAL.replace("2024", "2026").replace(
            'mo_dau:\n  - "Tổ chức ngày hội vào ngày 29/02/2026 và tổng kết ngày 15/3/2026."\n', "mo_dau:\n" + CITING
        ),
        encoding="utf-8",
    )
    code, out, err = run(monkeypatch, capsys, "new", source, "--year", "2027", "-o", tmp_path / "hoi-2027.yaml")
    assert code == 0, err
    opening = load_plan(tmp_path / "hoi-2027.yaml").plan.mo_dau[0].text
    assert opening.startswith(
        "Căn cứ Kế hoạch số 45/KH-UBND ngày 15/01/2026 của UBND tỉnh Tây Ninh về tổ chức Ngày "
        "Chuyển đổi số quốc gia năm 2026; "
    )
    assert opening.endswith("ban hành Kế hoạch năm 2027 như sau:")


def test_every_move_printed_with_field_and_line(rolled):
    source, target, out = rolled
    moved = out[out.index("Đã chuyển") : out.index("Cần xem lại")].splitlines()
    count = int(re.search(r"Đã chuyển (\d+) chỗ", moved[0]).group(1))
    entries = [line.strip() for line in moved[1:] if "→" in line]
    assert len(entries) == count
    old_lines = source.read_text(encoding="utf-8").splitlines()
    new_lines = target.read_text(encoding="utf-8").splitlines()
    for entry in entries:
        match = re.fullmatch(r"(\S+) \(dòng (\d+)\): «(.+?)» → «(.+?)»", entry)
        assert match, entry
        line = int(match.group(2))
        assert match.group(4) in new_lines[line - 1] and match.group(3) in old_lines[line - 1]
    assert "van_ban.nam (dòng" in out and "«2024» → «2025»" in out
    assert "muc[2].khoan[0].noi_dung[2].gach (dòng 51): «20/9/2024» → «20/9/2025»" in out


def test_moved_dates_on_weekends_and_holidays_flagged(tmp_path, monkeypatch, capsys):
    """2025: 20/9 is a Saturday; 2027: 02/9 is Quốc khánh, 10/3 âm lịch (Giỗ Tổ) is 16/4, Tết is 06/02."""
    source = tmp_path / "hoi-2026.yaml"
    events = "Họp ngày 16/4/2026, ngày 02/9/2026, ngày 06/02/2026, ngày 05/5/2026 và ngày 20/9/2026."
    source.write_text(
        MINIMAL.replace("2024", "2026").replace(
            "Tổ chức ngày hội vào ngày 29/02/2026 và tổng kết ngày 15/3/2026.", events
        ),
        encoding="utf-8",
    )
    code, out, err = run(monkeypatch, capsys, "new", source, "--year", "2027", "-o", tmp_path / "hoi-2027.yaml")
    assert code == 0, err
    review = out[out.index("Cần xem lại") :]
    assert "«16/4/2027»" in review and "Giỗ Tổ Hùng Vương" in review
    assert "«02/9/2027»" in review and "Quốc khánh" in review
    assert "«06/02/2027»" in review and "Tết Nguyên Đán" in review and "Thứ Bảy" in review
    assert "«05/5/2027»" not in review  # a Wednesday
    assert "«20/9/2027»" not in review  # a Monday


@pytest.mark.parametrize(
    "year, tet", [(2025, "2025-01-29"), (2026, "2026-02-17"), (2027, "2027-02-06"), (2028, "2028-01-26")]
)
def test_tet_from_the_lunar_calendar_library(year, tet):
    from generator.vi.days_off import day_off
    from generator.vi.days_off import tet as tet_of

    assert tet_of(year).isoformat() == tet
    assert "Tết Nguyên Đán" in day_off(tet_of(year))


def test_giỗ_tổ_and_fixed_holidays():
    from datetime import date

    from generator.vi.days_off import day_off

    assert "Giỗ Tổ Hùng Vương" in day_off(date(2026, 4, 26))  # 10/3 Bính Ngọ, a Sunday
    assert "Giỗ Tổ Hùng Vương" in day_off(date(2025, 4, 7))
    for day in (date(2026, 1, 1), date(2026, 4, 30), date(2026, 5, 1), date(2026, 9, 2), date(2026, 9, 1)):
        assert "ngày nghỉ lễ" in day_off(day), day
    assert day_off(date(2026, 10, 9)) is None  # a Friday


def test_earlier_year_refused_without_force(tmp_path, monkeypatch, capsys):
    target = tmp_path / "x-2023.yaml"
    code, _, err = run(monkeypatch, capsys, "new", DATA, "--year", "2023", "-o", target)
    assert code == 2 and "2023" in err and "--force" in err
    assert not target.exists()
    code, _, err = run(monkeypatch, capsys, "new", DATA, "--year", "2023", "-o", target, "--force")
    assert code == 0, err
    assert load_plan(target).plan.van_ban.nam == 2023


def test_number_and_signing_day_cleared_year_set(rolled):
    _, target, _ = rolled
    van_ban = load_plan(target).plan.van_ban
    assert (van_ban.so, van_ban.ngay, van_ban.thang, van_ban.nam) == (None, None, 9, 2025)
    assert load_plan(target).plan.is_draft


def test_comments_kept(rolled):
    source, target, _ = rolled
    old = comments(source.read_text(encoding="utf-8"))
    assert len(old) > 20
    assert comments(target.read_text(encoding="utf-8")) == old
    assert '# bản gốc in đơn giá "7.00.000"' in target.read_text(encoding="utf-8")


def test_review_list_names_citations_theme_and_slogan_with_lines(rolled):
    _, target, out = rolled
    lines = target.read_text(encoding="utf-8").splitlines()
    review = out[out.index("Cần xem lại") :].splitlines()[1:]
    expected = {
        "mo_dau[0]": "Kế hoạch số 2663/KH-UBND ngày 09/9/2024",
        "muc[2].khoan[3].noi_dung[4].gach": "Công văn số 855/UBND-VHXH ngày 09/02/2023",
        "muc[2].khoan[1].noi_dung[3].gach": "Kế hoạch số 3111/KH-BCĐCĐS ngày 11/09/2024",
        "muc[1].khoan[0].van_ban": "Chủ đề",
        "muc[1].khoan[1].van_ban": "Khẩu hiệu",
    }
    for path, what in expected.items():
        entry = next((r for r in review if r.strip().startswith(path + " (dòng ")), None)
        assert entry is not None and what in entry, (path, review)
        line = int(re.search(r"\(dòng (\d+)\)", entry).group(1))
        assert what.split(" ngày")[0] in lines[line - 1]


def test_new_plan_builds_and_passes_the_checker(rolled, tmp_path):
    _, target, _ = rolled
    result = build(target, tmp_path / "out-2025")
    assert result.figures.plan.van_ban.nam == 2025
    try:
        from generator.check import check_document
    except ImportError as exc:
        pytest.skip(f"generator.check.check_document chưa có ({exc})")
    baseline = build(DATA, tmp_path / "out-2024")  # a draft too, like the new plan

    def errors(docx: list[Path]) -> set[tuple]:
        return {(p.name, v.rule, v.where, v.expected) for p in docx for v in check_document(p).errors}

    new_errors, old_errors = errors(result.docx), errors(baseline.docx)
    assert new_errors <= old_errors, f"lỗi mới sau khi chuyển năm: {sorted(new_errors - old_errors)}"
    if old_errors:
        pytest.skip(
            f"kế hoạch 2024 đã có {len(old_errors)} lỗi NĐ 30 (ví dụ {sorted(old_errors)[0]}); "
            "chuyển năm không thêm lỗi nào, nhưng chưa đạt 0 lỗi"
        )
    assert not new_errors


MINIMAL = """\
co_quan:
  ten: [ỦY BAN NHÂN DÂN, XÃ AN HÒA]
  ten_day_du: Ủy ban nhân dân xã An Hòa
van_ban:
  thang: 2
  nam: 2024
  dia_danh: An Hòa
  trich_yeu: Ngày hội năm 2024
mo_dau:
  - "Tổ chức ngày hội vào ngày 29/02/2024 và tổng kết ngày 15/3/2024."
muc:
  - tieu_de: NỘI DUNG
    noi_dung:
      - "Họp trù bị ngày 29 tháng 02 năm 2024."
ket_thuc: Trên đây là kế hoạch
noi_nhan: [Như trên]
luu: [VT]
ky:
  chuc_vu: [CHỦ TỊCH]
  ho_ten: Nguyễn Văn A
"""


def test_29_february_reported_not_changed(tmp_path, monkeypatch, capsys):
    source = tmp_path / "hoi-2024.yaml"
    source.write_text(MINIMAL, encoding="utf-8")
    code, out, err = run(monkeypatch, capsys, "new", source, "--year", "2025", "-o", tmp_path / "hoi-2025.yaml")
    assert code == 0, err
    text = (tmp_path / "hoi-2025.yaml").read_text(encoding="utf-8")
    assert "29/02/2024" in text and "ngày 29 tháng 02 năm 2024" in text and "15/3/2025" in text
    assert "«29/02/2024» không có trong năm 2025" in out
    assert "«ngày 29 tháng 02 năm 2024» không có trong năm 2025" in out
    code, out, err = run(monkeypatch, capsys, "new", source, "--year", "2028", "-o", tmp_path / "hoi-2028.yaml")
    assert code == 0, err
    assert "ngày 29/02/2028" in (tmp_path / "hoi-2028.yaml").read_text(encoding="utf-8")


def test_set_changes_nested_fields_and_keeps_the_line_comment(tmp_path, monkeypatch, capsys):
    target = tmp_path / "x-2025.yaml"
    code, _, err = run(
        monkeypatch,
        capsys,
        "new",
        DATA,
        "--year",
        "2025",
        "-o",
        target,
        "--set",
        "phu_luc_2.bang[0].dong[2].don_gia=250000",
        "--set",
        "co_quan.ten[1]=XÃ X",
        "--set",
        "co_quan.ten_day_du=Ủy ban nhân dân xã X",
    )
    assert code == 0, err
    plan = load_plan(target).plan
    assert plan.phu_luc_2.bang[0].dong[2].don_gia == 250000
    assert plan.co_quan.ten == ["ỦY BAN NHÂN DÂN", "XÃ X"] and plan.co_quan.ten_day_du == "Ủy ban nhân dân xã X"
    line = next(x for x in target.read_text(encoding="utf-8").splitlines() if '"Bảng tên"' in x)
    assert "don_gia: 250000" in line and "# bản gốc in thành tiền 200.000" in line


def test_set_rejects_an_unknown_field_naming_the_nearest(tmp_path, monkeypatch, capsys):
    target = tmp_path / "x-2025.yaml"
    code, _, err = run(
        monkeypatch, capsys, "new", DATA, "--year", "2025", "-o", target, "--set", "co_quan.ten_day_duu=X"
    )
    assert code == 2
    assert "'ten_day_duu'" in err and "'ten_day_du'" in err
    code, _, err = run(monkeypatch, capsys, "new", DATA, "--year", "2025", "-o", target, "--set", "co_quan.ten[7]=X")
    assert code == 2 and "chỉ có 2 mục" in err
    assert not target.exists()


def test_refuses_to_overwrite(tmp_path, monkeypatch, capsys):
    target = tmp_path / "x-2025.yaml"
    target.write_text("giữ nguyên", encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "new", DATA, "--year", "2025", "-o", target)
    assert code == 2 and "--force" in err
    assert target.read_text(encoding="utf-8") == "giữ nguyên"
    code, _, err = run(monkeypatch, capsys, "new", DATA, "--year", "2025", "-o", DATA, "--force")
    assert code == 2 and "tệp gốc" in err
    code, _, _ = run(monkeypatch, capsys, "new", DATA, "--year", "2025", "-o", target, "--force")
    assert code == 0 and load_plan(target).plan.van_ban.nam == 2025
