"""Issue 4: every document `vanban build` writes passes the NĐ 30 checker — as a draft and as issued."""

from __future__ import annotations

import pytest

from conftest import PLAN
from generator.build import build
from generator.check import check_document


def _final_plan(tmp_path):
    text = PLAN.read_text(encoding="utf-8")
    lines = [
        "  so: 5" if line.startswith("  so:") else "  ngay: 5" if line.startswith("  ngay:") else line
        for line in text.splitlines()
    ]
    plan = tmp_path / "final.yaml"
    plan.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return plan


@pytest.mark.parametrize("state", ["draft", "final"])
def test_built_documents_pass_check(tmp_path, state):
    plan = PLAN if state == "draft" else _final_plan(tmp_path)
    result = build(plan, tmp_path / "out")
    docs = [p for p in result.written if p.suffix == ".docx"]
    assert len(docs) == 4
    for path in docs:
        report = check_document(path)
        assert report.is_draft == (state == "draft"), path.name
        assert report.violations == [], f"{path.name}: " + "; ".join(
            f"{v.rule} {v.where}: {v.expected} / {v.found}" for v in report.violations
        )


def test_final_documents_carry_number_and_date(tmp_path):
    build(_final_plan(tmp_path), tmp_path / "out")
    from docx import Document

    cells = [c.text for t in Document(tmp_path / "out" / "ke-hoach.docx").tables for r in t.rows for c in r.cells]
    assert "Số: 05/KH-UBND" in cells
    assert "Kiến Tường, ngày 05 tháng 9 năm 2024" in cells
