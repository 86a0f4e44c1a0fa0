"""Render computed plans into .docx bytes: the only module that touches docxtpl.

A `PreparedTemplate` does once per process what docxtpl redoes for every document (reading the
template, its XML clean-up, compiling the Jinja source); `render` then only runs the compiled
template and the same docxtpl post-processing, so the XML equals `DocxTemplate.render()`'s.
Templates run in Jinja's sandbox with StrictUndefined and autoescape; data is never template
source. Every XML part is re-parsed strictly before a file is produced.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate, RichText
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from generator import layout
from generator.compute import BodyBlock, PlanFigures
from generator.schema import LOAI_VAN_BAN, Plan, VanBan
from generator.vi import BLANK, WordConvention, amount_in_words, format_date, format_number

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: Document properties written into every template and output (no names, times or machine data).
FIXED_CORE_PROPERTIES = {"author": "vanban", "last_modified_by": "vanban", "revision": 1, "comments": ""}
MARKUP = re.compile(r"\\\*|\*\*(.+?)\*\*|\*(.+?)\*")

#: Styles whose text a short rule (style "VB Gach") underlines: size, bold, italic.
RULED_STYLES = {"VBCoquan": (13, True, False), "VBTrichyeu": (14, True, False), "VBKemtheo": (14, False, True)}


class TemplateProblem(Exception):
    """A template that cannot be rendered: names the template and the tag."""


def rich(block: BodyBlock) -> RichText:
    """A body paragraph as runs: its label, then text with **bold** and *italic* markup."""
    text = RichText()
    if block.label:
        text.add(block.label + " ")
    position = 0
    for match in MARKUP.finditer(block.text):
        if match.start() > position:
            text.add(block.text[position:match.start()])
        if match.group(0) == "\\*":
            text.add("*")
        else:
            text.add(match.group(1) or match.group(2), bold=match.group(1) is not None, italic=match.group(2) is not None)
        position = match.end()
    if position < len(block.text):
        text.add(block.text[position:])
    return text


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
    kinds = {"muc": "muc", "khoan": "khoan"}
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


def attendees_context(figures: PlanFigures, *, draft: bool) -> dict:
    return {**base_context(figures, draft=draft), "phu_luc": figures.phu_luc_1}


def budget_context(figures: PlanFigures, *, draft: bool) -> dict:
    budget = figures.phu_luc_2
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
                    "ghi_chu": "; ".join(
                        x for x in (None if line.nguon.id == budget.nguon_mac_dinh else line.nguon.ten, line.ghi_chu) if x
                    ),
                }
                for line in t.dong
            ],
        }
        for t in budget.bang
    ]
    sources = [{"stt": i, "ten": s.ten, "tong": amount} for i, (s, amount) in enumerate(budget.theo_nguon, 1)]
    return {
        **base_context(figures, draft=draft),
        "phu_luc": {"ten": budget.ten, "tieu_de": budget.tieu_de, "bang": tables, "tong": budget.tong, "theo_nguon": sources},
    }


# --- templates ---------------------------------------------------------------------------------

def _as_body_markup(xml: str) -> str:
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


@dataclass
class _Part:
    name: str
    template: object  # a compiled Jinja template


class PreparedTemplate:
    """A docxtpl template read, cleaned and compiled once; `render` per document."""

    def __init__(self, path: Path, env: SandboxedEnvironment):
        self.path = Path(path)
        self._docxtpl = DocxTemplate(str(self.path))
        self._docxtpl.render_init()
        try:
            self._body = env.from_string(_as_body_markup(self._docxtpl.patch_xml(self._docxtpl.get_xml())))
            self._headers = [
                _Part(part.partname.lstrip("/"), env.from_string(_as_body_markup(self._docxtpl.patch_xml(self._docxtpl.get_part_xml(part)))))
                for uri in (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI)
                for _, part in self._docxtpl.get_headers_footers(uri)
            ]
        except TemplateError as exc:
            raise TemplateProblem(f"mẫu {self.path.name}: thẻ không hợp lệ: {exc}") from None
        with zipfile.ZipFile(self.path) as archive:
            self._entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
        self._root = self._docxtpl.docx.element

    def _run(self, template, context: dict) -> str:
        try:
            xml = template.render(context)
        except TemplateError as exc:
            raise TemplateProblem(f"mẫu {self.path.name}: {_template_error_vi(exc)}") from None
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        return self._docxtpl.resolve_listing(xml)

    def render_xml(self, context: dict) -> tuple[bytes, dict[str, bytes]]:
        """document.xml and the header/footer parts, exactly as docxtpl's render() makes them."""
        body = self._run(self._body, context)
        _strict(body, f"{self.path.name}: word/document.xml")
        tree = self._docxtpl.fix_tables(body)
        self._docxtpl.fix_docpr_ids(tree)
        self._root.replace(self._root.body, tree)
        document = etree.tostring(self._root, encoding="UTF-8", standalone=True)
        headers = {}
        for part in self._headers:
            xml = self._run(part.template, context)
            _strict(xml, f"{self.path.name}: {part.name}")
            headers[part.name] = xml.encode("utf-8")
        return document, headers

    def render(self, context: dict, *, core: bytes) -> bytes:
        """A complete .docx: rendered parts, short rules sized, fixed properties, fixed zip."""
        document, headers = self.render_xml(context)
        replaced = {"word/document.xml": size_rules(document), "docProps/core.xml": core, **headers}
        return write_zip([(name, replaced.get(name, data)) for name, data in self._entries])


def _template_error_vi(exc: TemplateError) -> str:
    message = str(exc)
    if "is undefined" in message or "has no attribute" in message:
        return f"thẻ nhắc đến dữ liệu không có ({message})"
    if "unsafe" in message or "access to attribute" in message:
        return f"thẻ truy cập điều không được phép trong môi trường an toàn ({message})"
    return message


def _strict(xml: str, where: str) -> None:
    try:
        etree.fromstring(xml.encode("utf-8"))
    except etree.XMLSyntaxError as exc:
        raise TemplateProblem(f"{where}: XML không hợp lệ sau khi điền dữ liệu ({exc})") from None


def size_rules(document: bytes) -> bytes:
    """Size each short rule (style VB Gach) to 0.4 of the text above it (NĐ 30 HD-14, TL-05, AP-08)."""
    root = etree.fromstring(document)
    w = f"{{{W}}}"
    for rule in root.iter(f"{w}p"):
        style = rule.find(f"{w}pPr/{w}pStyle")
        if style is None or style.get(f"{w}val") != "VBGach":
            continue
        widths, node = [], rule.getprevious()
        while node is not None and node.tag == f"{w}p":
            prev_style = node.find(f"{w}pPr/{w}pStyle")
            key = prev_style.get(f"{w}val") if prev_style is not None else None
            if key not in RULED_STYLES:
                break
            size, bold, italic = RULED_STYLES[key]
            text = "".join(t.text or "" for t in node.iter(f"{w}t"))
            widths.append(layout.text_width(text, size, bold=bold, italic=italic))
            node = node.getprevious()
        if not widths:
            continue
        cell = rule.getparent()
        box = layout.TEXT_WIDTH
        if cell.tag == f"{w}tc":
            box = int(cell.find(f"{w}tcPr/{w}tcW").get(f"{w}w"))
        indent = layout.centred_rule_indent(max(widths), box)
        ppr = rule.find(f"{w}pPr")
        ind = ppr.find(f"{w}ind")
        if ind is None:
            ind = etree.SubElement(ppr, f"{w}ind")
            jc = ppr.find(f"{w}jc")
            if jc is not None:
                jc.addprevious(ind)
        ind.set(f"{w}left", str(indent))
        ind.set(f"{w}right", str(indent))
        ind.set(f"{w}firstLine", "0")
    return etree.tostring(root, encoding="UTF-8", standalone=True)


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
    ).encode("utf-8")


def write_zip(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip with fixed timestamps and the given part order: same input, same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()


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


# --- the plan's documents ----------------------------------------------------------------------

@dataclass(frozen=True)
class DocumentSet:
    """The rendered files of one plan: name → bytes."""

    files: dict[str, bytes]


class Renderer:
    """Renders plans with templates prepared once (reuse one Renderer for many plans)."""

    def __init__(self, templates: Path = TEMPLATES, convention: WordConvention | None = None):
        self.templates = Path(templates)
        self._prepared: dict[tuple[str, WordConvention], PreparedTemplate] = {}
        self._default_convention = convention

    def template(self, name: str, convention: WordConvention) -> PreparedTemplate:
        key = (name, convention)
        if key not in self._prepared:
            path = self.templates / name
            if not path.is_file():
                raise TemplateProblem(f"không tìm thấy mẫu {path}")
            self._prepared[key] = PreparedTemplate(path, make_environment(convention))
        return self._prepared[key]

    def render_plan(self, figures: PlanFigures, *, draft: bool | None = None) -> DocumentSet:
        """ke-hoach.docx, phu-luc-1.docx, phu-luc-2.docx (those the plan has) and ho-so.docx."""
        plan = figures.plan
        draft = plan.is_draft if draft is None else (draft or plan.is_draft)
        convention = self._default_convention or plan.quy_uoc_so.convention()
        core = core_properties(plan)
        files = {"ke-hoach.docx": self.template("ke-hoach.docx", convention).render(plan_context(figures, draft=draft), core=core)}
        if figures.phu_luc_1:
            files["phu-luc-1.docx"] = self.template("phu-luc-1.docx", convention).render(
                attendees_context(figures, draft=draft), core=core
            )
        if figures.phu_luc_2:
            files["phu-luc-2.docx"] = self.template("phu-luc-2.docx", convention).render(
                budget_context(figures, draft=draft), core=core
            )
        files["ho-so.docx"] = compose(list(files.values()))
        return DocumentSet(files)
