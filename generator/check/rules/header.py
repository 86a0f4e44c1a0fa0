"""Header block, tên loại and trích yếu: HD-01…HD-24, TL-01…TL-07, OT-06 (nd30.md §2.2, §2.3, §2.10).

Not checked: HD-13 (P: the two-line "ỦY BAN NHÂN DÂN / THỊ XÃ …" form is practice), HD-20 (meaning of the
ký hiệu: KH is required by HD-17, the body's own abbreviation cannot be verified), TL-06 (U: not regulated).
HD-24 (blank day in a draft) is a permission, applied inside HD-23 and AP-06.
"""

from __future__ import annotations

import datetime
import re

from generator.check.docmodel import Line, mm
from generator.check.layout import Header, Layout, fold, line_under, norm
from generator.check.rules.base import at, check_format, rule, width_ok
from generator.check.textwidth import text_width_mm

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
TOP = "trang 1, phần đầu văn bản"
UNDERLINE_TOLERANCE = 0.05  # metric rounding on the 1/3–1/2 bounds (HD-14, TL-05)
BLANK = re.compile(r"^[\s.…_]*$")
GENERIC_SYLLABLES = {"phố", "xã", "trấn", "đô"}  # "Thành phố Hồ Chí Minh", "Thủ đô Hà Nội" keep them lower case


# -- shared text forms (also used by AP-06) ----------------------------------------------------------


def is_blank(value: str) -> bool:
    """A number or date part left to fill in: empty, spaces, dots or an ellipsis."""
    return bool(BLANK.match(value))


def number_problem(number: str) -> str | None:
    """HD-18: one leading zero below 10 (01–09), none from 10 up."""
    if not number.isdigit():
        return f"số «{number}» không phải chữ số"
    if not re.fullmatch(r"0[1-9]|[1-9][0-9]+", number):
        return f"số «{number}»"
    return None


def date_problems(day: str, month: str, year: str, draft: bool) -> list[str]:
    """What is wrong with the parts of "ngày DD tháng M năm YYYY" (HD-23); blanks allowed in drafts (HD-24)."""
    problems = []
    for value, name, pattern, hint in (
        (day, "ngày", r"0[1-9]|[12][0-9]|3[01]", "ngày dưới 10 có số 0 đứng trước"),
        (month, "tháng", r"01|02|[3-9]|1[0-2]", "chỉ tháng 1, 2 có số 0 đứng trước"),
        (year, "năm", r"[0-9]{4}", "năm bốn chữ số"),
    ):
        if is_blank(value):
            if not draft:
                problems.append(f"để trống {name}")
        elif not re.fullmatch(pattern, value):
            problems.append(f"{name} {value} ({hint})")
    if not problems and not any(is_blank(v) for v in (day, month, year)):
        try:
            datetime.date(int(year), int(month), int(day))
        except ValueError:
            problems.append(f"ngày {day} tháng {month} năm {year} không có thật")
    return problems


SO_LINE = re.compile(r"^Số\s*:(?P<space>\s*)(?P<num>[^/]*?)(?P<gap>\s*)/(?P<kh>.*)$", re.I)
DATE_LINE = re.compile(r"^(?P<place>[^,]*)(?P<comma>,?)\s*ngày(?P<d>.*?)tháng(?P<m>.*?)năm(?P<y>.*)$", re.I)


def so_parts(line: Line | None) -> tuple[str, str] | None:
    """(number, ký hiệu) of a "Số:" line, the number stripped ("" when blank)."""
    m = None if line is None else SO_LINE.match(line.text.strip())
    return (m.group("num").strip(), m.group("kh").strip()) if m else None


def date_parts(text: str) -> tuple[str, str, str] | None:
    m = DATE_LINE.match(text.strip())
    return (m.group("d").strip(), m.group("m").strip(), m.group("y").strip()) if m else None


# -- HD: header block ------------------------------------------------------------------------------


@rule("HD-01", "C")
def hd_01(layout: Layout):
    """Two columns: issuing body and "Số" on the left; Quốc hiệu, Tiêu ngữ, place and date on the right."""
    h = layout.header
    if not h.found:
        yield at(
            TOP,
            "phần đầu văn bản hai cột (cơ quan ban hành, số | Quốc hiệu, Tiêu ngữ, ngày tháng)",
            "không có phần đầu văn bản",
        )
        return
    if h.table is None or h.table.columns < 2:
        yield at(h.paragraphs[0], "bảng hai cột không viền ở đầu trang 1", "các đoạn văn nối tiếp, không chia hai cột")
        return
    for line, side, name in (
        (h.organ[0] if h.organ else None, "left", "tên cơ quan ban hành"),
        (h.so, "left", "số, ký hiệu"),
        (h.quoc_hieu, "right", "Quốc hiệu"),
        (h.tieu_ngu, "right", "Tiêu ngữ"),
        (h.date, "right", "địa danh, ngày tháng"),
    ):
        column = None if line is None else Header.column(line)
        if line is not None and column != side:
            found = {"left": "ở cột trái", "right": "ở cột phải", None: "ngoài bảng"}[column]
            yield at(line, f"{name} ở cột {'trái' if side == 'left' else 'phải'}", found)


@rule("HD-02", "T / D")
def hd_02(layout: Layout):
    """The right column is wide enough for the Quốc hiệu on one line (checkable form of the model widths)."""
    qh = layout.header.quoc_hieu
    if qh is None or layout.header.quoc_hieu_rest is not None or not qh.size:
        return
    need = text_width_mm(qh.text.strip(), qh.size / 2, bold=all(r.bold for r in qh.ink_runs))
    have = mm(qh.para.width)
    if need > have:
        yield at(qh, f"chỗ cho Quốc hiệu trên một dòng ≥ {need:.1f} mm", f"{have:.1f} mm")


@rule("HD-03", "T")
def hd_03(layout: Layout):
    """The header table has no visible borders."""
    table = layout.header.table
    if table is not None and table.borders_visible:
        yield at(f"bảng {table.number}", "bảng phần đầu không có đường viền", "có đường viền")


@rule("HD-04", "C")
def hd_04(layout: Layout):
    """Quốc hiệu text "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (HÒA/HOÀ both accepted)."""
    h = layout.header
    if h.quoc_hieu is None:
        yield at(TOP, f"Quốc hiệu «{QUOC_HIEU}»", "không có")
        return
    text = h.quoc_hieu.text + (" " + h.quoc_hieu_rest.text if h.quoc_hieu_rest else "")
    if fold(text) != fold(QUOC_HIEU):
        yield at(h.quoc_hieu, QUOC_HIEU, norm(text))


@rule("HD-05", "C")
def hd_05(layout: Layout):
    """Quốc hiệu: capitals, 12–13 pt, bold, upright, centred; the top line of the right column."""
    qh = layout.header.quoc_hieu
    yield from check_format(qh, sizes=(12, 13), bold=True, italic=False, case="upper", jc=("center",))
    right = layout.header.right_lines
    if qh is not None and qh in right:
        above = [ln for ln in right[: right.index(qh)] if fold(ln.text) not in ("xem xong trả lại", "lưu hành nội bộ")]
        if above:
            yield at(qh, "Quốc hiệu là dòng trên cùng của cột phải", f"nằm dưới «{norm(above[0].text)}»")


@rule("HD-06", "C / D")
def hd_06(layout: Layout):
    """Quốc hiệu on exactly one line."""
    h = layout.header
    if h.quoc_hieu is not None and h.quoc_hieu_rest is not None:
        yield at(h.quoc_hieu, "Quốc hiệu trên một dòng", "tách thành hai dòng")


@rule("HD-07", "C")
def hd_07(layout: Layout):
    """Tiêu ngữ exactly "Độc lập - Tự do - Hạnh phúc": hyphen-minus with a space each side, no en dash."""
    tn = layout.header.tieu_ngu
    if tn is None:
        yield at(TOP, f"Tiêu ngữ «{TIEU_NGU}»", "không có")
    elif norm(tn.text) != TIEU_NGU:
        found = norm(tn.text)
        if any(d in found for d in "–—"):
            found += " (gạch ngang dài thay cho «-»)"
        yield at(tn, f"«{TIEU_NGU}» (gạch nối «-» có cách chữ)", found)


@rule("HD-08", "C")
def hd_08(layout: Layout):
    """Tiêu ngữ: 13–14 pt, bold, upright, centred."""
    yield from check_format(layout.header.tieu_ngu, sizes=(13, 14), bold=True, italic=False, jc=("center",))


def single_spacing(para) -> bool:
    """Line spacing "single" (auto 240, or an exact/at-least value within one TNR line, 1.15 × size)."""
    line, rule_ = para.line_spacing
    if rule_ == "auto":
        return line == 240
    return line <= 23 * (para.size or 26) / 2 + 20


@rule("HD-09", "C / D")
def hd_09(layout: Layout):
    """Quốc hiệu and Tiêu ngữ on consecutive single-spaced lines: no blank line, no space between them."""
    h = layout.header
    qh, tn = h.quoc_hieu_rest or h.quoc_hieu, h.tieu_ngu
    if qh is None or tn is None:
        return
    if tn.para is qh.para:
        if tn.number != qh.number + 1:
            yield at(tn, "Tiêu ngữ ngay dòng dưới Quốc hiệu", "có dòng khác xen giữa")
    elif qh.para.next is not tn.para or qh.number != len(qh.para.lines):
        yield at(tn, "Tiêu ngữ ngay dòng dưới Quốc hiệu", "có dòng trống hoặc đoạn khác xen giữa")
    else:
        gap = qh.para.after + tn.para.before
        if gap:
            yield at(tn, "khoảng cách 0 pt giữa Quốc hiệu và Tiêu ngữ (dòng đơn)", f"{gap / 20:g} pt")
    for para in dict.fromkeys((qh.para, tn.para)):
        if not single_spacing(para):
            line, rule_ = para.line_spacing
            yield at(para, "giãn dòng đơn", f"{line / 240:g} dòng" if rule_ == "auto" else f"{line / 20:g} pt")


@rule("HD-10", "C / D")
def hd_10(layout: Layout):
    """A line under the Tiêu ngữ as long as its text (±10 %)."""
    tn = layout.header.tieu_ngu
    if tn is None or not tn.size:
        return
    want = text_width_mm(tn.text.strip(), tn.size / 2, bold=all(r.bold for r in tn.ink_runs))
    length = line_under([tn])
    if length is None:
        yield at(tn, f"đường kẻ dưới Tiêu ngữ dài bằng dòng chữ (≈ {want:.1f} mm)", "không có đường kẻ")
    elif not width_ok(length, want, want, 0.10):
        yield at(tn, f"đường kẻ dài bằng Tiêu ngữ: {want:.1f} mm ± 10 %", f"{length:.1f} mm")


@rule("HD-11", "C")
def hd_11(layout: Layout):
    """Tên cơ quan chủ quản (if any): capitals, 12–13 pt, not bold, upright, centred."""
    for line in layout.header.parent_organ:
        yield from check_format(line, sizes=(12, 13), bold=False, italic=False, case="upper", jc=("center",))


@rule("HD-12", "C")
def hd_12(layout: Layout):
    """Tên cơ quan ban hành: capitals, 12–13 pt, bold, upright, centred."""
    if not layout.header.organ:
        yield at(TOP, "tên cơ quan ban hành (chữ in hoa, đậm) ở cột trái", "không có")
    for line in layout.header.organ:
        yield from check_format(line, sizes=(12, 13), bold=True, italic=False, case="upper", jc=("center",))


def underline_problem(lines: list[Line], name: str) -> tuple[str, str] | None:
    """(expected, found) when the line under ``lines`` is missing or not 1/3–1/2 of the longest text line."""
    widths = [
        min(text_width_mm(ln.text.strip(), ln.size / 2, all(r.bold for r in ln.ink_runs)), mm(ln.para.width))
        for ln in lines
        if ln.size
    ]
    if not widths:
        return None
    longest = max(widths)
    expected = f"đường kẻ dưới {name} dài 1/3–1/2 dòng chữ ({longest / 3:.1f}–{longest / 2:.1f} mm)"
    length = line_under(lines)
    if length is None:
        return expected, "không có đường kẻ"
    if not width_ok(length, longest / 3, longest / 2, UNDERLINE_TOLERANCE):
        return expected, f"{length:.1f} mm"
    return None


@rule("HD-14", "C / D")
def hd_14(layout: Layout):
    """A line under the issuing body, 1/3 to 1/2 of its longest line (±5 % for metric rounding)."""
    organ = layout.header.organ
    problem = organ and underline_problem(organ, "tên cơ quan ban hành")
    if problem:
        yield at(organ[-1], *problem)


@rule("HD-15", "C")
def hd_15(layout: Layout):
    """ "Số" centred under the issuing body, on the same row as the place-date line."""
    h = layout.header
    if h.so is None:
        return
    yield from check_format(h.so, jc=("center",))
    if h.date is not None:
        a, b = h.so.para.cell, h.date.para.cell
        if not (a and b and a.table is b.table and a.row == b.row and a.col < b.col):
            yield at(
                h.so, "số, ký hiệu cùng hàng với địa danh, ngày tháng (bên trái)", "hai dòng riêng, không cùng hàng"
            )


@rule("HD-16", "C")
def hd_16(layout: Layout):
    """ "Số" in normal case, 13 pt, upright, not bold; ký hiệu in capitals, groups joined by "-" without spaces."""
    so = layout.header.so
    if so is None:
        return
    yield from check_format(so, sizes=(13,), bold=False, italic=False)
    if not so.text.strip().startswith("Số"):
        yield at(so, "«Số» chữ thường (chữ S hoa)", so.text.strip()[:3])
    parts = so_parts(so)
    if parts:
        kh = parts[1]
        if kh != kh.upper():
            yield at(so, "ký hiệu viết in hoa", kh)
        if re.search(r"\s[-–]|[-–]\s", kh):
            yield at(so, "các nhóm chữ của ký hiệu nối bằng «-», không có dấu cách", kh)


@rule("HD-17", "C / T")
def hd_17(layout: Layout):
    """ "Số: <number>/KH-<body>" with one space after the colon; KH-UBND for a People's Committee. The number may
    stay blank only in a draft (HD-19)."""
    h = layout.header
    if h.so is None:
        yield at(TOP, "dòng «Số: …/KH-UBND»", "không có")
        return
    m = SO_LINE.match(h.so.text.strip())
    want = "KH-UBND" if h.organ and fold(h.organ[0].text).startswith("ủy ban nhân dân") else "KH-…"
    if not m:
        yield at(h.so, f"«Số: 05/{want}»", norm(h.so.text))
        return
    number, kh = m.group("num").strip(), m.group("kh").strip()
    if is_blank(number):
        if not layout.is_draft:
            yield at(h.so, "số văn bản đã đăng ký (văn bản chính thức)", "để trống số")
    elif m.group("space") != " " or m.group("gap"):
        yield at(h.so, f"«Số: {number}/{kh}» (một dấu cách sau dấu hai chấm, không cách quanh «/»)", norm(h.so.text))
    if not (kh == want or (want == "KH-…" and kh.startswith("KH-"))):
        yield at(h.so, f"ký hiệu {want} (KH = Kế hoạch)", kh)


@rule("HD-18", "C")
def hd_18(layout: Layout):
    """Number padding: 01–09 with one leading zero, 10 and up without."""
    parts = so_parts(layout.header.so)
    if parts and not is_blank(parts[0]):
        problem = number_problem(parts[0])
        if problem:
            yield at(layout.header.so, "số dưới 10 có một số 0 đứng trước (01–09), từ 10 trở lên không thêm 0", problem)


@rule("HD-19", "T")
def hd_19(layout: Layout):
    """In a draft the number stays blank ("Số:        /KH-UBND") until registration."""
    parts = so_parts(layout.header.so)
    if layout.is_draft and parts and not is_blank(parts[0]):
        yield at(layout.header.so, "dự thảo để trống số (Số:      /KH-UBND)", f"đã ghi số {parts[0]}")


@rule("HD-21", "C")
def hd_21(layout: Layout):
    """Place-date: italic, 13–14 pt, not bold, centred, capitalised place name; right column, under the Tiêu ngữ."""
    h = layout.header
    date = h.date
    if date is None:
        return
    yield from check_format(date, sizes=(13, 14), bold=False, italic=True, jc=("center",))
    place = date.text.split(",")[0].strip()
    if any(w[:1].isalpha() and not w[:1].isupper() and w not in GENERIC_SYLLABLES for w in place.split()):
        yield at(date, "viết hoa chữ cái đầu mỗi tiếng của địa danh", place)
    right = h.right_lines
    if h.tieu_ngu in right and date in right and right.index(date) < right.index(h.tieu_ngu):
        yield at(date, "địa danh, ngày tháng dưới Tiêu ngữ", "nằm trên Tiêu ngữ")


_GENERIC_PLACE = re.compile(r"^(thị xã|huyện|tỉnh|quận|xã|phường|thị trấn|thành phố|tp|tx)\b\.?(?!\s*\d)", re.I)


@rule("HD-22", "C")
def hd_22(layout: Layout):
    """Place name: the unit's proper name ("Kiến Tường", not "thị xã Kiến Tường"), no abbreviation; numbered units
    ("Quận 1") and "Thành phố Hồ Chí Minh" keep their full name."""
    date = layout.header.date
    if date is None:
        return
    place = norm(date.text.split(",")[0])
    if "." in place or (_GENERIC_PLACE.match(place) and fold(place) != "thành phố hồ chí minh"):
        yield at(date, "tên riêng của đơn vị hành chính, không viết tắt, không kèm «thị xã», «huyện»…", place)


@rule("HD-23", "C")
def hd_23(layout: Layout):
    """ "<Place>, ngày DD tháng M năm YYYY": day 01–31 with a zero below 10, month without zero from March on.
    HD-24: in a draft the day (and month, year) may stay blank."""
    date = layout.header.date
    example = "«Kiến Tường, ngày 05 tháng 02 năm 2024»"
    if date is None:
        yield at(TOP, f"dòng địa danh, ngày tháng, ví dụ {example}", "không có")
        return
    text = date.text.strip()
    m = DATE_LINE.match(text)
    if not m or not m.group("place").strip() or not m.group("comma"):
        yield at(date, f"«<Địa danh>, ngày DD tháng M năm YYYY», ví dụ {example}", norm(text))
        return
    d, mo, y = (m.group(k).strip() for k in "dmy")
    problems = date_problems(d, mo, y, layout.is_draft)
    canonical = f"{m.group('place').strip()}, ngày {d} tháng {mo} năm {y}"
    if not problems and not any(is_blank(v) for v in (d, mo, y)) and text != canonical:
        problems.append("khoảng cách giữa các chữ không đúng")
    if problems:
        yield at(date, f"«<Địa danh>, ngày DD tháng M năm YYYY», ví dụ {example}", "; ".join(problems))


# -- TL: tên loại and trích yếu ------------------------------------------------------------------------


@rule("TL-01", "C")
def tl_01(layout: Layout):
    """Tên loại "KẾ HOẠCH"."""
    if layout.ten_loai is None:
        yield at("sau phần đầu văn bản", "tên loại «KẾ HOẠCH»", "không có")
    elif fold(layout.ten_loai.text) != "kế hoạch":
        yield at(layout.ten_loai, "tên loại «KẾ HOẠCH»", norm(layout.ten_loai.text))


@rule("TL-02", "C")
def tl_02(layout: Layout):
    """Tên loại: own line, centred, capitals, 13–14 pt, bold, upright."""
    yield from check_format(layout.ten_loai, sizes=(13, 14), bold=True, italic=False, case="upper", jc=("center",))


@rule("TL-03", "C")
def tl_03(layout: Layout):
    """Trích yếu directly under the tên loại, no blank paragraph between."""
    if layout.trich_yeu and layout.trich_yeu_gap:
        yield at(layout.trich_yeu[0], "trích yếu ngay dưới tên loại", "có dòng trống xen giữa")


@rule("TL-04", "C / T")
def tl_04(layout: Layout):
    """Trích yếu: centred, sentence case, 13–14 pt, bold, upright; no final period (T)."""
    lines = layout.trich_yeu
    if layout.ten_loai is not None and not lines:
        yield at(layout.ten_loai, "trích yếu nội dung ngay dưới tên loại", "không có")
        return
    for n, line in enumerate(lines):
        yield from check_format(
            line, sizes=(13, 14), bold=True, italic=False, jc=("center",), case="capital" if n == 0 else None
        )
    if lines and len(lines[0].text.strip()) > 1 and all(norm(ln.text) == norm(ln.text).upper() for ln in lines):
        yield at(lines[0], "chữ thường (chỉ viết hoa chữ đầu và tên riêng)", "toàn chữ in hoa")
    if lines and lines[-1].text.rstrip().endswith("."):
        yield at(lines[-1], "không có dấu chấm cuối trích yếu", "có dấu chấm")


@rule("TL-05", "C")
def tl_05(layout: Layout):
    """A line under the trích yếu, 1/3 to 1/2 of its (longest) line, centred."""
    problem = layout.trich_yeu and underline_problem(layout.trich_yeu, "trích yếu")
    if problem:
        yield at(layout.trich_yeu[-1], *problem)


@rule("TL-07", "C")
def tl_07(layout: Layout):
    """No "V/v" subject line in a Kế hoạch (it belongs to a công văn)."""
    for line in layout.header.vv:
        yield at(line, "Kế hoạch không có dòng «V/v»", norm(line.text))


@rule("OT-06", "U / P", scope="all")
def ot_06(layout: Layout):
    """Project convention (ND30 has none): an issued document carries no "DỰ THẢO" mark."""
    if layout.draft_mark is not None and not layout.is_draft:
        yield at(layout.draft_mark, "văn bản chính thức không mang dấu «DỰ THẢO»", norm(layout.draft_mark.text))
