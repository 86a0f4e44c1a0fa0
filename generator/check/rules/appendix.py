"""Appendices: AP-01…AP-10 (nd30.md §2.9).

Not checked: AP-07 (blank number/date allowed in an electronic document: we cannot tell a signed e-file from
paper, so blanks are accepted in drafts only, as in HD-19/HD-24), AP-09 (T but "warn only": header blocks on
appendix pages are not regulated), AP-11 (U/P: table sizes), AP-12 (needs the digital signature data),
AP-13 (= PG-01…PG-07, applied to every section).
"""

from __future__ import annotations

import re

from generator.check.docmodel import Para, Table
from generator.check.layout import Appendix, Layout, fold, label_number, line_under, norm, to_roman
from generator.check.rules.base import at, check_format, rule
from generator.check.rules.header import date_parts, date_problems, is_blank, number_problem, so_parts

REFERENCE = re.compile(
    r"^\(Kèm theo (?P<type>.+?) số(?P<num>[^/]*)/(?P<kh>\S+) "
    r"ngày(?P<d>.*?)tháng(?P<m>.*?)năm(?P<y>.*?) của (?P<org>.+)\)$"
)
MODEL = "(Kèm theo Kế hoạch số 05/KH-UBND ngày 05 tháng 02 năm 2024 của Ủy ban nhân dân thị xã Kiến Tường)"


def _name(appendix: Appendix) -> str:
    return f"Phụ lục {appendix.label}".strip()


def _appendix_count(layout: Layout) -> int:
    """Appendices the document has: those it holds and the highest one its text refers to."""
    numbers = [label_number(a.label) or 0 for a in layout.appendices]
    numbers += [label_number(label) or 0 for label, _ in layout.references]
    return max([len(layout.appendices)] + numbers)


@rule("AP-01", "C")
def ap_01(layout: Layout):
    """When the plan and its appendices share the file, the plan's text refers to each appendix."""
    body = {id(bp.para) for bp in layout.body} | {id(p) for t in layout.body_tables for p in t.iter_paras()}
    cited = {label for label, line in layout.references if id(line.para) in body}
    mentions_any = any("phụ lục" in fold(bp.para.text) for bp in layout.body)
    for appendix in layout.appendices:
        if (appendix.label and appendix.label not in cited) or (not appendix.label and not mentions_any):
            yield at(appendix.heading, f"phần nội dung Kế hoạch dẫn chiếu «{_name(appendix)}»", "không có dẫn chiếu")


@rule("AP-02", "C / D", scope="all")
def ap_02(layout: Layout):
    """Two or more appendices: Roman numerals ("Phụ lục I", never "Phụ lục 1"), in headings and references.
    A single appendix needs no number; an Arabic one is then only a warning (the D part of the rule)."""
    count = _appendix_count(layout)
    severity = None if count >= 2 else "warning"
    for n, appendix in enumerate(layout.appendices, 1):
        if (appendix.label and not re.fullmatch(r"[IVXLC]+", appendix.label)) or (count >= 2 and not appendix.label):
            number = label_number(appendix.label) or n
            yield at(appendix.heading, f"đánh số La Mã: «Phụ lục {to_roman(number)}»", _name(appendix), severity)
    if count >= 2:
        reported = set()
        for label, line in layout.references:
            if label.isdigit() and id(line) not in reported:
                reported.add(id(line))
                yield at(line, f"dẫn chiếu «Phụ lục {to_roman(int(label) or 1)}» (số La Mã)", f"«Phụ lục {label}»")


@rule("AP-03", "C", scope="all")
def ap_03(layout: Layout):
    """ "Phụ lục <n>": own line, centred, normal case, 14 pt, bold, upright."""
    for appendix in layout.appendices:
        heading = appendix.heading
        if appendix.glued:
            yield at(heading.para, "«Phụ lục …» đứng riêng một dòng", "liền với tên phụ lục trên cùng dòng")
        if not heading.text.strip().startswith("Phụ lục"):
            yield at(heading, "«Phụ lục» chữ thường (chữ P hoa)", norm(heading.text))
        yield from check_format(heading, sizes=(14,), bold=True, italic=False, jc=("center",))


@rule("AP-04", "C", scope="all")
def ap_04(layout: Layout):
    """Appendix title (if any): directly under the heading; centred, capitals, 13–14 pt, bold, upright."""
    for appendix in layout.appendices:
        if appendix.title and appendix.title_gap:
            yield at(appendix.title[0], "tên phụ lục ngay dưới dòng «Phụ lục»", "có dòng trống xen giữa")
        for line in appendix.title:
            yield from check_format(line, sizes=(13, 14), bold=True, italic=False, case="upper", jc=("center",))


@rule("AP-05", "C", scope="all")
def ap_05(layout: Layout):
    """ "(Kèm theo …)" line: centred under the title, in parentheses, normal case, italic, 13–14 pt."""
    for appendix in layout.appendices:
        ref = appendix.reference
        if ref is None:
            yield at(appendix.heading, "dòng «(Kèm theo …)» dưới tên phụ lục", "không có")
            continue
        text = ref.text.strip()
        if not (text.startswith("(") and text.endswith(")")):
            yield at(ref, "đặt trong ngoặc đơn «( … )»", "thiếu ngoặc đơn")
        yield from check_format(ref, sizes=(13, 14), italic=True, case="normal", jc=("center",))


@rule("AP-06", "C / D", scope="all")
def ap_06(layout: Layout):
    """The reference line names the plan's number and ký hiệu, date and issuing body, as in Mẫu 2.1; the date follows
    HD-23; number and day may stay blank in a draft; in one file with the plan they match its "Số" and date."""
    plan_so = so_parts(layout.header.so)
    plan_date = date_parts(layout.header.date.text) if layout.header.date else None
    for appendix in layout.appendices:
        ref = appendix.reference
        if ref is None:
            continue
        m = REFERENCE.match(norm(ref.text))
        if not m:
            yield at(ref, f"«{MODEL}»", norm(ref.text))
            continue
        problems = []
        if fold(m.group("type")) != "kế hoạch":
            problems.append(f"tên loại «{m.group('type')}» (cần «Kế hoạch»)")
        number, kh = m.group("num").strip(), m.group("kh")
        if is_blank(number):
            if not layout.is_draft:
                problems.append("để trống số")
        elif number_problem(number):
            problems.append(number_problem(number))
        if not kh.startswith("KH-"):
            problems.append(f"ký hiệu «{kh}» (cần KH-…)")
        day, month, year = (m.group(k).strip() for k in "dmy")
        problems += date_problems(day, month, year, layout.is_draft)
        if plan_so and not is_blank(plan_so[0]) and not is_blank(number) and (number, kh) != plan_so:
            problems.append(f"số «{number}/{kh}» khác số của Kế hoạch «{plan_so[0]}/{plan_so[1]}»")
        filled = plan_date and not any(is_blank(v) for v in plan_date + (day, month, year))
        if filled and (day, month, year) != plan_date:
            problems.append(f"ngày {day}/{month}/{year} khác ngày của Kế hoạch {'/'.join(plan_date)}")
        if problems:
            yield at(ref, f"«{MODEL}»", "; ".join(problems))


# AP-08 is "T / P" in nd30.md: the line appears in Mẫu 2.1 but its length is unspecified and nd30.md lists it
# among the points it could not confirm (§8.5), so a missing line is a warning.
@rule("AP-08", "T / P", scope="all", severity="warning")
def ap_08(layout: Layout):
    """A short line under the reference line."""
    for appendix in layout.appendices:
        if appendix.reference is not None and line_under([appendix.reference]) is None:
            yield at(appendix.reference, "đường kẻ ngắn dưới dòng «(Kèm theo …)»", "không có đường kẻ")


@rule("AP-10", "T / D", scope="all")
def ap_10(layout: Layout):
    """Each appendix ends with "./." — after a final table, in a paragraph of its own."""
    for appendix in layout.appendices:
        last = [b for b in appendix.blocks if not (isinstance(b, Para) and (b.is_empty or b.is_rule))][-1]
        if isinstance(last, Table):
            yield at(
                f"bảng {last.number}",
                "«./.» ở đoạn ngay sau bảng cuối phụ lục",
                "phụ lục kết thúc bằng bảng, không có «./.»",
            )
            continue
        text = last.text.rstrip()
        if not text.endswith("./."):
            yield at(last, f"{_name(appendix)} kết thúc bằng «./.»", "không có «./.»")
        elif text != "./." and text[:-3].endswith((" ", "\t")):
            yield at(last, "«./.» liền chữ cuối, không có dấu cách", "có dấu cách trước «./.»")
