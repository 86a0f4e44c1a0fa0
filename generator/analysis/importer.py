"""`vanban import`: a Kế hoạch typed by hand (.docx) → plan data (YAML) for `vanban build`.

`generator.analysis.docread` reads the file and the audit's analysis recognises its tables and
figures, so an import and an audit of the same file agree on what is wrong. This module places
the text into the plan's data model and writes YAML a clerk can read: a comment wherever a
figure was corrected ("bản gốc in …") and "TODO: kiểm tra" wherever something had to be guessed.
The appendices are placed by `import_appendix`; the YAML is written by `yamltext`.

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

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.analysis.audit import Finding, check
from generator.analysis.docread import Paragraph, clean, fold, read_document
from generator.analysis.import_appendix import KHOAN, AppendixImport
from generator.analysis.recognise import (
    STATED_COUNT,
    Analysis,
    analyse,
    appendix_title,
    convention_of,
    read_figure,
)
from generator.analysis.yamltext import (
    TODO,
    all_bold,
    comment_before,
    dump,
    figure_text,
    flow_seq,
    markup,
    quoted,
    styled_chars,
)
from generator.compute.expr import require_valid
from generator.compute.figures import compute
from generator.errors import PlanError, Problem
from generator.model.loader import parse_yaml, validate_data
from generator.vi import WordConvention, parse_roman, roman

_NUMBER = re.compile(r"^Số\s*:\s*(?P<so>\d+)?\s*/\s*(?P<loai>[A-ZĐ]+)-(?P<org>[A-Za-zĐđ0-9-]+)")
_DATE = re.compile(r"^(?P<place>[^,]+),\s*ngày\s*(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?\s*năm\s*(?P<y>\d{4})")
_MUC = re.compile(r"^(?P<num>[IVXLC]+)\.\s*(?P<rest>\S.*)$", re.DOTALL)
_BLOCKS = (
    ("gach", re.compile(r"^[-–—•](?:\s+|(?=[^\d\s]))")),
    ("cong", re.compile(r"^\+\s*")),
    ("diem", re.compile(r"^[a-zđ]\)\s+")),
)
_SENTENCE_END = tuple('.:;!?)”"…')
_REFERENCE = re.compile(r"\b[Pp]hụ lục\s+(?P<num>\d+|[IVXLC]+)\b")
_LEVELS = ("thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "xã", "phường")
_ORGANS = ("Ủy ban nhân dân", "Hội đồng nhân dân")
_KEM_THEO = re.compile(r"\(\s*Kèm theo.*?của\s+(?P<body>[^)]+?)\s*\)?\s*$", re.DOTALL)


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


# --- the importer ------------------------------------------------------------------------------


class _Importer(AppendixImport):
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
        first_appendix = next(
            (i for i, p in paragraphs if appendix_title(p) and (title is None or i > title)), len(self.items)
        )
        recipients = next(
            (i for i, p in paragraphs if fold(p.text).startswith("nơi nhận") and i < first_appendix), first_appendix
        )
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
            mo_dau.insert(0, quoted(markup(styled_chars(p.runs))))
        data["mo_dau"] = mo_dau or CommentedSeq([quoted(f"{TODO}: đoạn mở đầu (căn cứ ban hành)")])
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
                comment_before(data, key, lines, 0)
        comment_before(
            data,
            "co_quan",
            [
                f"Dữ liệu kế hoạch nhập từ “{self.analysis.document.path.name}” bằng `vanban import`.",
                "Mọi con số tổng (thành tiền, tổng cộng, bằng chữ, tổng theo nguồn) do vanban tính; ở đây chỉ ghi",
                "số lượng và đơn giá. Chỗ bản gốc in sai có chú thích “bản gốc …” ngay tại đó; chỗ phải đoán có",
                f"“{TODO}”. Cách viết: **đậm**, *nghiêng*; {{=phu_luc_1.tong}} chèn một số liệu đã tính.",
                "",
            ],
            0,
        )
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
                found["ten" if all_bold(p) else "chu_quan"].append(text)
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
                if not all_bold(item) or _MUC.match(item.clean) or KHOAN.match(item.clean):
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
            ten = [organ.upper(), full[len(organ) :].strip().upper()] if organ and full != organ else [full.upper()]
        co_quan["ten"] = flow_seq(ten)
        if header["chu_quan"]:
            co_quan["chu_quan"] = flow_seq(header["chu_quan"])
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
        kem_theo = next(
            (m for m in (_KEM_THEO.search(p.clean) for p in self.items if isinstance(p, Paragraph)) if m), None
        )
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
                rest.append(f"{level} {line[len(level) :].strip().title()}" if level else line.title())
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
        """quy_uoc_so when the amounts in words read another way than vanban's default (lẻ, ngàn, bốn, chẵn)."""
        a = self.analysis
        words = [t.words.text for t in a.budget if t.words] + (
            [a.stated.words.text] if a.stated and a.stated.words else []
        )
        convention = convention_of(*words)
        if convention != WordConvention():
            data["quy_uoc_so"] = CommentedMap(linh=convention.linh, nghin=convention.nghin)
            if convention.tu != "tư":
                data["quy_uoc_so"]["tu"] = convention.tu
            if convention.chan:
                data["quy_uoc_so"]["chan"] = True
            self.comments["quy_uoc_so"] = ["", "Cách đọc số tiền bằng chữ như bản gốc."]

    # -- body ------------------------------------------------------------------------------------
    def _body(self, start: int, stop: int) -> tuple[CommentedSeq, CommentedSeq]:
        """mo_dau and the Mục, from the paragraphs between the trích yếu and the closing."""
        mo_dau, muc = CommentedSeq(), CommentedSeq()
        last = None  # (list, index, kind) of the last block, to join a line broken by hand
        for item in self.items[start:stop]:
            if not isinstance(item, Paragraph) or not item.clean:
                continue
            chars = styled_chars(item.runs)
            plain = "".join(c for c, _ in chars)
            heading = _MUC.match(plain)
            if heading and _is_roman(heading.group("num")) and (all_bold(item) or heading.group("rest").isupper()):
                muc.append(CommentedMap(tieu_de=heading.group("rest")))
                last = None
                continue
            numbered = KHOAN.match(plain)
            if numbered and muc:
                khoan = muc[-1].setdefault("khoan", CommentedSeq())
                rest = chars[len(plain) - len(numbered.group("rest")) :]
                if all_bold(item):
                    khoan.append(CommentedMap(tieu_de=numbered.group("rest")))
                    last = None
                else:
                    khoan.append(CommentedMap(van_ban=quoted(self._refs(markup(rest)))))
                    last = (khoan, len(khoan) - 1, "van_ban")
                continue
            kind, text = self._block(chars, plain)
            if last and kind == "doan" and plain[:1].islower() and not _text_of(last).endswith(_SENTENCE_END):
                self._join(last, text, item)
                continue
            seq, indent = self._target(mo_dau, muc)
            seq.append(quoted(text) if kind == "doan" else CommentedMap({kind: quoted(text)}))
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
                return kind, self._refs(markup(chars[match.end() :]))
        return "doan", self._refs(markup(chars))

    def _join(self, last: tuple, text: str, paragraph: Paragraph) -> None:
        seq, index, kind = last
        joined = quoted(f"{_text_of(last)} {text}")
        if kind == "doan":
            seq[index] = joined
        else:
            seq[index][kind] = joined
        self.review.append(f"{self._where(paragraph)}: nối vào đoạn trước (bản gốc ngắt dòng giữa câu).")

    def _refs(self, text: str) -> str:
        """ "Phụ lục 1" → {=phu_luc_1.ten}; "Thành phần tham dự: khoảng N người" → {=phu_luc_1.tong} người."""

        def appendix(match: re.Match) -> str:
            number = match.group("num")
            root = self.roots.get(f"Phụ lục {roman(int(number)) if number.isdigit() else number}")
            return f"{{={root}.ten}}" if root else match.group(0)

        text = _REFERENCE.sub(appendix, text)
        count = STATED_COUNT.search(text) if self.analysis.attendees else None
        if count:
            text = text[: count.start("count")] + "{=phu_luc_1.tong}" + text[count.end("count") :]
        return text

    def _count_note(self, seq: CommentedSeq, indent: int, paragraph: Paragraph) -> None:
        """A comment on a block whose stated count of people differs from the attendee appendix."""
        count = STATED_COUNT.search(paragraph.clean) if self.analysis.attendees else None
        total = self.analysis.attendees[0].members_sum if count else None
        if count is None or total is None or _figure_value(count.group("fig")) == total:
            return
        seq.yaml_set_comment_before_after_key(
            len(seq) - 1,
            indent=indent,
            before=f"Bản gốc ghi “{clean(count.group(0))}” trong khi Phụ lục I cộng được {figure_text(total)}; nay lấy từ Phụ lục I.",
        )
        self.review.append(
            f"{self._where(paragraph)}: “{clean(count.group(0))}” thay bằng số của Phụ lục I ({figure_text(total)})."
        )

    # -- closing, recipients, signature ----------------------------------------------------------
    def _closing(self, data: CommentedMap, closing: int | None) -> None:
        if closing is None:
            data["ket_thuc"] = quoted(f"{TODO}: đoạn kết (Trên đây là …)")
            self.review.append("Không thấy đoạn kết thúc bằng “./.”: đã để TODO.")
        else:
            chars = styled_chars(self.items[closing].runs)
            data["ket_thuc"] = quoted(self._refs(markup(chars[:-3])))
        self.comments["ket_thuc"] = ["", '"./." được thêm tự động vào cuối đoạn này.']

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
        data["luu"] = flow_seq(luu or ["VT"])
        self.comments["noi_nhan"] = ["", "Mỗi dòng được in “- …;” — dấu gạch và dấu chấm phẩy do vanban thêm."]
        data.yaml_add_eol_comment(
            f'in thành "- Lưu: {", ".join(luu or ["VT"])}."' + ("" if luu else f" — {TODO}"), "luu"
        )
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
        ky["chuc_vu"] = flow_seq([t for _, t in lines if t.isupper()] or [f"{TODO}: chức vụ"])
        ky["ho_ten"] = names[-1][1] if names else f"{TODO}: họ tên người ký"
        for p, _ in names[:-1]:
            self.unplaced.append(f"{self._where(p)} (khối chữ ký): chỉ ghi chú trong tệp dữ liệu")
        if names[:-1]:
            ky.yaml_add_eol_comment("bản gốc còn ghi: " + "; ".join(f"“{p.clean}”" for p, _ in names[:-1]), "ho_ten")
        if not names or len(ky["chuc_vu"]) == 1 and ky["chuc_vu"][0].startswith(TODO):
            self.review.append("Khối chữ ký không đủ (chức vụ, họ tên): đã để TODO.")
        return ky


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
