"""Page setup, typeface and page numbers: PG-01…PG-14, PN-01…PN-05 (nd30.md §2.1, §2.8)."""

from __future__ import annotations

import unicodedata

from generator.check.docmodel import Line, Section, mm
from generator.check.layout import Layout
from generator.check.report import excerpt
from generator.check.rules.base import JC_NAMES, Finding, at, pt, rule, sizes_text

TNR = "Times New Roman"
A4 = (11906, 16838)  # twips
PAPER_TOLERANCE = 6  # twips ≈ 0.1 mm (nd30.md §1)


def _where(section: Section) -> str:
    return f"mục {section.index + 1} (thiết lập trang)"


@rule("PG-01", "C", scope="all")
def pg_01(layout: Layout):
    """Every section on A4 paper (either orientation)."""
    for s in layout.model.sections:
        if not (s.width and s.height):
            yield at(_where(s), "khổ A4 (210 × 297 mm)", "không khai báo khổ giấy")
        elif any(abs(a - b) > PAPER_TOLERANCE for a, b in zip(sorted((s.width, s.height)), A4)):
            yield at(_where(s), "khổ A4 (210 × 297 mm)", f"{mm(s.width):.1f} × {mm(s.height):.1f} mm")


@rule("PG-02", "C", scope="all")
def pg_02(layout: Layout):
    """The Kế hoạch's sections are portrait. PG-03 exceptions: a main section that keeps a table in its body,
    and appendix sections, which may be landscape."""
    tables = {t.section for t in layout.body_tables}
    for s in layout.model.sections:
        if s.index in layout.main_sections and s.landscape and s.index not in tables:
            yield at(_where(s), "trang dọc (theo chiều dài khổ A4)", "trang ngang")


# Margin bounds are the decree's own twip values, not millimetres rounded: 851 twips = 15.01 mm,
# 1134 = 20.00 mm, 1418 = 25.01 mm, 1701 = 30.00 mm, 1985 = 35.02 mm. python-docx's Mm(15) is 850 twips
# (14.99 mm) and must fail PG-07. These integer bounds are the ±0.1 mm tolerance of nd30.md §1.
MARGINS = (
    ("PG-04", "top", "trên", 1134, 1418, "20–25 mm"),
    ("PG-05", "bottom", "dưới", 1134, 1418, "20–25 mm"),
    ("PG-06", "left", "trái", 1701, 1985, "30–35 mm"),
    ("PG-07", "right", "phải", 851, 1134, "15–20 mm"),
)


def _margin_rule(rule_id: str, side: str, name: str, low: int, high: int, text: str) -> None:
    def check(layout: Layout):
        for s in layout.model.sections:
            value = s.margins.get(side)
            value = None if value is None else abs(value)  # a negative top margin is a fixed one
            if value is None or not low <= value <= high:
                found = "không khai báo" if value is None else f"{mm(value):.2f} mm ({value} twip)"
                yield at(_where(s), f"lề {name} {text} ({low}–{high} twip)", found)

    check.__doc__ = f"{name.capitalize()} margin of every section within {text} (landscape pages as displayed, PG-08)."
    check.__name__ = rule_id.lower().replace("-", "_")
    rule(rule_id, "C", scope="all")(check)


for _args in MARGINS:
    _margin_rule(*_args)


@rule("PG-09", "D", scope="all")
def pg_09(layout: Layout):
    """No gutter and no mirror margins (derived rule: warning)."""
    if layout.model.mirror_margins:
        yield at("toàn văn bản", "lề không đối xứng (không mirror margins)", "bật lề đối xứng")
    for s in layout.model.sections:
        if s.margins.get("gutter"):
            yield at(_where(s), "lề đóng gáy (gutter) bằng 0", f"{mm(s.margins['gutter']):.1f} mm")


@rule("PG-10", "T", scope="all")
def pg_10(layout: Layout):
    """The header (page number) sits inside the top margin: header distance < top margin."""
    for s in layout.model.sections:
        header, top = s.margins.get("header"), abs(s.margins.get("top") or 0)
        if header is not None and top and header >= top:
            expected = f"khoảng cách phần đầu trang nhỏ hơn lề trên ({mm(top):.1f} mm)"
            yield at(_where(s), expected, f"{mm(header):.1f} mm")


def _font_problem(run) -> str | None:
    wrong: dict[str, list[str]] = {}
    for slot, name in run.fonts.items():
        if (name or "").casefold() != TNR.casefold():
            wrong.setdefault(name or "không khai báo", []).append(slot)
    return "; ".join(f"{name} ({', '.join(slots)})" for name, slots in wrong.items()) or None


@rule("PG-11", "C", scope="all")
def pg_11(layout: Layout):
    """Every text run (body, tables, headers, footers) in Times New Roman for ascii, hAnsi and cs, effective value."""
    for para in layout.model.iter_paras():
        for line in para.lines:
            problem = next(((run, p) for run in line.ink_runs if (p := _font_problem(run))), None)
            if problem:
                yield Finding(line.where, excerpt(problem[0].text), f"phông {TNR} (ascii, hAnsi, cs)", problem[1])
                break


def _colour_problem(run) -> str | None:
    if run.color not in (None, "auto") and run.color.upper() != "000000":
        return f"màu chữ {run.color}"
    if run.highlight:
        return f"tô sáng/tô nền ({run.highlight})"
    return None


@rule("PG-12", "C", scope="all")
def pg_12(layout: Layout):
    """Black text, no highlight or run shading (signature and seal images are not text)."""
    for para in layout.model.iter_paras():
        for line in para.lines:
            problem = next(((run, p) for run in line.ink_runs if (p := _colour_problem(run))), None)
            if problem:
                yield Finding(line.where, excerpt(problem[0].text), "chữ màu đen, không tô sáng", problem[1])
                break


@rule("PG-13", "D", scope="all")
def pg_13(layout: Layout):
    """Precomposed Unicode (NFC). Derived rule (the decree says "Unicode"): warning. Legacy TCVN3/VNI fonts
    show up under PG-11."""
    for para in layout.model.iter_paras():
        if not unicodedata.is_normalized("NFC", para.raw_text):
            yield at(para, "chữ Unicode dựng sẵn (NFC)", "chữ tổ hợp (dấu tách rời, NFD)")


def _one(line: Line | None) -> list[Line]:
    return [] if line is None else [line]


def _size_groups(layout: Layout) -> list[tuple[str, tuple[float, ...], list[Line]]]:
    """Element types whose size may be chosen in a range, with that range and their lines."""
    h, c = layout.header, layout.closing
    body = [bp.line for bp in layout.body if bp.kind in ("text", "khoan", "decimal", "diem")]
    headings = [bp.line for bp in layout.body if bp.kind in ("phan", "phan_title", "muc")]
    return [
        ("tên cơ quan chủ quản", (12, 13), h.parent_organ),
        ("tên cơ quan ban hành", (12, 13), h.organ),
        ("Quốc hiệu", (12, 13), _one(h.quoc_hieu)),
        ("Tiêu ngữ", (13, 14), _one(h.tieu_ngu)),
        ("địa danh, ngày tháng", (13, 14), _one(h.date)),
        ("tên loại", (13, 14), _one(layout.ten_loai)),
        ("trích yếu", (13, 14), layout.trich_yeu),
        ("đoạn văn thân bài", (13, 14), body),
        ("tiêu đề Phần, Mục", (13, 14), headings),
        ("thẩm quyền, chức vụ người ký", (13, 14), c.authority),
        ("họ tên người ký", (13, 14), _one(c.name)),
        ("tên phụ lục", (13, 14), [t for a in layout.appendices for t in a.title]),
        ("dòng (Kèm theo …)", (13, 14), [a.reference for a in layout.appendices if a.reference]),
    ]


@rule("PG-14", "C / D", scope="all")
def pg_14(layout: Layout):
    """Where a size range is allowed, one size per element type throughout the document (including page numbers).
    Sizes outside the range are left to the element's own rule."""
    groups = [
        (name, sizes, [(r.size, r.text, line) for line in lines for r in line.ink_runs])
        for name, sizes, lines in _size_groups(layout)
    ]
    numbers = [
        (r.size, r.text, para)
        for part in layout.model.header_footers
        if part.kind == "header"
        for para, f in part.page_fields
        for r in f.runs
    ]
    groups.append(("số trang", (13, 14), numbers))
    for name, sizes, runs in groups:
        runs = [(size, text, target) for size, text, target in runs if size / 2 in sizes]
        chars: dict[int, int] = {}
        for size, text, _ in runs:
            chars[size] = chars.get(size, 0) + max(len(text.strip()), 1)
        if len(chars) > 1:
            main = max(chars, key=chars.get)
            size, text, target = next(r for r in runs if r[0] != main)
            yield Finding(target.where, excerpt(target.text), f"một cỡ chữ cho mọi {name} ({pt(main)})", pt(size))


# -- page numbers ----------------------------------------------------------------------------------


def _numbered(section: Section) -> bool:
    header = section.headers.get("default")
    return bool(header and header.page_fields)


@rule("PN-01", "C", scope="all")
def pn_01(layout: Layout):
    """Arabic page numbers centred in the header (top margin), 13–14 pt, upright; not in the footer, not "Trang x/y"."""
    reported: set[int] = set()  # a header part shared by several sections is reported once
    for s in layout.model.sections:
        header = s.headers.get("default")
        if not _numbered(s) and (header is None or id(header) not in reported):
            reported.add(id(header))
            yield at(
                f"phần đầu trang (header) mục {s.index + 1}",
                "số trang (trường PAGE) ở giữa phần đầu trang",
                "không có số trang",
            )
        if s.page_format not in (None, "decimal"):
            yield at(_where(s), "số trang bằng chữ số Ả Rập", f"kiểu đánh số {s.page_format}")
    for part in layout.model.header_footers:
        for para, _ in part.total_fields:
            yield at(para, "chỉ ghi số trang", "dạng «Trang x/y» (trường NUMPAGES)")
        if part.kind == "footer":
            for para, _ in part.page_fields:
                yield at(para, "số trang ở phần đầu trang (lề trên)", "số trang ở phần cuối trang (footer)")
            continue
        for para, field in part.page_fields:
            if para.jc != "center":
                yield at(para, "số trang căn giữa", JC_NAMES.get(para.jc, para.jc))
            if any(ch.isalpha() for ch in para.text):
                yield at(para, "chỉ ghi con số", f"có chữ: «{excerpt(para.text)}»")
            bad = sorted({r.size for r in field.runs if r.size / 2 not in (13, 14)})
            if bad:
                yield at(para, f"số trang cỡ {sizes_text((13, 14))}", ", ".join(pt(b) for b in bad))
            if any(r.italic for r in field.runs):
                yield at(para, "số trang chữ đứng", "chữ nghiêng")


def _first_page_number(section: Section) -> str | None:
    """Why the first page of ``section`` shows a number, or None when it does not."""
    if not _numbered(section):
        return None
    if not section.title_page:
        return "trang đầu hiện số trang (chưa bật «trang đầu khác» – titlePg)"
    first = section.headers.get("first")
    if first is not None and first.page_fields:
        return "phần đầu trang của trang đầu có số trang"
    return None


@rule("PN-02", "C / T")
def pn_02(layout: Layout):
    """No page number on page 1: titlePg and an empty (or missing) first-page header."""
    problem = _first_page_number(layout.model.sections[0])
    if problem:
        yield at("phần đầu trang (header) mục 1", "không hiện số trang ở trang 1", problem)


@rule("PN-03", "C", scope="all")
def pn_03(layout: Layout):
    """Each appendix numbered on its own: it opens a section whose numbering restarts at 1."""
    for n, appendix in enumerate(layout.appendices):
        section = layout.model.sections[appendix.section]
        first_in_file = layout.appendix_only and n == 0
        if first_in_file:
            if section.page_start not in (None, 1):
                yield at(appendix.heading, "đánh số trang từ 1", f"bắt đầu từ {section.page_start}")
        elif not appendix.starts_section:
            yield at(
                appendix.heading,
                "phụ lục mở một mục (section) mới, đánh số trang lại từ 1",
                "phụ lục chung mục với phần trước, số trang chạy tiếp",
            )
        elif section.page_start != 1:
            found = (
                f"bắt đầu từ {section.page_start}"
                if section.page_start is not None
                else "số trang chạy tiếp (thiếu pgNumType start=1)"
            )
            yield at(appendix.heading, "đánh số trang của phụ lục lại từ 1", found)


@rule("PN-04", "T / D", scope="all")
def pn_04(layout: Layout):
    """No page number on the first page of each appendix (titlePg, empty first-page header)."""
    for n, appendix in enumerate(layout.appendices):
        if appendix.starts_section or (layout.appendix_only and n == 0):
            problem = _first_page_number(layout.model.sections[appendix.section])
            if problem:
                yield at(appendix.heading, "không hiện số trang ở trang đầu phụ lục", problem)


@rule("PN-05", "D", scope="all")
def pn_05(layout: Layout):
    """An appendix section starts on a new page (section break "next page"). Derived rule: warning. An appendix
    that shares the previous section is reported under PN-03."""
    for appendix in layout.appendices:
        section = layout.model.sections[appendix.section]
        new_page = section.start_type in ("nextPage", "oddPage", "evenPage")
        if appendix.starts_section and appendix.section > 0 and not new_page:
            yield at(appendix.heading, "phụ lục bắt đầu ở trang mới (ngắt mục sang trang)", "ngắt mục liên tục")
