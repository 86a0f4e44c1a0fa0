"""Issue 6: random valid plans (hypothesis) build into .docx files that re-open, hold every input
string exactly once where expected, and whose figures add up.

The number of plans is VANBAN_PLAN_EXAMPLES (default 2000, the CI figure).
"""

from __future__ import annotations

import io
import os

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import figure, norm, table_rows
from generator.compute.figures import compute
from generator.model.loader import validate_data
from generator.render.renderer import Renderer
from generator.vi import amount_in_words

EXAMPLES = int(os.environ.get("VANBAN_PLAN_EXAMPLES", "2000"))
MAX = 999_999_999_999_999
LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
ALPHABET = LETTERS + LETTERS.upper() + "0123456789 &<>\"'%#{}()[]/.,;:-–—“”🎉✓€"

words = st.text(alphabet=ALPHABET, min_size=1, max_size=12).map(str.strip).filter(bool)
phrase = st.lists(words, min_size=1, max_size=6).map(" ".join)
RENDERER = Renderer()


def tagged(text: str, tag: str) -> str:
    """Make a random text unique in the document (the tag also keeps it free of references)."""
    return f"{text} ‹{tag}›"


@st.composite
def plans(draw):
    groups = [
        {
            "ten": tagged(draw(phrase), f"n{g}"),
            "thanh_vien": [
                {"ten": tagged(draw(phrase), f"n{g}t{m}"), "so_luong": draw(st.integers(1, 500))}
                for m in range(draw(st.integers(1, 6)))
            ],
        }
        for g in range(draw(st.integers(1, 4)))
    ]
    budget_left = MAX
    tables = []
    for t in range(draw(st.integers(1, 3))):
        lines = []
        for d in range(draw(st.integers(1, 300))):
            qty = draw(st.integers(1, 10_000))
            price = draw(st.integers(0, min(budget_left // qty, 10**14)))
            budget_left -= qty * price
            lines.append({"noi_dung": tagged(draw(phrase), f"b{t}d{d}"), "so_luong": qty, "don_gia": price})
        tables.append({"tieu_de": tagged(draw(phrase), f"b{t}"), "dong": lines})
    return {
        "co_quan": {"ten": ["ỦY BAN NHÂN DÂN", draw(phrase).upper() or "X"], "ten_day_du": draw(phrase)},
        "van_ban": {
            "so": draw(st.one_of(st.none(), st.integers(1, 999))),
            "thang": 9,
            "nam": 2024,
            "ngay": 15,
            "dia_danh": draw(phrase),
            "trich_yeu": tagged(draw(phrase), "ty"),
        },
        "mo_dau": [tagged(draw(phrase), "md")],
        "muc": [
            {
                "tieu_de": draw(phrase),
                "khoan": [{"tieu_de": draw(phrase), "noi_dung": [{"gach": tagged(draw(phrase), "g")}]}],
            }
        ],
        "ket_thuc": tagged(draw(phrase), "kt"),
        "noi_nhan": [tagged(draw(phrase), f"nn{i}") for i in range(draw(st.integers(1, 4)))],
        "luu": ["VT", "VP"],
        "ky": {"chuc_vu": ["CHỦ TỊCH"], "ho_ten": tagged(draw(phrase), "ky")},
        "phu_luc_1": {"tieu_de": "DANH SÁCH", "nhom": groups},
        "phu_luc_2": {
            "tieu_de": "DỰ TRÙ",
            "nguon_kinh_phi": [{"id": "ns", "ten": "Ngân sách"}],
            "nguon_mac_dinh": "ns",
            "bang": tables,
        },
    }


def cells_text(doc) -> list[str]:
    return [cell for table in doc.tables for row in table_rows(table) for cell in row]


def paragraphs_text(doc) -> list[str]:
    return [p.text for p in doc.paragraphs] + [
        p.text for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs
    ]


@pytest.mark.slow
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(plans())
def test_random_plans_build_and_add_up(data):
    files = RENDERER.render_plan(compute(validate_data(data).plan)).files
    docs = {name: Document(io.BytesIO(blob)) for name, blob in files.items()}

    plan_paragraphs = paragraphs_text(docs["ke-hoach.docx"])
    for recipient in data["noi_nhan"]:
        assert plan_paragraphs.count(f"- {recipient};") == 1
    assert sum(data["ky"]["ho_ten"] in p for p in plan_paragraphs) == 1
    assert sum(data["ket_thuc"] in p for p in plan_paragraphs) == 1

    attendees = table_rows(docs["phu-luc-1.docx"].tables[0])
    expected_total = 0
    for group in data["phu_luc_1"]["nhom"]:
        row = next(r for r in attendees if r[1] == norm(group["ten"]))
        subtotal = sum(m["so_luong"] for m in group["thanh_vien"])
        assert figure(row[2]) == subtotal
        expected_total += subtotal
        for member in group["thanh_vien"]:
            assert [r[1] for r in attendees].count(norm(member["ten"])) == 1
    assert figure(attendees[-1][2]) == expected_total

    tables = [table_rows(t) for t in docs["phu-luc-2.docx"].tables]
    grand = 0
    budget_cells = cells_text(docs["phu-luc-2.docx"])
    for bang, rows in zip(data["phu_luc_2"]["bang"], tables):
        body = [r for r in rows if len(r) == 7 and r[0].isdigit()]
        assert len(body) == len(bang["dong"])
        for row, line in zip(body, bang["dong"]):
            assert row[1] == norm(line["noi_dung"]) and budget_cells.count(row[1]) == 1
            assert figure(row[5]) == line["so_luong"] * line["don_gia"]
        total = sum(d["so_luong"] * d["don_gia"] for d in bang["dong"])
        assert figure(next(r for r in rows if r[0] == "Tổng cộng")[1]) == total
        assert f"Bằng chữ: {amount_in_words(total)}" in [r[0] for r in rows]
        grand += total
    summary = tables[-1]
    assert figure(next(r for r in summary if r[0] == "Tổng kinh phí thực hiện Kế hoạch")[1]) == grand
    assert summary[-1][0] == f"Bằng chữ: {amount_in_words(grand)}"
    assert len(Document(io.BytesIO(files["ho-so.docx"])).sections) == 3
