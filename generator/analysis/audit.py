"""`vanban audit`: the arithmetic, figure-format and numbering errors of a plan typed by hand.

Reading is `docread`'s; this module recognises what the document holds (`analyse`) and checks it
(`check`); `generator.cli.audit` prints the report. `vanban import` reuses the analysis, so an
import and an audit of the same file agree on what is wrong.

Policy
------
Recognised
  * Budget tables: a header row with Số lượng, Đơn giá and Thành tiền or Số tiền (any order, any
    case, with or without "(đồng)"); STT, Nội dung, Đơn vị tính and Ghi chú are used when present.
    Rows are lines, a total row ("Tổng cộng", "TỔNG CỘNG:") and a "Bằng chữ" row (or a "Bằng chữ"
    paragraph right under the table).
  * Attendee tables: TT, Đơn vị, Số lượng [đại biểu] and no price; group rows numbered I, II, …
    with a subtotal, member rows 1, 2, …, a TỔNG CỘNG row.
  * The split by funding source: our summary table (Nguồn kinh phí | Số tiền, a "Tổng kinh phí"
    row, a "Bằng chữ" row) or a paragraph "Tổng kinh phí …: 46.670.000 (Bằng chữ: …). Trong đó
    <nguồn>: <số>; <nguồn>: <số>."
Figures
  * Every figure is read with `parse_figure`; one not written the Vietnamese way is an error
    (SO-SAI-DINH-DANG). The checks go on with its likely value, or skip what needs it if none.
The correct amount of a line, against which every sum below is checked
  * quantity × unit price; a line printing another amount is SAI-THANH-TIEN.
  * Except in a column headed "Số lượng đại biểu", which counts delegates rather than what is
    priced: when the printed amount is a whole multiple k × unit price (k = 1: one bus for all),
    the printed amount is taken as right. SAI-THANH-TIEN is still reported, saying the column
    counts delegates and that the quantity priced is k.
Totals (of a table, of a group, the grand total)
  * A total differing from the sum of the printed lines is an addition error (SAI-TONG, expected:
    that sum).
  * A total differing from the sum of the correct lines is reported too (expected: the correct
    sum); when it does equal the sum of the printed lines it only follows from the wrong lines,
    and `consequence_of` names their findings. A total equal to the correct sum is right.
  * Group subtotals (SAI-TONG-NHOM) and the stated grand total (SAI-TONG-KINH-PHI, against the
    tables' correct totals, a consequence of the tables' findings when it equals the sum of
    their printed totals) follow the same rule.
Amounts in words
  * Read with `words_to_number`. Unreadable words, or words differing from the figure printed
    above them, are SAI-BANG-CHU (saying also when that figure is itself wrong); words matching a
    wrong figure are SAI-BANG-CHU as a consequence of that figure's finding; words stating the
    correct total are right. "Bảng chữ" for "Bằng chữ" is CHINH-TA-BANG-CHU.
Funding sources
  * A line whose Ghi chú names a source ("Xã hội hóa", "Kinh phí UBND các xã, phường tự chủ", a
    part of the split) is in that source. Lines without such a note are assumed to be in the
    remaining source: the split's "ngân sách …" part, else its only part no note names.
  * Each stated part is compared with the sum of its lines (SAI-PHAN-BO-NGUON, a consequence when
    it equals the sum of the printed lines); a source some line names that the split leaves out is
    reported too.
Numbering: DANH-SO-NHAY for a gap, DANH-SO-LAP for a repeat. After a gap the count goes on from
  the number printed; a repeat counts as the number it should have been. Checked: Mục I, II, … of
  the body; khoản 1, 2, … under each Mục and the numbered headings of each appendix; the STT of
  each table; groups I, II, … and members 1, 2, … of each group.
People: "Thành phần tham dự: [khoảng] N người" against the attendee appendix's total:
  LECH-SO-NGUOI (such counts are often rounded).
Severity: every finding is an error except CHINH-TA-BANG-CHU and LECH-SO-NGUOI (warnings).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from generator.analysis.docread import (
    Cell, DocumentText, Paragraph, Table, clean, fold, read_document, read_document_bytes,
)
from generator.vi import (
    FigureError,
    WordConvention,
    amount_in_words,
    format_number,
    parse_figure,
    parse_roman,
    roman,
    words_to_number,
)

Number = int | Decimal

#: Folded header text (without "(đồng)") → the column's role.
HEADER_ROLES = {
    "stt": "stt", "tt": "stt", "số tt": "stt", "số thứ tự": "stt",
    "nội dung": "ten", "nội dung chi": "ten", "hạng mục": "ten", "đơn vị": "ten", "tên đơn vị": "ten",
    "thành phần": "ten", "nguồn kinh phí": "nguon", "nguồn": "nguon",
    "đơn vị tính": "don_vi_tinh", "đvt": "don_vi_tinh",
    "số lượng": "so_luong", "số lượng đại biểu": "so_luong", "số đại biểu": "so_luong", "số người": "so_luong",
    "sl": "so_luong",
    "đơn giá": "don_gia", "mức chi": "don_gia",
    "thành tiền": "thanh_tien", "số tiền": "thanh_tien", "kinh phí": "thanh_tien",
    "ghi chú": "ghi_chu",
}
_CURRENCY_NOTE = re.compile(r"\s*\((?:đồng|vnđ|vnd|đ)\)\s*$")
_BANG = r"b[ằảăắa]ng"  # "Bằng", and its misspellings ("Bảng chữ")
_WORDS_LABEL = re.compile(rf"^\s*({_BANG})\s+chữ\s*:?\s*", re.IGNORECASE)
_TOTAL_LABEL = re.compile(r"^(tổng|cộng\b)")
#: Words that make a Ghi chú a funding source, the first ones precise enough to match a split part.
SOURCE_WORDS = ("xã hội hóa", "tự chủ", "tài trợ", "viện trợ", "ngân sách")
_SOURCE_HINTS = SOURCE_WORDS + ("kinh phí", "nguồn", "vốn")
_FIGURE_TEXT = r"\d[\d.,]*\d|\d"
_GRAND_TOTAL = re.compile(rf"tổng (?:kinh phí|cộng kinh phí|dự toán)[^:]{{0,80}}:\s*(?P<fig>{_FIGURE_TEXT})", re.IGNORECASE)
_INLINE_WORDS = re.compile(rf"\(\s*(?P<label>{_BANG}\s+chữ)\s*:\s*(?P<words>[^)]*?)\s*\)", re.IGNORECASE)
_SPLIT = re.compile(r"trong đó\s*:?\s*(?P<rest>.+)$", re.IGNORECASE | re.DOTALL)
_SPLIT_PART = re.compile(rf"(?P<label>[^:;.]+?)\s*:\s*(?P<fig>{_FIGURE_TEXT})")
#: "Thành phần tham dự: Khoảng 130 người" (the count right after the colon).
STATED_COUNT = re.compile(
    rf"thành phần tham dự[^:]{{0,40}}:\s*(?P<count>(?P<about>khoảng|dự kiến|ước|trên|gần)?\s*(?P<fig>{_FIGURE_TEXT}))"
    r"\s*(?P<unit>người|đại biểu)",
    re.IGNORECASE,
)
_MUC = re.compile(r"^(?P<num>[IVXLC]+)\.\s+(?P<title>\S.*)$", re.DOTALL)
_KHOAN = re.compile(r"^(?P<num>\d{1,2})\.\s+(?P<title>\S.*)$", re.DOTALL)
_APPENDIX = re.compile(r"^phụ lục(?:\s*(?P<num>\d+|[IVXLC]+(?![^\W\d_])))?(?P<rest>.*)$", re.DOTALL | re.IGNORECASE)


# --- findings --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """One thing wrong, located in the document (texts in Vietnamese, for the clerk)."""

    code: str
    severity: str  # "error" or "warning"
    where: str
    found: str
    expected: str
    message: str
    consequence_of: str | None = None

    @property
    def label(self) -> str:
        """How another finding refers to this one."""
        return f"{self.code} ở {self.where}"


@dataclass
class AuditReport:
    path: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [asdict(f) for f in self.findings],
        }


# --- what the document holds -----------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """A figure as printed, and the value used: the one read, or the likely one of a malformed figure."""

    text: str
    value: Number | None
    error: FigureError | None = None


@dataclass
class BudgetLine:
    row: int  # 1-based, header included
    stt: str
    noi_dung: str
    don_vi_tinh: str | None
    so_luong: Figure | None
    don_gia: Figure | None
    thanh_tien: Figure | None
    ghi_chu: str
    amount: Number | None = None  # the correct amount (see the policy); None if it cannot be known
    priced: Number | None = None  # the quantity priced, when a delegates column counts something else


@dataclass
class Words:
    """A "Bằng chữ: …" line: where, its label as printed ("Bằng chữ"/"Bảng chữ"), the words."""

    where: str
    label: str
    text: str


@dataclass
class BudgetTable:
    position: int
    table: Table
    where: str  # "bảng 2 (Phụ lục II, mục 1)"
    title: str | None  # the numbered heading above the table, without its number
    columns: dict[str, int]
    headers: dict[str, str]
    delegates: bool  # the quantity column is headed "Số lượng đại biểu"
    lines: list[BudgetLine] = field(default_factory=list)
    other_rows: list[tuple[int, str]] = field(default_factory=list)
    total_row: int | None = None
    total: Figure | None = None
    words: Words | None = None

    def cell_where(self, row: int, role: str | None = None) -> str:
        column = f", cột {self.headers[role]}" if role else ""
        return f"{self.where}, hàng {row}{column}"

    @property
    def printed_sum(self) -> Number | None:
        values = [line.thanh_tien.value if line.thanh_tien else None for line in self.lines]
        return None if None in values else sum(values)

    @property
    def correct_sum(self) -> Number | None:
        values = [line.amount for line in self.lines]
        return None if None in values else sum(values)


@dataclass
class Member:
    row: int
    stt: str
    ten: str
    so_luong: Figure | None


@dataclass
class Group:
    row: int
    numeral: str
    ten: str
    subtotal: Figure | None
    members: list[Member] = field(default_factory=list)

    @property
    def members_sum(self) -> Number | None:
        values = [m.so_luong.value if m.so_luong else None for m in self.members]
        return None if None in values else sum(values)


@dataclass
class AttendeeTable:
    position: int
    table: Table
    where: str
    headers: dict[str, str]
    groups: list[Group] = field(default_factory=list)
    other_rows: list[tuple[int, str]] = field(default_factory=list)
    total_row: int | None = None
    total: Figure | None = None

    def cell_where(self, row: int, role: str | None = None) -> str:
        column = f", cột {self.headers[role]}" if role else ""
        return f"{self.where}, hàng {row}{column}"

    @property
    def members_sum(self) -> Number | None:
        values = [g.members_sum for g in self.groups]
        return None if None in values or not values else sum(values)


@dataclass
class StatedPart:
    label: str  # as printed: "vận động xã hội hóa", "Ngân sách thị xã"
    figure: Figure
    where: str


@dataclass
class StatedBudget:
    """The grand total and its split by source as the document states them."""

    position: int
    where: str
    text: str  # the paragraph, or the summary table's rows, as printed
    table: Table | None = None  # the summary table, when the split is one
    total: Figure | None = None
    total_where: str = ""
    words: Words | None = None
    parts: list[StatedPart] = field(default_factory=list)


@dataclass
class StatedCount:
    position: int
    where: str
    text: str  # "Khoảng 130 người"
    value: Number
    approximate: bool


@dataclass
class Heading:
    """A numbered paragraph: a Mục (I.), a khoản or appendix heading (1.), or an appendix title."""

    position: int
    where: str
    kind: str  # "muc", "khoan", "phu_luc"
    number: str


@dataclass
class Analysis:
    document: DocumentText
    budget: list[BudgetTable] = field(default_factory=list)
    attendees: list[AttendeeTable] = field(default_factory=list)
    stated: StatedBudget | None = None
    counts: list[StatedCount] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    appendices: list[tuple[int, str]] = field(default_factory=list)  # (position, "Phụ lục II")

    def table_of(self, table: Table) -> BudgetTable | AttendeeTable | StatedBudget | None:
        """The recognised structure a table holds, if any."""
        for item in (*self.budget, *self.attendees, *([self.stated] if self.stated else [])):
            if item.table is table:
                return item
        return None


# --- small readers shared with the importer --------------------------------------------------

def read_figure(text: str) -> Figure | None:
    """A figure cell or phrase: None if empty; a malformed figure keeps its likely value (or None)."""
    text = clean(text)
    if not text:
        return None
    try:
        return Figure(text, parse_figure(text))
    except FigureError as exc:
        return Figure(text, exc.likely, exc)


def appendix_title(paragraph: Paragraph) -> tuple[str, str] | None:
    """("Phụ lục II", rest of the text) for an appendix title such as "Phụ lục 2" or "Phụ lục 1DANH SÁCH…"."""
    match = _APPENDIX.match(paragraph.clean)
    if not match:
        return None
    rest = match.group("rest").strip().lstrip(":.-–— ")
    if rest and not (rest[0].isupper() or rest[0] == "("):
        return None  # "Phụ lục 1 kèm theo …": running text
    number = (match.group("num") or "").upper()
    if number.isdigit():
        number = roman(int(number)) if 0 < int(number) < 40 else number
    return (f"Phụ lục {number}" if number else "Phụ lục"), rest


def words_label(text: str) -> tuple[str, str] | None:
    """("Bằng chữ" or the misspelling as printed, the words after the colon) for a "Bằng chữ: …" text."""
    match = _WORDS_LABEL.match(clean(text))
    if not match:
        return None
    return clean(text)[: match.end(1)] + " chữ", clean(text)[match.end():]


def note_source(note: str, names: list[str]) -> str | None:
    """The funding source a Ghi chú note names: one of `names` (the split), the note itself, or None.

    Only the note's first part counts ("Xã hội hóa; Đưa đón 14 đại biểu" names "Xã hội hóa").
    """
    first = clean(note.split(";")[0])
    folded = fold(first)
    if not folded:
        return None
    for name in names:
        if fold(name) == folded:
            return name
    for word in SOURCE_WORDS:
        if word in folded:
            matches = [n for n in names if word in fold(n)]
            return matches[0] if len(matches) == 1 else first
    return first if any(h in folded for h in _SOURCE_HINTS) else None


def default_source(names: list[str], noted: set[str]) -> str | None:
    """The split part that lines without a source note belong to (see the policy), if one can be told."""
    free = [n for n in names if n not in noted]
    budget = [n for n in free if "ngân sách" in fold(n)]
    if len(budget) == 1:
        return budget[0]
    return free[0] if len(free) == 1 else None


def judge_line(quantity: Number, price: Number, printed: Number | None, delegates: bool) -> tuple[Number, Number | None]:
    """(correct amount, quantity priced or None) of a line, by the policy above."""
    product = quantity * price
    if printed is None or printed == product or not delegates or not price:
        return product, None
    units, rest = divmod(printed, price)
    if rest == 0 and units >= 1:
        return printed, units
    return product, None


def convention_of(words: str) -> WordConvention:
    """The reading convention a "Bằng chữ" text uses (lẻ/linh, ngàn/nghìn), to answer in kind."""
    tokens = fold(words).split()
    return WordConvention(linh="lẻ" if "lẻ" in tokens else "linh", nghin="ngàn" if "ngàn" in tokens else "nghìn")


# --- analysis ---------------------------------------------------------------------------------

def analyse(document: DocumentText) -> Analysis:
    """Recognise the tables, totals, split and numbered headings of a document."""
    analysis = Analysis(document)
    appendix, section, previous = None, None, None
    for position, block in enumerate(document.blocks):
        if isinstance(block, Paragraph):
            title = appendix_title(block)
            if title:
                appendix, section = title[0], None
                analysis.appendices.append((position, appendix))
                analysis.headings.append(Heading(position, f"đoạn {block.number}", "phu_luc", appendix))
            else:
                section = _paragraph(analysis, position, block, appendix) or section
            if previous is not None and block.clean:
                _words_under(previous, block)
                previous = None
            continue
        context = ", ".join(x for x in (appendix, f"mục {section}" if appendix and section else None) if x)
        where = f"bảng {block.number}" + (f" ({context})" if context else "")
        found = _table(analysis, position, block, where, _heading_title(document, position) if appendix else None)
        previous = found if isinstance(found, (BudgetTable, StatedBudget)) else None
    return analysis


def _paragraph(analysis: Analysis, position: int, paragraph: Paragraph, appendix: str | None) -> str | None:
    """Record what a body paragraph holds; returns its number if it is an appendix heading "N. …"."""
    text, where = paragraph.clean, f"đoạn {paragraph.number}"
    muc = _MUC.match(text)
    if muc and not appendix and _roman(muc.group("num")) and (_bold(paragraph) or muc.group("title").isupper()):
        analysis.headings.append(Heading(position, where, "muc", muc.group("num")))
    khoan = _KHOAN.match(text)
    if khoan:
        analysis.headings.append(Heading(position, where, "khoan", khoan.group("num")))
    count = STATED_COUNT.search(text)
    if count and count.group("fig"):
        figure = read_figure(count.group("fig"))
        if figure and figure.value is not None:
            analysis.counts.append(StatedCount(position, where, clean(f"{count.group('count')} {count.group('unit')}"),
                                               figure.value, bool(count.group("about"))))
    grand = _GRAND_TOTAL.search(text)
    if grand and analysis.stated is None:
        analysis.stated = _stated_paragraph(position, where, text, grand)
    return khoan.group("num") if khoan and appendix else None


def _bold(paragraph: Paragraph) -> bool:
    return any(r.bold for r in paragraph.runs if r.text.strip())


def _heading_title(document: DocumentText, position: int) -> str | None:
    """The "N. title" paragraph right above a table (empty paragraphs skipped), without its number."""
    for block in reversed(document.blocks[:position]):
        if not isinstance(block, Paragraph):
            return None
        if block.clean:
            match = _KHOAN.match(block.clean)
            return clean(match.group("title")) if match else None
    return None


def _stated_paragraph(position: int, where: str, text: str, grand: re.Match) -> StatedBudget:
    stated = StatedBudget(position, where, text, total=read_figure(grand.group("fig")), total_where=where)
    words = _INLINE_WORDS.search(text, grand.end())
    if words:
        stated.words = Words(where, clean(words.group("label")), clean(words.group("words")))
    split = _SPLIT.search(text, grand.end())
    if split:
        for match in _SPLIT_PART.finditer(split.group("rest")):
            figure = read_figure(match.group("fig"))
            label = clean(match.group("label"))
            stated.parts.append(StatedPart(label, figure, f"{where} (phần “{label}”)"))
    return stated


def _words_under(table: BudgetTable | StatedBudget, paragraph: Paragraph) -> None:
    """A "Bằng chữ: …" paragraph right under a table without a "Bằng chữ" row belongs to it."""
    found = words_label(paragraph.clean)
    if found and table.words is None:
        table.words = Words(f"đoạn {paragraph.number}", *found)


def _header(table: Table) -> tuple[int, dict[str, int], dict[str, str]] | None:
    """(row index, role → grid column, role → header as printed) of the first header-like row."""
    for index, row in enumerate(table.rows[:3]):
        columns, headers = {}, {}
        for cell in row:
            role = HEADER_ROLES.get(_CURRENCY_NOTE.sub("", fold(cell.text)).rstrip(": "))
            if role and role not in columns:
                columns[role] = cell.column
                headers[role] = _header_name(cell.clean)
        if {"so_luong", "thanh_tien"} <= columns.keys() or {"nguon", "thanh_tien"} <= columns.keys():
            return index, columns, headers
        if {"ten", "so_luong"} <= columns.keys():
            return index, columns, headers
    return None


def _header_name(text: str) -> str:
    """A header as the clerk reads it in a location: "THÀNH TIỀN (đồng)" → "Thành tiền"."""
    text = _CURRENCY_NOTE.sub("", text).rstrip(": ")
    if len(text) <= 4:
        return text
    lower = text.lower()
    return lower[0].upper() + lower[1:]


def _table(analysis: Analysis, position: int, table: Table, where: str, title: str | None):
    header = _header(table)
    if header is None:
        return None
    start, columns, headers = header
    if {"so_luong", "don_gia", "thanh_tien"} <= columns.keys():
        quantity_header = fold(table.cell(start, columns["so_luong"]).text)
        budget = BudgetTable(position, table, where, title, columns, headers,
                             "đại biểu" in quantity_header or "người" in quantity_header)
        _budget_rows(budget, start)
        analysis.budget.append(budget)
        return budget
    if {"nguon", "thanh_tien"} <= columns.keys() and "don_gia" not in columns:
        if analysis.stated is None:
            analysis.stated = _stated_table(position, table, where, start, columns, headers)
            return analysis.stated
        return None
    if {"ten", "so_luong"} <= columns.keys() and not {"don_gia", "thanh_tien"} & columns.keys():
        attendees = AttendeeTable(position, table, where, headers)
        _attendee_rows(attendees, start, columns)
        analysis.attendees.append(attendees)
        return attendees
    return None


def _text(table: Table, row: int, column: int | None) -> str:
    if column is None:
        return ""
    cell = table.cell(row, column)
    return cell.clean if cell else ""


def _row_label(cells: tuple[Cell, ...]) -> str:
    return next((c.clean for c in cells if c.clean), "")


def _row_text(cells: tuple[Cell, ...]) -> str:
    return " ".join(c.clean for c in cells if c.clean)


def _is_total(table: Table, row: int, stt_column: int | None) -> bool:
    label = fold(_row_label(table.rows[row])).rstrip(": ")
    return bool(_TOTAL_LABEL.match(label)) and not re.search(r"\d", _text(table, row, stt_column))


def _budget_rows(budget: BudgetTable, start: int) -> None:
    table, col = budget.table, budget.columns
    for index in range(start + 1, len(table.rows)):
        row, number = table.rows[index], index + 1
        found_words = words_label(_row_text(row))
        if found_words:
            budget.words = Words(budget.cell_where(number), *found_words)
        elif _is_total(table, index, col.get("stt")):
            budget.total_row, budget.total = number, read_figure(_text(table, index, col["thanh_tien"]))
        else:
            figures = [read_figure(_text(table, index, col[r])) for r in ("so_luong", "don_gia", "thanh_tien")]
            if not any(figures):
                budget.other_rows.append((number, " | ".join(c.clean for c in row if c.clean)))
                continue
            line = BudgetLine(number, _text(table, index, col.get("stt")), _text(table, index, col.get("ten")),
                              _text(table, index, col.get("don_vi_tinh")) or None, *figures,
                              _text(table, index, col.get("ghi_chu")))
            quantity, price, printed = (f.value if f else None for f in figures)
            if quantity is not None and price is not None:
                line.amount, line.priced = judge_line(quantity, price, printed, budget.delegates)
            budget.lines.append(line)


def _attendee_rows(attendees: AttendeeTable, start: int, columns: dict[str, int]) -> None:
    table = attendees.table
    stt, ten, count = columns.get("stt"), columns["ten"], columns["so_luong"]
    for index in range(start + 1, len(table.rows)):
        number = index + 1
        label, name, figure = _text(table, index, stt), _text(table, index, ten), read_figure(_text(table, index, count))
        if _is_total(table, index, stt):
            attendees.total_row, attendees.total = number, figure
        elif _roman(label):
            attendees.groups.append(Group(number, label, name, figure))
        elif label or figure:
            if not attendees.groups:  # a table without groups: its members form one, unnamed
                attendees.groups.append(Group(number, "", "", None))
            attendees.groups[-1].members.append(Member(number, label, name, figure))
        elif name:
            attendees.other_rows.append((number, " | ".join(c.clean for c in table.rows[index] if c.clean)))


def _roman(text: str) -> int | None:
    try:
        return parse_roman(text.rstrip("."))
    except ValueError:
        return None


def _stated_table(position: int, table: Table, where: str, start: int, columns: dict[str, int],
                  headers: dict[str, str]) -> StatedBudget:
    lines = [" | ".join(c.clean for c in row if c.clean) for row in table.rows]
    stated = StatedBudget(position, where, "\n".join(lines), table)
    for index in range(start + 1, len(table.rows)):
        number = index + 1
        cell_where = f"{where}, hàng {number}, cột {headers['thanh_tien']}"
        found_words = words_label(_row_text(table.rows[index]))
        if found_words:
            stated.words = Words(f"{where}, hàng {number}", *found_words)
        elif _is_total(table, index, columns.get("stt")):
            stated.total, stated.total_where = read_figure(_text(table, index, columns["thanh_tien"])), cell_where
        else:
            label, figure = _text(table, index, columns["nguon"]), read_figure(_text(table, index, columns["thanh_tien"]))
            if label and figure:
                stated.parts.append(StatedPart(label, figure, cell_where))
    return stated


# --- checks -----------------------------------------------------------------------------------

def _n(value: Number) -> str:
    return format_number(value)


class _Checker:
    """Walks the analysis, collecting findings; they are returned in document order."""

    def __init__(self, analysis: Analysis):
        self.analysis = analysis
        self.found: list[tuple[int, Finding]] = []
        self.position = 0
        self.table_totals: dict[int, Finding] = {}  # table position → the finding on its total

    @property
    def findings(self) -> list[Finding]:
        return [f for _, f in self.found]

    def add(self, code: str, where: str, found: str, expected: str, message: str,
            cause: list[Finding] | None = None, severity: str = "error") -> Finding:
        finding = Finding(code, severity, where, found, expected, message,
                          "; ".join(f.label for f in cause) if cause else None)
        self.found.append((self.position, finding))
        return finding

    def run(self) -> list[Finding]:
        a = self.analysis
        steps: list[tuple[int, Callable[[], None]]] = [(t.position, lambda t=t: self.budget(t)) for t in a.budget]
        steps += [(t.position, lambda t=t: self.attendees(t)) for t in a.attendees]
        steps += [(c.position, lambda c=c: self.count(c)) for c in a.counts]
        if a.stated:
            steps.append((a.stated.position, self.stated))
        for position, step in sorted(steps, key=lambda s: s[0]):
            self.position = position
            step()
        self.headings()
        return [f for _, f in sorted(self.found, key=lambda pf: pf[0])]

    # -- figures and numbering -----------------------------------------------------------------
    def figure(self, figure: Figure | None, where: str) -> None:
        if figure is None or figure.error is None:
            return
        err = figure.error
        if err.likely is not None:
            self.add("SO-SAI-DINH-DANG", where, figure.text, _n(err.likely),
                     f"Số “{figure.text}” viết sai: {err.reason}; có lẽ là {_n(err.likely)} "
                     "(các phép kiểm tra khác dùng giá trị này).")
        else:
            self.add("SO-SAI-DINH-DANG", where, figure.text, "số viết theo kiểu Việt Nam, ví dụ 1.250.000",
                     f"Số “{figure.text}” viết sai: {err.reason}; không đoán được giá trị nên bỏ qua các phép "
                     "kiểm tra cần đến số này.")

    def sequence(self, items: list[tuple[str, int | None, str]], show: Callable[[int], str], what: str) -> None:
        """Check that numbers run 1, 2, 3…, given (number as printed, its value or None, where)."""
        previous, seen = 0, set()
        for printed, value, where in items:
            if value is None:
                continue
            expected = previous + 1
            if value == expected:
                previous = value
            elif value in seen:
                self.add("DANH-SO-LAP", where, printed, show(expected),
                         f"Số thứ tự {what} {printed} bị lặp lại; đúng là {show(expected)}.")
                previous = expected
            else:
                missing = f"thiếu {show(expected)}" if value > expected else f"sau {show(previous)} phải là {show(expected)}"
                start = f"từ {show(previous)}" if previous else "từ đầu"
                self.add("DANH-SO-NHAY", where, printed, show(expected),
                         f"Số thứ tự {what} nhảy {start} sang {printed} ({missing}).")
                previous = value
            seen.add(value)

    def headings(self) -> None:
        """Mục I, II… up to the appendices; khoản 1, 2… under each Mục and under each appendix title."""
        runs: list[tuple[str, list[Heading]]] = [("muc", [])]
        for h in self.analysis.headings:
            if h.kind == "phu_luc":
                runs.append(("khoan", []))
            elif h.kind == "muc":
                runs[0][1].append(h)
                runs.append(("khoan", []))
            elif runs[-1][0] == "khoan":
                runs[-1][1].append(h)
        for kind, run in runs:
            items = [(h.number, _roman(h.number) if kind == "muc" else int(h.number), h.where) for h in run]
            before = len(self.found)
            self.sequence(items, roman if kind == "muc" else str, "mục" if kind == "muc" else "khoản")
            positions = {h.where: h.position for h in run}  # each finding sits at its own heading
            self.found[before:] = [(positions[f.where], f) for _, f in self.found[before:]]

    # -- budget tables -------------------------------------------------------------------------
    def budget(self, t: BudgetTable) -> None:
        wrong: list[Finding] = []
        stt = [(line.stt, int(line.stt) if line.stt.isdigit() else None, t.cell_where(line.row, "stt"))
               for line in t.lines] if "stt" in t.columns else []
        self.sequence(stt, str, "dòng")
        for line in t.lines:
            for role in ("so_luong", "don_gia", "thanh_tien"):
                self.figure(getattr(line, role), t.cell_where(line.row, role))
            finding = self.product(t, line)
            if finding and line.amount != (line.thanh_tien.value if line.thanh_tien else None):
                wrong.append(finding)
        self.total(t, wrong)

    def product(self, t: BudgetTable, line: BudgetLine) -> Finding | None:
        figures = (line.so_luong, line.don_gia, line.thanh_tien)
        if None in figures or None in (f.value for f in figures):
            return None
        quantity, price, printed = (f.value for f in figures)
        if quantity * price == printed:
            return None
        where = t.cell_where(line.row, "thanh_tien")
        product = f"{_n(quantity)} × {_n(price)} = {_n(quantity * price)}"
        if line.priced is not None:
            unit = "một đơn vị (giá trọn gói, như một chuyến xe)" if line.priced == 1 else f"{_n(line.priced)} đơn vị"
            return self.add(
                "SAI-THANH-TIEN", where, _n(printed), f"số lượng {_n(line.priced)} (thành tiền {_n(printed)} giữ nguyên)",
                f"Cột “{t.headers['so_luong']}” ghi số đại biểu ({_n(quantity)}), không phải số lượng được tính tiền: "
                f"{product} ≠ {_n(printed)}. Thành tiền in bằng {_n(line.priced)} × {_n(price)}, tức giá của {unit}: "
                f"ghi số lượng {_n(line.priced)} với đơn vị tính phù hợp và chuyển số đại biểu sang Ghi chú. "
                f"Các phép cộng dùng thành tiền in {_n(printed)}.")
        return self.add("SAI-THANH-TIEN", where, _n(printed), _n(quantity * price),
                        f"Thành tiền phải bằng số lượng × đơn giá: {product}, nhưng in {_n(printed)}.")

    def total(self, t: BudgetTable, wrong: list[Finding]) -> None:
        printed_sum, correct = t.printed_sum, t.correct_sum
        total_finding = None
        if t.total is not None and t.total_row is not None:
            where = t.cell_where(t.total_row, "thanh_tien")
            self.figure(t.total, where)
            total_finding = self.sum_check(t.total, printed_sum, correct, wrong, where, "SAI-TONG",
                                           "Tổng cộng", "các dòng của bảng")
            if total_finding:
                self.table_totals[t.position] = total_finding
        shown = t.total.value if t.total else printed_sum
        self.words(t.words, shown, correct, total_finding)

    def sum_check(self, total: Figure, printed_sum: Number | None, correct: Number | None, wrong: list[Finding],
                  where: str, code: str, what: str, parts: str) -> Finding | None:
        """The two total checks of the policy; returns the last finding made (None if the total is right)."""
        value = total.value
        if value is None or printed_sum is None:
            return None
        finding = None
        if value != printed_sum and value != correct:
            finding = self.add(code, where, _n(value), _n(printed_sum),
                               f"{what} in {_n(value)} nhưng cộng {parts} như đã in được {_n(printed_sum)} (cộng sai).")
        if correct is None or value == correct or correct == printed_sum:
            return finding
        if value == printed_sum:
            return self.add(code, where, _n(value), _n(correct),
                            f"{what} {_n(value)} bằng tổng {parts} như đã in, nhưng trong đó có số sai: cộng các số "
                            f"đúng được {_n(correct)}.", cause=wrong)
        return self.add(code, where, _n(value), _n(correct),
                        f"{what} in {_n(value)}; cộng {parts} với các số đúng được {_n(correct)}.")

    def words(self, words: Words | None, shown: Number | None, correct: Number | None, figure_finding: Finding | None) -> None:
        if words is None:
            return
        if fold(words.label) != "bằng chữ":
            self.add("CHINH-TA-BANG-CHU", words.where, words.label, "Bằng chữ",
                     f"Viết sai “{words.label}”; đúng là “Bằng chữ”.", severity="warning")
        right = correct if correct is not None else shown
        if right is None:
            return
        expected = amount_in_words(int(right), convention_of(words.text)) if right == int(right) else _n(right)
        try:
            value = words_to_number(words.text)
        except ValueError as exc:
            self.add("SAI-BANG-CHU", words.where, words.text, expected, f"Không đọc được số tiền bằng chữ: {exc}.")
            return
        if value == right:
            return
        if shown is not None and value != shown:
            also = f"; số đó cũng sai, đúng là {_n(right)}" if right != shown else ""
            self.add("SAI-BANG-CHU", words.where, f"{words.text} (= {_n(value)})", expected,
                     f"Số tiền bằng chữ ({_n(value)}) không khớp với số in ở trên ({_n(shown)}){also}.")
        else:
            self.add("SAI-BANG-CHU", words.where, f"{words.text} (= {_n(value)})", expected,
                     f"Bằng chữ khớp với số in ({_n(value)}) nhưng số đó sai: đúng là {_n(right)}; sửa cả hai.",
                     cause=[figure_finding] if figure_finding else None)

    # -- attendees -----------------------------------------------------------------------------
    def attendees(self, t: AttendeeTable) -> None:
        self.sequence([(g.numeral, _roman(g.numeral), t.cell_where(g.row, "stt")) for g in t.groups], roman, "nhóm")
        wrong = []
        for g in t.groups:
            self.figure(g.subtotal, t.cell_where(g.row, "so_luong"))
            members = [(m.stt, int(m.stt) if m.stt.isdigit() else None, t.cell_where(m.row, "stt")) for m in g.members]
            self.sequence(members, str, f"trong nhóm {g.numeral}")
            for m in g.members:
                self.figure(m.so_luong, t.cell_where(m.row, "so_luong"))
            total = g.members_sum
            if g.subtotal and g.subtotal.value is not None and total is not None and g.subtotal.value != total:
                wrong.append(self.add("SAI-TONG-NHOM", t.cell_where(g.row, "so_luong"), _n(g.subtotal.value), _n(total),
                                      f"Tổng nhóm {g.numeral} in {_n(g.subtotal.value)} nhưng cộng các đơn vị trong "
                                      f"nhóm được {_n(total)}."))
        if t.total is not None and t.total_row is not None:
            where = t.cell_where(t.total_row, "so_luong")
            self.figure(t.total, where)
            subtotals = [g.subtotal.value if g.subtotal else g.members_sum for g in t.groups]  # a group may print none
            printed_sum = None if None in subtotals or not subtotals else sum(subtotals)
            self.sum_check(t.total, printed_sum, t.members_sum, wrong, where, "SAI-TONG", "Tổng cộng", "các nhóm")

    def count(self, c: StatedCount) -> None:
        if len(self.analysis.attendees) != 1:
            return
        t = self.analysis.attendees[0]
        total = t.members_sum
        if total is None or total == c.value:
            return
        label = t.where.split("(")[-1].rstrip(")") if "(" in t.where else t.where
        kind = "ghi khoảng" if c.approximate else "ghi"
        self.add("LECH-SO-NGUOI", c.where, c.text, f"{_n(total)} người ({label})",
                 f"Số người tham dự {kind} {_n(c.value)} trong khi {label} cộng được {_n(total)}; nên ghi đúng số "
                 "của phụ lục.", severity="warning")

    # -- grand total and the split by source -----------------------------------------------------
    def stated(self) -> None:
        a, s = self.analysis, self.analysis.stated
        tables = a.budget
        printed = [t.total.value if t.total and t.total.value is not None else t.printed_sum for t in tables]
        correct = [t.correct_sum for t in tables]
        printed_sum = None if None in printed or not tables else sum(printed)
        correct_sum = None if None in correct or not tables else sum(correct)
        grand_finding = None
        if s.total is not None:
            self.figure(s.total, s.total_where)
            causes = [self.table_totals[t.position] for t in tables if t.position in self.table_totals]
            grand_finding = self.sum_check(s.total, printed_sum, correct_sum, causes, s.total_where,
                                           "SAI-TONG-KINH-PHI", "Tổng kinh phí", "các bảng")
        shown = s.total.value if s.total else None
        self.words(s.words, shown, correct_sum, grand_finding)
        if s.parts and tables:
            self.split(s, tables)

    def split(self, s: StatedBudget, tables: list[BudgetTable]) -> None:
        names = [p.label for p in s.parts]
        notes = {(t.position, line.row): note_source(line.ghi_chu, names) for t in tables for line in t.lines}
        rest = default_source(names, {n for n in notes.values() if n})
        rest_name = rest or "các dòng không ghi nguồn"
        lines: dict[str, list[tuple[BudgetTable, BudgetLine]]] = {}
        for t in tables:
            for line in t.lines:
                lines.setdefault(notes[(t.position, line.row)] or rest_name, []).append((t, line))
        assumption = (f"Dòng không ghi nguồn ở cột Ghi chú được tính vào “{rest_name}”." if rest else
                      "Dòng không ghi nguồn ở cột Ghi chú không gắn được với phần nào của phân bổ.")
        for part in s.parts:
            self.figure(part.figure, part.where)
            members = lines.pop(part.label, [])
            self.part(part, members, tables, assumption)
        for name, members in lines.items():
            correct = _sum(line.amount for _, line in members)
            if correct:
                self.add("SAI-PHAN-BO-NGUON", s.where, "không có", f"{name}: {_n(correct)}",
                         f"Nguồn “{name}” ({_list(members)}) không có trong phần phân bổ theo nguồn. {assumption}")

    def part(self, part: StatedPart, members: list[tuple[BudgetTable, BudgetLine]], tables: list[BudgetTable],
             assumption: str) -> None:
        value = part.figure.value
        correct = _sum(line.amount for _, line in members)
        printed = _sum(line.thanh_tien.value if line.thanh_tien else None for _, line in members)
        if value is None or correct is None or value == correct:
            return
        detail = f"các dòng của nguồn này cộng được {_n(correct)} ({_list(members) or 'không có dòng nào'}). {assumption}"
        if value == printed:
            causes = [f for f in self.findings if f.code == "SAI-THANH-TIEN"
                      and any(f.where == t.cell_where(line.row, "thanh_tien") for t, line in members)]
            self.add("SAI-PHAN-BO-NGUON", part.where, _n(value), _n(correct),
                     f"“{part.label}” ghi {_n(value)}, bằng tổng các dòng như đã in, nhưng có dòng sai: {detail}",
                     cause=causes)
            return
        hint = _whole_table_hint(value - correct, part.label, members, tables)
        self.add("SAI-PHAN-BO-NGUON", part.where, _n(value), _n(correct),
                 f"“{part.label}” ghi {_n(value)} nhưng {detail}{hint}")


def _sum(values) -> Number | None:
    values = list(values)
    return None if None in values else sum(values)


def _list(members: list[tuple[BudgetTable, BudgetLine]]) -> str:
    """The lines of a source: with their amounts when few, else as rows per table."""
    if len(members) <= 4:
        return "; ".join(f"{_table_name(t)} hàng {line.row}: {_n(line.amount)}" for t, line in members
                         if line.amount is not None)
    rows: dict[str, list[str]] = {}
    for t, line in members:
        rows.setdefault(_table_name(t), []).append(str(line.row))
    return "; ".join(f"{name} hàng {', '.join(numbers)}" for name, numbers in rows.items())


def _table_name(t: BudgetTable) -> str:
    return t.where.split(" (")[0]


def _whole_table_hint(difference: Number, label: str, members: list[tuple[BudgetTable, BudgetLine]],
                      tables: list[BudgetTable]) -> str:
    """When the difference is exactly the un-noted lines of a table one of whose lines names the source."""
    for t in tables:
        if not any(m is t for m, _ in members):
            continue
        others = [line for line in t.lines if all(line is not l2 for _, l2 in members)]
        if others and not any(line.ghi_chu for line in others) and _sum(line.amount for line in others) == difference:
            return (f" Chênh lệch {_n(difference)} đúng bằng các dòng không ghi chú của {t.where}: có lẽ ghi chú ở "
                    f"dòng đầu được hiểu cho cả bảng; nếu vậy hãy ghi nguồn cho từng dòng.")
    return ""


# --- entry points -----------------------------------------------------------------------------

def check(analysis: Analysis) -> list[Finding]:
    """Every finding of an analysed document, in document order."""
    return _Checker(analysis).run()


def audit_document(path: str | Path) -> AuditReport:
    """Read, analyse and check a .docx; raises docread.DocumentError if it cannot be read."""
    document = read_document(path)
    return AuditReport(str(path), check(analyse(document)))


def states_figures(text: str) -> bool:
    """Whether a paragraph holds what `analyse` checks against the tables: a stated total (and its
    split) or a number of attendees."""
    return bool(_GRAND_TOTAL.search(text) or STATED_COUNT.search(text))


def audit_analysis(data: bytes, name: str) -> tuple[Analysis, list[Finding]]:
    """The analysis and findings of a .docx held in memory (`build` checks what it produced)."""
    analysis = analyse(read_document_bytes(data, name))
    return analysis, check(analysis)


__all__ = [
    "Analysis", "AuditReport", "AttendeeTable", "BudgetLine", "BudgetTable", "Figure", "Finding", "Group",
    "StatedBudget", "StatedCount", "analyse", "appendix_title", "audit_analysis", "audit_document", "check", "states_figures", "convention_of",
    "default_source", "judge_line", "note_source", "read_figure", "words_label",
]
