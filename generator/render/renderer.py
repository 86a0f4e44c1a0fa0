"""Render computed plans into .docx bytes: the only module that touches docxtpl.

A `PreparedTemplate` does once per process what docxtpl redoes for every document (reading the
template, its XML clean-up, compiling the Jinja source); `render` then only runs the compiled
template, and `oxml` does docxtpl's post-processing, so the XML equals `DocxTemplate.render()`'s.
The parts a document does not change are deflated once per template and copied into each zip; the
combined file (ho-so.docx) joins the rendered documents in a frame taken from `compose` once.
Templates run in Jinja's sandbox with StrictUndefined and autoescape; data is never template
source. Every XML part a template fills is checked before a file is produced: re-parsed
strictly, or, for a body proved at preparation to fill to well-formed XML whatever the data
(`oxml.always_well_formed`), checked for characters XML does not allow; the combined file's is
joined from those.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache, partial
from pathlib import Path

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate, RichText
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from generator.compute.figures import (
    AppendixFigures,
    AttendeeFigures,
    BodyBlock,
    BudgetFigures,
    GeneralTableFigures,
    LineFigures,
    PersonsFigures,
    PlanFigures,
    TextAppendixFigures,
)
from generator.model.schema import COT_NGUOI, LOAI_VAN_BAN, MARKUP, PhuLuc1, PhuLuc2, Plan, VanBan
from generator.render import oxml
from generator.render.oxml import write_zip
from generator.render.reference import ReferenceTemplate, needs_reference, reference_selected
from generator.render.widths import fit_docx, template_grids, values_fit
from generator.resources import templates_folder
from generator.vi import BLANK, CANONICAL, WordConvention, amount_in_words, format_date, format_number

TEMPLATES = templates_folder()
W, R = oxml.W, oxml.R
R_ID = f"{{{R}}}id"
#: Document properties written into every template and output (no names, times or machine data).
FIXED_CORE_PROPERTIES = {"author": "vanban", "last_modified_by": "vanban", "revision": 1, "comments": ""}
#: How html.escape (RichText) writes quotes, and how lxml writes them in text.
_RICH_QUOTES = (("&quot;", '"'), ("&#x27;", "'"))


class TemplateProblem(Exception):
    """A template that cannot be rendered: names the template and the tag."""


def rich(block: BodyBlock) -> RichText:
    """A body paragraph as runs: its label, then text with **bold** and *italic* markup."""
    text = RichText()
    text.xml = _runs(block.label, block.text)
    return text


@lru_cache(maxsize=8192)
def _runs(label: str, body: str) -> str:
    """The runs' XML of `rich` (cached: the plans of a batch share most of their paragraphs), quotes
    written as lxml writes them in text, so the runs read the same after docxtpl's parse."""
    text = RichText()
    if label:
        text.add(label + " ")
    position = 0
    for match in MARKUP.finditer(body):
        if match.start() > position:
            text.add(body[position : match.start()])
        if match.group(0) == "\\*":
            text.add("*")
        else:
            text.add(
                match.group(1) or match.group(2), bold=match.group(1) is not None, italic=match.group(2) is not None
            )
        position = match.end()
    if position < len(body):
        text.add(body[position:])
    xml = text.xml
    for escaped, quote in _RICH_QUOTES:
        xml = xml.replace(escaped, quote)
    return xml


def plain(text: str) -> str:
    """Text without inline markup (for reading documents back and for sizes)."""
    return MARKUP.sub(lambda m: "*" if m.group(0) == "\\*" else (m.group(1) or m.group(2)), text)


def document_number(number: int | None) -> str:
    """NĐ 30 HD-18: numbers below 10 get one leading zero; a draft leaves it blank."""
    if number is None:
        return BLANK
    return f"{number:02d}"


def document_date(van_ban: VanBan) -> str:
    return format_date(day=van_ban.ngay, month=van_ban.thang, year=van_ban.nam)


def make_environment(convention: WordConvention) -> SandboxedEnvironment:
    """The sandboxed, strict, autoescaping Jinja environment templates run in."""
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
    env.filters.update(
        so=format_number,
        chu=partial(amount_in_words, convention=convention),
        so_van_ban=document_number,
        ngay_van_ban=document_date,
    )
    return env


# --- context -----------------------------------------------------------------------------------


def _blocks(blocks: tuple[BodyBlock, ...]) -> list[dict]:
    kinds = {"muc": "muc", "khoan": "khoan", "phan": "phan"}
    return [{"kind": kinds.get(b.kind, "doan"), "rich": rich(b)} for b in blocks]


def base_context(figures: PlanFigures, *, draft: bool) -> dict:
    """What every template of a plan sees."""
    plan = figures.plan
    ten_loai, ten_loai_thuong, viet_tat = LOAI_VAN_BAN[plan.van_ban.loai]
    return {
        "du_thao": draft,
        "co_quan": plan.co_quan,
        "van_ban": plan.van_ban,
        "ky_hieu": f"{viet_tat}-{plan.co_quan.viet_tat}",
        "ten_loai": ten_loai,
        "ten_loai_thuong": ten_loai_thuong,
    }


def plan_context(figures: PlanFigures, *, draft: bool) -> dict:
    plan = figures.plan
    closing = rich(BodyBlock("doan", "", figures.ket_thuc))
    closing.add("./.")
    return {
        **base_context(figures, draft=draft),
        "mo_dau": _blocks(figures.mo_dau),
        "than": _blocks(figures.than),
        "ket_thuc": closing,
        "noi_nhan": list(plan.noi_nhan),
        "luu": ", ".join(plan.luu),
        "ky": plan.ky,
    }


def _first(figures: PlanFigures, kind: type) -> object:
    return next((p for p in figures.phu_luc if isinstance(p, kind)), None)


def attendees_context(figures: PlanFigures, *, draft: bool, appendix: AttendeeFigures | None = None) -> dict:
    """Context of a `danh_sach` (phu-luc-1.docx): groups, members, totals, the plan's column titles."""
    return {**base_context(figures, draft=draft), "phu_luc": appendix or _first(figures, AttendeeFigures)}


def _budget_note(line: LineFigures, budget: BudgetFigures) -> str:
    """Ghi chú of a budget line: its funding source when not the default, a lump sum's reason."""
    note = f"Khoán gọn: {line.ghi_chu}" if line.dong.khoan_gon is not None and line.ghi_chu else line.ghi_chu
    return "; ".join(x for x in (None if line.nguon.id == budget.nguon_mac_dinh else line.nguon.ten, note) if x)


def budget_context(figures: PlanFigures, *, draft: bool, appendix: BudgetFigures | None = None) -> dict:
    """Context of a `du_toan` in the classic layout (phu-luc-2.docx)."""
    budget = appendix or _first(figures, BudgetFigures)
    if not isinstance(budget, BudgetFigures):
        return {**base_context(figures, draft=draft), "phu_luc": None}
    tables = [
        {
            "so": t.so,
            "tieu_de": t.bang.tieu_de,
            "tong": t.tong,
            "dong": [
                {
                    "stt": line.stt,
                    "noi_dung": line.noi_dung,
                    "don_vi_tinh": line.dong.don_vi_tinh,
                    "so_luong": line.so_luong,
                    "don_gia": line.dong.don_gia,
                    "thanh_tien": line.thanh_tien,
                    "ghi_chu": _budget_note(line, budget),
                }
                for line in t.dong
            ],
        }
        for t in budget.bang
    ]
    sources = [{"stt": i, "ten": s.ten, "tong": amount} for i, (s, amount) in enumerate(budget.theo_nguon, 1)]
    return {
        **base_context(figures, draft=draft),
        "phu_luc": {
            "ten": budget.ten,
            "tieu_de": budget.tieu_de,
            "bang": tables,
            "tong": budget.tong,
            "theo_nguon": sources,
        },
    }


# --- the general appendix (phu-luc.docx): paragraphs and tables of any columns ------------------


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return format_number(value)
    return str(value)


def _cell(value: object, align: str = "trai", *, bold: bool = False, span: int = 1) -> dict:
    """A cell of a general table: its text (as runs), its alignment (trai, giua, phai), the columns it spans."""
    text = RichText()
    shown = _shown(value)
    if shown:
        text.add(shown, bold=bold)
    return {"kieu": align, "rich": text, "span": span}


def _heading(*titles: str) -> list[dict]:
    return [_cell(title, "giua", bold=True) for title in titles]


def _para(kind: str, text: str, label: str = "") -> dict:
    return {"kind": kind, "rich": rich(BodyBlock("doan", label, text))}


def _table(head: list[dict], rows: list[list[dict]]) -> dict:
    """A table block: header rows and rows, each {"o": its cells}."""
    return {"kind": "bang", "dau": [{"o": head}], "dong": [{"o": row} for row in rows]}


def _words(amount: int, convention: WordConvention) -> dict:
    return _para("chu", f"*Bằng chữ: {amount_in_words(amount, convention)}*")


def _budget_blocks(budget: BudgetFigures, convention: WordConvention) -> list[dict]:
    blocks: list[dict] = []
    for t in budget.bang:
        multipliers = [h.ten for h in t.bang.he_so]
        head = _heading(
            "STT", "Nội dung", "Đơn vị tính", "Số lượng", *multipliers, "Đơn giá (đồng)", "Thành tiền (đồng)", "Ghi chú"
        )
        blank = len(multipliers) + 3

        def line_row(line: LineFigures, multipliers: list[str] = multipliers) -> list[dict]:
            factors = list(line.he_so) or [None] * len(multipliers)
            return [
                _cell(line.stt, "giua"),
                _cell(line.noi_dung),
                _cell(line.dong.don_vi_tinh, "giua"),
                _cell(line.so_luong, "phai"),
                *[_cell(f, "phai") for f in factors],
                _cell(line.dong.don_gia, "phai"),
                _cell(line.thanh_tien, "phai"),
                _cell(_budget_note(line, budget)),
            ]

        def total_row(label: str, amount: int, blank: int = blank) -> list[dict]:
            return [
                _cell(None),
                _cell(label, "giua", bold=True, span=blank + 1),
                _cell(amount, "phai", bold=True),
                _cell(None),
            ]

        rows = [line_row(line) for line in t.dong[: len(t.dong) - sum(len(g.dong) for g in t.nhom)]]
        for group in t.nhom:
            rows.append([_cell(group.so, "giua", bold=True), _cell(group.ten, bold=True, span=blank + 3)])
            rows += [line_row(line) for line in group.dong]
            rows.append(total_row("Cộng", group.tong))
        rows.append(total_row("Tổng cộng", t.tong))
        blocks += [_para("tieu_de_bang", f"{t.so}. {t.bang.tieu_de}"), _table(head, rows)]
        if t.bang.bang_chu:
            blocks.append(_words(t.tong, convention))
    summary = [
        [_cell(i, "giua"), _cell(source.ten), _cell(amount, "phai")]
        for i, (source, amount) in enumerate(budget.theo_nguon, 1)
    ]
    summary.append(
        [_cell("Tổng kinh phí thực hiện Kế hoạch", "giua", bold=True, span=2), _cell(budget.tong, "phai", bold=True)]
    )
    blocks += [
        _para("tieu_de_bang", f"{len(budget.bang) + 1}. Tổng hợp kinh phí theo nguồn"),
        _table(_heading("STT", "Nguồn kinh phí", "Số tiền (đồng)"), summary),
        _words(budget.tong, convention),
    ]
    return blocks


def _persons_blocks(persons: PersonsFigures) -> list[dict]:
    columns = list(persons.cot)
    head = _heading("STT", *[COT_NGUOI[c] for c in columns])
    rows: list[list[dict]] = []
    for group in persons.nhom:
        if persons.grouped:
            rows.append(
                [
                    _cell(group.so, "giua", bold=True),
                    _cell(f"{group.ten} ({format_number(group.tong)} người)", bold=True, span=len(columns)),
                ]
            )
        rows += [[_cell(stt, "giua"), *[_cell(getattr(person, c)) for c in columns]] for stt, person in group.nguoi]
    rows.append([_cell(f"Tổng cộng: {format_number(persons.tong)} người", "giua", bold=True, span=len(columns) + 1)])
    return [_table(head, rows)]


_ALIGN = {"chu": "trai", "so_nguyen": "phai", "tien": "phai", "so_thap_phan": "phai", "ngay": "giua", "gio": "giua"}


def _general_blocks(table: GeneralTableFigures, convention: WordConvention) -> list[dict]:
    head = _heading("STT", *[c.ten + (" (đồng)" if c.kieu == "tien" else "") for c in table.cot])
    rows = [
        [_cell(r, "giua"), *[_cell(v, _ALIGN[c.kieu]) for c, v in zip(table.cot, row)]]
        for r, row in enumerate(table.dong, 1)
    ]
    if any(t is not None for t in table.tong):
        # "Tổng cộng" spans STT and the columns before the first total
        first = next(c for c, t in enumerate(table.tong) if t is not None)
        totals = [_cell(t, "phai", bold=True) for t in table.tong[first:]]
        rows.append([_cell("Tổng cộng", "giua", bold=True, span=first + 1), *totals])
    blocks = [_table(head, rows)]
    if table.bang_chu is not None:
        blocks.append(_words(table.bang_chu, convention))
    return blocks


def general_context(
    figures: PlanFigures, *, draft: bool, appendix: AppendixFigures, convention: WordConvention = CANONICAL
) -> dict:
    """Context of the general appendix template (phu-luc.docx): heading and a list of blocks, each
    a paragraph (kind muc, khoan, doan, tieu_de_bang, chu) or a table (kind bang: rows of cells)."""
    if isinstance(appendix, BudgetFigures):
        blocks = _budget_blocks(appendix, convention)
    elif isinstance(appendix, PersonsFigures):
        blocks = _persons_blocks(appendix)
    elif isinstance(appendix, GeneralTableFigures):
        blocks = _general_blocks(appendix, convention)
    elif isinstance(appendix, TextAppendixFigures):
        blocks = _blocks(appendix.khoi)
    else:
        raise TypeError(f"no general layout for {type(appendix).__name__}")
    return {
        **base_context(figures, draft=draft),
        "phu_luc": {"ten": appendix.ten, "tieu_de": appendix.tieu_de},
        "khoi": blocks,
    }


# --- templates ---------------------------------------------------------------------------------

DOCUMENT_PART, CORE_PART = "word/document.xml", "docProps/core.xml"
_TEXT = re.compile(r"<w:t(?: [^>]*)?>(.*?)</w:t>", re.DOTALL)
_LISTING_CHARACTERS = "\t\a\n\f"  # what resolve_listing turns into tabs, paragraphs, breaks


@dataclass
class _Part:
    name: str
    template: object  # a compiled Jinja template


class PreparedTemplate:
    """A docxtpl template read, cleaned and compiled once; `render` per document.

    Per document only the Jinja bodies run; docxtpl's post-processing (resolve_listing, fix_tables,
    fix_docpr_ids) and lxml's serialisation are then done on the text (`oxml.as_saved`), or on the
    tree where the text path cannot follow. The first document is made both ways and compared: if
    the two differ, this template always goes through the tree. Parts that never change (styles,
    theme, headers without tags, …) are deflated once and copied as they are.
    """

    def __init__(self, path: Path, env: SandboxedEnvironment):
        self.path = Path(path)
        self.last: str | None = None  # document.xml of the last document, if made on the text (for combining)
        self._docxtpl = DocxTemplate(str(self.path))
        self._docxtpl.render_init()
        # docxtpl puts a line break before each <w:p> for Jinja's line numbers and removes it after
        # rendering; compiled without them, the output is the same
        body = self._docxtpl.patch_xml(self._docxtpl.get_xml())
        sources = {
            part.partname.lstrip("/"): self._docxtpl.patch_xml(self._docxtpl.get_part_xml(part))
            for uri in (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI)
            for _, part in self._docxtpl.get_headers_footers(uri)
        }
        try:
            self._body = env.from_string(body)
            self._headers = [_Part(name, env.from_string(source)) for name, source in sources.items()]
        except TemplateError as exc:
            raise TemplateProblem(f"mẫu {self.path.name}: thẻ không hợp lệ: {exc}") from None
        self._frame_document(body)
        nsmap = self._docxtpl.docx.element.nsmap
        usual = all(nsmap.get(prefix) == uri for prefix, uri in oxml.PREFIXES.items())
        self._filling = oxml.text_filling(body) if usual else None
        #: Every filling of the body is well-formed (its values written as text): documents made on
        #: the text are checked for the characters XML does not allow, not parsed again.
        self._proved = self._filling is not None and oxml.always_well_formed(env.parse(body))
        #: Whether documents are made on the text (else through the tree): the template allows it
        #: and its first document, made both ways, agreed.
        self.by_text = self._filling is not None
        self._compared = False
        #: Headers and footers without a tag render the same for every plan: rendered here, once.
        self._fixed = {
            part.name: self._header(part, {})
            for part in self._headers
            if not oxml.TEMPLATE_TAG.search(sources[part.name])
        }
        #: One section (the final sectPr) and fixed headers: documents can be combined from a frame.
        self.combinable = body.count("<w:sectPr") == 1 and len(self._fixed) == len(self._headers)
        with zipfile.ZipFile(self.path) as archive:
            entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
        self._names = [name for name, _ in entries]
        changing = {DOCUMENT_PART, CORE_PART} | {part.name for part in self._headers if part.name not in self._fixed}
        self._stored = {
            name: oxml.Deflated.of(name, self._fixed.get(name, data)) for name, data in entries if name not in changing
        }

    def _frame_document(self, body: str) -> None:
        """The text of document.xml around its body, and the body's opening tag as it reads in there.

        docxtpl moves the rendered body into the document, which drops the namespace declarations
        the document already makes; the whole text without them reads as the same tree.
        """
        root = self._docxtpl.docx.element
        whole = etree.tostring(root, encoding="unicode")
        start = re.search(r"<w:body[ >]", whole).start()
        end = whole.rindex("</w:body>") + len("</w:body>")
        self._prefix, self._suffix = whole[:start], whole[end:]
        self._opening = re.match(r"<w:body[^>]*>", body).group(0)
        declared = {f'xmlns:{prefix}="{uri}"' if prefix else f'xmlns="{uri}"' for prefix, uri in root.nsmap.items()}
        self._bare_opening = re.sub(
            r' (xmlns(?::\w+)?="[^"]*")', lambda m: "" if m.group(1) in declared else m.group(0), self._opening
        )

    def _run(self, template, context: dict) -> str:
        try:
            xml = template.render(context)
        except TemplateError as exc:
            raise TemplateProblem(f"mẫu {self.path.name}: {_template_error_vi(exc)}") from None
        if "_" in xml and ("{_" in xml or "_}" in xml):  # (one character is found fastest)
            xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        return xml

    def _listing(self, xml: str) -> str | None:
        """docxtpl's resolve_listing of a filled part, or None where it has nothing to do: it only
        rewrites tabs, line and page breaks inside <w:t>."""
        if any(c in xml for c in _LISTING_CHARACTERS) and any(
            c in text for text in _TEXT.findall(xml) for c in _LISTING_CHARACTERS
        ):
            return self._docxtpl.resolve_listing(xml)
        return None

    def _header(self, part: _Part, context: dict) -> bytes:
        """A header or footer part as docxtpl saves it (parsed and serialised by lxml)."""
        xml = self._run(part.template, context)
        xml = self._listing(xml) or xml
        try:
            return etree.tostring(etree.fromstring(xml), encoding="UTF-8", standalone=True)
        except etree.XMLSyntaxError as exc:
            raise TemplateProblem(
                f"{self.path.name}: {part.name}: XML không hợp lệ sau khi điền dữ liệu ({exc})"
            ) from None

    def _headers_for(self, context: dict) -> dict[str, bytes]:
        return {part.name: self._fixed.get(part.name) or self._header(part, context) for part in self._headers}

    def _document(self, context: dict, *, sized: bool) -> tuple[str, bool, bool]:
        """document.xml (without its declaration) as DocxTemplate.render() and save make it (if
        `sized`, with its short rules sized), whether the text path made it, and whether it is
        well-formed but for its characters (made on the text from a proved template, no listing)."""
        body = self._run(self._body, context)
        listed = self._listing(body)
        body = listed or body
        if not body.startswith(self._opening):
            raise TemplateProblem(f"{self.path.name}: word/document.xml: thẻ mở <w:body> bị thay đổi khi điền dữ liệu")
        filled = self._prefix + self._bare_opening + body[len(self._opening) :] + self._suffix
        text = oxml.as_saved(filled, self._filling, sized=sized) if self.by_text else None
        if text is not None and self._compared:
            return text, True, self._proved and listed is None
        tree = self._through_tree(filled, body, sized=sized)
        if text is not None:
            self._compared, self.by_text = True, text == tree
        return tree, text == tree, False

    def _through_tree(self, filled: str, body: str, *, sized: bool) -> str:
        """_document by parsing: the tree docxtpl makes (fix_tables, fix_docpr_ids), serialised by lxml."""
        try:
            root = etree.fromstring(filled)
        except etree.XMLSyntaxError as exc:
            raise TemplateProblem(
                f"{self.path.name}: word/document.xml: XML không hợp lệ sau khi điền dữ liệu ({exc})"
            ) from None
        tree = root.find(f"{{{oxml.W}}}body")
        if oxml.tables_need_fixing(tree):
            fixed = self._docxtpl.fix_tables(body)
            root.replace(tree, fixed)
            tree = fixed
        self._docxtpl.docx_ids_index = 1000  # docxtpl numbers drawings from 1000 in every render
        self._docxtpl.fix_docpr_ids(tree)
        if sized:
            oxml.size_rules(root)
        return etree.tostring(root, encoding="unicode")

    def render_xml(self, context: dict) -> tuple[bytes, dict[str, bytes]]:
        """document.xml and the header/footer parts, exactly as docxtpl's render() and save make them."""
        document, _, proved = self._document(context, sized=False)
        return _encoded(document, self.path.name, proved=proved), self._headers_for(context)

    def render(self, context: dict, *, core: oxml.Deflated) -> bytes:
        """A complete .docx: rendered parts, short rules sized, fixed properties (`core`, deflated
        once for all of a plan's files), fixed zip.

        Afterwards `last` holds this document's text, for combining (ho-so.docx).
        """
        document, on_text, proved = self._document(context, sized=True)
        self.last = document if on_text else None
        changed = {DOCUMENT_PART: _encoded(document, self.path.name, proved=proved)}
        changed.update((name, data) for name, data in self._headers_for(context).items() if name not in self._stored)
        return _zip(self._names, self._stored, changed, core)


def _encoded(document: str, where: str, *, proved: bool) -> bytes:
    """A document.xml text as the bytes of its part, checked: parsed strictly, or if it is `proved`
    well-formed but for its characters (`oxml.always_well_formed`), checked for those."""
    data = (oxml.XML_DECLARATION + document).encode("utf-8", "surrogatepass")
    error = oxml.character_error(data) if proved else oxml.xml_error(data)
    if error:
        raise TemplateProblem(f"{where}: word/document.xml: XML không hợp lệ sau khi điền dữ liệu ({error})")
    return data


def _zip(names: list[str], stored: dict[str, oxml.Deflated], changed: dict[str, bytes], core: oxml.Deflated) -> bytes:
    """A .docx of parts in the order of `names`: deflated once (`stored`), the core properties, the others deflated now."""
    return oxml.zip_entries(
        [stored.get(name) or (core if name == CORE_PART else oxml.Deflated.of(name, changed[name])) for name in names]
    )


def _template_error_vi(exc: TemplateError) -> str:
    message = str(exc)
    if "is undefined" in message or "has no attribute" in message:
        return f"thẻ nhắc đến dữ liệu không có ({message})"
    if "unsafe" in message or "access to attribute" in message:
        return f"thẻ truy cập điều không được phép trong môi trường an toàn ({message})"
    return message


# --- files -------------------------------------------------------------------------------------


def core_properties(plan: Plan) -> bytes:
    """docProps/core.xml with fixed values (title, body, date of the plan) so builds are byte-identical."""
    from xml.sax.saxutils import escape

    v = plan.van_ban
    stamp = datetime(v.nam, v.thang, v.ngay or 1).strftime("%Y-%m-%dT00:00:00Z")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(v.trich_yeu)}</dc:title><dc:subject>{escape(plan.co_quan.ten_day_du)}</dc:subject>"
        f"<dc:creator>{FIXED_CORE_PROPERTIES['author']}</dc:creator>"
        f"<cp:lastModifiedBy>{FIXED_CORE_PROPERTIES['last_modified_by']}</cp:lastModifiedBy>"
        f"<cp:revision>{FIXED_CORE_PROPERTIES['revision']}</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def compose(documents: list[bytes]) -> bytes:
    """One .docx holding several, each in its own section with its own headers and numbering."""
    base = Document(io.BytesIO(documents[0]))
    body = base.element.body
    for data in documents[1:]:
        other = Document(io.BytesIO(data))
        # close the previous section: its final sectPr moves into a paragraph of its own
        last = body.find(f"{{{W}}}sectPr")
        holder = etree.SubElement(body, f"{{{W}}}p")
        etree.SubElement(holder, f"{{{W}}}pPr").append(last)
        new_sect = copy.deepcopy(other.element.body.find(f"{{{W}}}sectPr"))
        for ref in new_sect:
            rid = ref.get(f"{{{R}}}id")
            if rid is None:
                continue
            part = other.part.related_parts[rid]
            kind = "header" if ref.tag.endswith("headerReference") else "footer"
            part.partname = base.part.package.next_partname(f"/word/{kind}%d.xml")
            ref.set(f"{{{R}}}id", base.part.relate_to(part, RT.HEADER if kind == "header" else RT.FOOTER))
        for child in other.element.body:
            if child.tag == f"{{{W}}}sectPr":
                continue
            if child.xpath(".//@r:id"):
                raise TemplateProblem("không ghép được tài liệu có hình ảnh hoặc liên kết trong thân văn bản")
            body.append(copy.deepcopy(child))
        body.append(new_sect)
    out = io.BytesIO()
    base.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    core = dict(entries).get("docProps/core.xml")
    first_core = zipfile.ZipFile(io.BytesIO(documents[0])).read("docProps/core.xml")
    return write_zip([(n, first_core if n == "docProps/core.xml" and core is not None else d) for n, d in entries])


class _Frame:
    """Everything of a combined file (compose) that is the same for every plan: all parts but
    document.xml and core.xml, deflated once, and the relationship ids compose gave each section's
    headers. Valid for templates that are `combinable`; made from compose() of a plan's files, and
    used once joining that plan's texts has given the same file."""

    def __init__(self, combined: bytes):
        with zipfile.ZipFile(io.BytesIO(combined)) as archive:
            self.names = archive.namelist()
            self.stored = {
                name: oxml.Deflated.of(name, archive.read(name))
                for name in self.names
                if name not in (DOCUMENT_PART, CORE_PART)
            }
            document = etree.fromstring(archive.read(DOCUMENT_PART))
        self.ids = [
            [ref.get(R_ID) for ref in section if ref.get(R_ID) is not None]
            for section in document.iter(f"{{{W}}}sectPr")
        ]
        self._first: bytes | None = combined  # to compare the first joined file with
        self.exact = False  # whether joining texts gives compose()'s file

    def combine(self, texts: list[str | None], documents: list[bytes], core: oxml.Deflated) -> bytes:
        """compose(documents), joined from the documents' texts (None: made through the tree)
        where it can be; the first call is for the documents the frame was made from."""
        joined = oxml.join_bodies(texts, self.ids) if None not in texts and (self.exact or self._first) else None
        if joined is None:
            return self._take_first() or compose(documents)
        # joined from documents checked just before, whole elements in fixed markup: well-formed as they are
        combined = _zip(self.names, self.stored, {DOCUMENT_PART: (oxml.XML_DECLARATION + joined).encode("utf-8")}, core)
        if self._first is not None:
            self.exact = combined == self._first
            return self._take_first()
        return combined

    def _take_first(self) -> bytes | None:
        first, self._first = self._first, None
        return first


# --- the plan's documents ----------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentSet:
    """The rendered files of one plan: name → bytes."""

    files: dict[str, bytes]


#: The template of each kind of appendix: danh_sach and a du_toan that fits the classic layout
#: keep their own; every other kind is laid out by the general appendix template.
ATTENDEES_TEMPLATE, BUDGET_TEMPLATE, GENERAL_TEMPLATE = "phu-luc-1.docx", "phu-luc-2.docx", "phu-luc.docx"
PLAN_TEMPLATE = "ke-hoach.docx"
TEMPLATE_NAMES = (PLAN_TEMPLATE, ATTENDEES_TEMPLATE, BUDGET_TEMPLATE, GENERAL_TEMPLATE)


def appendix_template(data: object) -> str:
    """The template an appendix (its data) is rendered with."""
    if isinstance(data, PhuLuc1):
        return ATTENDEES_TEMPLATE
    if isinstance(data, PhuLuc2) and all(not b.he_so and not b.nhom and b.bang_chu for b in data.bang):
        return BUDGET_TEMPLATE
    return GENERAL_TEMPLATE


def _template_contexts(plan: Plan) -> list[tuple[str, str, Callable[[PlanFigures, bool, WordConvention], dict]]]:
    """(file written, template, context) of each document of a plan: the Kế hoạch, then its appendices
    as phu-luc-1.docx, phu-luc-2.docx … in print order."""
    out: list[tuple[str, str, Callable[[PlanFigures, bool, WordConvention], dict]]] = [
        ("ke-hoach.docx", PLAN_TEMPLATE, lambda f, draft, _c: plan_context(f, draft=draft))
    ]
    for n, (key, root, data) in enumerate(plan.appendices):
        template = appendix_template(data)
        # an old file's appendices keep their file names (phu-luc-2.docx even when it is the only one)
        name = f"{key.replace('_', '-')}.docx" if root == (key,) else f"phu-luc-{n + 1}.docx"
        if template == ATTENDEES_TEMPLATE:
            context = lambda f, draft, _c, n=n: attendees_context(f, draft=draft, appendix=f.phu_luc[n])  # noqa: E731
        elif template == BUDGET_TEMPLATE:
            context = lambda f, draft, _c, n=n: budget_context(f, draft=draft, appendix=f.phu_luc[n])  # noqa: E731
        else:
            context = lambda f, draft, c, n=n: general_context(f, draft=draft, appendix=f.phu_luc[n], convention=c)  # noqa: E731
        out.append((name, template, context))
    return out


def _classic_columns(template: str, appendix: object) -> list[tuple[int, list[list[tuple[str, bool]]]]]:
    """The values a classic template puts in each column of each table, as (grid index, columns of
    (text, bold)); the templates' own titles fit by design (tests/test_widths.py)."""
    shown = _shown
    if template == ATTENDEES_TEMPLATE:
        assert isinstance(appendix, AttendeeFigures)
        columns: list[list[tuple[str, bool]]] = [[], [], [(shown(appendix.tong), True)]]
        for group in appendix.nhom:
            columns[0] += [(group.so, True)] + [(str(m.stt), False) for m in group.thanh_vien]
            columns[1] += [(group.ten, True)] + [(m.ten, False) for m in group.thanh_vien]
            columns[2] += [(shown(group.tong), True)] + [(shown(m.so_luong), False) for m in group.thanh_vien]
        return [(0, columns)]
    assert isinstance(appendix, dict)
    tables = []
    for table in appendix["bang"]:
        lines = table["dong"]
        keys = ("stt", "noi_dung", "don_vi_tinh", "so_luong", "don_gia", "thanh_tien", "ghi_chu")
        columns = [[(shown(line[key]), False) for line in lines] for key in keys]
        columns[5].append((shown(table["tong"]), True))
        tables.append((0, columns))
    sources = appendix["theo_nguon"]
    tables.append(
        (
            1,
            [
                [(str(s["stt"]), False) for s in sources],
                [(s["ten"], False) for s in sources],
                [(shown(s["tong"]), False) for s in sources] + [(shown(appendix["tong"]), True)],
            ],
        )
    )
    return tables


class Renderer:
    """Renders plans with templates prepared once (reuse one Renderer for many plans)."""

    def __init__(self, templates: Path = TEMPLATES, convention: WordConvention | None = None):
        self.templates = Path(templates)
        self._prepared: dict[tuple[str, WordConvention], PreparedTemplate] = {}
        self._frames: dict[tuple[str, ...], _Frame] = {}
        self._default_convention = convention

    def template(self, name: str, convention: WordConvention) -> PreparedTemplate:
        key = (name, convention)
        if key not in self._prepared:
            path = self.templates / name
            if not path.is_file():
                raise TemplateProblem(f"không tìm thấy mẫu {path}")
            if reference_selected() or needs_reference(path):  # docxtpl's own render (see render/reference.py)
                self._prepared[key] = ReferenceTemplate(path, make_environment(convention), TemplateProblem)
            else:
                self._prepared[key] = PreparedTemplate(path, make_environment(convention))
        return self._prepared[key]

    def prepare(self, plan: Plan) -> None:
        """Prepare now the templates a plan like `plan` renders with (e.g. before worker processes fork)."""
        convention = self._default_convention or plan.quy_uoc_so.convention()
        for _, name, _ in _template_contexts(plan):
            self.template(name, convention)

    def render_plan(self, figures: PlanFigures, *, draft: bool | None = None) -> DocumentSet:
        """ke-hoach.docx, phu-luc-1.docx, phu-luc-2.docx (those the plan has) and ho-so.docx."""
        plan = figures.plan
        draft = plan.is_draft if draft is None else (draft or plan.is_draft)
        convention = self._default_convention or plan.quy_uoc_so.convention()
        core = oxml.Deflated.of(CORE_PART, core_properties(plan))
        files, used = {}, []
        for name, template, context in _template_contexts(plan):
            used.append(self.template(template, convention))
            made = context(figures, draft, convention)
            files[name] = used[-1].render(made, core=core)
            if template != PLAN_TEMPLATE and not self._fits_as_designed(template, made):
                fitted = fit_docx(files[name], full=template == GENERAL_TEMPLATE)
                if fitted is not None:  # widths from the content (ho-so.docx joins the fitted text)
                    files[name] = fitted[0]
                    used[-1].last = fitted[1] if used[-1].last is not None else None
        files["ho-so.docx"] = self._combined(used, list(files.values()), core)
        return DocumentSet(files)

    def _fits_as_designed(self, template: str, context: dict) -> bool:
        """Whether a default classic template's widths hold this context's values (checked on the
        values, much faster than reading the document; other templates are read by `fit_docx`)."""
        if self.templates != TEMPLATES or template not in (ATTENDEES_TEMPLATE, BUDGET_TEMPLATE):
            return False
        grids = template_grids(str(self.templates / template))
        tables = _classic_columns(template, context["phu_luc"])
        expected = 2 if template == BUDGET_TEMPLATE else 1
        return len(grids) == expected and all(values_fit(grids[index], columns) for index, columns in tables)

    def _combined(self, templates: list[PreparedTemplate], documents: list[bytes], core: oxml.Deflated) -> bytes:
        """ho-so.docx: compose(documents), joined in a frame once the templates' first plan made it."""
        if not all(template.combinable for template in templates):
            return compose(documents)
        key = tuple(str(template.path) for template in templates)
        if key not in self._frames:
            self._frames[key] = _Frame(compose(documents))
        return self._frames[key].combine([template.last for template in templates], documents, core)
