"""Issue 16: random plans of the new shapes (hypothesis) — appendix kinds in any number and order,
multiplier columns, decimal quantities, lump sums, groups of lines, general tables with formulas,
bodies with Phần and sub-khoản. Every .docx re-opens, every total read back from the documents adds
up to the figure computed here independently, and every "Bằng chữ" line reads its total.

The number of plans is VANBAN_MODEL_EXAMPLES (default 25: the suite stays fast).
"""

from __future__ import annotations

import io
import os
from decimal import ROUND_HALF_UP, Decimal

from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_plan_model import BASE

from conftest import figure, norm, table_rows
from generator.compute.figures import compute
from generator.model.loader import validate_data
from generator.render.renderer import Renderer
from generator.vi import amount_in_words

EXAMPLES = int(os.environ.get("VANBAN_MODEL_EXAMPLES", "25"))
RENDERER = Renderer()
text = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxy ", min_size=1, max_size=15).map(str.strip).filter(bool)


def half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@st.composite
def quantities(draw):
    """(as written in the plan, exact value)."""
    if draw(st.booleans()):
        n = draw(st.integers(1, 2000))
        return n, Decimal(n)
    whole, cents = draw(st.integers(0, 500)), draw(st.integers(1, 99))
    return f"{whole},{cents:02d}", Decimal(f"{whole}.{cents:02d}")


@st.composite
def budget(draw, n: int):
    multipliers = draw(st.integers(0, 2))
    sources = [f"ns{n}", f"xh{n}"]
    expected_tables = []
    tables = []
    for _ in range(draw(st.integers(1, 3))):
        declared = [{"id": f"h{k}", "ten": f"Số ngày {k}"} for k in range(multipliers)]
        table_source = draw(st.sampled_from([None, *sources]))

        def line(source_default=table_source):
            source = draw(st.sampled_from([None, *sources]))
            if draw(st.integers(0, 4)) == 0:
                amount = draw(st.integers(1, 50_000_000))
                data = {"noi_dung": draw(text), "khoan_gon": amount, "ghi_chu": draw(text)}
            else:
                written, exact = draw(quantities())
                factors = {h["id"]: draw(st.integers(1, 30)) for h in declared}
                price = draw(st.integers(0, 10_000_000))
                for f in factors.values():
                    exact *= f
                amount = half_up(exact * price)
                data = {"noi_dung": draw(text), "so_luong": written, "don_gia": price}
                if declared:
                    data["he_so"] = factors
            if source:
                data["nguon"] = source
            return data, amount, source or source_default or sources[0]

        grouped = draw(st.booleans())
        table = {"tieu_de": draw(text), "bang_chu": draw(st.booleans())}
        if declared:
            table["he_so"] = declared
        if table_source:
            table["nguon"] = table_source
        lines = []
        if grouped:
            table["nhom"] = []
            for _ in range(draw(st.integers(1, 3))):
                members = [line() for _ in range(draw(st.integers(1, 3)))]
                table["nhom"].append({"ten": draw(text), "dong": [m[0] for m in members]})
                lines.append([m[1:] for m in members])
        else:
            members = [line() for _ in range(draw(st.integers(1, 4)))]
            table["dong"] = [m[0] for m in members]
            lines.append([m[1:] for m in members])
        tables.append(table)
        expected_tables.append((lines, table["bang_chu"], grouped))
    appendix = {
        "id": f"pl{n}",
        "loai": "du_toan",
        "tieu_de": draw(text),
        "nguon_kinh_phi": [{"id": s, "ten": f"Nguồn {s}"} for s in sources],
        "nguon_mac_dinh": sources[0],
        "bang": tables,
    }
    return appendix, ("du_toan", expected_tables)


@st.composite
def persons(draw, n: int):
    groups = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    if draw(st.booleans()):
        data = {"nhom": [{"ten": draw(text), "nguoi": [{"ho_ten": draw(text)} for _ in range(k)]} for k in groups]}
    else:
        data = {"nguoi": [{"ho_ten": draw(text)} for _ in range(sum(groups))]}
    return {"id": f"pl{n}", "loai": "danh_sach_nguoi", "tieu_de": draw(text), **data}, ("danh_sach_nguoi", sum(groups))


@st.composite
def general(draw, n: int):
    rows = [(draw(st.integers(0, 1000)), draw(st.integers(0, 5_000_000))) for _ in range(draw(st.integers(1, 4)))]
    table = {
        "id": f"pl{n}",
        "loai": "bang",
        "tieu_de": draw(text),
        "bang_chu": True,
        "cot": [
            {"id": "sl", "ten": "Số lượng", "kieu": "so_nguyen", "tong": True},
            {"id": "muc", "ten": "Mức", "kieu": "tien"},
            {"id": "tien", "ten": "Thành tiền", "kieu": "tien", "cong_thuc": "sl * muc", "tong": True},
        ],
        "dong": [{"sl": a, "muc": b} for a, b in rows],
    }
    return table, ("bang", sum(a for a, _ in rows), sum(a * b for a, b in rows))


@st.composite
def attendees(draw, n: int):
    counts = draw(st.lists(st.lists(st.integers(1, 300), min_size=1, max_size=3), min_size=1, max_size=3))
    nhom = [{"ten": draw(text), "thanh_vien": [{"ten": draw(text), "so_luong": c} for c in group]} for group in counts]
    return {"id": f"pl{n}", "loai": "danh_sach", "tieu_de": draw(text), "nhom": nhom}, (
        "danh_sach",
        sum(map(sum, counts)),
    )


@st.composite
def text_appendix(draw, n: int):
    return {"id": f"pl{n}", "loai": "van_ban", "tieu_de": draw(text), "noi_dung": [{"gach": draw(text)}]}, ("van_ban",)


@st.composite
def khoan(draw, depth: int):
    item = {"tieu_de": draw(text)} if draw(st.booleans()) else {"van_ban": draw(text)}
    if depth < 3 and draw(st.booleans()):
        item["khoan"] = [draw(khoan(depth + 1)) for _ in range(draw(st.integers(1, 2)))]
    if draw(st.booleans()):
        item["noi_dung"] = [{"diem": draw(text)}, {"gach": draw(text)}, {"diem": draw(text)}]
    return item


@st.composite
def plans(draw):
    kinds = draw(
        st.lists(st.sampled_from([budget, persons, general, attendees, text_appendix]), min_size=1, max_size=4)
    )
    appendices, expected = [], []
    for n, kind in enumerate(kinds):
        data, facts = draw(kind(n))
        appendices.append(data)
        expected.append(facts)
    plan = {**BASE, "phu_luc": appendices}
    muc = [{"tieu_de": draw(text), "khoan": [draw(khoan(1)) for _ in range(draw(st.integers(1, 3)))]}]
    if draw(st.booleans()):
        plan.pop("muc")
        plan["phan"] = [{"tieu_de": draw(text), "muc": muc}]
    else:
        plan["muc"] = muc
    return plan, expected


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(plans())
def test_random_plans_of_the_new_shapes(case):
    data, expected = case
    figures = compute(validate_data(data).plan)
    files = RENDERER.render_plan(figures).files
    for content in files.values():
        Document(io.BytesIO(content))  # every file re-opens
    for n, facts in enumerate(expected, 1):
        doc = Document(io.BytesIO(files[f"phu-luc-{n}.docx"]))
        found = [table_rows(t) for t in doc.tables]
        said = [norm(p.text) for p in doc.paragraphs if p.text.startswith("Bằng chữ")]
        said += [r[0] for t in found for r in t if len(r) == 1 and r[0].startswith("Bằng chữ")]
        kind = facts[0]
        if kind == "du_toan":
            grand, words = 0, []
            for (groups, with_words, grouped), rows in zip(facts[1], found):
                assert rows[0][-2] == "Thành tiền (đồng)"
                total = sum(a for group in groups for a, _ in group)
                totals = [figure(r[-2]) for r in rows if {"Cộng", "Tổng cộng"} & set(r[:2])]
                assert totals[-1] == total
                if grouped:
                    assert totals[:-1] == [sum(a for a, _ in group) for group in groups]
                if with_words:
                    words.append(total)
                grand += total
            summary = found[len(facts[1])]
            figure_rows = [r for r in summary if not r[-1].startswith("Bằng chữ")]  # a words row may close it
            assert figure(figure_rows[-1][-1]) == grand
            by_source: dict[str, int] = {}
            for groups, _, _ in facts[1]:
                for group in groups:
                    for amount, source in group:
                        by_source[source] = by_source.get(source, 0) + amount
            assert sorted(figure(r[-1]) for r in figure_rows[1:-1]) == sorted(v for v in by_source.values() if v)
            words.append(grand)
            assert [s for s in said] == [f"Bằng chữ: {amount_in_words(w)}" for w in words]
        elif kind == "danh_sach_nguoi":
            assert found[0][-1] == [f"Tổng cộng: {facts[1]:,} người".replace(",", ".")]
        elif kind == "bang":
            last = found[0][-1]
            assert last[0] == "Tổng cộng" and figure(last[1]) == facts[1] and figure(last[3]) == facts[2]
            assert said == [f"Bằng chữ: {amount_in_words(facts[2])}"]
        elif kind == "danh_sach":
            assert figure(found[0][-1][-1]) == facts[1]
