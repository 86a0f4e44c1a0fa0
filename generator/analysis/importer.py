"""`vanban import`: a Kế hoạch typed by hand (.docx) → plan data (YAML) for `vanban build`.

`generator.analysis.docread` reads the file and the audit's analysis recognises its tables and
figures, so an import and an audit of the same file agree on what is wrong. This module places
the text into the plan's data model and writes YAML a clerk can read: a comment wherever a
figure was corrected ("bản gốc in …") and "TODO: kiểm tra" wherever something had to be guessed.

Placement
  * Before "KẾ HOẠCH": the issuing body (lines in capitals: bold ones its name, the others its
    superior), "Số: …/KH-…", "<place>, ngày … tháng … năm …". What is missing is recovered from
    the text ("… của UBND thị xã" under an appendix title, "thị xã <name>" in the body) and marked.
  * The bold lines after "KẾ HOẠCH" are the trích yếu; then mo_dau, up to the first Mục "I. …".
  * Mục (Roman numeral, bold or capitals; the number is dropped, vanban renumbers); khoản
    ("1. …": all bold → tieu_de, else van_ban); blocks ("- " gach, "+ " cong, "a) " diem, else
    doan), inline bold and italic as **…** and *…*. A paragraph starting in lower case after one
    that does not end a sentence is joined to it (a line broken by hand).
  * The paragraph ending in "./." is ket_thuc; then "Nơi nhận:", "Lưu: …" and the signature.
  * The attendee table → phu_luc_1; budget tables → phu_luc_2 with quantity and unit price as
    printed (malformed figures by their likely value), amounts and totals left to vanban; funding
    sources from the Ghi chú notes and the stated split. A delegates column whose amount is a
    whole number of unit prices becomes that number of units, the delegates going to ghi_chu
    (the audit's policy, so the totals agree with what `vanban audit` calls correct).
  * "Phụ lục 1/2" in the text becomes {=phu_luc_1.ten}/{=phu_luc_2.ten}; "Thành phần tham dự:
    khoảng N người" becomes {=phu_luc_1.tong} người.
Text that cannot be placed is kept, never dropped: in the body as a doan of the nearest section,
in the appendices as a YAML comment; and it is listed in the report.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator.analysis.audit import (
    STATED_COUNT,
    Analysis,
    AttendeeTable,
    BudgetLine,
    BudgetTable,
    Finding,
    analyse,
    appendix_title,
    check,
    convention_of,
    default_source,
    note_source,
    read_figure,
)
from generator.analysis.docread import Paragraph, Run, clean, fold, read_document
from generator.compute.expr import require_valid
from generator.compute.figures import compute
from generator.errors import PlanError, Problem
from generator.model.loader import parse_yaml, validate_data
from generator.vi import format_number, parse_roman, roman, words_to_number

TODO = "TODO: kiểm tra"
_NUMBER = re.compile(r"^Số\s*:\s*(?P<so>\d+)?\s*/\s*(?P<loai>[A-ZĐ]+)-(?P<org>[A-Za-zĐđ0-9-]+)")
_DATE = re.compile(r"^(?P<place>[^,]+),\s*ngày\s*(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?\s*năm\s*(?P<y>\d{4})")
_MUC = re.compile(r"^(?P<num>[IVXLC]+)\.\s*(?P<rest>\S.*)$", re.DOTALL)
_KHOAN = re.compile(r"^(?P<num>\d{1,2})\.(?!\d)\s*(?P<rest>\S.*)$", re.DOTALL)  # "1. …", not "1.600.000"
_BLOCKS = (("gach", re.compile(r"^[-–—•](?:\s+|(?=[^\d\s]))")), ("cong", re.compile(r"^\+\s*")),
           ("diem", re.compile(r"^[a-zđ]\)\s+")))
_SENTENCE_END = tuple(".:;!?)”\"…")
_REFERENCE = re.compile(r"\b[Pp]hụ lục\s+(?P<num>\d+|[IVXLC]+)\b")
_LEVELS = ("thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "xã", "phường")
_ORGANS = ("Ủy ban nhân dân", "Hội đồng nhân dân")
_KEM_THEO = re.compile(r"\(\s*Kèm theo.*?của\s+(?P<body>[^)]+?)\s*\)?\s*$", re.DOTALL)
_SOURCE_IDS = (("xã hội hóa", "xa_hoi_hoa"), ("tự chủ", "tu_chu"), ("tài trợ", "tai_tro"),
               ("viện trợ", "vien_tro"), ("ngân sách", "ngan_sach"))
FLOW_WIDTH = 120  # a budget line shorter than this is written on one line, {…}


@dataclass
class ImportResult:
    """The YAML text (with comments), what to review, text that could not be placed, validation problems."""

    yaml_text: str
    data: CommentedMap
    review: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def import_document(path: str | Path) -> ImportResult:
    """Read a .docx plan and turn it into plan data; raises docread.DocumentError if unreadable."""
    document = read_document(path)
    analysis = analyse(document)
    importer = _Importer(analysis, check(analysis))
    data = importer.run()
    require_valid(data, Path(path))  # a hostile {=…} copied from the document is refused, not written
    text = dump(data)
    result = ImportResult(text, data, importer.review, importer.unplaced)
    try:  # check what is written, as `vanban build` will read it
        compute(validate_data(parse_yaml(text, None)).plan)
    except PlanError as exc:
        result.problems = exc.problems
    return result


# --- YAML writing ------------------------------------------------------------------------------

def dump(data: CommentedMap) -> str:
    yaml = YAML()
    yaml.width = 4096  # never fold a paragraph over several lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _q(text: str) -> str:
    """Running text in double quotes (as in the bundled plans), unless that would need escapes."""
    return text if '"' in text or "\\" in text else DoubleQuotedScalarString(text)


def _flow(mapping: CommentedMap) -> CommentedMap:
    mapping.fa.set_flow_style()
    return mapping


def _before(container, key, lines: list[str], indent: int) -> None:
    if lines:
        container.yaml_set_comment_before_after_key(key, before="\n".join(lines), indent=indent)


def _n(value) -> str:
    return format_number(value)


def _whole(value) -> int | None:
    """An int for a whole figure (int or integral Decimal), else None."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else None
    return value


# --- runs → markup -----------------------------------------------------------------------------

def _chars(runs: tuple[Run, ...]) -> list[tuple[str, str]]:
    """Characters with their format ("b", "i" or ""), whitespace collapsed, ends trimmed."""
    out: list[tuple[str, str]] = []
    for run in runs:
        style = "b" if run.bold else ("i" if run.italic else "")
        for ch in run.text:
            if ch.isspace():
                if out and out[-1][0] != " ":
                    out.append((" ", style))
            else:
                out.append((ch, style))
    while out and out[-1][0] == " ":
        out.pop()
    return out


def _markup(chars: list[tuple[str, str]]) -> str:
    """**bold** and *italic* exactly where the runs are; spaces between two runs of one format join them."""
    chars = list(chars)
    while chars and chars[0][0] == " ":
        chars.pop(0)
    while chars and chars[-1][0] == " ":
        chars.pop()
    for i, (ch, _) in enumerate(chars):
        if ch == " ":
            before = chars[i - 1][1] if i else ""
            after = next((s for c, s in chars[i + 1:] if c != " "), "")
            chars[i] = (" ", before if before == after else "")
    out, i = [], 0
    while i < len(chars):
        style = chars[i][1]
        j = i
        while j < len(chars) and chars[j][1] == style:
            j += 1
        text = "".join(c for c, _ in chars[i:j]).replace("*", "\\*")
        mark = {"b": "**", "i": "*"}.get(style, "")
        out.append(f"{mark}{text}{mark}" if mark and text.strip() else text)
        i = j
    return "".join(out)


def _all_bold(paragraph: Paragraph) -> bool:
    return all(r.bold for r in paragraph.runs if r.text.strip()) and bool(paragraph.clean)


# --- the importer ------------------------------------------------------------------------------

class _Importer:
    """Places a document's paragraphs and tables into plan data, noting what to review."""

    def __init__(self, analysis: Analysis, findings: list[Finding]):
        self.analysis = analysis
        self.findings = findings
        self.review: list[str] = []
        self.unplaced: list[str] = []
        self.items = list(self._stream())
        self.text = "\n".join(p.clean for p in self.items if isinstance(p, Paragraph))
        self.roots = self._appendix_roots()
        self.comments: dict[str, list[str]] = {}  # top-level key → comment lines before it

    # -- reading order ---------------------------------------------------------------------------
    def _stream(self):
        """Body paragraphs and recognised tables in order; other tables (layout) give their paragraphs."""
        for block in self.analysis.document.blocks:
            if isinstance(block, Paragraph):
                yield block
            elif (structure := self.analysis.table_of(block)) is not None:
                yield structure
            else:
                for row in block.rows:
                    for cell in row:
                        yield from cell.paragraphs

    def _appendix_roots(self) -> dict[str, str]:
        """Appendix label as printed ("Phụ lục I") → "phu_luc_1"/"phu_luc_2", by the tables under it."""
        roots, titles = {}, self.analysis.appendices
        for i, (position, label) in enumerate(titles):
            end = titles[i + 1][0] if i + 1 < len(titles) else len(self.analysis.document.blocks)
            if any(position < t.position < end for t in self.analysis.attendees):
                roots[label] = "phu_luc_1"
            elif any(position < t.position < end for t in self.analysis.budget):
                roots[label] = "phu_luc_2"
        return roots

    def _where(self, paragraph: Paragraph) -> str:
        excerpt = paragraph.clean if len(paragraph.clean) <= 60 else paragraph.clean[:59] + "…"
        return (f"đoạn {paragraph.number} " if paragraph.number else "") + f"“{excerpt}”"

    # -- the whole document ----------------------------------------------------------------------
    def run(self) -> CommentedMap:
        paragraphs = [(i, p) for i, p in enumerate(self.items) if isinstance(p, Paragraph)]
        title = next((i for i, p in paragraphs if fold(p.text) == "kế hoạch"), None)
        first_appendix = next((i for i, p in paragraphs if appendix_title(p) and (title is None or i > title)),
                              len(self.items))
        recipients = next((i for i, p in paragraphs if fold(p.text).startswith("nơi nhận") and i < first_appendix),
                          first_appendix)
        closing = next((i for i, p in reversed(paragraphs) if i < recipients and p.clean.endswith("./.")), None)

        data = CommentedMap()
        header = self._header([p for i, p in paragraphs if title is not None and i < title])
        start = title + 1 if title is not None else 0
        trich_yeu, start = self._trich_yeu(start, recipients)
        mo_dau, muc = self._body(start, closing if closing is not None else recipients)
        self._co_quan(data, header)
        self._van_ban(data, header, trich_yeu)
        self._convention(data)
        for p in reversed(header.get("other", [])):  # header text of no known kind opens mo_dau
            mo_dau.insert(0, _q(_markup(_chars(p.runs))))
        data["mo_dau"] = mo_dau or CommentedSeq([_q(f"{TODO}: đoạn mở đầu (căn cứ ban hành)")])
        if not mo_dau:
            self.review.append("Không thấy đoạn mở đầu trước mục I: đã để một đoạn TODO.")
        data["muc"] = muc
        self._closing(data, closing)
        self._recipients(data, recipients, first_appendix)
        self._appendices(data, first_appendix)
        for key in list(data)[1:]:
            if key != "luu":  # a blank line between sections; "luu" belongs with noi_nhan
                self.comments.setdefault(key, [""])
        for key, lines in self.comments.items():
            if key in data:
                _before(data, key, lines, 0)
        _before(data, "co_quan", [
            f"Dữ liệu kế hoạch nhập từ “{self.analysis.document.path.name}” bằng `vanban import`.",
            "Mọi con số tổng (thành tiền, tổng cộng, bằng chữ, tổng theo nguồn) do vanban tính; ở đây chỉ ghi",
            "số lượng và đơn giá. Chỗ bản gốc in sai có chú thích “bản gốc …” ngay tại đó; chỗ phải đoán có",
            f"“{TODO}”. Cách viết: **đậm**, *nghiêng*; {{=phu_luc_1.tong}} chèn một số liệu đã tính.",
            "",
        ], 0)
        for f in self.findings:
            if f.code.startswith("DANH-SO") and f.where.startswith("đoạn"):
                self.review.append(f"{f.where}: {f.message} vanban tự đánh số lại.")
        return data

    # -- header and title ------------------------------------------------------------------------
    def _header(self, paragraphs: list[Paragraph]) -> dict:
        found: dict = {"ten": [], "chu_quan": []}
        for p in paragraphs:
            text, folded = p.clean, fold(p.text)
            if not text or folded == "dự thảo" or folded.startswith(("cộng hòa xã hội", "độc lập")):
                continue
            if number := _NUMBER.match(text):
                found["number"] = number
            elif date := _DATE.match(text):
                found["date"] = date
            elif text.isupper():
                found["ten" if _all_bold(p) else "chu_quan"].append(text)
            else:
                found.setdefault("other", []).append(p)
        return found

    def _trich_yeu(self, start: int, stop: int) -> tuple[str | None, int]:
        lines, i = [], start
        while i < stop:
            item = self.items[i]
            if not isinstance(item, Paragraph):
                break
            if item.clean:
                if not _all_bold(item) or _MUC.match(item.clean) or _KHOAN.match(item.clean):
                    break
                lines.append(item.clean)
            i += 1
        return (" ".join(lines) or None), i

    def _co_quan(self, data: CommentedMap, header: dict) -> None:
        co_quan = CommentedMap()
        full, full_guessed = self._full_name(header)
        ten = header["ten"]
        if not ten:
            organ = next((o for o in _ORGANS if full.startswith(o)), None)
            ten = [organ.upper(), full[len(organ):].strip().upper()] if organ and full != organ else [full.upper()]
        co_quan["ten"] = _flow_seq(ten)
        if header["chu_quan"]:
            co_quan["chu_quan"] = _flow_seq(header["chu_quan"])
        co_quan["ten_day_du"] = full
        number = header.get("number")
        co_quan["viet_tat"] = number.group("org") if number else "UBND"
        if not header["ten"]:
            co_quan.yaml_add_eol_comment(f"{TODO} (bản gốc không có phần tên cơ quan; đoán từ nội dung)", "ten")
            self.review.append(f"Bản gốc không có phần tên cơ quan: đoán là {' / '.join(ten)}.")
        if full_guessed:
            co_quan.yaml_add_eol_comment(f"{TODO} (đoán từ nội dung)", "ten_day_du")
            self.review.append(f"Tên đầy đủ của cơ quan ban hành được đoán: “{full}”.")
        if not number:
            co_quan.yaml_add_eol_comment(f"{TODO} (không thấy dòng “Số: …/KH-…”)", "viet_tat")
        data["co_quan"] = co_quan
        for p in header.get("other", []):
            self.unplaced.append(f"{self._where(p)} (phần đầu văn bản): để ở đầu mo_dau")

    def _full_name(self, header: dict) -> tuple[str, bool]:
        """(full name of the issuing body, whether it was guessed)."""
        kem_theo = next((m for m in (_KEM_THEO.search(p.clean) for p in self.items if isinstance(p, Paragraph)) if m), None)
        if kem_theo:
            name = re.sub(r"^UBND\b", "Ủy ban nhân dân", kem_theo.group("body").strip())
            level = next((lv for lv in _LEVELS if fold(name).endswith(lv)), None)
            if level is None:
                return name, False
            place = self._place_of(level)
            return (f"{name} {place}" if place else name), True
        if header["ten"]:
            lines = header["ten"]
            organ = next((o for o in _ORGANS if o.upper() == lines[0]), lines[0].capitalize())
            rest = []
            for line in lines[1:]:
                level = next((lv for lv in _LEVELS if line.lower().startswith(lv)), None)
                rest.append(f"{level} {line[len(level):].strip().title()}" if level else line.title())
            return " ".join([organ, *rest]), True
        return "Ủy ban nhân dân", True

    def _place_of(self, level: str) -> str | None:
        """The name most often written after `level` ("thị xã Kiến Tường" → "Kiến Tường")."""
        word = r"[A-ZĐÀ-Ỹ][a-zđà-ỹ]+"
        names = re.findall(rf"{level} ({word}(?: {word})*)", self.text)
        return Counter(names).most_common(1)[0][0] if names else None

    def _van_ban(self, data: CommentedMap, header: dict, trich_yeu: str | None) -> None:
        van_ban = CommentedMap(loai="ke_hoach")
        number, date = header.get("number"), header.get("date")
        van_ban["so"] = int(number.group("so")) if number and number.group("so") else None
        van_ban["ngay"] = int(date.group("d")) if date and date.group("d") else None
        if date and date.group("m"):
            van_ban["thang"], van_ban["nam"] = int(date.group("m")), int(date.group("y"))
            van_ban["dia_danh"] = clean(date.group("place"))
        else:
            years = Counter(re.findall(r"\b(20\d\d)\b", self.text))
            van_ban["thang"] = 1
            van_ban["nam"] = int(years.most_common(1)[0][0]) if years else 2024
            van_ban["dia_danh"] = clean(date.group("place")) if date else (self._place_of("thị xã") or "TODO")
            for key in ("thang", "nam"):
                van_ban.yaml_add_eol_comment(f"{TODO} (không thấy dòng “…, ngày … tháng … năm …”)", key)
            self.review.append("Không thấy tháng/năm ban hành: đã đoán, cần kiểm tra.")
        if van_ban["so"] is None:
            van_ban.yaml_add_eol_comment("để trống cho đến khi văn thư cấp số (bản dự thảo)", "so", column=17)
        if van_ban["ngay"] is None:
            van_ban.yaml_add_eol_comment("ngày ký; để trống trong bản dự thảo", "ngay", column=17)
        van_ban["trich_yeu"] = trich_yeu or f"{TODO}: trích yếu"
        if not trich_yeu:
            self.review.append("Không thấy trích yếu sau “KẾ HOẠCH”: đã để TODO.")
        if number and number.group("loai") != "KH":
            self.review.append(f"Ký hiệu “{number.group('loai')}” không phải Kế hoạch (KH); vanban chỉ soạn Kế hoạch.")
        data["van_ban"] = van_ban

    def _convention(self, data: CommentedMap) -> None:
        """quy_uoc_so when the amounts in words read "lẻ" or "ngàn" (as Southern offices write)."""
        a = self.analysis
        words = [t.words.text for t in a.budget if t.words] + ([a.stated.words.text] if a.stated and a.stated.words else [])
        conventions = {convention_of(w) for w in words}
        if len(conventions) == 1 and (convention := conventions.pop()) != convention_of(""):
            data["quy_uoc_so"] = CommentedMap(linh=convention.linh, nghin=convention.nghin)
            self.comments["quy_uoc_so"] = ["", "Cách đọc số tiền bằng chữ như bản gốc."]

    # -- body ------------------------------------------------------------------------------------
    def _body(self, start: int, stop: int) -> tuple[CommentedSeq, CommentedSeq]:
        """mo_dau and the Mục, from the paragraphs between the trích yếu and the closing."""
        mo_dau, muc = CommentedSeq(), CommentedSeq()
        last = None  # (list, index, kind) of the last block, to join a line broken by hand
        for item in self.items[start:stop]:
            if not isinstance(item, Paragraph) or not item.clean:
                continue
            chars = _chars(item.runs)
            plain = "".join(c for c, _ in chars)
            heading = _MUC.match(plain)
            if heading and _is_roman(heading.group("num")) and (_all_bold(item) or heading.group("rest").isupper()):
                muc.append(CommentedMap(tieu_de=heading.group("rest")))
                last = None
                continue
            numbered = _KHOAN.match(plain)
            if numbered and muc:
                khoan = muc[-1].setdefault("khoan", CommentedSeq())
                rest = chars[len(plain) - len(numbered.group("rest")):]
                if _all_bold(item):
                    khoan.append(CommentedMap(tieu_de=numbered.group("rest")))
                    last = None
                else:
                    khoan.append(CommentedMap(van_ban=_q(self._refs(_markup(rest)))))
                    last = (khoan, len(khoan) - 1, "van_ban")
                continue
            kind, text = self._block(chars, plain)
            if last and kind == "doan" and plain[:1].islower() and not _text_of(last).endswith(_SENTENCE_END):
                self._join(last, text, item)
                continue
            seq, indent = self._target(mo_dau, muc)
            seq.append(_q(text) if kind == "doan" else CommentedMap({kind: _q(text)}))
            last = (seq, len(seq) - 1, kind)
            self._count_note(seq, indent, item)
        return mo_dau, muc

    @staticmethod
    def _target(mo_dau: CommentedSeq, muc: CommentedSeq) -> tuple[CommentedSeq, int]:
        """(list, its items' indent) a block goes to: the last khoản, else the last Mục, else mo_dau."""
        if muc and "khoan" in muc[-1]:
            return muc[-1]["khoan"][-1].setdefault("noi_dung", CommentedSeq()), 10
        if muc:
            return muc[-1].setdefault("noi_dung", CommentedSeq()), 6
        return mo_dau, 2

    def _block(self, chars: list[tuple[str, str]], plain: str) -> tuple[str, str]:
        for kind, pattern in _BLOCKS:
            match = pattern.match(plain)
            if match:
                return kind, self._refs(_markup(chars[match.end():]))
        return "doan", self._refs(_markup(chars))

    def _join(self, last: tuple, text: str, paragraph: Paragraph) -> None:
        seq, index, kind = last
        joined = _q(f"{_text_of(last)} {text}")
        if kind == "doan":
            seq[index] = joined
        else:
            seq[index][kind] = joined
        self.review.append(f"{self._where(paragraph)}: nối vào đoạn trước (bản gốc ngắt dòng giữa câu).")

    def _refs(self, text: str) -> str:
        """"Phụ lục 1" → {=phu_luc_1.ten}; "Thành phần tham dự: khoảng N người" → {=phu_luc_1.tong} người."""
        def appendix(match: re.Match) -> str:
            number = match.group("num")
            root = self.roots.get(f"Phụ lục {roman(int(number)) if number.isdigit() else number}")
            return f"{{={root}.ten}}" if root else match.group(0)

        text = _REFERENCE.sub(appendix, text)
        count = STATED_COUNT.search(text) if self.analysis.attendees else None
        if count:
            text = text[: count.start("count")] + "{=phu_luc_1.tong}" + text[count.end("count"):]
        return text

    def _count_note(self, seq: CommentedSeq, indent: int, paragraph: Paragraph) -> None:
        """A comment on a block whose stated count of people differs from the attendee appendix."""
        count = STATED_COUNT.search(paragraph.clean) if self.analysis.attendees else None
        total = self.analysis.attendees[0].members_sum if count else None
        if count is None or total is None or _figure_value(count.group("fig")) == total:
            return
        seq.yaml_set_comment_before_after_key(
            len(seq) - 1, indent=indent,
            before=f"Bản gốc ghi “{clean(count.group(0))}” trong khi Phụ lục I cộng được {_n(total)}; nay lấy từ Phụ lục I.")
        self.review.append(f"{self._where(paragraph)}: “{clean(count.group(0))}” thay bằng số của Phụ lục I ({_n(total)}).")

    # -- closing, recipients, signature ----------------------------------------------------------
    def _closing(self, data: CommentedMap, closing: int | None) -> None:
        if closing is None:
            data["ket_thuc"] = _q(f"{TODO}: đoạn kết (Trên đây là …)")
            self.review.append("Không thấy đoạn kết thúc bằng “./.”: đã để TODO.")
        else:
            chars = _chars(self.items[closing].runs)
            data["ket_thuc"] = _q(self._refs(_markup(chars[:-3])))
        self.comments["ket_thuc"] = ["", "\"./.\" được thêm tự động vào cuối đoạn này."]

    def _recipients(self, data: CommentedMap, start: int, stop: int) -> None:
        noi_nhan, luu, signature, i = [], None, [], start + 1
        while i < stop and luu is None:
            item = self.items[i]
            i += 1
            if not isinstance(item, Paragraph) or not item.clean:
                continue
            text = re.sub(r"^[-–•]\s*", "", item.clean).rstrip(";.,").strip()
            if fold(text).startswith("lưu"):
                luu = [x.strip() for x in text.split(":", 1)[-1].split(",") if x.strip()]
            elif text.isupper() and not item.clean.startswith(("-", "–")):
                i -= 1
                break
            else:
                noi_nhan.append(text)
        for item in self.items[i:stop]:
            if isinstance(item, Paragraph) and item.clean and not self._written_by_vanban(item):
                signature.append(item)
        data["noi_nhan"] = noi_nhan or [f"{TODO}: nơi nhận"]
        data["luu"] = _flow_seq(luu or ["VT"])
        self.comments["noi_nhan"] = ["", "Mỗi dòng được in “- …;” — dấu gạch và dấu chấm phẩy do vanban thêm."]
        data.yaml_add_eol_comment(f"in thành \"- Lưu: {', '.join(luu or ['VT'])}.\"" + ("" if luu else f" — {TODO}"), "luu")
        if not noi_nhan or not luu:
            self.review.append("Không thấy đủ phần “Nơi nhận:”/“Lưu: …”: đã để TODO.")
        data["ky"] = self._signature(signature)

    def _signature(self, paragraphs: list[Paragraph]) -> CommentedMap:
        lines = []
        for p in paragraphs:
            text = p.clean.replace("*", "").strip()
            if text != p.clean:
                self.review.append(f"{self._where(p)}: bỏ dấu * thừa ở khối chữ ký.")
            if text:
                lines.append((p, text))
        ky = CommentedMap()
        if lines and fold(lines[0][1]).startswith("tm."):
            ky["tham_quyen"] = lines.pop(0)[1]
        names = [(p, t) for p, t in lines if not t.isupper()]
        ky["chuc_vu"] = _flow_seq([t for _, t in lines if t.isupper()] or [f"{TODO}: chức vụ"])
        ky["ho_ten"] = names[-1][1] if names else f"{TODO}: họ tên người ký"
        for p, _ in names[:-1]:
            self.unplaced.append(f"{self._where(p)} (khối chữ ký): chỉ ghi chú trong tệp dữ liệu")
        if names[:-1]:
            ky.yaml_add_eol_comment("bản gốc còn ghi: " + "; ".join(f"“{p.clean}”" for p, _ in names[:-1]), "ho_ten")
        if not names or len(ky["chuc_vu"]) == 1 and ky["chuc_vu"][0].startswith(TODO):
            self.review.append("Khối chữ ký không đủ (chức vụ, họ tên): đã để TODO.")
        return ky

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
                held = [item] if _KHOAN.match(item.clean) else []
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
        if text == "./." or text.startswith("(Kèm theo") or fold(text) == "dự thảo" or fold(text).startswith("bằng chữ"):
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
                count = _whole(m.so_luong.value) if m.so_luong and m.so_luong.value is not None else None
                name = _q(m.ten or f"{TODO}: tên đơn vị")
                members.append(_flow(CommentedMap(ten=name, so_luong=count if count and count > 0 else 1)))
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
                notes.append(f"Bản gốc đánh số nhóm này là “{group.numeral}” (đúng: {roman(number)}); "
                             "số La Mã nay do vanban đánh.")
            subtotal, total = (group.subtotal.value if group.subtotal else None), group.members_sum
            if subtotal is not None and total is not None and subtotal != total:
                notes.append(f"Bản gốc in tổng nhóm {_n(subtotal)} (cộng các đơn vị được {_n(total)}).")
            _before(groups, len(groups) - 1, notes, 4)
            self.review += [f"{table.cell_where(group.row)}: {note}" for note in notes]
        p1["nhom"] = groups
        notes = []
        printed, total = (table.total.value if table.total else None), table.members_sum
        if printed is not None and total is not None and printed != total:
            notes.append(f"bản gốc in tổng cộng {_n(printed)} (đúng: {_n(total)})")
            self.review.append(f"{table.where}: {notes[-1]}.")
        for row, text in table.other_rows:
            self.unplaced.append(f"{table.where}, hàng {row} “{text}”: giữ làm chú thích")
            notes.append(f"bản gốc còn ghi ở hàng {row}: “{text}”")
        _before(p1, "nhom", notes, 2)
        return p1

    def _budget(self, tables: list[BudgetTable], title: str | None, notes: list[str]) -> CommentedMap:
        stated = self.analysis.stated
        names = [p.label for p in stated.parts] if stated else []
        sources = _Sources(names, tables)
        p2 = CommentedMap(tieu_de=title or f"{TODO}: DỰ TRÙ KINH PHÍ")
        if not title:
            self.review.append("Không thấy tiêu đề của phụ lục kinh phí: đã để TODO.")
        p2["nguon_kinh_phi"] = CommentedSeq(_flow(CommentedMap(id=i, ten=_q(name))) for i, name in sources.declared())
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
            _before(seq, len(seq) - 1, notes, 4)
            self.review += [f"{t.where}: {note}." for note in notes if not note.startswith("bản gốc còn ghi")]
        p2["bang"] = seq
        _before(p2, "bang", before, 2)
        return p2

    def _table_notes(self, t: BudgetTable) -> list[str]:
        notes = []
        printed, correct = (t.total.value if t.total else None), t.correct_sum
        if printed is not None and correct is not None and printed != correct:
            notes.append(f"bản gốc in tổng cộng {_n(printed)} (đúng: {_n(correct)})")
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

    def _line(self, t: BudgetTable, line: BudgetLine, sources: _Sources, own_source: bool) -> tuple[CommentedMap, list[str]]:
        comments: list[str] = []
        quantity = _whole(line.so_luong.value) if line.so_luong and line.so_luong.value is not None else None
        price = _whole(line.don_gia.value) if line.don_gia and line.don_gia.value is not None else None
        printed = _whole(line.thanh_tien.value) if line.thanh_tien and line.thanh_tien.value is not None else None
        for role, figure in (("số lượng", line.so_luong), ("đơn giá", line.don_gia)):
            if figure and figure.error:
                comments.append(f"bản gốc in {role} “{figure.text}”")
        note = sources.note(line)
        if line.priced is not None and quantity is not None:
            comments.append(f"bản gốc ghi số lượng {_n(quantity)} (số đại biểu) với thành tiền {_n(printed)} = "
                            f"{_n(line.priced)} × {_n(price)}: nay số lượng {_n(line.priced)}, số đại biểu ghi ở ghi chú "
                            f"({TODO} đơn vị tính)")
            note = "; ".join(x for x in (note, f"{_n(quantity)} đại biểu") if x)
            quantity = _whole(line.priced)
        elif quantity is None or price is None:
            quantity, price = self._missing(t, line, quantity, price, printed, comments)
        elif printed is not None and printed != quantity * price:
            comments.append(f"bản gốc in thành tiền {_n(printed)} ({_n(quantity)} × {_n(price)} = {_n(quantity * price)})")
        entry = CommentedMap(noi_dung=_q(line.noi_dung or f"{TODO}: nội dung"))
        if line.don_vi_tinh:
            entry["don_vi_tinh"] = line.don_vi_tinh
        entry["so_luong"], entry["don_gia"] = quantity, price
        if own_source and (source := sources.line_id(line)) is not None:
            entry["nguon"] = source
        if note:
            entry["ghi_chu"] = _q(note)
        width = sum(len(str(k)) + len(str(v)) + 4 for k, v in entry.items())
        return (_flow(entry) if width <= FLOW_WIDTH else entry), comments

    def _missing(self, t: BudgetTable, line: BudgetLine, quantity, price, printed, comments: list[str]) -> tuple[int, int]:
        """Quantity and price when one cannot be read: derived from the amount, else TODO."""
        where = t.cell_where(line.row)
        if quantity is None and price and printed is not None and printed % price == 0 and printed // price >= 1:
            comments.append(f"{TODO}: số lượng không đọc được, lấy thành tiền / đơn giá = {_n(printed // price)}")
            quantity = printed // price
        elif price is None and quantity and printed is not None and printed % quantity == 0:
            comments.append(f"{TODO}: đơn giá không đọc được, lấy thành tiền / số lượng = {_n(printed // quantity)}")
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
    """"chi từ ngân sách nhà nước" → "Ngân sách nhà nước"; no label → "Ngân sách nhà nước"."""
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


def _flow_seq(items: list[str]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _text_of(last: tuple) -> str:
    seq, index, kind = last
    return str(seq[index] if kind == "doan" else seq[index][kind])


def _is_roman(text: str) -> bool:
    try:
        parse_roman(text)
    except ValueError:
        return False
    return True


def _figure_value(text: str):
    figure = read_figure(text)
    return figure.value if figure else None
