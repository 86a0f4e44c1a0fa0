"""Issue 15 point 3: `build` refuses a figure typed in the text that a computed one contradicts.

The check is the audit's own (`audit_analysis` on the rendered ho-so.docx): the same finding codes
`vanban audit` gives for the same text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.analysis.audit import audit_document
from generator.cli import main
from generator.compute.figures import compute
from generator.model.loader import load_plan
from generator.vi import format_number

DATA = Path(__file__).resolve().parent.parent / "data" / "kien-tuong-2024.yaml"
GOOD = DATA.read_text(encoding="utf-8")
FUNDING = '      - "Nguồn kinh phí thực hiện tổ chức'
PRICE_LINE = '- {noi_dung: "Bảng tên", don_vi_tinh: Cái, so_luong: 8, don_gia: 200000}'
COUNT = "Thành phần tham dự: {=phu_luc_1.tong} người"


def line_of(text: str, needle: str) -> int:
    return text.count("\n", 0, text.index(needle)) + 1


def total_of(text: str, tmp_path: Path) -> int:
    plan = tmp_path / "probe.yaml"
    plan.write_text(text, encoding="utf-8")
    return compute(load_plan(plan).plan).phu_luc_2.tong


def build(tmp_path: Path, capsys, text: str, out: Path) -> tuple[int, str]:
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, encoding="utf-8")
    capsys.readouterr()
    code = main(["build", str(plan), "-o", str(out)])
    return code, capsys.readouterr().err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_typed_total_goes_stale_after_a_quantity_change(tmp_path, capsys):
    """The reported case: a total typed in the body, then a quantity changed: build must refuse."""
    total = total_of(GOOD, tmp_path)
    typed = f"Tổng kinh phí thực hiện: {format_number(total)} đồng."
    text = GOOD.replace(FUNDING, f'      - "{typed}"\n{FUNDING}', 1)
    out = tmp_path / "out"
    assert build(tmp_path, capsys, text, out)[0] == 0  # true when typed
    before = snapshot(out)
    changed = text.replace(PRICE_LINE, PRICE_LINE.replace("so_luong: 8", "so_luong: 10"))
    new_total = total_of(changed, tmp_path)
    assert new_total == total + 2 * 200000
    code, err = build(tmp_path, capsys, changed, out)
    assert code == 2
    assert f"plan.yaml:{line_of(changed, typed)}:" in err
    assert "SAI-TONG-KINH-PHI" in err and format_number(total) in err and format_number(new_total) in err
    assert "{=phu_luc_2.tong}" in err
    assert snapshot(out) == before  # nothing written
    # the hint works: the reference instead of the typed figure builds
    fixed = changed.replace(typed, "Tổng kinh phí thực hiện: {=phu_luc_2.tong} đồng.")
    assert build(tmp_path, capsys, fixed, tmp_path / "fixed")[0] == 0


def test_same_finding_as_audit(tmp_path, capsys):
    """One implementation: the build's refusal names the code `vanban audit` gives for the same text."""
    wrong = GOOD.replace(FUNDING, '      - "Tổng kinh phí thực hiện: 1.000.000 đồng."\n' + FUNDING, 1)
    code, err = build(tmp_path, capsys, wrong, tmp_path / "out")
    assert code == 2
    # the same text produced by a build without the typed figure, then typed in by hand → audit
    assert build(tmp_path, capsys, GOOD, tmp_path / "good")[0] == 0
    from docx import Document

    document = Document(str(tmp_path / "good" / "ho-so.docx"))
    anchor = next(p for p in document.paragraphs if p.text.startswith("Nguồn kinh phí thực hiện"))
    anchor.insert_paragraph_before("Tổng kinh phí thực hiện: 1.000.000 đồng.")
    document.save(str(tmp_path / "typed.docx"))
    codes = {f.code for f in audit_document(tmp_path / "typed.docx").errors}
    assert codes == {"SAI-TONG-KINH-PHI"} and all(code in err for code in codes)


@pytest.mark.parametrize("typed, refused", [("130", True), ("khoảng 130", False)])
def test_typed_attendee_count(tmp_path, capsys, typed, refused):
    expected = compute(load_plan(DATA).plan).phu_luc_1.tong
    assert expected != 130
    text = GOOD.replace(COUNT, f"Thành phần tham dự: {typed} người")
    code, err = build(tmp_path, capsys, text, tmp_path / "out")
    if refused:
        assert code == 2 and "LECH-SO-NGUOI" in err and "{=phu_luc_1.tong}" in err
        assert f"plan.yaml:{line_of(text, 'Thành phần tham dự: 130')}:" in err
        assert f"{expected} người" in err
    else:  # a rounded count is a clerk's choice, as in `audit` (a warning there)
        assert code == 0, err


def test_typed_source_split(tmp_path, capsys):
    plan = load_plan(DATA).plan
    figures = compute(plan)
    parts = "; ".join(
        f"{s.ten}: {format_number(a + (1000 if i == 0 else 0))}"
        for i, (s, a) in enumerate(figures.phu_luc_2.theo_nguon)
    )
    typed = f"Tổng kinh phí: {format_number(figures.phu_luc_2.tong + 1000)} đồng. Trong đó {parts}."
    text = GOOD.replace(FUNDING, f'      - "{typed}"\n{FUNDING}', 1)
    code, err = build(tmp_path, capsys, text, tmp_path / "out")
    assert code == 2 and "SAI-TONG-KINH-PHI" in err and f"plan.yaml:{line_of(text, typed)}:" in err
