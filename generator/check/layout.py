"""Recognise the elements of a Kế hoạch (and its Phụ lục) in a DocModel, from the document itself.

No template is needed: elements are found by their text (Quốc hiệu, "Số:", "ngày … tháng … năm", "KẾ HOẠCH",
"I. …", "Nơi nhận:", "Phụ lục I" …) and by their place (header table at the top of page 1, closing table
after the body). A header or closing made of plain paragraphs is recognised too. The rules then judge
what was found; this module never reports a violation itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.check.docmodel import Block, DocModel, Line, Para, Table, mm
from generator.docx.text import clean as norm
from generator.docx.text import fold
from generator.vi import parse_roman, roman

DOC_TYPES = {
    "nghị quyết",
    "quyết định",
    "chỉ thị",
    "quy chế",
    "quy định",
    "thông cáo",
    "thông báo",
    "hướng dẫn",
    "chương trình",
    "kế hoạch",
    "phương án",
    "đề án",
    "dự án",
    "báo cáo",
    "biên bản",
    "tờ trình",
    "hợp đồng",
    "công văn",
    "công điện",
    "bản ghi nhớ",
    "bản thỏa thuận",
    "giấy ủy quyền",
    "giấy mời",
    "giấy giới thiệu",
    "giấy nghỉ phép",
    "phiếu gửi",
    "phiếu chuyển",
    "phiếu báo",
    "thư công",
}
DASHES = "-–—‐‑−"
HEADER_SCAN = 15  # the tên loại is looked for among the first blocks only

ROMAN = r"[IVXLC]+"
APPENDIX_HEADING = re.compile(
    r"^(?i:phụ\s*lục)(?:\s*(?:số\s+)?(?P<label>\d+|[IVXLC]+(?![a-zà-ỹđ])|[A-Z](?!\w)))?(?P<rest>.*)$"
)
APPENDIX_REFERENCE = re.compile(
    r"(?i:phụ\s+lục)\s+(?:(?i:số)\s+)?(?P<labels>(?:[IVXLC]+|\d+)\b(?:\s*(?:,|(?i:và)|-|–)\s*(?:[IVXLC]+|\d+)\b)*)"
)
_AUTHORITY = re.compile(r"^(t\.?\s?m|k\.?\s?t|q|t\.?\s?l|t\.?\s?u\.?\s?q)(\.|\s)", re.I)
_BODY_KINDS = (
    ("phan", re.compile(r"^phần\s+[IVXLC]+\s*$", re.I)),
    ("muc", re.compile(rf"^{ROMAN}\.\s+\S")),
    ("decimal", re.compile(r"^\d+(\.\d+)+\.?\s")),
    ("khoan", re.compile(r"^\d+\.\s+\S")),
    ("diem", re.compile(r"^([a-zđ][.)]|[A-ZĐ]\))\s*\S")),
)


def letters_only(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalpha())


def is_quoc_hieu(text: str) -> bool:
    return fold(text).startswith("cộng hòa xã hội chủ nghĩa")


def is_tieu_ngu(text: str) -> bool:
    return letters_only(text) == "độclậptựdohạnhphúc"


def is_so(text: str) -> bool:
    f = fold(text)
    return bool(re.match(r"^số\s*:", f) or (re.match(r"^số\b", f) and "/" in f))


def is_date(text: str) -> bool:
    return bool(re.search(r"\bngày\b.*\btháng\b.*\bnăm\b", fold(text)))


def is_draft_mark(text: str) -> bool:
    return bool(re.fullmatch(r"dự thảo( lần (\d+|thứ \w+))?", fold(text)))


def is_noi_nhan(text: str) -> bool:
    return fold(text).startswith("nơi nhận")


def is_authority(text: str) -> bool:
    """An authority line such as "TM. ỦY BAN NHÂN DÂN" or "KT. CHỦ TỊCH" (loosely: also "TM ỦY BAN")."""
    t = norm(text)
    return bool(_AUTHORITY.match(t)) and t.upper() == t and len(t) > 3


def is_reference_line(text: str) -> bool:
    return bool(re.match(r"^\(?\s*kèm theo\b", fold(text)))


def is_upper(text: str) -> bool:
    return any(ch.isalpha() for ch in text) and text == text.upper()


def body_kind(text: str) -> str:
    t = norm(text)
    return next((kind for kind, pattern in _BODY_KINDS if pattern.match(t)), "text")


def roman_value(label: str) -> int | None:
    """The value of an upper-case Roman numeral of I, V, X, L, C in its canonical form, else None."""
    if not label or not re.fullmatch(ROMAN, label):
        return None
    try:
        return parse_roman(label)
    except ValueError:
        return None


def to_roman(n: int) -> str:
    """n in Roman numerals; "" for 0 or less."""
    return roman(n) if n >= 1 else ""


def label_number(label: str) -> int | None:
    """1 for "I" or "1"; None for a letter or no label."""
    return int(label) if label.isdigit() else roman_value(label)


def line_under(lines: list[Line]) -> float | None:
    """Length in mm of the horizontal line drawn under an element, or None when there is none.

    Looks, in this order, for a drawn shape (DrawingML/VML) anchored in the element's paragraphs, a bottom
    border on its last paragraph, then a "line paragraph" right after it (shape, underscores or border).
    """
    paras = list(dict.fromkeys(line.para for line in lines))
    for para in paras:
        if para.drawn_lines:
            return para.drawn_lines[0]
    last = paras[-1]
    if last.border("bottom") and lines[-1].number == len(last.lines):
        return mm(last.width)
    if last.next is not None and last.next.is_rule:
        return last.next.rule_mm()
    return None


def block_lines(block: Block) -> list[Line]:
    if isinstance(block, Para):
        return block.lines
    return [line for p in block.iter_paras() for line in p.lines]


def _is_blank(block: Block) -> bool:
    return isinstance(block, Para) and (block.is_empty or block.is_rule)


@dataclass
class Header:
    """ô 1–4: issuing body, "Số", Quốc hiệu, Tiêu ngữ, place and date (table or plain paragraphs)."""

    table: Table | None = None
    paragraphs: list[Para] = field(default_factory=list)
    parent_organ: list[Line] = field(default_factory=list)  # tên cơ quan chủ quản (HD-11)
    organ: list[Line] = field(default_factory=list)  # tên cơ quan ban hành (HD-12)
    quoc_hieu: Line | None = None
    quoc_hieu_rest: Line | None = None  # second line when the Quốc hiệu is split over two
    tieu_ngu: Line | None = None
    so: Line | None = None
    date: Line | None = None
    vv: list[Line] = field(default_factory=list)
    kinh_gui: list[Line] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.table or self.paragraphs)

    @property
    def right_lines(self) -> list[Line]:
        """Printed lines of the right column, top to bottom."""
        if self.table is None:
            return []
        cells = sorted((c for c in self.table.cells if c.col > 0), key=lambda c: (c.row, c.col))
        return [line for c in cells for line in c.lines if line.text.strip()]

    @staticmethod
    def column(line: Line) -> str | None:
        """ "left" / "right" for a line in the header table, None for a plain paragraph."""
        cell = line.para.cell
        if cell is None:
            return None
        return "left" if cell.col == 0 else "right"


@dataclass
class Closing:
    """ô 9b and 7: Nơi nhận and the signature block."""

    table: Table | None = None
    noi_nhan: Line | None = None
    recipients: list[Line] = field(default_factory=list)
    signature: list[Line] = field(default_factory=list)  # authority/title lines, then the name

    @property
    def authority(self) -> list[Line]:
        return self.signature[:-1] if len(self.signature) > 1 else self.signature

    @property
    def name(self) -> Line | None:
        return self.signature[-1] if len(self.signature) > 1 else None

    @property
    def side_by_side(self) -> bool:
        """Signature in the same table row as Nơi nhận, in another cell."""
        if not (self.noi_nhan and self.signature):
            return False
        a, b = self.noi_nhan.para.cell, self.signature[0].para.cell
        return bool(a and b and a.table is b.table and a.row == b.row and a.col < b.col)


@dataclass
class BodyPara:
    para: Para
    kind: str  # "phan", "phan_title", "muc", "khoan", "decimal", "diem", "text"

    @property
    def line(self) -> Line:
        return self.para.lines[0]


@dataclass
class Appendix:
    heading: Line
    label: str  # "I", "1", "A" or "" (single, unnumbered)
    glued: bool  # the heading line carries more text (title, reference…)
    title: list[Line]
    title_gap: bool  # a blank paragraph between the heading and the title
    reference: Line | None
    blocks: list[Block]  # from the heading up to the next appendix
    starts_section: bool  # the heading is the first content of its section

    @property
    def section(self) -> int:
        return self.heading.para.section


@dataclass
class Layout:
    model: DocModel
    is_draft: bool
    draft_mark: Line | None
    appendix_only: bool
    header: Header
    ten_loai: Line | None
    trich_yeu: list[Line]
    trich_yeu_gap: bool
    body: list[BodyPara]
    body_tables: list[Table]
    closing: Closing
    appendices: list[Appendix]
    references: list[tuple[str, Line]]  # "Phụ lục <n>" mentions outside appendix headings
    main_sections: set[int]

    @property
    def has_plan(self) -> bool:
        return not self.appendix_only


def _first_line(block: Block) -> Line | None:
    return next((line for line in block_lines(block) if line.text.strip()), None)


def _draft_mark(blocks: list[Block]) -> Line | None:
    """ "DỰ THẢO" at the top left of page 1: first body paragraph or first paragraph of the header's left cell."""
    first = next((b for b in blocks if not _is_blank(b)), None)
    if isinstance(first, Table):
        cell = first.rows[0][0] if first.rows and first.rows[0] else None
        line = next((line for line in (cell.lines if cell else []) if line.text.strip()), None)
    else:
        line = None if first is None else _first_line(first)
    return line if line is not None and is_draft_mark(line.text) else None


def _appendix_heading(block: Block) -> tuple[Line, str, int] | None:
    """(line, label, offset of the text glued after the label) when a paragraph opens an appendix.

    Accepts "Phụ lục II", "PHỤ LỤC 1", "Phụ lục" and a heading run together with its title
    ("Phụ lục 1DANH SÁCH …"); rejects a sentence such as "Phụ lục I kèm theo …".
    """
    if not isinstance(block, Para):
        return None
    line = _first_line(block)
    if line is None:
        return None
    lead = len(line.text) - len(line.text.lstrip())
    m = APPENDIX_HEADING.match(line.text.strip())
    if not m:
        return None
    rest = m.group("rest").strip()
    if rest and not (rest[0] in ".:(" + DASHES or rest[0].isupper()):
        return None
    offset = lead + m.start("rest") + len(m.group("rest")) - len(m.group("rest").lstrip())
    return line, m.group("label") or "", offset if rest else len(line.text)


def recognise(model: DocModel, draft: bool | None) -> Layout:
    """Find the elements of the document. ``draft`` None: a draft is a document with the "DỰ THẢO" mark."""
    blocks = model.blocks
    mark = _draft_mark(blocks)
    headings = [(i, found) for i, b in enumerate(blocks) if (found := _appendix_heading(b))]
    first_content = next((b for b in blocks if not _is_blank(b) and not (mark and _first_line(b) is mark)), None)
    appendix_only = bool(headings) and first_content is blocks[headings[0][0]]
    main_end = headings[0][0] if headings else len(blocks)

    header, ten_loai, trich_yeu, gap, body_start = Header(), None, [], False, 0
    closing, body_end = Closing(), main_end
    if not appendix_only:
        header, ten_loai, header_end = _header(blocks[:main_end], mark)
        trich_yeu, gap, body_start = _trich_yeu(blocks, ten_loai, header_end, main_end)
        closing, body_end = _closing(blocks, body_start, main_end)
    body, body_tables = _body(blocks[body_start:body_end])
    appendices = _appendices(blocks, headings)
    return Layout(
        model=model,
        is_draft=mark is not None if draft is None else draft,
        draft_mark=mark,
        appendix_only=appendix_only,
        header=header,
        ten_loai=ten_loai,
        trich_yeu=trich_yeu,
        trich_yeu_gap=gap,
        body=body,
        body_tables=body_tables,
        closing=closing,
        appendices=appendices,
        references=_references(blocks, {id(found[0]) for _, found in headings}),
        main_sections={b.section for b in blocks[:main_end]} if not appendix_only else set(),
    )


def _header(blocks: list[Block], mark: Line | None) -> tuple[Header, Line | None, int]:
    """The header block and the tên loại line; returns (header, tên loại, index after tên loại)."""
    ten_loai_at = next(
        (
            i
            for i, b in enumerate(blocks[:HEADER_SCAN])
            if isinstance(b, Para) and (line := _first_line(b)) and fold(line.text) in DOC_TYPES
        ),
        None,
    )
    if ten_loai_at is None:  # no tên loại: the header is the run of header-like blocks at the top
        ten_loai_at = next(
            (i for i, b in enumerate(blocks) if not _is_blank(b) and not _header_like(b, mark)), len(blocks)
        )
        ten_loai = None
        end = ten_loai_at
    else:
        ten_loai = _first_line(blocks[ten_loai_at])
        end = ten_loai_at + 1
    header = Header()
    lines: list[Line] = []
    for block in blocks[:ten_loai_at]:
        if isinstance(block, Table):
            if header.table is None and any(_header_line_kind(line) for line in block_lines(block)):
                header.table = block
                lines += [line for c in _reading_order(block) for line in c.lines]
        elif not _is_blank(block):
            header.paragraphs.append(block)
            lines += block.lines
    _classify_header(header, [ln for ln in lines if ln.text.strip() and ln is not mark and not ln.para.is_rule])
    return header, ten_loai, end


def _reading_order(table: Table):
    """Cells column by column (left column top to bottom, then the right one), as the header is read."""
    return sorted(table.cells, key=lambda c: (c.col, c.row))


def _header_line_kind(line: Line) -> str | None:
    text = line.text
    if is_quoc_hieu(text) or fold(text).startswith("cộng hòa"):
        return "quoc_hieu"
    if is_tieu_ngu(text):
        return "tieu_ngu"
    if is_so(text):
        return "so"
    if is_date(text):
        return "date"
    if fold(text).startswith("v/v"):
        return "vv"
    if fold(text).startswith("kính gửi"):
        return "kinh_gui"
    return None


def _header_like(block: Block, mark: Line | None) -> bool:
    if isinstance(block, Table):
        return any(_header_line_kind(line) for line in block_lines(block))
    line = _first_line(block)
    return line is mark or _header_line_kind(line) is not None or (is_upper(line.text) and len(line.text) < 60)


def _classify_header(header: Header, lines: list[Line]) -> None:
    organ: list[Line] = []
    skip: set[int] = set()
    for n, line in enumerate(lines):
        if n in skip:
            continue
        kind = _header_line_kind(line)
        if kind == "quoc_hieu" and header.quoc_hieu is None:
            header.quoc_hieu = line
            if not is_quoc_hieu(line.text) or fold(line.text) == "cộng hòa xã hội chủ nghĩa":
                # split over two lines, e.g. "CỘNG HÒA XÃ HỘI" / "CHỦ NGHĨA VIỆT NAM"
                if n + 1 < len(lines) and is_quoc_hieu(line.text + " " + lines[n + 1].text):
                    header.quoc_hieu_rest = lines[n + 1]
                    skip.add(n + 1)
        elif kind == "tieu_ngu" and header.tieu_ngu is None:
            header.tieu_ngu = line
        elif kind == "so" and header.so is None:
            header.so = line
        elif kind == "date" and header.date is None:
            header.date = line
        elif kind in ("vv", "kinh_gui"):
            getattr(header, kind).append(line)
        elif kind is None and header.so is None and Header.column(line) in (None, "left"):
            organ.append(line)
    # Leading regular-weight lines above bold ones are the chủ quản (PL-I II.2.a); the rest is the issuing body.
    lead = 0
    while lead < len(organ) - 1 and not any(r.bold for r in organ[lead].ink_runs):
        lead += 1
    if lead and all(any(r.bold for r in line.ink_runs) for line in organ[lead:]):
        header.parent_organ, header.organ = organ[:lead], organ[lead:]
    else:
        header.organ = organ


def _trich_yeu(blocks: list[Block], ten_loai: Line | None, start: int, end: int) -> tuple[list[Line], bool, int]:
    """Trích yếu lines under the tên loại, whether blank paragraphs separate them, and where the body starts."""
    if ten_loai is None:
        return [], False, start
    lines = [ln for ln in ten_loai.para.lines[ten_loai.number :] if ln.text.strip()]  # one paragraph with a break
    i, gap = start, False
    if not lines:
        j = start
        while j < end and isinstance(blocks[j], Para) and blocks[j].is_empty:
            j += 1
        first = blocks[j] if j < end else None
        if _title_like(first):
            gap, i = j > start, j + 1
            lines = [ln for ln in first.lines if ln.text.strip()]
            while i < end and _continues(blocks[i], first):
                lines += [ln for ln in blocks[i].lines if ln.text.strip()]
                i += 1
    while i < end and isinstance(blocks[i], Para) and blocks[i].is_rule:
        i += 1
    return lines, gap, i


def _bold(para: Para) -> bool:
    runs = [r for line in para.lines for r in line.ink_runs]
    return bool(runs) and sum(len(r.text) for r in runs if r.bold) * 2 > sum(len(r.text) for r in runs)


def _title_like(block: Block | None) -> bool:
    """Could open the trích yếu: a centred or bold paragraph that is no heading, line or Nơi nhận."""
    return (
        isinstance(block, Para)
        and not block.is_rule
        and not block.is_empty
        and body_kind(block.text) == "text"
        and not is_noi_nhan(block.text)
        and (block.jc == "center" or _bold(block))
    )


def _continues(block: Block, first: Para) -> bool:
    """A further trích yếu paragraph: centred and bold like the first one, not a heading."""
    return _title_like(block) and block.jc == first.jc == "center" and _bold(block) == _bold(first)


def _closing(blocks: list[Block], start: int, end: int) -> tuple[Closing, int]:
    """Nơi nhận + signature (a table, or paragraphs) after the body; returns it and where the body ends."""
    for i in range(start, end):
        block = blocks[i]
        if isinstance(block, Table):
            lines = block_lines(block)
            if any(is_noi_nhan(line.text) or is_authority(line.text) for line in lines):
                return _closing_table(block), i
        else:
            line = _first_line(block)
            if line is not None and (is_noi_nhan(line.text) or is_authority(line.text)):
                return _closing_paragraphs(blocks[i:end]), i
    return Closing(), end


def _closing_table(table: Table) -> Closing:
    closing = Closing(table=table)
    for cell in table.cells:
        lines = [line for line in cell.lines if line.text.strip()]
        if lines and is_noi_nhan(lines[0].text) and closing.noi_nhan is None:
            closing.noi_nhan, closing.recipients = lines[0], lines[1:]
        elif lines and not closing.signature and (any(is_authority(line.text) for line in lines) or len(lines) > 1):
            closing.signature = lines
    return closing


def _closing_paragraphs(blocks: list[Block]) -> Closing:
    closing, state = Closing(), "signature"
    for block in blocks:
        if isinstance(block, Table):
            continue
        for line in block.lines:
            text = line.text.strip()
            if not text:
                continue
            if is_noi_nhan(text) and closing.noi_nhan is None:
                closing.noi_nhan, state = line, "recipients"
            elif state == "recipients" and text[0] in DASHES + "+•":
                closing.recipients.append(line)
            else:
                state = "signature"
                closing.signature.append(line)
    return closing


def _body(blocks: list[Block]) -> tuple[list[BodyPara], list[Table]]:
    body: list[BodyPara] = []
    tables = [b for b in blocks if isinstance(b, Table)]
    for block in blocks:
        if isinstance(block, Table) or block.is_empty or block.is_rule:
            continue
        kind = body_kind(block.text)
        if kind == "text" and body and body[-1].kind == "phan":
            kind = "phan_title"
        body.append(BodyPara(block, kind))
    return body, tables


def _appendices(blocks: list[Block], headings) -> list[Appendix]:
    appendices = []
    # a draft mark ("DỰ THẢO") right above an appendix heading opens that appendix's page
    opens = [i - 1 if i > 0 and _is_draft_block(blocks[i - 1]) else i for i, _ in headings]
    bounds = opens[1:] + [len(blocks)]
    for (start, (line, label, offset)), opening, stop in zip(headings, opens, bounds):
        region = blocks[start:stop]
        heading, following = line, []
        glued = offset < len(line.text)
        if glued:  # "Phụ lục 1DANH SÁCH …(Kèm theo …)": cut the rest into title and reference
            heading, tail = line.slice(0, offset), line.slice(offset)
            paren = tail.text.find("(")
            following += [tail.slice(0, paren), tail.slice(paren)] if paren > 0 else [tail]
        following += [ln for ln in line.para.lines[line.number :] if ln.text.strip()]
        for block in region[1:]:
            if isinstance(block, Table):
                break
            following += [None] if block.is_empty or block.is_rule else [ln for ln in block.lines if ln.text.strip()]
        title, reference, gap = _appendix_title(following)
        previous = next((b for b in reversed(blocks[:opening]) if not _is_blank(b)), None)
        appendices.append(
            Appendix(
                heading=heading,
                label=label,
                glued=glued,
                title=title,
                title_gap=gap,
                reference=reference,
                blocks=region,
                starts_section=previous is None or previous.section != line.para.section,
            )
        )
    return appendices


def _is_draft_block(block: Block) -> bool:
    return not isinstance(block, Table) and is_draft_mark(block.text)


def _appendix_title(following: list[Line | None]) -> tuple[list[Line], Line | None, bool]:
    """Title lines and "(Kèm theo …)" line after an appendix heading; True when a blank line comes first."""
    gap = bool(following) and following[0] is None
    lines = [ln for ln in following if ln is not None][:5]
    ref_at = next((n for n, ln in enumerate(lines) if is_reference_line(ln.text)), None)
    if ref_at is not None:
        return lines[:ref_at], lines[ref_at], gap and ref_at > 0
    first = lines[0] if lines else None
    title_like = first is not None and (is_upper(first.text) or all(r.bold for r in first.ink_runs))
    if title_like and body_kind(first.text) == "text":
        return [first], None, gap
    return [], None, False


def _references(blocks: list[Block], heading_lines: set[int]) -> list[tuple[str, Line]]:
    refs = []
    for block in blocks:
        for line in block_lines(block):
            if id(line) in heading_lines:
                continue
            for m in APPENDIX_REFERENCE.finditer(norm(line.text)):
                for label in re.findall(r"[IVXLC]+|\d+", m.group("labels")):
                    refs.append((label, line))
    return refs
