"""The ND30 checker: a compliant document passes, each broken rule is caught alone, the seed and the CLI.

Documents are built in the test with python-docx (tests/nd30_factory.py), then one rule is broken. The
expected rule ids are written here, from nd30.md, not read from the checker.
"""

from __future__ import annotations

import argparse
import io
import json
import unicodedata
import zipfile
from pathlib import Path

import pytest
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips

import nd30_factory as f
from conftest import SEED_DOCX
from generator.check import CheckFileError, CheckReport, check_document
from generator.cli import check as check_cli


def check(doc, **kwargs) -> CheckReport:
    buffer = io.BytesIO()
    doc.save(buffer)
    buffer.seek(0)
    return check_document(buffer, **kwargs)


def describe(report: CheckReport) -> str:
    return "\n".join(f"{v.rule} {v.where}: {v.expected} / {v.found}" for v in report.violations)


# -- compliant documents ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lines", ["border", "drawingml", "vml", "underscore"])
def test_compliant_plan_with_appendices_has_no_violation(lines):
    report = check(f.build_plan(lines=lines))
    assert report.violations == [], describe(report)
    assert report.is_draft is False


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: f.build_plan(appendices=False), id="ke-hoach"),
        pytest.param(lambda: f.build_plan(draft=True), id="draft-ho-so"),
        pytest.param(lambda: f.build_appendix_file(("I",)), id="phu-luc-1"),
        pytest.param(lambda: f.build_appendix_file(("II",)), id="phu-luc-2"),
        pytest.param(lambda: f.build_appendix_file(("I", "II")), id="phu-luc-1-2"),
    ],
)
def test_compliant_variants_have_no_violation(build):
    report = check(build())
    assert report.violations == [], describe(report)


def test_draft_is_detected_from_the_mark():
    assert check(f.build_plan(draft=True)).is_draft is True
    assert check(f.build_plan(draft=True), draft=False).is_draft is False


# -- one broken rule at a time ---------------------------------------------------------------------------


def arial_in_body(doc):
    f.find(doc, "Phòng Văn hóa").runs[0].font.name = "Arial"


def right_margin_mm15(doc):
    doc.sections[0].right_margin = Mm(15)  # 850 twips = 14.99 mm


def en_dash_in_tieu_ngu(doc):
    f.set_text(f.find(doc, "Độc lập"), "Độc lập – Tự do – Hạnh phúc")


def month_with_zero(doc):
    f.set_text(f.find(doc, "Kiến Tường, ngày"), "Kiến Tường, ngày 05 tháng 03 năm 2024")


def number_005(doc):
    f.set_text(f.find(doc, "Số:"), "Số: 005/KH-UBND")


def blank_number(doc):
    f.set_text(f.find(doc, "Số:"), "Số:        /KH-UBND")


def filled_number(doc):
    f.set_text(f.find(doc, "Số:"), "Số: 05/KH-UBND")


def no_end_mark(doc):
    f.set_text(f.find(doc, "Trên đây"), "Trên đây là Kế hoạch của Ủy ban nhân dân thị xã Kiến Tường.")


def page_number_in_footer(doc):
    header = doc.sections[0].header.paragraphs[0]
    for run in header.runs:
        run._r.getparent().remove(run._r)
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    f.add_page_field(footer)


def number_on_page_1(doc):
    doc.sections[0].different_first_page_header_footer = False


def appendix_1_with_two(doc):
    f.set_text(f.find(doc, "Phụ lục I"), "Phụ lục 1")
    para = f.find(doc, "1. Tổ chức họp mặt")
    f.set_text(para, para.text.replace("Phụ lục I", "Phụ lục 1"))


def noi_nhan_13pt(doc):
    f.find(doc, "Nơi nhận").runs[0].font.size = Pt(13)


def recipient_without_semicolon(doc):
    f.set_text(f.find(doc, "- CT, các"), "- CT, các PCT UBND thị xã")


def last_recipient_not_luu(doc):
    f.set_text(f.find(doc, "- Lưu"), "- Lưu hồ sơ.")


def quoc_hieu_not_bold(doc):
    f.find(doc, "CỘNG HÒA").runs[0].bold = False


def date_not_italic(doc):
    f.find(doc, "Kiến Tường, ngày").runs[0].italic = False


def body_not_justified(doc):
    f.find(doc, "Các hoạt động được").alignment = WD_ALIGN_PARAGRAPH.LEFT


def coloured_text(doc):
    f.find(doc, "Các hoạt động được").runs[0].font.color.rgb = RGBColor(0xC0, 0, 0)


def nfd_text(doc):
    para = f.find(doc, "Các hoạt động được")
    f.set_text(para, unicodedata.normalize("NFD", para.text))


def body_wholly_bold(doc):
    for run in f.find(doc, "Các hoạt động được").runs:
        run.bold = True


def phrase_emphasised(doc):
    """A phrase in bold inside a body paragraph (the seed's **ngày 10 tháng 10**) is emphasis, allowed."""
    para = f.find(doc, "Các hoạt động được")
    para.add_run(" ngày 10 tháng 10").bold = True
    para.add_run(".")


def appendix_numbering_continues(doc):
    sect_pr = doc.sections[1]._sectPr
    sect_pr.remove(sect_pr.find(qn("w:pgNumType")))


CATALOGUE = [
    ("arial-in-body", arial_in_body, {}, {"PG-11"}),
    ("right-margin-14.99mm", right_margin_mm15, {}, {"PG-07"}),
    ("en-dash-tieu-ngu", en_dash_in_tieu_ngu, {}, {"HD-07"}),
    ("thang-03", month_with_zero, {"appendices": False}, {"HD-23"}),
    ("so-005", number_005, {"appendices": False}, {"HD-18"}),
    ("no-end-mark", no_end_mark, {}, {"BD-10"}),
    ("page-number-in-footer", page_number_in_footer, {}, {"PN-01"}),
    ("page-number-on-page-1", number_on_page_1, {}, {"PN-02"}),
    ("phu-luc-1-with-two", appendix_1_with_two, {}, {"AP-02"}),
    ("noi-nhan-13pt", noi_nhan_13pt, {}, {"NN-01"}),
    ("recipient-without-semicolon", recipient_without_semicolon, {}, {"NN-02"}),
    ("last-recipient-not-luu", last_recipient_not_luu, {}, {"NN-03"}),
    ("quoc-hieu-not-bold", quoc_hieu_not_bold, {}, {"HD-05"}),
    ("date-not-italic", date_not_italic, {}, {"HD-21"}),
    ("body-not-justified", body_not_justified, {}, {"BD-03"}),
    ("coloured-text", coloured_text, {}, {"PG-12"}),
    ("nfd-text", nfd_text, {}, {"PG-13"}),
    ("blank-number-final", blank_number, {"appendices": False}, {"HD-17"}),
    ("blank-number-draft", blank_number, {"appendices": False, "draft": True}, set()),
    ("filled-number-draft", filled_number, {"appendices": False, "draft": True}, {"HD-19"}),
    ("appendix-numbering-continues", appendix_numbering_continues, {}, {"PN-03"}),
    ("body-wholly-bold", body_wholly_bold, {}, {"BD-01"}),
    ("phrase-emphasised", phrase_emphasised, {}, set()),
]


@pytest.mark.parametrize("mutate, options, expected", [c[1:] for c in CATALOGUE], ids=[c[0] for c in CATALOGUE])
def test_each_broken_rule_is_caught_alone(mutate, options, expected):
    doc = f.build_plan(**options)
    mutate(doc)
    report = check(doc)
    assert report.rules == expected, describe(report)


def test_mm15_right_margin_is_located_and_measured():
    doc = f.build_plan()
    right_margin_mm15(doc)
    (violation,) = check(doc).violations
    assert violation.where == "mục 1 (thiết lập trang)"
    assert "14.99 mm" in violation.found and "850" in violation.found
    assert violation.severity == "error"


def test_violation_fields_name_the_place_and_the_text():
    doc = f.build_plan()
    en_dash_in_tieu_ngu(doc)
    (violation,) = check(doc).violations
    assert violation.where == "bảng 1, hàng 1, ô 2, đoạn 2"
    assert violation.excerpt == "Độc lập – Tự do – Hạnh phúc"
    assert "Độc lập - Tự do - Hạnh phúc" in violation.expected


def test_nfd_is_only_a_warning():
    doc = f.build_plan()
    nfd_text(doc)
    assert [v.severity for v in check(doc).violations] == ["warning"]


def test_forcing_final_on_a_draft_reports_blanks_and_the_mark():
    report = check(f.build_plan(draft=True, appendices=False), draft=False)
    assert report.rules == {"HD-17", "HD-23", "OT-06"}, describe(report)


# -- more rules, one at a time ---------------------------------------------------------------------------


def header_table_with_borders(doc):
    doc.tables[0].style = doc.styles["Table Grid"]


def remove_organ_line(doc):
    rule = f.find(doc, "THỊ XÃ KIẾN TƯỜNG")._p.getnext()
    rule.getparent().remove(rule)


def short_tieu_ngu_drawing(doc):
    """Replace the bordered paragraph under the Tiêu ngữ by a 40 mm DrawingML line (60.5 mm wanted)."""
    cell = doc.tables[0].cell(0, 1)
    old = cell.paragraphs[2]._p
    f.add_rule(cell, 40, 5498, kind="drawingml")
    old.getparent().remove(old)


def trich_yeu_with_period(doc):
    f.set_text(f.find(doc, f.TRICH_YEU), f.TRICH_YEU + ".")


def blank_line_before_trich_yeu(doc):
    f.find(doc, f.TRICH_YEU).insert_paragraph_before("")


def double_line_spacing(doc):
    f.find(doc, "Các hoạt động được").paragraph_format.line_spacing = 2.0


def no_space_before(doc):
    f.find(doc, "Các hoạt động được").paragraph_format.space_before = Twips(0)


def no_first_line_indent(doc):
    f.find(doc, "Các hoạt động được").paragraph_format.first_line_indent = Twips(0)


def muc_in_lower_case(doc):
    f.set_text(f.find(doc, "II. NỘI DUNG"), "II. Nội dung")


def diem_out_of_order(doc):
    f.set_text(f.find(doc, "b) Lan tỏa"), "c) Lan tỏa các hoạt động chuyển đổi số trên địa bàn thị xã.")


def khoan_title_not_bold(doc):
    f.find(doc, "2. Yêu cầu").runs[0].bold = False


def academic_title(doc):
    f.set_text(f.find(doc, "Nguyễn Văn A"), "TS. Nguyễn Văn A")


def vv_line(doc):
    cell = doc.tables[0].cell(1, 0)
    f.add_para(cell, "V/v tổ chức Ngày Chuyển đổi số", size=13, center=True)


def landscape_plan(doc):
    """Landscape plan pages (built with drawn lines, whose length does not follow the page width)."""
    section = doc.sections[0]
    section.page_width, section.page_height = Twips(16838), Twips(11906)


def appendix_ends_with_table(doc):
    last = doc.paragraphs[-1]
    last._p.getparent().remove(last._p)


def appendix_not_cited(doc):
    f.set_text(f.find(doc, "2. Kinh phí"), "2. Kinh phí thực hiện từ ngân sách thị xã.")


def reference_with_other_number(doc):
    para = f.find(doc, "(Kèm theo")
    f.set_text(para, para.text.replace("số 05/", "số 06/"))


def gap_between_quoc_hieu_and_tieu_ngu(doc):
    f.find(doc, "CỘNG HÒA").paragraph_format.space_after = Pt(6)


def narrow_right_column(doc):
    table = doc.tables[0]
    table._tbl.tblGrid.findall(qn("w:gridCol"))[1].set(qn("w:w"), "4800")
    for row in table.rows:
        row.cells[1].width = Twips(4800)


def appendix_first_page_numbered(doc):
    doc.sections[1].different_first_page_header_footer = False


def signer_prefix_without_dot(doc):
    f.set_text(f.find(doc, "KT. CHỦ TỊCH"), "KT CHỦ TỊCH")


def one_body_paragraph_13pt(doc):
    f.find(doc, "Các hoạt động được").runs[0].font.size = Pt(13)


def quoc_hieu_on_two_lines(doc):
    para = f.find(doc, "CỘNG HÒA")
    f.set_text(para, "CỘNG HÒA XÃ HỘI")
    rest = f.add_para(doc.tables[0].cell(0, 1), "CHỦ NGHĨA VIỆT NAM", size=13, bold=True, center=True)
    para._p.addnext(rest._p)


def parent_organ_italic(doc):
    organ = f.find(doc, "ỦY BAN NHÂN DÂN")
    parent = f.add_para(doc.tables[0].cell(0, 0), "UBND TỈNH LONG AN", size=13, italic=True, center=True)
    organ._p.addprevious(parent._p)


def so_in_capitals(doc):
    f.set_text(f.find(doc, "Số:"), "SỐ: 05/KH-UBND")


def abbreviated_place(doc):
    f.set_text(f.find(doc, "Kiến Tường, ngày"), "TX. Kiến Tường, ngày 05 tháng 02 năm 2024")


def other_document_type(doc):
    f.set_text(f.find(doc, "KẾ HOẠCH"), "BÁO CÁO")


def decimal_numbering(doc):
    f.set_text(f.find(doc, "Các hoạt động được"), "2.1. Các hoạt động được tổ chức thiết thực, tiết kiệm, hiệu quả.")


def closing_table_with_borders(doc):
    doc.tables[1].style = doc.styles["Table Grid"]


def kinh_gui(doc):
    opening = f.find(doc, "Thực hiện Kế hoạch")
    opening.insert_paragraph_before("Kính gửi: Các phòng, ban, ngành thị xã.", style="VB Body")


def appendix_heading_in_capitals(doc):
    f.set_text(f.find(doc, "Phụ lục I"), "PHỤ LỤC I")


def reference_not_italic(doc):
    f.find(doc, "(Kèm theo").runs[0].italic = False


def no_line_under_reference(doc):
    line = f.find(doc, "(Kèm theo")._p.getnext()
    line.getparent().remove(line)


def letter_paper(doc):
    doc.sections[0].page_width, doc.sections[0].page_height = Twips(12240), Twips(15840)


def header_below_top_margin(doc):
    doc.sections[0].header_distance = Twips(1200)


def continuous_appendix_section(doc):
    doc.sections[1].start_type = WD_SECTION.CONTINUOUS


MORE = [
    ("header-table-borders", header_table_with_borders, {}, {"HD-03"}),
    ("no-line-under-organ", remove_organ_line, {}, {"HD-14"}),
    ("drawingml-line-too-short", short_tieu_ngu_drawing, {}, {"HD-10"}),
    ("trich-yeu-period", trich_yeu_with_period, {}, {"TL-04"}),
    ("blank-before-trich-yeu", blank_line_before_trich_yeu, {}, {"TL-03"}),
    ("double-spacing", double_line_spacing, {}, {"BD-06"}),
    ("no-space-between-paragraphs", no_space_before, {}, {"BD-05"}),
    ("no-first-line-indent", no_first_line_indent, {}, {"BD-04"}),
    ("muc-lower-case", muc_in_lower_case, {}, {"HG-03"}),
    ("diem-out-of-order", diem_out_of_order, {}, {"HG-08"}),
    ("khoan-title-not-bold", khoan_title_not_bold, {}, {"HG-05"}),
    ("academic-title", academic_title, {}, {"SG-07"}),
    ("vv-line", vv_line, {}, {"TL-07"}),
    ("landscape-plan", landscape_plan, {"lines": "drawingml"}, {"PG-02"}),
    ("appendix-ends-with-table", appendix_ends_with_table, {}, {"AP-10"}),
    ("appendix-not-cited", appendix_not_cited, {}, {"AP-01"}),
    ("reference-other-number", reference_with_other_number, {}, {"AP-06"}),
    ("gap-quoc-hieu-tieu-ngu", gap_between_quoc_hieu_and_tieu_ngu, {}, {"HD-09"}),
    ("narrow-right-column", narrow_right_column, {"lines": "drawingml"}, {"HD-02"}),
    ("appendix-first-page-numbered", appendix_first_page_numbered, {}, {"PN-04"}),
    ("prefix-without-dot", signer_prefix_without_dot, {}, {"SG-03", "SG-05"}),
    ("two-body-sizes", one_body_paragraph_13pt, {}, {"PG-14"}),
    ("quoc-hieu-two-lines", quoc_hieu_on_two_lines, {}, {"HD-06"}),
    ("parent-organ-italic", parent_organ_italic, {}, {"HD-11"}),
    ("so-in-capitals", so_in_capitals, {}, {"HD-16"}),
    ("abbreviated-place", abbreviated_place, {}, {"HD-22"}),
    ("other-document-type", other_document_type, {}, {"TL-01"}),
    ("decimal-numbering", decimal_numbering, {}, {"HG-11"}),
    ("closing-table-borders", closing_table_with_borders, {}, {"SG-01"}),
    ("kinh-gui", kinh_gui, {}, {"NN-05"}),
    ("appendix-heading-capitals", appendix_heading_in_capitals, {}, {"AP-03"}),
    ("reference-not-italic", reference_not_italic, {}, {"AP-05"}),
    ("no-line-under-reference", no_line_under_reference, {}, {"AP-08"}),
    ("letter-paper", letter_paper, {"lines": "drawingml"}, {"PG-01"}),
    ("header-distance-too-big", header_below_top_margin, {}, {"PG-10"}),
    ("continuous-appendix-section", continuous_appendix_section, {}, {"PN-05"}),
]


@pytest.mark.parametrize("mutate, options, expected", [c[1:] for c in MORE], ids=[c[0] for c in MORE])
def test_more_rules_are_caught_alone(mutate, options, expected):
    doc = f.build_plan(**options)
    mutate(doc)
    report = check(doc)
    assert report.rules == expected, describe(report)


def test_header_made_of_paragraphs_is_recognised():
    """Same header as plain paragraphs: its elements are found (no "missing" report), only the layout is wrong."""
    doc = f.build_plan(appendices=False)
    anchor = f.find(doc, "KẾ HOẠCH")._p
    texts = [
        ("ỦY BAN NHÂN DÂN", 13, True, False),
        ("THỊ XÃ KIẾN TƯỜNG", 13, True, False),
        (20, None, None, None),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, True, False),
        ("Độc lập - Tự do - Hạnh phúc", 14, True, False),
        (60.5, None, None, None),
        ("Số: 05/KH-UBND", 13, False, False),
        ("Kiến Tường, ngày 05 tháng 02 năm 2024", 14, False, True),
    ]
    for text, size, bold, italic in texts:
        if size is None:
            para = f.add_rule(doc, text, f.TEXT_WIDTH)
        else:
            para = f.add_para(doc, text, size=size, bold=bold, italic=italic, center=True)
        anchor.addprevious(para._p)
    table = doc.tables[0]._tbl
    table.getparent().remove(table)
    report = check(doc)
    assert report.rules == {"HD-01", "HD-15"}, describe(report)


# -- effective formatting ------------------------------------------------------------------------------------


def test_font_from_a_paragraph_style_counts():
    doc = f.build_plan()
    doc.styles["VB Body"].font.name = "Arial"
    report = check(doc)
    assert report.rules == {"PG-11"}, describe(report)
    (violation,) = report.violations  # 13 body paragraphs, reported once with a count
    assert "chỗ khác" in violation.where and "Arial" in violation.found


def test_theme_font_wins_over_the_plain_name_at_the_same_level():
    doc = f.build_plan()
    run = f.find(doc, "Các hoạt động được").runs[0]
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:ascii"), "Times New Roman")
    fonts.set(qn("w:asciiTheme"), "minorHAnsi")  # python-docx's default theme: minor latin = Cambria
    (violation,) = check(doc).violations
    assert violation.rule == "PG-11" and violation.found == "Cambria (ascii)"


@pytest.mark.parametrize("with_character_style, expected", [(False, set()), (True, {"HG-03"})])
def test_bold_from_two_style_layers_cancels_out(with_character_style, expected):
    """Toggle properties XOR across paragraph and character styles (ECMA-376 §17.7.3)."""
    doc = f.build_plan()
    heading = doc.styles.add_style("VB Mục", 1)
    heading.base_style = doc.styles["VB Body"]
    heading.font.bold = True
    strong = doc.styles.add_style("VB Nhấn", 2)
    strong.font.bold = True
    para = f.find(doc, "II. NỘI DUNG")
    para.style = heading
    para.runs[0].bold = None
    if with_character_style:
        para.runs[0].style = strong
    assert check(doc).rules == expected


def test_docdefaults_size_applies_when_nothing_else_sets_one():
    doc = f.build_plan()
    run = f.find(doc, "Các hoạt động được").runs[0]
    run.font.size = None
    doc.styles["Normal"].element.rPr.remove(doc.styles["Normal"].element.rPr.find(qn("w:sz")))
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    defaults.find(qn("w:sz")).set(qn("w:val"), "24")  # 12 pt: below the 13–14 pt body range
    report = check(doc)
    assert {"BD-02"} <= report.rules and all("12 pt" in v.found for v in report.violations if v.rule == "BD-02")


def test_table_cell_text_counts_for_fonts_and_colour():
    doc = f.build_plan()
    cell_para = doc.tables[2].cell(1, 1).paragraphs[0]  # Phụ lục I data table
    cell_para.runs[0].font.name = "Arial"
    cell_para.runs[0].font.color.rgb = RGBColor(0, 0, 0xFF)
    report = check(doc)
    assert report.rules == {"PG-11", "PG-12"}, describe(report)
    assert all(v.where == "bảng 3, hàng 2, ô 2" for v in report.violations)


# -- appendix-only files -------------------------------------------------------------------------------------


def test_single_arabic_appendix_is_only_a_warning():
    doc = f.build_appendix_file(("I",))
    f.set_text(f.find(doc, "Phụ lục I"), "Phụ lục 1")
    report = check(doc)
    assert report.rules == {"AP-02"} and [v.severity for v in report.violations] == ["warning"]


def test_arabic_appendix_is_an_error_when_the_file_refers_to_a_second_one():
    doc = f.build_appendix_file(("I",))
    f.set_text(f.find(doc, "Phụ lục I"), "Phụ lục 1")
    f.find(doc, "./.").insert_paragraph_before("Kinh phí xem tại Phụ lục II.", style="VB Body")
    report = check(doc)
    assert report.rules == {"AP-02"} and [v.severity for v in report.violations] == ["error"], describe(report)


def test_appendix_only_file_is_not_checked_for_a_header():
    report = check(f.build_appendix_file(("II",)))
    assert not {rule[:2] for rule in report.rules} & {"HD", "TL", "SG", "NN"}


# -- the seed document ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_report() -> CheckReport:
    return check_document(SEED_DOCX)


def test_seed_has_violations(seed_report):
    assert seed_report.is_draft is False
    assert {"HD-01", "HD-04", "HD-07", "HD-12", "HD-17", "AP-02"} <= seed_report.rules, describe(seed_report)


def test_seed_blank_number_is_an_error(seed_report):
    (violation,) = [v for v in seed_report.violations if v.rule == "HD-17"]
    assert violation.excerpt.startswith("Số:") and violation.found == "để trống số"


def test_seed_arabic_appendices_are_reported(seed_report):
    headings = {v.excerpt for v in seed_report.violations if v.rule == "AP-02"}
    assert {"Phụ lục 1", "Phụ lục 2"} <= headings


# -- unreadable files ----------------------------------------------------------------------------------------


def test_text_file_named_docx_raises(tmp_path):
    path = tmp_path / "gia.docx"
    path.write_text("không phải Word", encoding="utf-8")
    with pytest.raises(CheckFileError, match="gia.docx"):
        check_document(path)


def test_missing_file_raises(tmp_path):
    with pytest.raises(CheckFileError, match="Không tìm thấy"):
        check_document(tmp_path / "khong-co.docx")


def test_zip_that_is_not_a_word_file_raises(tmp_path):
    path = tmp_path / "nen.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "x")
    with pytest.raises(CheckFileError, match="nen.docx"):
        check_document(path)


# -- the `check` sub-command -----------------------------------------------------------------------------------


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="vanban")
    check_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["check", *argv])
    return args.func(args)


@pytest.fixture
def files(tmp_path):
    good = f.save(f.build_plan(), tmp_path / "dung.docx")
    doc = f.build_plan()
    right_margin_mm15(doc)
    bad = f.save(doc, tmp_path / "sai.docx")
    broken = tmp_path / "hong.docx"
    broken.write_text("văn bản thường", encoding="utf-8")
    return good, bad, broken


def test_cli_exit_0_when_compliant(files, capsys):
    assert run_cli(str(files[0])) == 0
    assert capsys.readouterr().out.strip().endswith("Không có lỗi.")


def test_cli_exit_1_and_one_line_per_violation(files, capsys):
    assert run_cli(str(files[1])) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("PG-07  mục 1 (thiết lập trang) — cần: lề phải 15–20 mm")
    assert "thấy: 14.99 mm (850 twip)" in out[1]
    assert out[-1] == "1 lỗi, 0 cảnh báo"


def test_cli_exit_2_for_an_unreadable_file_and_the_others_are_still_checked(files, capsys):
    assert run_cli(str(files[2]), str(files[1])) == 2
    captured = capsys.readouterr()
    assert "hong.docx" in captured.err
    assert "PG-07" in captured.out


def test_cli_json(files, capsys):
    assert run_cli("--format", "json", str(files[0]), str(files[1]), str(files[2])) == 2
    out = capsys.readouterr().out
    data = json.loads(out)
    assert [Path(entry["path"]).name for entry in data] == ["dung.docx", "sai.docx", "hong.docx"]
    assert data[0]["violations"] == [] and data[0]["is_draft"] is False
    assert [v["rule"] for v in data[1]["violations"]] == ["PG-07"]
    assert set(data[1]["violations"][0]) == {"rule", "where", "excerpt", "expected", "found", "severity"}
    assert "error" in data[2]
    assert "thiết lập trang" in out  # ensure_ascii=False


def test_cli_draft_and_final_force_the_mode(tmp_path, capsys):
    doc = f.build_plan(appendices=False)
    blank_number(doc)
    path = f.save(doc, tmp_path / "ke-hoach.docx")
    assert run_cli("--draft", str(path)) == 0
    assert run_cli("--final", str(path)) == 1
    assert "HD-17" in capsys.readouterr().out
