"""Signature block and Nơi nhận: SG-01…SG-07, NN-01…NN-05 (nd30.md §2.6, §2.7).

Not checked: SG-04 (who signs for whom is a matter of fact, not of layout), SG-08 (signature and seal images:
needs the images or a digital signature), NN-04 (optional drafter code), NN-06 (practice).
"""

from __future__ import annotations

import re

from generator.check.layout import DASHES, Layout, fold, is_authority, norm
from generator.check.rules.base import at, check_format, rule

UBND_SIGNATURES = (
    ("tm. ủy ban nhân dân", "chủ tịch"),
    ("tm. ủy ban nhân dân", "kt. chủ tịch", "phó chủ tịch"),
)
PREFIX = re.compile(r"^(TM|KT|Q|TL|TUQ)\. \S")
TITLES = re.compile(r"^(TS|ThS|Ths|PGS|GS|KS|BS|NCS|CN|Th\.S)\.?(\s|\.|$)")
LUU = re.compile(r"^- Lưu: VT(, ?[^,;]+)*\.$")
CLOSING = "cuối phần nội dung"


@rule("SG-01", "C / T")
def sg_01(layout: Layout):
    """Signature block on the right, its first line level with "Nơi nhận:" (borderless two-column table)."""
    c = layout.closing
    if not c.signature:
        yield at(CLOSING, "khối chữ ký bên phải, ngang hàng «Nơi nhận:»", "không có khối chữ ký")
        return
    first = c.signature[0]
    if c.noi_nhan is not None and not c.side_by_side:
        yield at(first, "khối chữ ký bên phải, ngang hàng «Nơi nhận:» (bảng hai cột)", "không nằm cạnh «Nơi nhận:»")
    elif c.noi_nhan is None and (first.para.cell is None or first.para.cell.col == 0):
        yield at(first, "khối chữ ký ở phần bên phải trang", "ở bên trái")
    elif c.side_by_side and any(
        cell.paras[0] is not line.para for cell, line in ((c.noi_nhan.para.cell, c.noi_nhan), (first.para.cell, first))
    ):
        yield at(first, "dòng đầu khối chữ ký ngang hàng «Nơi nhận:»", "lệch dòng (có đoạn trống phía trên)")
    if c.table is not None and c.table.borders_visible:
        yield at(f"bảng {c.table.number}", "bảng Nơi nhận, chữ ký không có đường viền", "có đường viền")


@rule("SG-02", "C")
def sg_02(layout: Layout):
    """Authority and title lines: capitals, 13–14 pt, bold, upright, centred."""
    for line in layout.closing.authority:
        yield from check_format(line, sizes=(13, 14), bold=True, italic=False, case="upper", jc=("center",))


@rule("SG-03", "C")
def sg_03(layout: Layout):
    """Prefixes written exactly "TM.", "KT.", "Q.", "TL.", "TUQ." followed by one space."""
    for line in layout.closing.authority:
        text = line.text.strip()
        if is_authority(text) and not PREFIX.match(text):
            yield at(line, "«TM.», «KT.», «Q.», «TL.», «TUQ.»: chữ in hoa, dấu chấm, một dấu cách", text.split()[0])


@rule("SG-05", "C / P")
def sg_05(layout: Layout):
    """A People's Committee signs "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH" or "… / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"."""
    lines = layout.closing.authority
    organ = " ".join(ln.text for ln in layout.header.organ + lines)
    if not lines or "ủy ban nhân dân" not in fold(organ):
        return
    texts = tuple(fold(ln.text) for ln in lines)
    if texts not in UBND_SIGNATURES:
        yield at(
            lines[0],
            "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH (hoặc KT. CHỦ TỊCH / PHÓ CHỦ TỊCH)",
            " / ".join(norm(ln.text) for ln in lines),
        )


@rule("SG-06", "C")
def sg_06(layout: Layout):
    """Signer's name: each syllable capitalised, 13–14 pt, bold, upright, centred."""
    c = layout.closing
    if c.signature and c.name is None:
        yield at(c.signature[-1], "họ tên người ký dưới chức vụ", "không có")
        return
    name = c.name
    yield from check_format(name, sizes=(13, 14), bold=True, italic=False, jc=("center",))
    words = [w for w in norm(name.text).split() if w.isalpha()] if name is not None else []  # "TS." is SG-07's
    if not all(w[0].isupper() and w[1:] == w[1:].lower() for w in words):
        yield at(name, "họ tên viết hoa chữ cái đầu mỗi tiếng", norm(name.text))


@rule("SG-07", "C")
def sg_07(layout: Layout):
    """No academic title or honour before the signer's name."""
    name = layout.closing.name
    if name is not None and TITLES.match(norm(name.text)):
        yield at(name, "họ tên không kèm học hàm, học vị", norm(name.text).split()[0])


@rule("NN-01", "C")
def nn_01(layout: Layout):
    """ "Nơi nhận:" on its own line, flush left, 12 pt, bold and italic."""
    line = layout.closing.noi_nhan
    if line is None:
        yield at(CLOSING, "«Nơi nhận:» (12 pt, đậm, nghiêng) bên trái", "không có")
        return
    if norm(line.text) != "Nơi nhận:":
        yield at(line, "«Nơi nhận:»", norm(line.text))
    yield from check_format(line, sizes=(12,), bold=True, italic=True, jc=("left", "both", None))
    if line.para.left + line.para.first_line > 10:
        yield at(line, "sát lề trái", f"thụt vào {(line.para.left + line.para.first_line) / 567:.2f} cm")


@rule("NN-02", "C")
def nn_02(layout: Layout):
    """Recipient lines: 11 pt, upright, not bold, flush left, starting with "- " and ending with ";" (but the last)."""
    lines = layout.closing.recipients
    for n, line in enumerate(lines):
        text = line.text.strip()
        yield from check_format(line, sizes=(11,), bold=False, italic=False)
        if not text.startswith("- "):
            found = "dấu đầu dòng tự động của Word" if line.para.numbered and text[:1] not in DASHES else text[:2]
            yield at(line, "bắt đầu bằng «- »", found)
        if n < len(lines) - 1 and not text.endswith(";"):
            yield at(line, "kết thúc bằng «;»", f"kết thúc bằng «{text[-1]}»")
        if line.number == 1 and line.para.left + line.para.first_line > 10:
            yield at(line, "sát lề trái", f"thụt vào {(line.para.left + line.para.first_line) / 567:.2f} cm")


@rule("NN-03", "C")
def nn_03(layout: Layout):
    """The last recipient line is "- Lưu: VT, <drafting unit>[ (n)]." ending with a period."""
    c = layout.closing
    if c.noi_nhan is None:
        return
    last = c.recipients[-1] if c.recipients else None
    if last is None:
        yield at(c.noi_nhan, "dòng cuối «- Lưu: VT, <đơn vị soạn thảo>.»", "không có")
    elif not LUU.match(norm(last.text)):
        yield at(last, "dòng cuối «- Lưu: VT, <đơn vị soạn thảo>.»", norm(last.text))


@rule("NN-05", "C")
def nn_05(layout: Layout):
    """No "Kính gửi" in a Kế hoạch (it uses Nơi nhận only)."""
    lines = layout.header.kinh_gui + [bp.line for bp in layout.body if fold(bp.line.text).startswith("kính gửi")]
    for line in lines:
        yield at(line, "Kế hoạch không có «Kính gửi», chỉ có «Nơi nhận»", norm(line.text))
