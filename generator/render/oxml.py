"""The OOXML layer under `render`: document.xml as text and as a tree, short rules, zip entries.

`render` fills templates and gets the text of document.xml; what docxtpl's render() and save make of
that text (parse, fix tables, renumber drawings, serialise with lxml) is done here on the text
itself when the document is simple enough to follow exactly (`as_saved`), else on the lxml tree
(`through_tree`). Both give the same characters: lxml's serialisation rules are few (quotes in text
unescaped, empty elements closed), and a document with structures the text path does not follow
(nested tables, text boxes, content controls, tracked changes) goes through the tree.
"""

from __future__ import annotations

import os
import pyexpat
import re
import shutil
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import unescape

from jinja2 import nodes
from lxml import etree

from generator.render import layout
from generator.errors import OutputError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
#: Prefixes the text path reads markup by (Word and python-docx always use these).
PREFIXES = {"w": W, "r": R, "wp": WP}
XML_DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"  # as lxml writes it
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: zlib level for the parts of every .docx: 1 (fastest) — a few KB larger than the default 6, 3× faster.
DEFLATE_LEVEL = 1
_DOS_DATE = (ZIP_DATE[0] - 1980) << 9 | ZIP_DATE[1] << 5 | ZIP_DATE[2]
_DOS_TIME = ZIP_DATE[3] << 11 | ZIP_DATE[4] << 5 | ZIP_DATE[5] // 2

#: Styles whose text a short rule (style "VB Gach") underlines: size, bold, italic.
RULED_STYLES = {"VBCoquan": (13, True, False), "VBTrichyeu": (14, True, False), "VBKemtheo": (14, False, True)}
RULE_STYLE = "VBGach"
_RULES = etree.XPath(f"//w:p[w:pPr/w:pStyle/@w:val = '{RULE_STYLE}']", namespaces={"w": W})


# --- checking -----------------------------------------------------------------------------------

def xml_error(data: bytes) -> str | None:
    """Why `data` is not well-formed XML (strict parse, line and column), or None."""
    parser = pyexpat.ParserCreate()
    try:
        parser.Parse(data, True)
    except pyexpat.ExpatError as exc:
        return str(exc)
    return None


#: Control characters XML 1.0 does not allow (all but tab, line feed, carriage return): one byte each in UTF-8.
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def character_error(data: bytes) -> str | None:
    """What character of UTF-8 text XML 1.0 does not allow `data` holds (control characters,
    U+FFFE, U+FFFF, surrogates), or None."""
    if len(data.translate(None, _CONTROL_BYTES)) != len(data):
        return "ký tự điều khiển"
    # (a search for one byte is the fastest: look for the first byte before the sequence)
    if b"\xef" in data and (b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data) or b"\xed" in data and re.search(rb"\xed[\xa0-\xbf]", data):
        return "ký tự U+FFFE, U+FFFF hoặc nửa cặp UTF-16"
    return None


# --- templates that always fill to well-formed XML ------------------------------------------------

#: Markup of a template source — closing slash, name, attributes, empty slash — or a template tag:
#: a statement's keyword, or nothing for {{ and {#.
_MARKUP_OR_TAG = re.compile(r"<(/?)([^\s<>/!?]+)([^<>]*?)(/?)>|\{%-?\s*(\w*)|\{[{#]")
_OPEN_ENTITY = re.compile(r"&(?![#\w]+;)")


def always_well_formed(template: nodes.Template) -> bool:
    """Whether every document filled from a template (its Jinja syntax tree) is well-formed XML,
    whatever the data, given that the values it writes are (escaped text, RichText runs): its
    fixed text read through (every branch, each loop body once) is; each branch of an if and each
    loop body opens and closes whole elements; no value or statement splits a tag or an entity;
    and it holds nothing but text, values, if, for and set (no macros, includes, blocks, …)."""
    fixed: list[str] = []

    def balanced(body: list[nodes.Node], stack: list[str]) -> bool:
        floor = len(stack)
        for node in body:
            if isinstance(node, nodes.Output):
                for child in node.nodes:
                    if isinstance(child, nodes.TemplateData):
                        fixed.append(child.data)
                        if not _read_elements(child.data, stack, floor):
                            return False
            elif isinstance(node, nodes.If):
                if not all(balanced(branch, stack) for branch in (node.body, *(b.body for b in node.elif_), node.else_)):
                    return False
            elif isinstance(node, nodes.For):
                if node.recursive or not (balanced(node.body, stack) and balanced(node.else_, stack)):
                    return False
            elif not isinstance(node, nodes.Assign):
                return False
        return len(stack) == floor

    return balanced(template.body, []) and xml_error("".join(fixed).encode("utf-8")) is None


def _read_elements(text: str, stack: list[str], floor: int) -> bool:
    """Follow the elements `text` (fixed text of a template) opens and closes on `stack`; False if
    it closes one opened before `floor`, ends inside a tag or an entity, or holds comments or the like."""
    if "<!" in text or "<?" in text or text.rfind("<") > text.rfind(">") or _OPEN_ENTITY.search(text):
        return False
    for closing, name, _, empty, _ in _MARKUP_OR_TAG.findall(text):
        if not name:  # a template tag (fixed text holds none)
            continue
        if closing:
            if len(stack) <= floor or stack[-1] != name:
                return False
            stack.pop()
        elif not empty:
            stack.append(name)
    return True


# --- the text path ------------------------------------------------------------------------------

#: Markup the text path does not follow (comments and CDATA, text boxes, content controls, custom
#: XML, tracked changes), and raw output (markup from data): a template with any goes through the tree.
_INTRICATE = ("<!", "<?", "txbxContent", "<w:sdt", "customXml", "Change", "safe", "autoescape", "Markup")
TEMPLATE_TAG = re.compile(r"\{[{%#]")
#: What Jinja's and docxtpl's escaping write that lxml writes as the character itself (in text).
_ESCAPED_QUOTES = (("&#34;", '"'), ("&#39;", "'"), ("&#x27;", "'"))
#: An element with attributes and no content: its start tag ends in '">' right before an end tag
#: (text holds no raw '>', attribute values no raw '"').
_EMPTY_WITH_ATTRIBUTES = re.compile(r'"></[^<>]+>')
_TABLE_MARKUP = re.compile(r'<(/?)w:(tbl|tr|tc|gridCol|gridSpan)(?=[ >/])(?: w:val="(\d+)")?')
_DRAWING_ID = re.compile(r'(<wp:docPr\b[^>]*? id=")[^"]*"')
_RULE_STYLE = f'<w:pStyle w:val="{RULE_STYLE}"/>'
_PARAGRAPH_PROPERTIES = re.compile(r"<w:p(?: [^>]*)?><w:pPr>((?:(?!</w:pPr>).)*)</w:pPr>")
_STYLE = re.compile(r'<w:pStyle w:val="([^"]*)"/>')
_RUN_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")
_INDENT = re.compile(r"<w:ind\b([^>]*?)/>")
_ATTRIBUTE = re.compile(r'(\S+?)="([^"]*)"')
_CELL_WIDTH = re.compile(r'<w:tcW\b[^>]*? w:w="(\d+)"')
_EMPTY_ELEMENT = re.compile(r"<([^\s<>/!?]+)></\1>")


@dataclass(frozen=True)
class TextFilling:
    """What the text path needs to know of a template, learnt once from its source."""

    #: Elements without attributes that filling may leave empty, <X></X> (lxml writes <X/>): those
    #: whose content begins with a tag, those empty in the template, and w:t (RichText and docxtpl's
    #: line breaks write runs of their own).
    emptied: frozenset[str]
    #: Whether filling can change a table's rows or cells (tags right inside a table or a row),
    #: so each document's tables are checked as fix_tables would.
    tables_vary: bool
    #: Whether the template has drawings, which docxtpl numbers (values, escaped, bring none).
    drawings: bool = False


def text_filling(source: str) -> TextFilling | None:
    """How documents filled from this template source (document.xml after docxtpl's clean-up) take
    the text path; None if they cannot: markup it does not follow, a tag inside a tag, raw output.
    Data, escaped, then adds only text, runs and breaks."""
    if any(marker in source for marker in _INTRICATE) or any(
        source.rfind("<", 0, tag.start()) > source.rfind(">", 0, tag.start()) for tag in TEMPLATE_TAG.finditer(source)
    ):
        return None
    holders, open_elements = set(), []
    for match in _MARKUP_OR_TAG.finditer(source):
        closing, name, _, empty, _ = match.groups()
        if name is None:
            if open_elements:
                holders.add(open_elements[-1])
        elif closing:
            open_elements.pop()
        elif not empty:
            open_elements.append(name)
    emptied = {"w:t", *_EMPTY_ELEMENT.findall(source)} | {name for name in holders if re.search(f"<{re.escape(name)}>\\s*\\{{", source)}
    return TextFilling(frozenset(emptied), not _tables_fixed(source), "<wp:docPr" in source)


_SPAN = re.compile(r'w:val="(\d+)"')
#: Statements filling may repeat or leave out rows by: +1 opens a block, -1 ends one.
_ROW_STATEMENTS = {"if": 1, "for": 1, "elif": 0, "else": 0, "endif": -1, "endfor": -1}


def _tables_fixed(source: str) -> bool:
    """Whether every filling of a template source has regular tables (fix_tables leaves them): the
    template's are, and filling only repeats or leaves out whole rows — the tags in a table are in
    its cells or are if/for statements right in the table, around whole rows; each row fits the
    grid, and a row outside those statements spans it. (Nested tables: False, see tables_regular.)"""
    if not tables_regular(source):
        return False
    stack: list[str] = []  # open elements
    blocks: list[bool] = []  # open if/for statements: whether right in a table (around rows)
    columns = widest = spanning = cells = spanned = 0
    for match in _MARKUP_OR_TAG.finditer(source):
        closing, name, attributes, empty, keyword = match.groups()
        if name is not None:
            if closing:
                if not stack or stack.pop() != name or name == "w:tbl" and (widest > columns or spanning < columns or any(blocks)):
                    return False
                if name == "w:tr":
                    widest, spanning = max(widest, cells), spanning if any(blocks) else max(spanning, spanned)
                continue
            if name == "w:tbl":
                columns = widest = spanning = 0
            elif name == "w:tr":
                cells = spanned = 0
            elif name == "w:tc":
                cells, spanned = cells + 1, spanned + 1
            elif name == "w:gridCol":
                columns += 1
            elif name == "w:gridSpan" and (span := _SPAN.search(attributes)):
                spanned += int(span.group(1)) - 1
            if not empty:
                stack.append(name)
            continue
        step = _ROW_STATEMENTS.get(keyword) if keyword is not None else None
        around_rows = bool(stack) and stack[-1] == "w:tbl"
        if "w:tbl" in stack and "w:tc" not in stack:  # in a table, not in a cell: only statements around rows
            if not around_rows or step is None or step <= 0 and not (blocks and blocks[-1]):
                return False
        elif keyword not in (None, "set") and step is None or step is not None and step <= 0 and blocks and blocks[-1]:
            return False  # a statement it does not follow, or one around rows that goes on in a cell or outside
        if step == 1:
            blocks.append(around_rows)
        elif step == -1:
            if not blocks:
                return False
            blocks.pop()
    return True


def as_saved(xml: str, filling: TextFilling, *, sized: bool) -> str | None:
    """The text of document.xml filled from a template (`text_filling`), as docxtpl's render() and
    save write it — fix_tables (here: a check that it has nothing to do), drawing ids renumbered
    from 1001, lxml's serialisation — and, if `sized`, its short rules sized; None where only the
    tree can tell (nested tables, carriage returns)."""
    if "\r" in xml or filling.tables_vary and not tables_regular(xml):
        return None
    if "#" in xml and "&#" in xml:  # one character first: found fastest
        for reference, character in _ESCAPED_QUOTES:
            xml = xml.replace(reference, character)
    if '"></' in xml:
        xml = _EMPTY_WITH_ATTRIBUTES.sub('"/>', xml)
    for name in filling.emptied:
        if f"<{name}></{name}>" in xml:
            xml = xml.replace(f"<{name}></{name}>", f"<{name}/>")
    if filling.drawings:  # docxtpl numbers drawings from 1000 in every render
        numbers = iter(range(1001, 1001 + xml.count("<wp:docPr")))
        xml = _DRAWING_ID.sub(lambda m: f'{m.group(1)}{next(numbers)}"', xml)
    return _size_rules_text(xml) if sized else xml


def tables_regular(xml: str) -> bool:
    """Whether every table's rows are as wide as its grid (docxtpl's fix_tables then changes nothing);
    False also for nested tables, which the tree handles."""
    in_table = False
    columns = widest = widest_spanned = cells = spanned = 0
    for closing, tag, span in _TABLE_MARKUP.findall(xml):
        if tag == "tbl":
            if closing:
                if widest > columns or widest_spanned < columns:
                    return False
                in_table = False
            elif in_table:
                return False
            else:
                in_table, columns, widest, widest_spanned = True, 0, 0, 0
        elif tag == "tr":
            if closing:
                widest, widest_spanned = max(widest, cells), max(widest_spanned, spanned)
            else:
                cells = spanned = 0
        elif closing:
            continue
        elif tag == "tc":
            cells, spanned = cells + 1, spanned + 1
        elif tag == "gridCol":
            columns += 1
        else:
            spanned += int(span) - 1
    return True


def _size_rules_text(xml: str) -> str | None:
    """size_rules on the text (tables not nested, no text boxes: checked by the caller)."""
    rules, position = [], xml.find(_RULE_STYLE)
    while position >= 0:
        start = _last_start(xml, "w:p", position)
        properties = _PARAGRAPH_PROPERTIES.match(xml, start)
        if properties is None or properties.end() < position:
            return None
        rules.append(properties)
        position = xml.find(_RULE_STYLE, position + 1)
    pieces, end = [], len(xml)
    for properties in reversed(rules):
        widths = _ruled_widths(xml, properties.start())
        if not widths:
            continue
        inner = properties.group(1)
        indent = str(layout.centred_rule_indent(max(widths), _rule_box(xml, properties.start())))
        found = _INDENT.search(inner)
        if found:
            attributes = dict(_ATTRIBUTE.findall(found.group(1)))
            attributes.update({"w:left": indent, "w:right": indent, "w:firstLine": "0"})
            new = "<w:ind" + "".join(f' {name}="{value}"' for name, value in attributes.items()) + "/>"
            inner = inner[:found.start()] + new + inner[found.end():]
        else:
            new = f'<w:ind w:left="{indent}" w:right="{indent}" w:firstLine="0"/>'
            jc = inner.find("<w:jc ")
            inner = inner[:jc] + new + inner[jc:] if jc >= 0 else inner + new
        pieces += [xml[properties.end(1):end], inner]
        end = properties.start(1)
    pieces.append(xml[:end])
    return "".join(reversed(pieces))


def _ruled_widths(xml: str, rule: int) -> list[float]:
    """Widths of the ruled paragraphs right above the rule paragraph starting at `rule`."""
    widths, end = [], rule
    while xml.endswith("</w:p>", 0, end):
        start = _last_start(xml, "w:p", end)
        paragraph = xml[start:end]
        properties = _PARAGRAPH_PROPERTIES.match(paragraph)
        style = _STYLE.search(properties.group(1)) if properties else None
        if style is None or style.group(1) not in RULED_STYLES:
            break
        size, bold, italic = RULED_STYLES[style.group(1)]
        text = "".join(_RUN_TEXT.findall(paragraph))
        widths.append(layout.text_width(unescape(text), size, bold=bold, italic=italic))
        end = start
    return widths


def _rule_box(xml: str, rule: int) -> int:
    """Width the rule is centred in: its table cell's, or the page's text width."""
    cell = _last_start(xml, "w:tc", rule)
    if cell <= xml.rfind("</w:tc>", 0, rule):
        return layout.TEXT_WIDTH
    return int(_CELL_WIDTH.search(xml, cell, xml.index("</w:tcPr>", cell)).group(1))


def _last_start(xml: str, name: str, end: int) -> int:
    """Where the last start tag of element `name` (<name> or <name …>) before `end` begins, or -1."""
    tag = f"<{name}"
    position = xml.rfind(tag, 0, end)
    while position >= 0 and xml[position + len(tag)] not in "> ":
        position = xml.rfind(tag, 0, position)
    return position


# --- the tree path ------------------------------------------------------------------------------

def tables_need_fixing(body) -> bool:
    """Whether docxtpl's fix_tables would change a table: its grid and its rows disagree in width."""
    w = f"{{{W}}}"
    spans: dict[object, int] = {}  # row → extra columns its merged cells take
    for grid_span in body.iter(f"{w}gridSpan"):
        properties = grid_span.getparent()
        cell = properties.getparent()
        if cell.tag == f"{w}tc" and cell.find(f"{w}tcPr") is properties and properties.find(f"{w}gridSpan") is grid_span:
            spans[cell.getparent()] = spans.get(cell.getparent(), 0) + int(grid_span.get(f"{w}val")) - 1
    for table in body.iter(f"{w}tbl"):
        grid = table.find(f"{w}tblGrid")
        if grid is None:
            return True
        columns = len(grid.findall(f"{w}gridCol"))
        widest = spanned = 0
        for row in table.iter(f"{w}tr"):
            cells = len(row.findall(f"{w}tc"))
            widest, spanned = max(widest, cells), max(spanned, cells + spans.get(row, 0))
        if widest > columns or spanned < columns:
            return True
    return False


def size_rules(root) -> None:
    """Size each short rule (style VB Gach) to 0.4 of the text above it (NĐ 30 HD-14, TL-05, AP-08), in place."""
    w = f"{{{W}}}"
    for rule in _RULES(root):
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


# --- combining documents ------------------------------------------------------------------------

_RELATIONSHIP = re.compile(r' r:id="[^"]*"')


def join_bodies(documents: list[str], header_ids: list[list[str]]) -> str | None:
    """compose() on texts made by `as_saved`: the first document with each next one's body appended
    as a section of its own (the section before closed in a paragraph), the headers of section i
    referenced by `header_ids[i]`. None where the text path cannot follow (the caller composes)."""
    bounds = [_body_bounds(xml) for xml in documents]
    if None in bounds:
        return None
    first, (_, section, close) = documents[0], bounds[0]
    pieces, pending = [first[:section]], first[section:close]
    for index, (xml, (opening, section, close)) in enumerate(zip(documents[1:], bounds[1:]), 1):
        content, last = xml[opening:section], xml[section:close]
        if ' r:id="' in content or len(_RELATIONSHIP.findall(last)) != len(header_ids[index]):
            return None
        ids = iter(header_ids[index])
        pieces += ["<w:p><w:pPr>", pending, "</w:pPr></w:p>", content]
        pending = _RELATIONSHIP.sub(lambda _: f' r:id="{next(ids)}"', last)
    pieces += [pending, first[bounds[0][2]:]]
    return "".join(pieces)


def _body_bounds(xml: str) -> tuple[int, int, int] | None:
    """Where a document's body content starts, its final sectPr starts and the body ends."""
    body = xml.find("<w:body")
    close = xml.rfind("</w:body>")
    section = _last_start(xml, "w:sectPr", close)
    if body < 0 or section < 0 or not xml.endswith("</w:sectPr>", 0, close):
        return None
    return xml.index(">", body) + 1, section, close


# --- zip ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Deflated:
    """A zip entry compressed once: name, CRC-32, size and raw deflate stream (as zipfile writes it),
    with its local header and its central directory record (offset still 0)."""

    name: str
    crc: int
    size: int
    data: bytes
    header: bytes
    record: bytes

    @classmethod
    def of(cls, name: str, data: bytes) -> "Deflated":
        packer = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
        packed, crc = packer.compress(data) + packer.flush(), zlib.crc32(data)
        return cls(name, crc, len(data), packed, *_headers(name, zipfile.ZIP_DEFLATED, crc, len(packed), len(data), 0))


def zip_entries(entries: list[Deflated]) -> bytes:
    """The archive zipfile would write for these entries: deflated, dated 1980-01-01, mode 644, in order."""
    local, central, offset = [], [], 0
    for entry in entries:
        central.append(entry.record[:_OFFSET] + _LONG.pack(offset) + entry.record[_OFFSET + 4:])
        local += (entry.header, entry.data)
        offset += len(entry.header) + len(entry.data)
    return b"".join(local) + _directory(central, offset)


class ZipStream:
    """A zip archive written as it goes into `out`, its entries stored (files compressed already,
    such as .docx) and copied from disk, dated 1980-01-01, mode 644: same files, same bytes."""

    def __init__(self, out: BinaryIO):
        self.out, self.central, self.offset = out, [], 0

    def add(self, name: str, source: Path, size: int, crc: int) -> None:
        """The file `source` (of `size` bytes and CRC-32 `crc`, known to whoever wrote it) as `name`."""
        header, record = _headers(name, zipfile.ZIP_STORED, crc, size, size, self.offset)
        if self.offset + len(header) + size > 0xFFFFFFFF or len(self.central) == 0xFFFF:
            raise OutputError("tệp zip vượt giới hạn 4 GB hoặc 65.535 tệp; hãy chia danh sách đơn vị")
        self.out.write(header)
        if _SENDFILE:  # the kernel copies, not Python
            self.out.flush()
            descriptor, sent = os.open(source, os.O_RDONLY), 0
            try:
                while sent < size:
                    sent += os.sendfile(self.out.fileno(), descriptor, sent, size - sent)
            finally:
                os.close(descriptor)
        else:
            with open(source, "rb") as data:
                shutil.copyfileobj(data, self.out)
        self.central.append(record)
        self.offset += len(header) + size

    def close(self) -> None:
        self.out.write(_directory(self.central, self.offset))


_SENDFILE = sys.platform.startswith("linux")  # elsewhere os.sendfile may only write to sockets
_LONG = struct.Struct("<L")
_OFFSET = 42  # of the local header, in a central directory record


def _headers(name: str, method: int, crc: int, stored: int, size: int, offset: int) -> tuple[bytes, bytes]:
    """A zip entry's local header (with its name) and central directory record."""
    try:
        raw, flags = name.encode("ascii"), 0
    except UnicodeEncodeError:
        raw, flags = name.encode("utf-8"), 0x800
    local = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, flags, method, _DOS_TIME, _DOS_DATE, crc, stored, size, len(raw), 0)
    central = struct.pack(
        "<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, flags, method, _DOS_TIME, _DOS_DATE,
        crc, stored, size, len(raw), 0, 0, 0, 0, 0o644 << 16, offset,
    )
    return local + raw, central + raw


def _directory(central: list[bytes], offset: int) -> bytes:
    """The central directory and its end record, after entries ending at `offset`."""
    directory = b"".join(central)
    return directory + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0)


def write_zip(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip with fixed timestamps and the given part order: same input, same bytes."""
    return zip_entries([Deflated.of(name, data) for name, data in entries])
