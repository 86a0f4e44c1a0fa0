"""Proof that a template fills to well-formed XML whatever the data, and the checks of filled XML (expat, characters XML does not allow)."""

from __future__ import annotations

import pyexpat
import re

from jinja2 import nodes

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
    if (
        b"\xef" in data
        and (b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data)
        or b"\xed" in data
        and re.search(rb"\xed[\xa0-\xbf]", data)
    ):
        return "ký tự U+FFFE, U+FFFF hoặc nửa cặp UTF-16"
    return None


# --- templates that always fill to well-formed XML ------------------------------------------------

#: Markup of a template source — closing slash, name, attributes, empty slash — or a template tag:
#: a statement's keyword, or nothing for {{ and {#.
MARKUP_OR_TAG = re.compile(r"<(/?)([^\s<>/!?]+)([^<>]*?)(/?)>|\{%-?\s*(\w*)|\{[{#]")
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
                if not all(
                    balanced(branch, stack) for branch in (node.body, *(b.body for b in node.elif_), node.else_)
                ):
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
    for closing, name, _, empty, _ in MARKUP_OR_TAG.findall(text):
        if not name:  # a template tag (fixed text holds none)
            continue
        if closing:
            if len(stack) <= floor or stack[-1] != name:
                return False
            stack.pop()
        elif not empty:
            stack.append(name)
    return True
