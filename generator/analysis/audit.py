"""`vanban audit`: the arithmetic, figure-format and numbering errors of a plan typed by hand.

Reading is `docread`'s, recognising what the document holds `recognise`'s (`analyse`); this module
checks it (`check`); `generator.cli.audit` prints the report. `vanban import` reuses the analysis, so an
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

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from generator.analysis.docread import fold, read_document, read_document_bytes
from generator.analysis.recognise import (
    Analysis,
    AttendeeTable,
    BudgetLine,
    BudgetTable,
    Figure,
    Group,
    Heading,
    Number,
    StatedBudget,
    StatedCount,
    StatedPart,
    Words,
    analyse,
    appendix_title,
    convention_of,
    default_source,
    judge_line,
    note_source,
    read_figure,
    roman_value,
    words_label,
)
from generator.compute.figures import round_dong
from generator.vi import amount_in_words, format_number, roman, words_to_number

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

    def add(
        self,
        code: str,
        where: str,
        found: str,
        expected: str,
        message: str,
        cause: list[Finding] | None = None,
        severity: str = "error",
    ) -> Finding:
        finding = Finding(
            code, severity, where, found, expected, message, "; ".join(f.label for f in cause) if cause else None
        )
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
            self.add(
                "SO-SAI-DINH-DANG",
                where,
                figure.text,
                _n(err.likely),
                f"Số “{figure.text}” viết sai: {err.reason}; có lẽ là {_n(err.likely)} "
                "(các phép kiểm tra khác dùng giá trị này).",
            )
        else:
            self.add(
                "SO-SAI-DINH-DANG",
                where,
                figure.text,
                "số viết theo kiểu Việt Nam, ví dụ 1.250.000",
                f"Số “{figure.text}” viết sai: {err.reason}; không đoán được giá trị nên bỏ qua các phép "
                "kiểm tra cần đến số này.",
            )

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
                self.add(
                    "DANH-SO-LAP",
                    where,
                    printed,
                    show(expected),
                    f"Số thứ tự {what} {printed} bị lặp lại; đúng là {show(expected)}.",
                )
                previous = expected
            else:
                missing = (
                    f"thiếu {show(expected)}" if value > expected else f"sau {show(previous)} phải là {show(expected)}"
                )
                start = f"từ {show(previous)}" if previous else "từ đầu"
                self.add(
                    "DANH-SO-NHAY",
                    where,
                    printed,
                    show(expected),
                    f"Số thứ tự {what} nhảy {start} sang {printed} ({missing}).",
                )
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
            items = [(h.number, roman_value(h.number) if kind == "muc" else int(h.number), h.where) for h in run]
            before = len(self.found)
            self.sequence(items, roman if kind == "muc" else str, "mục" if kind == "muc" else "khoản")
            positions = {h.where: h.position for h in run}  # each finding sits at its own heading
            self.found[before:] = [(positions[f.where], f) for _, f in self.found[before:]]

    # -- budget tables -------------------------------------------------------------------------
    def budget(self, t: BudgetTable) -> None:
        wrong: list[Finding] = []
        stt = (
            [
                (line.stt, int(line.stt) if line.stt.isdigit() else None, t.cell_where(line.row, "stt"))
                for line in t.lines
            ]
            if "stt" in t.columns
            else []
        )
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
        if round_dong(quantity * line.factor * price) == printed:
            return None  # (money is rounded to whole đồng, half up)
        where = t.cell_where(line.row, "thanh_tien")
        factors = f" × {_n(line.factor)}" if line.factor != 1 else ""
        product = f"{_n(quantity)}{factors} × {_n(price)} = {_n(quantity * line.factor * price)}"
        if line.priced is not None:
            unit = "một đơn vị (giá trọn gói, như một chuyến xe)" if line.priced == 1 else f"{_n(line.priced)} đơn vị"
            return self.add(
                "SAI-THANH-TIEN",
                where,
                _n(printed),
                f"số lượng {_n(line.priced)} (thành tiền {_n(printed)} giữ nguyên)",
                f"Cột “{t.headers['so_luong']}” ghi số đại biểu ({_n(quantity)}), không phải số lượng được tính tiền: "
                f"{product} ≠ {_n(printed)}. Thành tiền in bằng {_n(line.priced)} × {_n(price)}, tức giá của {unit}: "
                f"ghi số lượng {_n(line.priced)} với đơn vị tính phù hợp và chuyển số đại biểu sang Ghi chú. "
                f"Các phép cộng dùng thành tiền in {_n(printed)}.",
            )
        return self.add(
            "SAI-THANH-TIEN",
            where,
            _n(printed),
            _n(round_dong(quantity * line.factor * price)),
            f"Thành tiền phải bằng số lượng × đơn giá: {product}, nhưng in {_n(printed)}.",
        )

    def total(self, t: BudgetTable, wrong: list[Finding]) -> None:
        printed_sum, correct = t.printed_sum, t.correct_sum
        total_finding = None
        if t.total is not None and t.total_row is not None:
            where = t.cell_where(t.total_row, "thanh_tien")
            self.figure(t.total, where)
            total_finding = self.sum_check(
                t.total, printed_sum, correct, wrong, where, "SAI-TONG", "Tổng cộng", "các dòng của bảng"
            )
            if total_finding:
                self.table_totals[t.position] = total_finding
        shown = t.total.value if t.total else printed_sum
        self.words(t.words, shown, correct, total_finding)

    def sum_check(
        self,
        total: Figure,
        printed_sum: Number | None,
        correct: Number | None,
        wrong: list[Finding],
        where: str,
        code: str,
        what: str,
        parts: str,
    ) -> Finding | None:
        """The two total checks of the policy; returns the last finding made (None if the total is right)."""
        value = total.value
        if value is None or printed_sum is None:
            return None
        finding = None
        if value != printed_sum and value != correct:
            finding = self.add(
                code,
                where,
                _n(value),
                _n(printed_sum),
                f"{what} in {_n(value)} nhưng cộng {parts} như đã in được {_n(printed_sum)} (cộng sai).",
            )
        if correct is None or value == correct or correct == printed_sum:
            return finding
        if value == printed_sum:
            return self.add(
                code,
                where,
                _n(value),
                _n(correct),
                f"{what} {_n(value)} bằng tổng {parts} như đã in, nhưng trong đó có số sai: cộng các số "
                f"đúng được {_n(correct)}.",
                cause=wrong,
            )
        return self.add(
            code,
            where,
            _n(value),
            _n(correct),
            f"{what} in {_n(value)}; cộng {parts} với các số đúng được {_n(correct)}.",
        )

    def words(
        self, words: Words | None, shown: Number | None, correct: Number | None, figure_finding: Finding | None
    ) -> None:
        if words is None:
            return
        if fold(words.label) != "bằng chữ":
            self.add(
                "CHINH-TA-BANG-CHU",
                words.where,
                words.label,
                "Bằng chữ",
                f"Viết sai “{words.label}”; đúng là “Bằng chữ”.",
                severity="warning",
            )
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
            self.add(
                "SAI-BANG-CHU",
                words.where,
                f"{words.text} (= {_n(value)})",
                expected,
                f"Số tiền bằng chữ ({_n(value)}) không khớp với số in ở trên ({_n(shown)}){also}.",
            )
        else:
            self.add(
                "SAI-BANG-CHU",
                words.where,
                f"{words.text} (= {_n(value)})",
                expected,
                f"Bằng chữ khớp với số in ({_n(value)}) nhưng số đó sai: đúng là {_n(right)}; sửa cả hai.",
                cause=[figure_finding] if figure_finding else None,
            )

    # -- attendees -----------------------------------------------------------------------------
    def attendees(self, t: AttendeeTable) -> None:
        self.sequence(
            [(g.numeral, roman_value(g.numeral), t.cell_where(g.row, "stt")) for g in t.groups], roman, "nhóm"
        )
        wrong = []
        for g in t.groups:
            self.figure(g.subtotal, t.cell_where(g.row, "so_luong"))
            members = [(m.stt, int(m.stt) if m.stt.isdigit() else None, t.cell_where(m.row, "stt")) for m in g.members]
            self.sequence(members, str, f"trong nhóm {g.numeral}")
            for m in g.members:
                self.figure(m.so_luong, t.cell_where(m.row, "so_luong"))
            total = g.members_sum
            if g.subtotal and g.subtotal.value is not None and total is not None and g.subtotal.value != total:
                wrong.append(
                    self.add(
                        "SAI-TONG-NHOM",
                        t.cell_where(g.row, "so_luong"),
                        _n(g.subtotal.value),
                        _n(total),
                        f"Tổng nhóm {g.numeral} in {_n(g.subtotal.value)} nhưng cộng các đơn vị trong "
                        f"nhóm được {_n(total)}.",
                    )
                )
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
        self.add(
            "LECH-SO-NGUOI",
            c.where,
            c.text,
            f"{_n(total)} người ({label})",
            f"Số người tham dự {kind} {_n(c.value)} trong khi {label} cộng được {_n(total)}; nên ghi đúng số "
            "của phụ lục.",
            severity="warning",
        )

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
            grand_finding = self.sum_check(
                s.total,
                printed_sum,
                correct_sum,
                causes,
                s.total_where,
                "SAI-TONG-KINH-PHI",
                "Tổng kinh phí",
                "các bảng",
            )
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
        assumption = (
            f"Dòng không ghi nguồn ở cột Ghi chú được tính vào “{rest_name}”."
            if rest
            else "Dòng không ghi nguồn ở cột Ghi chú không gắn được với phần nào của phân bổ."
        )
        for part in s.parts:
            self.figure(part.figure, part.where)
            members = lines.pop(part.label, [])
            self.part(part, members, tables, assumption)
        for name, members in lines.items():
            correct = _sum(line.amount for _, line in members)
            if correct:
                self.add(
                    "SAI-PHAN-BO-NGUON",
                    s.where,
                    "không có",
                    f"{name}: {_n(correct)}",
                    f"Nguồn “{name}” ({_list(members)}) không có trong phần phân bổ theo nguồn. {assumption}",
                )

    def part(
        self,
        part: StatedPart,
        members: list[tuple[BudgetTable, BudgetLine]],
        tables: list[BudgetTable],
        assumption: str,
    ) -> None:
        value = part.figure.value
        correct = _sum(line.amount for _, line in members)
        printed = _sum(line.thanh_tien.value if line.thanh_tien else None for _, line in members)
        if value is None or correct is None or value == correct:
            return
        detail = (
            f"các dòng của nguồn này cộng được {_n(correct)} ({_list(members) or 'không có dòng nào'}). {assumption}"
        )
        if value == printed:
            causes = [
                f
                for f in self.findings
                if f.code == "SAI-THANH-TIEN"
                and any(f.where == t.cell_where(line.row, "thanh_tien") for t, line in members)
            ]
            self.add(
                "SAI-PHAN-BO-NGUON",
                part.where,
                _n(value),
                _n(correct),
                f"“{part.label}” ghi {_n(value)}, bằng tổng các dòng như đã in, nhưng có dòng sai: {detail}",
                cause=causes,
            )
            return
        hint = _whole_table_hint(value - correct, part.label, members, tables)
        self.add(
            "SAI-PHAN-BO-NGUON",
            part.where,
            _n(value),
            _n(correct),
            f"“{part.label}” ghi {_n(value)} nhưng {detail}{hint}",
        )


def _sum(values) -> Number | None:
    values = list(values)
    return None if None in values else sum(values)


def _list(members: list[tuple[BudgetTable, BudgetLine]]) -> str:
    """The lines of a source: with their amounts when few, else as rows per table."""
    if len(members) <= 4:
        return "; ".join(
            f"{_table_name(t)} hàng {line.row}: {_n(line.amount)}" for t, line in members if line.amount is not None
        )
    rows: dict[str, list[str]] = {}
    for t, line in members:
        rows.setdefault(_table_name(t), []).append(str(line.row))
    return "; ".join(f"{name} hàng {', '.join(numbers)}" for name, numbers in rows.items())


def _table_name(t: BudgetTable) -> str:
    return t.where.split(" (")[0]


def _whole_table_hint(
    difference: Number, label: str, members: list[tuple[BudgetTable, BudgetLine]], tables: list[BudgetTable]
) -> str:
    """When the difference is exactly the un-noted lines of a table one of whose lines names the source."""
    for t in tables:
        if not any(m is t for m, _ in members):
            continue
        others = [line for line in t.lines if all(line is not l2 for _, l2 in members)]
        if others and not any(line.ghi_chu for line in others) and _sum(line.amount for line in others) == difference:
            return (
                f" Chênh lệch {_n(difference)} đúng bằng các dòng không ghi chú của {t.where}: có lẽ ghi chú ở "
                f"dòng đầu được hiểu cho cả bảng; nếu vậy hãy ghi nguồn cho từng dòng."
            )
    return ""


# --- entry points -----------------------------------------------------------------------------


def check(analysis: Analysis) -> list[Finding]:
    """Every finding of an analysed document, in document order."""
    return _Checker(analysis).run()


def audit_document(path: str | Path) -> AuditReport:
    """Read, analyse and check a .docx; raises docread.DocumentError if it cannot be read."""
    document = read_document(path)
    return AuditReport(str(path), check(analyse(document)))


def audit_analysis(data: bytes, name: str) -> tuple[Analysis, list[Finding]]:
    """The analysis and findings of a .docx held in memory (`build` checks what it produced)."""
    analysis = analyse(read_document_bytes(data, name))
    return analysis, check(analysis)


__all__ = [
    "Analysis",
    "AuditReport",
    "AttendeeTable",
    "BudgetLine",
    "BudgetTable",
    "Figure",
    "Finding",
    "Group",
    "StatedBudget",
    "StatedCount",
    "analyse",
    "appendix_title",
    "audit_analysis",
    "audit_document",
    "check",
    "convention_of",
    "default_source",
    "judge_line",
    "note_source",
    "read_figure",
    "words_label",
]
