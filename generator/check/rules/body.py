"""Body text and its headings: BD-01…BD-10, HG-01…HG-11 (nd30.md §2.4, §2.5).

Not checked: BD-07 (căn cứ block in QĐ style; a Kế hoạch opens with an ordinary paragraph, BD-08), BD-08/BD-09
(practice / citation content), HG-09 (P), HG-10 (D: Word auto-numbering — literal headings are what we read).
"""

from __future__ import annotations

import re

from generator.check.layout import BodyPara, Layout, norm, roman_value
from generator.check.rules.base import JC_NAMES, at, check_format, rule

TEXT_KINDS = ("text", "khoan", "decimal", "diem")  # paragraphs formatted as body text
INDENTS = (567, 720)  # 1 cm or 1.27 cm (BD-04)
INDENT_TOLERANCE = 10  # twips
VN_LETTERS = "abcdđeghiklmnopqrstuvxy"  # điểm order (HG-08)


def _text_paras(layout: Layout) -> list[BodyPara]:
    return [bp for bp in layout.body if bp.kind in TEXT_KINDS]


def khoan_has_title(text: str) -> bool:
    """ "1. Mục đích" (a title) versus "1. Tổ chức …: …." (a khoản with its text)."""
    return not re.search(r"[.;:,]$", text.strip()) and ": " not in text


@rule("BD-01", "C")
def bd_01(layout: Layout):
    """Body paragraphs in normal case, upright, not bold (headings excepted)."""
    for bp in layout.body:
        if bp.kind == "text":
            for line in bp.para.lines:
                yield from check_format(line, bold=False, italic=False, case="normal")


@rule("BD-02", "C / D")
def bd_02(layout: Layout):
    """Body text 13–14 pt (one size throughout: PG-14)."""
    for bp in _text_paras(layout):
        for line in bp.para.lines:
            yield from check_format(line, sizes=(13, 14))


@rule("BD-03", "C")
def bd_03(layout: Layout):
    """Body paragraphs justified."""
    for bp in _text_paras(layout):
        if bp.para.jc != "both":
            yield at(bp.para, JC_NAMES["both"], JC_NAMES.get(bp.para.jc, bp.para.jc))


def _indent_class(first: int) -> int | None:
    return next((i for i in INDENTS if abs(first - i) <= INDENT_TOLERANCE), None)


@rule("BD-04", "C / D")
def bd_04(layout: Layout):
    """First-line indent 1 cm (567) or 1.27 cm (720) ±10 twips, no left/right/hanging indent, one value throughout."""
    classes = []
    for bp in _text_paras(layout):
        p = bp.para
        if abs(p.left) > INDENT_TOLERANCE or abs(p.right) > INDENT_TOLERANCE:
            yield at(p, "lề trái, lề phải của đoạn bằng 0", f"thụt lề {p.left / 567:.2f} cm / {p.right / 567:.2f} cm")
        elif _indent_class(p.first_line) is None:
            yield at(p, "thụt đầu dòng 1 cm hoặc 1,27 cm", f"{p.first_line / 567:.2f} cm")
        else:
            classes.append((_indent_class(p.first_line), p))
    if len({c for c, _ in classes}) > 1:
        main = max(INDENTS, key=lambda i: sum(c == i for c, _ in classes))
        for c, p in classes:
            if c != main:
                yield at(p, f"một mức thụt đầu dòng cho cả văn bản ({main / 567:.2f} cm)", f"{c / 567:.2f} cm")
                break


@rule("BD-05", "C / T")
def bd_05(layout: Layout):
    """At least 6 pt between body paragraphs: after(previous) + before(next) ≥ 120 twips (contextual spacing
    between paragraphs of one style cancels both)."""
    paras = [bp.para for bp in layout.body]
    for prev, nxt in zip(paras, paras[1:]):
        if prev.next is not nxt:
            continue  # a blank paragraph or a table lies between them
        same_style = prev.style_id == nxt.style_id
        after = 0 if prev.contextual and same_style else prev.after
        gap = after + (0 if nxt.contextual and same_style else nxt.before)
        if gap < 120:
            yield at(nxt, "cách đoạn trên tối thiểu 6 pt", f"{gap / 20:g} pt")


@rule("BD-06", "C / D")
def bd_06(layout: Layout):
    """Line spacing from single to 1.5 lines: auto 240–360; exact/at least 1.15–1.725 × size (TNR line height)."""
    for bp in layout.body:
        p = bp.para
        line, rule_ = p.line_spacing
        size = (p.size or 28) / 2
        if rule_ == "auto":
            ok, found = 240 <= line <= 360, f"{line / 240:g} dòng"
        else:
            low = 0 if rule_ == "atLeast" else round(23 * size)
            ok = low <= line <= int(34.5 * size)
            found = f"{'chính xác' if rule_ == 'exact' else 'tối thiểu'} {line / 20:g} pt"
        if not ok:
            yield at(p, "giãn dòng từ một dòng (single) đến 1,5 dòng", found)


@rule("BD-10", "T")
def bd_10(layout: Layout):
    """The last body paragraph ends with "./." attached to the last word."""
    if not layout.body:
        return
    last = layout.body[-1].para
    text = last.text.rstrip()
    if not text.endswith("./."):
        yield at(last, "đoạn cuối kết thúc bằng «./.» liền chữ cuối", "không có «./.»")
    elif text[:-3].endswith((" ", "\t")):
        yield at(last, "«./.» liền chữ cuối, không có dấu cách", "có dấu cách trước «./.»")


# -- HG: headings -------------------------------------------------------------------------------------


@rule("HG-01", "C")
def hg_01(layout: Layout):
    """ "Phần I": own line, centred, normal case, 13–14 pt, bold, upright."""
    for bp in layout.body:
        if bp.kind == "phan":
            yield from check_format(bp.line, sizes=(13, 14), bold=True, italic=False, jc=("center",))
            if not norm(bp.line.text).startswith("Phần "):
                yield at(bp.line, "«Phần» chữ thường (chữ P hoa) và số La Mã", norm(bp.line.text))


@rule("HG-02", "C")
def hg_02(layout: Layout):
    """Phần title: next line, centred, capitals, 13–14 pt, bold."""
    for bp in layout.body:
        if bp.kind == "phan_title":
            yield from check_format(bp.line, sizes=(13, 14), bold=True, case="upper", jc=("center",))


@rule("HG-03", "C")
def hg_03(layout: Layout):
    """Mục: Roman numeral, ".", title in capitals; 13–14 pt, bold, upright."""
    for bp in layout.body:
        if bp.kind == "muc":
            numeral = norm(bp.line.text).split(".")[0]
            if roman_value(numeral) is None:
                yield at(bp.line, "số La Mã hợp lệ (I, II, III, IV …)", numeral)
            yield from check_format(bp.line, sizes=(13, 14), bold=True, italic=False, case="upper")


# HG-04 is a T rule, but nd30.md itself says a centred Mục is acceptable unless the project wants strictness:
# reported as a warning only.
@rule("HG-04", "T", severity="warning")
def hg_04(layout: Layout):
    """Mục heading aligned like the body (justified or left, optionally with the body indent), not centred."""
    for bp in layout.body:
        if bp.kind == "muc" and bp.para.jc not in ("both", "left", None):
            yield at(bp.para, "căn đều hoặc căn trái như đoạn văn", JC_NAMES.get(bp.para.jc, bp.para.jc))


@rule("HG-05", "C")
def hg_05(layout: Layout):
    """Khoản with a title ("1. Mục đích"): normal case, bold, upright (size: BD-02)."""
    for bp in layout.body:
        if bp.kind == "khoan" and khoan_has_title(bp.line.text):
            yield from check_format(bp.line, bold=True, italic=False, case="normal")


@rule("HG-06", "C")
def hg_06(layout: Layout):
    """Khoản without a title ("1. Tổ chức …."): upright, not bold."""
    for bp in layout.body:
        if bp.kind == "khoan" and not khoan_has_title(bp.line.text):
            for line in bp.para.lines:
                yield from check_format(line, bold=False, italic=False)


@rule("HG-07", "C")
def hg_07(layout: Layout):
    """Điểm: lower-case letter and ")" ("a) …"), normal case, upright, not bold."""
    for bp in layout.body:
        if bp.kind == "diem":
            if not re.match(r"^[a-zđ]\) ", norm(bp.line.text)):
                yield at(bp.line, "điểm ghi «a) », «b) » … (chữ thường, dấu ngoặc đơn)", norm(bp.line.text)[:3])
            for line in bp.para.lines:
                yield from check_format(line, bold=False, italic=False, case="normal")


@rule("HG-08", "C / D")
def hg_08(layout: Layout):
    """Điểm letters in Vietnamese order a b c d đ e g h i k l m n o p q r s t u v x y, from a under each khoản."""
    expected = 0
    for bp in layout.body:
        if bp.kind in ("phan", "muc", "khoan", "decimal"):
            expected = 0
        elif bp.kind == "diem":
            letter = norm(bp.line.text)[0].lower()
            want = VN_LETTERS[expected] if expected < len(VN_LETTERS) else None
            if letter != want:
                yield at(bp.line, f"điểm «{want})» theo thứ tự chữ cái tiếng Việt", f"«{letter})»")
            expected = VN_LETTERS.index(letter) + 1 if letter in VN_LETTERS else expected + 1


@rule("HG-11", "U")
def hg_11(layout: Layout):
    """Decimal numbering ("1.1.") is not provided for by ND30: warning."""
    for bp in layout.body:
        if bp.kind == "decimal":
            number = norm(bp.line.text).split()[0]
            yield at(bp.line, "khoản đánh số 1, 2, 3 …; điểm a, b, c …", f"đánh số thập phân «{number}»")
