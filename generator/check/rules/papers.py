"""Rules by document type (nd30.md §5, docs/nd30-giay-to.md): the checker learns the papers around a
plan — Tờ trình, Quyết định, Giấy mời, Báo cáo, Thông báo, Công văn — besides the Kế hoạch.

The type is read from the document: its tên loại, or, without one, a "V/v" line (công văn). For a
Kế hoạch every rule runs as written. For another type:
  * TL-01, HD-16, HD-17, TL-07 and NN-05 are replaced by their by-type form: the tên loại may be any
    of Điều 7's types; the ký hiệu starts with the type's Phụ lục III abbreviation (mixed case such
    as TTr kept; a công văn has none: body-unit, never "CV-"); a công văn must have its "V/v" line
    (ô 5b) and no other type may; "Kính gửi" (ô 9a) belongs to công văn, tờ trình and báo cáo only.
  * the other rules read the body without its structural lines, checked here instead: the "Kính
    gửi" lines, and in a quyết định the authority line, the căn cứ lines (BD-07) and "QUYẾT ĐỊNH:".
  * a quyết định's articles are numbered "Điều 1.", "Điều 2.", … with a bold label (HG-12).
Installed over the registry once every other rule is registered (import this module last).
"""

from __future__ import annotations

import dataclasses
import re

from generator.check.layout import DOC_TYPES, Header, Layout, fold, norm
from generator.check.rules.base import RULES, Rule, at, check_format, rule
from generator.check.rules.header import SO_LINE, TOP, is_blank

#: Phụ lục III, Mục I: abbreviations of the document types (công văn and thư công have none).
ABBREVIATIONS = {
    "nghị quyết": "NQ",
    "quyết định": "QĐ",
    "chỉ thị": "CT",
    "quy chế": "QC",
    "quy định": "QyĐ",
    "thông cáo": "TC",
    "thông báo": "TB",
    "hướng dẫn": "HD",
    "chương trình": "CTr",
    "kế hoạch": "KH",
    "phương án": "PA",
    "đề án": "ĐA",
    "dự án": "DA",
    "báo cáo": "BC",
    "biên bản": "BB",
    "tờ trình": "TTr",
    "hợp đồng": "HĐ",
    "công điện": "CĐ",
    "bản ghi nhớ": "BGN",
    "bản thỏa thuận": "BTT",
    "giấy ủy quyền": "GUQ",
    "giấy mời": "GM",
    "giấy giới thiệu": "GGT",
    "giấy nghỉ phép": "GNP",
    "phiếu gửi": "PG",
    "phiếu chuyển": "PC",
    "phiếu báo": "PB",
}
PLAN = "kế hoạch"
CONG_VAN = "công văn"
KINH_GUI_TYPES = (CONG_VAN, "tờ trình", "báo cáo")  # PL-I II.9.b–c
DIEU = re.compile(r"^Điều\s+(\d+)\.\s")


def document_kind(layout: Layout) -> str:
    """The document's type: its tên loại (folded); without one, "công văn" when it has a "V/v" line or a ký hiệu
    that is no type's abbreviation ("UBND-VHTT"); else kế hoạch."""
    if layout.ten_loai is not None and fold(layout.ten_loai.text) in DOC_TYPES:
        return fold(layout.ten_loai.text)
    m = SO_LINE.match(layout.header.so.text.strip()) if layout.header.so else None
    typed = m is not None and m.group("kh").strip().split("-")[0] in ABBREVIATIONS.values()
    if layout.ten_loai is None and (layout.header.vv or (m is not None and not typed)):
        return CONG_VAN
    return PLAN


def _name(kind: str) -> str:
    return kind[:1].upper() + kind[1:]


def structural(layout: Layout, kind: str) -> list:
    """Body paragraphs that are not body text: Kính gửi lines; a quyết định's authority, căn cứ and
    "QUYẾT ĐỊNH:" lines."""
    paras = [bp.para for bp in layout.body]
    out: list = []
    listing = bool(layout.header.kinh_gui)  # "Kính gửi:" read with the header: its "- …" lines open the body
    for para in paras:
        text = norm(para.text)
        if fold(text).startswith("kính gửi"):
            out.append(para)
            listing = True
        elif listing and text.startswith("-") and para.jc != "both":
            out.append(para)
        else:
            listing = False
    if kind == "quyết định":
        end = next((i for i, p in enumerate(paras) if fold(p.text).rstrip(": ") == "quyết định"), None)
        if end is not None:
            out += paras[: end + 1]
    return out


def paper_view(layout: Layout, kind: str) -> Layout:
    """The layout with the body reduced to its text paragraphs (see `structural`)."""
    skip = {id(p) for p in structural(layout, kind)}
    return dataclasses.replace(layout, body=[bp for bp in layout.body if id(bp.para) not in skip])


# -- by-type forms of TL-01, HD-16, HD-17, TL-07, NN-05 ------------------------------------------------------


def _other_type(layout: Layout, kind: str) -> str | None:
    """The type the ký hiệu names when it is another type's abbreviation ("KH-UBND" under "BÁO CÁO")."""
    m = SO_LINE.match(layout.header.so.text.strip()) if layout.header.so else None
    prefix = m.group("kh").strip().split("-")[0] if m else ""
    named = next((k for k, a in ABBREVIATIONS.items() if a == prefix), None)
    return named if named and named != kind else None


def _tl_01(layout: Layout, kind: str, original):
    """Any type of Điều 7 has its tên loại (a công văn has none: layout found its "V/v" line instead); it is the
    type the ký hiệu names."""
    other = _other_type(layout, kind)
    if other is not None and layout.ten_loai is not None:
        yield at(
            layout.ten_loai,
            f"tên loại đúng với ký hiệu «{ABBREVIATIONS[other]}» ({_name(other).upper()})",
            norm(layout.ten_loai.text),
        )


def _hd_16(layout: Layout, kind: str, original):
    """As HD-16, but the type's abbreviation keeps its own case (TTr, QyĐ, CTr)."""
    abbreviation = ABBREVIATIONS.get(kind)
    m = SO_LINE.match(layout.header.so.text.strip()) if layout.header.so else None
    mixed = m and abbreviation and m.group("kh").strip().startswith(abbreviation + "-")
    for finding in original(layout):
        if mixed and finding.expected == "ký hiệu viết in hoa":
            rest = m.group("kh").strip()[len(abbreviation) :]
            if rest == rest.upper():
                continue
        yield finding


def _hd_17(layout: Layout, kind: str, original):
    """ "Số: <number>/<type>-<body>" (công văn: "<body>-<unit>", no type abbreviation); blank only in a draft."""
    h = layout.header
    abbreviation = ABBREVIATIONS.get(kind)
    body = "UBND" if h.organ and fold(h.organ[0].text).startswith("ủy ban nhân dân") else None
    model = f"{abbreviation}-{body or '…'}" if abbreviation else f"{body or 'UBND'}-…"
    if h.so is None:
        yield at(TOP, f"dòng «Số: …/{model}»", "không có")
        return
    m = SO_LINE.match(h.so.text.strip())
    if not m:
        yield at(h.so, f"«Số: 05/{model}»", norm(h.so.text))
        return
    number, kh = m.group("num").strip(), m.group("kh").strip()
    if is_blank(number):
        if not layout.is_draft:
            yield at(h.so, "số văn bản đã đăng ký (văn bản chính thức)", "để trống số")
    elif m.group("space") != " " or m.group("gap"):
        yield at(h.so, f"«Số: {number}/{kh}» (một dấu cách sau dấu hai chấm, không cách quanh «/»)", norm(h.so.text))
    if _other_type(layout, kind) is not None:
        return  # a ký hiệu of another type: TL-01's finding
    if abbreviation:
        if not (kh.startswith(abbreviation + "-") and (body is None or kh == f"{abbreviation}-{body}")):
            yield at(h.so, f"ký hiệu {model} ({abbreviation} = {_name(kind)}, Phụ lục III)", kh)
    elif kh.upper().startswith("CV-") or (body and not kh.startswith(body)):
        yield at(
            h.so,
            f"ký hiệu công văn «{model}» (tên cơ quan - đơn vị soạn thảo; công văn không có chữ viết tắt tên loại)",
            kh,
        )


def _tl_07(layout: Layout, kind: str, original):
    """A công văn has its "V/v" subject line (ô 5b): under the number, 12–13 pt, upright, centred; other types none."""
    vv = layout.header.vv
    if kind != CONG_VAN:
        for line in vv:
            yield at(line, f"{_name(kind)} không có dòng «V/v»", norm(line.text))
        return
    if not vv:
        yield at(TOP, "dòng trích yếu «V/v …» dưới số, ký hiệu (công văn)", "không có")
        return
    for line in vv:
        yield from check_format(line, sizes=(12, 13), bold=False, italic=False, jc=("center",))
        if Header.column(line) not in ("left", None):
            yield at(line, "«V/v» ở cột trái, dưới số, ký hiệu", "ở cột phải")


def _nn_05(layout: Layout, kind: str, original):
    """ "Kính gửi:" (ô 9a) only in a công văn, tờ trình or báo cáo: 13–14 pt, upright, with a colon."""
    lines = layout.header.kinh_gui + [
        p.lines[0] for p in structural(layout, kind) if fold(p.text).startswith("kính gửi")
    ]
    for line in lines:
        if kind not in KINH_GUI_TYPES:
            yield at(line, f"{_name(kind)} không có «Kính gửi», chỉ có «Nơi nhận»", norm(line.text))
            continue
        yield from check_format(line, sizes=(13, 14), bold=False, italic=False)
        if not norm(line.text).startswith("Kính gửi:"):
            yield at(line, "«Kính gửi:» (có dấu hai chấm)", norm(line.text)[:12])


TYPED = {"TL-01": _tl_01, "HD-16": _hd_16, "HD-17": _hd_17, "TL-07": _tl_07, "NN-05": _nn_05}


def _by_type(original: Rule):
    typed = TYPED.get(original.id)

    def run(layout: Layout):
        kind = document_kind(layout)
        if kind == PLAN:
            return original.func(layout)
        if typed is not None:
            return typed(layout, kind, original.func)
        return original.func(paper_view(layout, kind))

    return run


_EARLIER = list(RULES)  # every rule registered before this module: run by type


# -- rules of a quyết định -----------------------------------------------------------------------------------


def _decision_lines(layout: Layout) -> tuple[list, list, object | None]:
    """(authority line, căn cứ lines, "QUYẾT ĐỊNH:" line) of a quyết định."""
    paras = structural(layout, "quyết định")
    decide = next((p for p in paras if fold(p.text).rstrip(": ") == "quyết định"), None)
    head = [p for p in paras if p is not decide and not fold(p.text).startswith("kính gửi")]
    authority = [p for p in head if norm(p.text) == norm(p.text).upper()]
    can_cu = [p for p in head if p not in authority]
    return authority, can_cu, decide


@rule("BD-07", "C")
def bd_07(layout: Layout):
    """Căn cứ lines of a quyết định: italic, 13–14 pt, one per paragraph, each ending with ";", the last with "."."""
    if document_kind(layout) != "quyết định":
        return
    _, can_cu, _ = _decision_lines(layout)
    for n, para in enumerate(can_cu):
        for line in para.lines:
            yield from check_format(line, sizes=(13, 14), italic=True, bold=False)
        end = "." if n == len(can_cu) - 1 else ";"
        if not norm(para.text).endswith(end):
            yield at(para, f"căn cứ kết thúc bằng «{end}»", f"kết thúc bằng «{norm(para.text)[-1:]}»")


@rule("TL-08", "C")
def tl_08(layout: Layout):
    """A quyết định: the issuing authority (capitals, bold, centred) above the căn cứ, and "QUYẾT ĐỊNH:" (capitals,
    bold, centred) before the articles."""
    if document_kind(layout) != "quyết định":
        return
    authority, _, decide = _decision_lines(layout)
    if not authority:
        yield at("sau trích yếu", "thẩm quyền ban hành (chữ in hoa, đậm, căn giữa) trên phần căn cứ", "không có")
    for para in authority:
        yield from check_format(para.lines[0], sizes=(13, 14), bold=True, case="upper", jc=("center",))
    if decide is None:
        yield at("sau phần căn cứ", "dòng «QUYẾT ĐỊNH:» trước Điều 1", "không có")
    else:
        yield from check_format(decide.lines[0], sizes=(13, 14), bold=True, case="upper", jc=("center",))


@rule("HG-12", "C")
def hg_12(layout: Layout):
    """A quyết định's articles: "Điều 1.", "Điều 2.", … in order from 1, the label bold, at the start of a paragraph."""
    if document_kind(layout) != "quyết định":
        return
    expected = 1
    for bp in paper_view(layout, "quyết định").body:
        m = DIEU.match(norm(bp.para.text))
        if not m:
            continue
        if int(m.group(1)) != expected:
            yield at(bp.line, f"«Điều {expected}.» (đánh số liên tục từ 1)", f"«Điều {m.group(1)}.»")
        expected = int(m.group(1)) + 1
        label = [r for r in bp.line.ink_runs][:1]
        if label and not label[0].bold:
            yield at(bp.line, "«Điều …» in đậm", "không in đậm")
    if expected == 1:
        yield at("phần nội dung", "các điều «Điều 1.», «Điều 2.», …", "không có điều nào")


RULES[: len(_EARLIER)] = [Rule(r.id, r.label, _by_type(r), r.scope, r.severity) for r in _EARLIER]
