"""Issue 15 point 2 (table widths, issue 16's rendering): no figure or word breaks inside a cell.

Plans with 10.000.000 prices, 1.587.700.000 totals and amounts up to 999.999.999.999 in every
money column (classic budget, budget with multiplier columns and groups, general table, the
split by source) are rendered, converted by LibreOffice and read back with `pdftotext -layout`:
every amount must stand whole on one line. The column sizing itself is also checked on the XML.
"""

from __future__ import annotations

import copy
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from test_plan_model import BASE, budget_of

from generator.cli import main
from generator.render.layout import text_width
from generator.render.widths import plan_widths

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def wide_plan() -> tuple[dict, list[str]]:
    """A plan whose money columns hold the widest amounts, and the amounts as they must print."""
    classic = {
        "tieu_de": "Chi lớn",
        "dong": [
            {"noi_dung": "Thiết bị", "don_vi_tinh": "Bộ", "so_luong": 150, "don_gia": 10000000},
            {"noi_dung": "Công trình", "don_vi_tinh": "Công trình", "so_luong": 1, "don_gia": 87700000},
        ],
    }
    widest = {
        "tieu_de": "Chi rất lớn",
        "dong": [{"noi_dung": "Dự án", "don_vi_tinh": "Dự án", "so_luong": 1, "don_gia": 999999999999, "nguon": "xhh"}],
    }
    multiplied = {
        "tieu_de": "Theo ngày",
        "he_so": [{"id": "so_ngay", "ten": "Số ngày"}],
        "nhom": [
            {
                "ten": "Nhóm một",
                "dong": [
                    {
                        "noi_dung": "Thuê",
                        "don_vi_tinh": "Gói",
                        "so_luong": 99,
                        "he_so": {"so_ngay": 10},
                        "don_gia": 10000000,
                    }
                ],
            },
            {
                "ten": "Nhóm hai",
                "dong": [{"noi_dung": "Khoán", "don_vi_tinh": "Gói", "khoan_gon": 999999999999, "ghi_chu": "Trọn gói"}],
            },
        ],
    }
    general = {
        "id": "bang_lon",
        "loai": "bang",
        "tieu_de": "BẢNG",
        "cot": [
            {"id": "ten", "ten": "Hạng mục"},
            {"id": "tien", "ten": "Số tiền", "kieu": "tien", "tong": False},
            {"id": "sl", "ten": "Số lượng", "kieu": "so_nguyen"},
            {"id": "cong", "ten": "Thành tiền", "kieu": "tien", "cong_thuc": "sl * tien"},
        ],
        "dong": [{"ten": "A", "tien": 10000000, "sl": 99999}, {"ten": "B", "tien": "1.587.700.000", "sl": 1}],
    }
    budgets = [
        dict(budget_of(classic, widest), id="dt1"),
        dict(budget_of(multiplied, sources=[{"id": "ns_tinh", "ten": "Ngân sách tỉnh"}], default="ns_tinh"), id="dt2"),
        general,
    ]
    data = copy.deepcopy(BASE)
    data["phu_luc"] = budgets
    amounts = [
        "10.000.000",
        "1.500.000.000",
        "1.587.700.000",
        "999.999.999.999",
        "1.001.587.699.999",
        "9.900.000.000",
        "999.990.000.000",
    ]
    return data, amounts


def test_widths_keep_designed_columns_when_they_fit_and_grow_the_narrow_ones():
    designed = [760, 2714, 1010, 900, 1300, 1420, 1250]
    assert plan_widths(designed, [500] * 7, [900] * 7, full=False) is None
    least = [700, 800, 800, 800, 1300, 1950, 600]
    grown = plan_widths(designed, least, [900] * 7, full=False)
    assert grown is not None and sum(grown) == sum(designed)
    assert all(g >= m for g, m in zip(grown, least))
    full = plan_widths([3118, 3118, 3118], [700, 1950, 900], [700, 4200, 1000], full=True)
    assert sum(full) == 9354 and full[1] > full[2] > full[0]


def test_every_money_cell_is_wider_than_its_figure(tmp_path, capsys):
    data, _ = wide_plan()
    plan = tmp_path / "plan.yaml"
    plan.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["build", str(plan), "-o", str(tmp_path / "out")]) == 0
    checked = 0
    for path in sorted((tmp_path / "out").glob("phu-luc-*.docx")):
        root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
        for table in root.iter(f"{W}tbl"):
            for cell in table.iter(f"{W}tc"):
                text = "".join(t.text or "" for t in cell.iter(f"{W}t"))
                width = int(cell.find(f"{W}tcPr/{W}tcW").get(f"{W}w"))
                for token in text.split():
                    if any(c.isdigit() for c in token):
                        checked += 1
                        # 13 pt bold (the widest the tables use) plus the 2 × 85 twip cell margins
                        assert text_width(token, 13, bold=True) + 170 <= width + 30, (path.name, token, width)
    assert checked > 30


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")), reason="cần LibreOffice và poppler-utils (pdftotext)"
)
def test_widest_amounts_print_on_one_line(tmp_path, capsys):
    from generator.render.pdf import convert_to_pdf

    data, amounts = wide_plan()
    plan = tmp_path / "plan.yaml"
    plan.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(plan), "-o", str(out)]) == 0
    pdfs = convert_to_pdf(sorted(out.glob("phu-luc-*.docx")))
    text = "\n".join(
        subprocess.run(["pdftotext", "-layout", str(p), "-"], capture_output=True, text=True, check=True).stdout
        for p in pdfs
    )
    for amount in amounts:
        assert amount in text, f"{amount} is broken across lines:\n{text}"
    # no line holds only the tail of a broken figure ("0" / "00" / ".000")
    for line in text.splitlines():
        for token in line.split():
            assert not (token.startswith(".") and token[1:4].isdigit()), line


def test_quick_checks_agree_with_the_document(tmp_path):
    """The check on the values (default classic templates) and the scan of the document text say the
    same as the full reading through the tree: unchanged for the bundled plan, refitted for wide figures."""
    from generator.compute.figures import compute
    from generator.model.loader import load_plan, validate_data
    from generator.render.renderer import Renderer, _template_contexts
    from generator.render.widths import _bold_styles, _fits_as_designed, fit_document

    renderer = Renderer()
    bundled = compute(load_plan(Path(__file__).resolve().parents[1] / "data" / "kien-tuong-2024.yaml").plan)
    wide = compute(validate_data(wide_plan()[0]).plan)
    for figures, expected in ((bundled, True), (wide, False)):
        for _, template, context in _template_contexts(figures.plan):
            if template not in ("phu-luc-1.docx", "phu-luc-2.docx"):
                continue
            made = context(figures, False, figures.plan.quy_uoc_so.convention())
            assert renderer._fits_as_designed(template, made) is expected
            unfitted = renderer.template(template, figures.plan.quy_uoc_so.convention()).render(
                made, core=_core(figures)
            )
            with zipfile.ZipFile(io.BytesIO(unfitted)) as archive:
                document, styles = archive.read("word/document.xml"), archive.read("word/styles.xml")
            assert _fits_as_designed(document.decode(), _bold_styles(styles)) is expected
            assert (fit_document(document, styles, full=False) is None) is expected


def _core(figures):
    from generator.render import oxml
    from generator.render.renderer import CORE_PART, core_properties

    return oxml.Deflated.of(CORE_PART, core_properties(figures.plan))


def test_combined_file_of_refitted_documents_is_what_compose_makes():
    """ho-so.docx joins the refitted texts: the same document.xml as composing the written files."""
    from generator.compute.figures import compute
    from generator.model.loader import validate_data
    from generator.render.renderer import Renderer, compose

    renderer = Renderer()
    bundled = compute(validate_data(json.loads(json.dumps(BASE))).plan)
    wide = compute(validate_data(wide_plan()[0]).plan)
    for figures in (wide, wide, bundled, wide):  # the frame is made by the first plan, then joined
        files = renderer.render_plan(figures).files
        parts = [files[name] for name in files if name != "ho-so.docx"]
        with (
            zipfile.ZipFile(io.BytesIO(compose(parts))) as expected,
            zipfile.ZipFile(io.BytesIO(files["ho-so.docx"])) as made,
        ):
            assert made.read("word/document.xml") == expected.read("word/document.xml")
