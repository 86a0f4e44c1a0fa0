"""What a plan typed by hand holds, recognised from the document view (shared by audit and import).

Budget tables (lines, totals, "Bằng chữ"), attendee tables (groups, members, subtotals), the stated
grand total and its split by funding source, headings (Mục, khoản, Phụ lục) and stated head counts,
each with where it is. Nothing here judges: `generator.analysis.audit` checks what is found (its
docstring states the policy), `generator.analysis.importer` turns it into plan data.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from generator.analysis.docread import Cell, DocumentText, Paragraph, Table, clean, fold
from generator.compute.figures import round_dong
from generator.vi import FigureError, WordConvention, parse_figure, parse_roman, roman

Number = int | Decimal

#: Folded header text (without "(đồng)") → the column's role.
HEADER_ROLES = {
    "stt": "stt",
    "tt": "stt",
    "số tt": "stt",
    "số thứ tự": "stt",
    "nội dung": "ten",
    "nội dung chi": "ten",
    "hạng mục": "ten",
    "đơn vị": "ten",
    "tên đơn vị": "ten",
    "thành phần": "ten",
    "nguồn kinh phí": "nguon",
    "nguồn": "nguon",
    "đơn vị tính": "don_vi_tinh",
    "đvt": "don_vi_tinh",
    "số lượng": "so_luong",
    "số lượng đại biểu": "so_luong",
    "số đại biểu": "so_luong",
    "số người": "so_luong",
    "sl": "so_luong",
    "đơn giá": "don_gia",
    "mức chi": "don_gia",
    "thành tiền": "thanh_tien",
    "số tiền": "thanh_tien",
    "kinh phí": "thanh_tien",
    "ghi chú": "ghi_chu",
}
_CURRENCY_NOTE = re.compile(r"\s*\((?:đồng|vnđ|vnd|đ)\)\s*$")
#: Headers of multiplier columns of a budget table (amount = quantity × multipliers × price).
MULTIPLIER_HEADER = re.compile(r"^(?:số (?:ngày|buổi|tháng|lần|đêm|lượt|kỳ|khóa|lớp|đợt|năm|tuần)|hệ số)$")
_BANG = r"b[ằảăắa]ng"  # "Bằng", and its misspellings ("Bảng chữ")
_WORDS_LABEL = re.compile(rf"^\s*({_BANG})\s+chữ\s*:?\s*", re.IGNORECASE)
_TOTAL_LABEL = re.compile(r"^(tổng|cộng\b)")
#: Words that make a Ghi chú a funding source, the first ones precise enough to match a split part.
SOURCE_WORDS = ("xã hội hóa", "tự chủ", "tài trợ", "viện trợ", "ngân sách")
_SOURCE_HINTS = SOURCE_WORDS + ("kinh phí", "nguồn", "vốn")
_FIGURE_TEXT = r"\d[\d.,]*\d|\d"
_GRAND_TOTAL = re.compile(
    rf"tổng (?:kinh phí|cộng kinh phí|dự toán)[^:]{{0,80}}:\s*(?P<fig>{_FIGURE_TEXT})", re.IGNORECASE
)
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
    factor: Number = 1  # the product of the row's multiplier columns (Số ngày, Số buổi …)


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
    return clean(text)[: match.end(1)] + " chữ", clean(text)[match.end() :]


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


def judge_line(
    quantity: Number, price: Number, printed: Number | None, delegates: bool
) -> tuple[Number, Number | None]:
    """(correct amount, quantity priced or None) of a line, by the policy above."""
    product = quantity * price
    if printed is None or printed == product or not delegates or not price:
        return product, None
    units, rest = divmod(printed, price)
    if rest == 0 and units >= 1:
        return printed, units
    return product, None


#: The two regional conventions; a choice the texts do not show is taken from the one they do show.
_REGIONS = ({"linh": "linh", "nghin": "nghìn"}, {"linh": "lẻ", "nghin": "ngàn"})


def convention_of(*texts: str) -> WordConvention:
    """The reading convention "Bằng chữ" texts use, to answer in kind: one a clerk writes.

    Each choice the texts show is kept (the most frequent when they disagree): lẻ/linh, ngàn/nghìn,
    "mươi bốn"/"mươi tư", "đồng chẵn". lẻ/linh or ngàn/nghìn, when only one of them shows, is
    completed the regional way (ngàn with lẻ, nghìn with linh), never mixed by default.
    """
    tokens = [w for text in texts for w in fold(text).replace(".", " ").split()]
    shown: dict[str, str] = {}
    for axis, words in (("linh", ("linh", "lẻ")), ("nghin", ("nghìn", "ngàn"))):
        counts = Counter(w for w in tokens if w in words)
        if counts and len(set(counts.values())) == len(counts):  # no tie
            shown[axis] = counts.most_common(1)[0][0]
    region = next((r for r in _REGIONS if any(r[axis] == word for axis, word in shown.items())), _REGIONS[0])
    pairs = Counter(b for a, b in zip(tokens, tokens[1:]) if a == "mươi" and b in ("tư", "bốn"))
    tu = "bốn" if pairs["bốn"] > pairs["tư"] else "tư"
    return WordConvention(
        linh=shown.get("linh", region["linh"]), nghin=shown.get("nghin", region["nghin"]), tu=tu, chan="chẵn" in tokens
    )


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
    if muc and not appendix and roman_value(muc.group("num")) and (_bold(paragraph) or muc.group("title").isupper()):
        analysis.headings.append(Heading(position, where, "muc", muc.group("num")))
    khoan = _KHOAN.match(text)
    if khoan:
        analysis.headings.append(Heading(position, where, "khoan", khoan.group("num")))
    count = STATED_COUNT.search(text)
    if count and count.group("fig"):
        figure = read_figure(count.group("fig"))
        if figure and figure.value is not None:
            analysis.counts.append(
                StatedCount(
                    position,
                    where,
                    clean(f"{count.group('count')} {count.group('unit')}"),
                    figure.value,
                    bool(count.group("about")),
                )
            )
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
            folded = _CURRENCY_NOTE.sub("", fold(cell.text)).rstrip(": ")
            role = HEADER_ROLES.get(folded) or (f"he_so_{cell.column}" if MULTIPLIER_HEADER.match(folded) else None)
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
        budget = BudgetTable(
            position, table, where, title, columns, headers, "đại biểu" in quantity_header or "người" in quantity_header
        )
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
            line = BudgetLine(
                number,
                _text(table, index, col.get("stt")),
                _text(table, index, col.get("ten")),
                _text(table, index, col.get("don_vi_tinh")) or None,
                *figures,
                _text(table, index, col.get("ghi_chu")),
            )
            quantity, price, printed = (f.value if f else None for f in figures)
            factors = [read_figure(_text(table, index, c)) for r, c in col.items() if r.startswith("he_so_")]
            for factor in factors:
                line.factor = line.factor * factor.value if factor and factor.value is not None else line.factor
            if quantity is not None and price is not None:
                line.amount, line.priced = judge_line(quantity * line.factor, price, printed, budget.delegates)
                line.amount = round_dong(line.amount)
            budget.lines.append(line)


def _attendee_rows(attendees: AttendeeTable, start: int, columns: dict[str, int]) -> None:
    table = attendees.table
    stt, ten, count = columns.get("stt"), columns["ten"], columns["so_luong"]
    for index in range(start + 1, len(table.rows)):
        number = index + 1
        label, name, figure = (
            _text(table, index, stt),
            _text(table, index, ten),
            read_figure(_text(table, index, count)),
        )
        if _is_total(table, index, stt):
            attendees.total_row, attendees.total = number, figure
        elif roman_value(label):
            attendees.groups.append(Group(number, label, name, figure))
        elif label or figure:
            if not attendees.groups:  # a table without groups: its members form one, unnamed
                attendees.groups.append(Group(number, "", "", None))
            attendees.groups[-1].members.append(Member(number, label, name, figure))
        elif name:
            attendees.other_rows.append((number, " | ".join(c.clean for c in table.rows[index] if c.clean)))


def roman_value(text: str) -> int | None:
    try:
        return parse_roman(text.rstrip("."))
    except ValueError:
        return None


def _stated_table(
    position: int, table: Table, where: str, start: int, columns: dict[str, int], headers: dict[str, str]
) -> StatedBudget:
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
            label, figure = (
                _text(table, index, columns["nguon"]),
                read_figure(_text(table, index, columns["thanh_tien"])),
            )
            if label and figure:
                stated.parts.append(StatedPart(label, figure, cell_where))
    return stated


def states_figures(text: str) -> bool:
    """Whether a paragraph holds what `analyse` checks against the tables: a stated total (and its
    split) or a number of attendees."""
    return bool(_GRAND_TOTAL.search(text) or STATED_COUNT.search(text))
