"""`vanban import`, the appendices: the attendee table → phu_luc_1, the budget tables → phu_luc_2
with their funding sources (see `generator.analysis.importer` for the placement rules)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.analysis.docread import Paragraph, clean, fold
from generator.analysis.recognise import (
    AttendeeTable,
    BudgetLine,
    BudgetTable,
    appendix_title,
    default_source,
    note_source,
)
from generator.analysis.yamltext import TODO, comment_before, figure_text, flow, quoted, whole
from generator.vi import roman, words_to_number

_SOURCE_IDS = (
    ("xã hội hóa", "xa_hoi_hoa"),
    ("tự chủ", "tu_chu"),
    ("tài trợ", "tai_tro"),
    ("viện trợ", "vien_tro"),
    ("ngân sách", "ngan_sach"),
)
_NAMED_BUDGET = re.compile(r"(?i)nguồn(?: kinh phí)?\s*:?\s*(?:từ\s+)?((?-i:N|n)gân sách(?:(?! năm )[^,.;:()\n])*)")
KHOAN = re.compile(r"^(?P<num>\d{1,2})\.(?!\d)\s*(?P<rest>\S.*)$", re.DOTALL)  # "1. …", not "1.600.000"
FLOW_WIDTH = 120  # a budget line shorter than this is written on one line, {…}


class AppendixImport:
    """The appendix part of the importer (mixed into `_Importer`, whose state it uses)."""

    # -- appendices --------------------------------------------------------------------------------
    def _appendices(self, data: CommentedMap, start: int) -> None:
        titles: dict[str, str] = {}  # root → tieu_de
        label, title_next, held, notes = None, False, [], []
        for item in self.items[start:]:
            if not isinstance(item, Paragraph):
                held = []  # a numbered heading right above a table is that table's title
                continue
            if not item.clean or self._written_by_vanban(item):
                continue
            found = appendix_title(item)
            if found:
                label, rest = found
                title = re.split(r"\(\s*Kèm theo", rest)[0].strip()
                if title and label in self.roots:
                    titles[self.roots[label]] = title
                title_next = not title
            elif title_next and item.clean.isupper() and label in self.roots:
                titles[self.roots[label]] = item.clean
                title_next = False
            else:
                notes += held
                held = [item] if KHOAN.match(item.clean) else []
                if not held:
                    notes.append(item)
        notes += held
        for table in self.analysis.attendees[1:]:
            self.unplaced.append(f"{table.where}: chỉ nhập một bảng thành phần tham dự; bảng này bị bỏ qua")
        if self.analysis.attendees:
            data["phu_luc_1"] = self._attendees(self.analysis.attendees[0], titles.get("phu_luc_1"))
        if self.analysis.budget:
            data["phu_luc_2"] = self._budget(self.analysis.budget, titles.get("phu_luc_2"), self._notes(notes))
        elif notes:
            self.comments["phu_luc_1" if "phu_luc_1" in data else "ky"] = ["", *self._notes(notes)]

    def _written_by_vanban(self, paragraph: Paragraph) -> bool:
        """Appendix text vanban writes itself, or that a recognised table already holds."""
        text = paragraph.clean
        if (
            text == "./."
            or text.startswith("(Kèm theo")
            or fold(text) == "dự thảo"
            or fold(text).startswith("bằng chữ")
        ):
            return True
        return bool(self.analysis.stated and self.analysis.stated.table is None and self.analysis.stated.text == text)

    def _notes(self, paragraphs: list[Paragraph]) -> list[str]:
        """Appendix paragraphs vanban has no place for: kept as YAML comments, listed in the report."""
        for p in paragraphs:
            self.unplaced.append(f"{self._where(p)} (phụ lục): giữ làm chú thích trong tệp dữ liệu")
        return [f"Bản gốc còn ghi: “{p.clean}”" for p in paragraphs]

    def _attendees(self, table: AttendeeTable, title: str | None) -> CommentedMap:
        p1 = CommentedMap(tieu_de=title or f"{TODO}: DANH SÁCH THÀNH PHẦN THAM DỰ")
        if not title:
            self.review.append("Không thấy tiêu đề của phụ lục thành phần tham dự: đã để TODO.")
        groups = CommentedSeq()
        for number, group in enumerate(table.groups, 1):
            members = CommentedSeq()
            for m in group.members:
                count = whole(m.so_luong.value) if m.so_luong and m.so_luong.value is not None else None
                name = quoted(m.ten or f"{TODO}: tên đơn vị")
                members.append(flow(CommentedMap(ten=name, so_luong=count if count and count > 0 else 1)))
                comments = [f"bản gốc in “{m.so_luong.text}”"] if m.so_luong and m.so_luong.error else []
                if not count or count < 1:
                    comments.append(f"{TODO}: không đọc được số lượng, đã để 1")
                if comments:
                    members.yaml_add_eol_comment("; ".join(comments), len(members) - 1)
                    self.review.append(f"{table.cell_where(m.row, 'so_luong')}: {'; '.join(comments)}.")
            nhom = CommentedMap(ten=group.ten or f"{TODO}: tên nhóm", thanh_vien=members)
            if not group.ten:
                self.review.append(f"{table.where}: bảng không chia nhóm (I, II, …); đã gom vào một nhóm chưa có tên.")
            groups.append(nhom)
            notes = []
            if group.numeral and group.numeral != roman(number):
                notes.append(
                    f"Bản gốc đánh số nhóm này là “{group.numeral}” (đúng: {roman(number)}); "
                    "số La Mã nay do vanban đánh."
                )
            subtotal, total = (group.subtotal.value if group.subtotal else None), group.members_sum
            if subtotal is not None and total is not None and subtotal != total:
                notes.append(
                    f"Bản gốc in tổng nhóm {figure_text(subtotal)} (cộng các đơn vị được {figure_text(total)})."
                )
            comment_before(groups, len(groups) - 1, notes, 4)
            self.review += [f"{table.cell_where(group.row)}: {note}" for note in notes]
        p1["nhom"] = groups
        notes = []
        printed, total = (table.total.value if table.total else None), table.members_sum
        if printed is not None and total is not None and printed != total:
            notes.append(f"bản gốc in tổng cộng {figure_text(printed)} (đúng: {figure_text(total)})")
            self.review.append(f"{table.where}: {notes[-1]}.")
        for row, text in table.other_rows:
            self.unplaced.append(f"{table.where}, hàng {row} “{text}”: giữ làm chú thích")
            notes.append(f"bản gốc còn ghi ở hàng {row}: “{text}”")
        comment_before(p1, "nhom", notes, 2)
        return p1

    def _budget(self, tables: list[BudgetTable], title: str | None, notes: list[str]) -> CommentedMap:
        stated = self.analysis.stated
        names = [p.label for p in stated.parts] if stated else []
        sources = _Sources(names or self._named_budget(), tables)
        p2 = CommentedMap(tieu_de=title or f"{TODO}: DỰ TRÙ KINH PHÍ")
        if not title:
            self.review.append("Không thấy tiêu đề của phụ lục kinh phí: đã để TODO.")
        p2["nguon_kinh_phi"] = CommentedSeq(
            flow(CommentedMap(id=i, ten=quoted(name))) for i, name in sources.declared()
        )
        if sources.guessed_default:
            p2["nguon_kinh_phi"].yaml_add_eol_comment(f"{TODO}: nguồn của các dòng không ghi nguồn", 0)
            self.review.append("Tên nguồn kinh phí mặc định (dòng không ghi nguồn) được đoán: cần kiểm tra.")
        p2["nguon_mac_dinh"] = sources.default_id
        before = list(notes)
        if stated and stated.table is None:
            before += [f"Bản gốc: “{stated.text}”", "Số đúng do vanban tính từ các bảng dưới đây."]
        for f in self.findings:
            if f.code in ("SAI-PHAN-BO-NGUON", "SAI-TONG-KINH-PHI") and f.consequence_of is None:
                before.append(f"{TODO} nguồn kinh phí — {f.message}")
                self.review.append(f"{f.where}: {f.message}")
        seq = CommentedSeq()
        for t in tables:
            seq.append(self._table(t, sources))
            notes = self._table_notes(t)
            comment_before(seq, len(seq) - 1, notes, 4)
            self.review += [f"{t.where}: {note}." for note in notes if not note.startswith("bản gốc còn ghi")]
        p2["bang"] = seq
        comment_before(p2, "bang", before, 2)
        return p2

    def _named_budget(self) -> list[str]:
        """Without a split: the budget a paragraph names ("Nguồn kinh phí: Ngân sách xã"), as printed."""
        found: Counter[str] = Counter()
        for block in self.analysis.document.blocks:
            if isinstance(block, Paragraph):
                found.update(clean(m.group(1)) for m in _NAMED_BUDGET.finditer(block.text))
        return [max(found, key=lambda name: found[name])] if found else []

    def _table_notes(self, t: BudgetTable) -> list[str]:
        notes = []
        printed, correct = (t.total.value if t.total else None), t.correct_sum
        if printed is not None and correct is not None and printed != correct:
            notes.append(f"bản gốc in tổng cộng {figure_text(printed)} (đúng: {figure_text(correct)})")
        if t.words and correct is not None:
            try:
                value = words_to_number(t.words.text)
            except ValueError:
                value = None
            if value != correct:
                notes.append(f"bản gốc ghi bằng chữ “{t.words.text}”")
        for row, text in t.other_rows:
            notes.append(f"bản gốc còn ghi ở hàng {row}: “{text}”")
            self.unplaced.append(f"{t.where}, hàng {row} “{text}”: giữ làm chú thích")
        return notes

    def _table(self, t: BudgetTable, sources: _Sources) -> CommentedMap:
        bang = CommentedMap(tieu_de=t.title or f"{TODO}: tên bảng {t.where}")
        if not t.title:
            self.review.append(f"{t.where}: không thấy tiêu đề “N. …” ngay trên bảng: đã để TODO.")
        shared = {sources.line_id(line) for line in t.lines}
        if len(shared) == 1 and None not in shared:  # every line names the same source: say it once
            bang["nguon"] = shared.pop()
        lines = CommentedSeq()
        for line in t.lines:
            entry, comments = self._line(t, line, sources, "nguon" not in bang)
            lines.append(entry)
            if comments:
                self.review.append(f"{t.cell_where(line.row)}: {'; '.join(comments)}.")
                if entry.fa.flow_style():
                    lines.yaml_add_eol_comment("; ".join(comments), len(lines) - 1)
                else:
                    entry.yaml_add_eol_comment("; ".join(comments), "don_gia")
        bang["dong"] = lines
        return bang

    def _line(
        self, t: BudgetTable, line: BudgetLine, sources: _Sources, own_source: bool
    ) -> tuple[CommentedMap, list[str]]:
        comments: list[str] = []
        quantity = whole(line.so_luong.value) if line.so_luong and line.so_luong.value is not None else None
        price = whole(line.don_gia.value) if line.don_gia and line.don_gia.value is not None else None
        printed = whole(line.thanh_tien.value) if line.thanh_tien and line.thanh_tien.value is not None else None
        for role, figure in (("số lượng", line.so_luong), ("đơn giá", line.don_gia)):
            if figure and figure.error:
                comments.append(f"bản gốc in {role} “{figure.text}”")
        note = sources.note(line)
        if line.priced is not None and quantity is not None:
            comments.append(
                f"bản gốc ghi số lượng {figure_text(quantity)} (số đại biểu) với thành tiền {figure_text(printed)} = "
                f"{figure_text(line.priced)} × {figure_text(price)}: nay số lượng {figure_text(line.priced)}, số đại biểu ghi ở ghi chú "
                f"({TODO} đơn vị tính)"
            )
            note = "; ".join(x for x in (note, f"{figure_text(quantity)} đại biểu") if x)
            quantity = whole(line.priced)
        elif quantity is None or price is None:
            quantity, price = self._missing(t, line, quantity, price, printed, comments)
        elif printed is not None and printed != quantity * price:
            comments.append(
                f"bản gốc in thành tiền {figure_text(printed)} ({figure_text(quantity)} × {figure_text(price)} = {figure_text(quantity * price)})"
            )
        entry = CommentedMap(noi_dung=quoted(line.noi_dung or f"{TODO}: nội dung"))
        if line.don_vi_tinh:
            entry["don_vi_tinh"] = line.don_vi_tinh
        entry["so_luong"], entry["don_gia"] = quantity, price
        if own_source and (source := sources.line_id(line)) is not None:
            entry["nguon"] = source
        if note:
            entry["ghi_chu"] = quoted(note)
        width = sum(len(str(k)) + len(str(v)) + 4 for k, v in entry.items())
        return (flow(entry) if width <= FLOW_WIDTH else entry), comments

    def _missing(
        self, t: BudgetTable, line: BudgetLine, quantity, price, printed, comments: list[str]
    ) -> tuple[int, int]:
        """Quantity and price when one cannot be read: derived from the amount, else TODO."""
        where = t.cell_where(line.row)
        if quantity is None and price and printed is not None and printed % price == 0 and printed // price >= 1:
            comments.append(
                f"{TODO}: số lượng không đọc được, lấy thành tiền / đơn giá = {figure_text(printed // price)}"
            )
            quantity = printed // price
        elif price is None and quantity and printed is not None and printed % quantity == 0:
            comments.append(
                f"{TODO}: đơn giá không đọc được, lấy thành tiền / số lượng = {figure_text(printed // quantity)}"
            )
            price = printed // quantity
        else:
            comments.append(f"{TODO}: số lượng hoặc đơn giá không đọc được; ghi 1 × thành tiền")
            quantity, price = 1, printed or 0
        self.review.append(f"{where}: số lượng hoặc đơn giá không đọc được — {comments[-1]}.")
        return quantity, price


class _Sources:
    """Funding sources of the budget tables: from the Ghi chú notes and the stated split."""

    def __init__(self, names: list[str], tables: list[BudgetTable]):
        self.by_line: dict[int, str | None] = {}
        shown: dict[str, str] = {}  # source key → name as a note writes it
        for t in tables:
            for line in t.lines:
                key = note_source(line.ghi_chu, names)
                self.by_line[id(line)] = key
                if key:
                    shown.setdefault(key, clean(line.ghi_chu.split(";")[0]))
        order = {name: i for i, name in enumerate(names)}  # the split's order, then first use
        shown = dict(sorted(shown.items(), key=lambda kv: order.get(kv[0], len(order))))
        default = default_source(names, set(shown))
        self.guessed_default = default is None
        self.default_name = _default_name(default)
        self.ids: dict[str, str] = {}
        taken: set[str] = set()
        self.default_id = _unique(_source_id(self.default_name), taken)
        self.names = {self.default_id: self.default_name}
        for key, name in shown.items():
            if key == default:
                self.ids[key] = self.default_id
                continue
            self.ids[key] = _unique(_source_id(name), taken)
            self.names[self.ids[key]] = name

    def declared(self) -> list[tuple[str, str]]:
        return list(self.names.items())

    def line_id(self, line: BudgetLine) -> str | None:
        key = self.by_line[id(line)]
        source = self.ids.get(key) if key else None
        return None if source in (None, self.default_id) else source

    def note(self, line: BudgetLine) -> str:
        """The Ghi chú without the source it names (vanban prints the source itself)."""
        parts = [clean(p) for p in line.ghi_chu.split(";")]
        rest = parts[1:] if self.by_line[id(line)] else parts
        return "; ".join(p for p in rest if p)


def _default_name(label: str | None) -> str:
    """ "chi từ ngân sách nhà nước" → "Ngân sách nhà nước"; no label → "Ngân sách nhà nước"."""
    if label is None:
        return "Ngân sách nhà nước"
    at = fold(label).find("ngân sách")
    name = label[at:] if at > 0 else label
    return name[0].upper() + name[1:]


def _source_id(name: str) -> str:
    folded = fold(name)
    for word, ident in _SOURCE_IDS:
        if word in folded:
            return ident
    ascii_name = unicodedata.normalize("NFD", folded.replace("đ", "d"))
    slug = re.sub(r"[^a-z0-9]+", "_", "".join(c for c in ascii_name if not unicodedata.combining(c))).strip("_")
    return ("nguon_" + slug if not slug[:1].isalpha() else slug)[:30] or "nguon"


def _unique(ident: str, taken: set[str]) -> str:
    candidate, n = ident, 2
    while candidate in taken:
        candidate, n = f"{ident}_{n}", n + 1
    taken.add(candidate)
    return candidate
