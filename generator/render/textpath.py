"""The text path: what docxtpl's render() and save make of a filled document.xml, done on its text
(quotes, empty elements, tables, drawing ids, short rules) where that is exact; documents joined as
sections on their text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import unescape

from generator.render import layout
from generator.render.wellformed import MARKUP_OR_TAG
from generator.render.wordml import RULE_STYLE, RULED_STYLES

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
    for match in MARKUP_OR_TAG.finditer(source):
        closing, name, _, empty, _ = match.groups()
        if name is None:
            if open_elements:
                holders.add(open_elements[-1])
        elif closing:
            open_elements.pop()
        elif not empty:
            open_elements.append(name)
    emptied = {"w:t", *_EMPTY_ELEMENT.findall(source)} | {
        name for name in holders if re.search(f"<{re.escape(name)}>\\s*\\{{", source)
    }
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
    for match in MARKUP_OR_TAG.finditer(source):
        closing, name, attributes, empty, keyword = match.groups()
        if name is not None:
            if closing:
                if (
                    not stack
                    or stack.pop() != name
                    or name == "w:tbl"
                    and (widest > columns or spanning < columns or any(blocks))
                ):
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
            inner = inner[: found.start()] + new + inner[found.end() :]
        else:
            new = f'<w:ind w:left="{indent}" w:right="{indent}" w:firstLine="0"/>'
            jc = inner.find("<w:jc ")
            inner = inner[:jc] + new + inner[jc:] if jc >= 0 else inner + new
        pieces += [xml[properties.end(1) : end], inner]
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
    pieces += [pending, first[bounds[0][2] :]]
    return "".join(pieces)


def _body_bounds(xml: str) -> tuple[int, int, int] | None:
    """Where a document's body content starts, its final sectPr starts and the body ends."""
    body = xml.find("<w:body")
    close = xml.rfind("</w:body>")
    section = _last_start(xml, "w:sectPr", close)
    if body < 0 or section < 0 or not xml.endswith("</w:sectPr>", 0, close):
        return None
    return xml.index(">", body) + 1, section, close
