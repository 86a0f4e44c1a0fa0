"""OOXML names in one place: namespaces, relationship and content types, and small attribute readers."""

from __future__ import annotations

from typing import TypeAlias

from lxml import etree

#: An lxml element (lxml ships no type information: Any to mypy).
Element: TypeAlias = etree._Element

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "v": "urn:schemas-microsoft-com:vml",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
}
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#: Relationship types (the part a relationship points to).
RT_OFFICE_DOCUMENT = _RT + "officeDocument"
RT_STYLES = _RT + "styles"
RT_THEME = _RT + "theme"
RT_NUMBERING = _RT + "numbering"
RT_SETTINGS = _RT + "settings"
RT_HEADER = _RT + "header"
RT_FOOTER = _RT + "footer"
#: Content types of a Word main document part (document, template, with macros).
WORD_MAIN_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)

TWIPS_PER_MM = 1440 / 25.4
EMU_PER_MM = 36000


def q(name: str) -> str:
    """Clark name of a prefixed name: ``q("w:p")`` → ``{…/main}p``."""
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def val(el: Element | None, name: str = "w:val") -> str | None:
    """An attribute of an element that may be absent."""
    return None if el is None else el.get(q(name))


def to_int(value: str | None) -> int | None:
    """An integer attribute ("12", "12.0"); None when absent or not a number."""
    try:
        return None if value is None else int(float(value))
    except (ValueError, OverflowError):  # "abc", "1e999"
        return None


def on(el: Element | None) -> bool | None:
    """An ON/OFF property: absent → None, ``<w:b/>`` → True, ``w:val="0|false|off"`` → False."""
    if el is None:
        return None
    return val(el) not in ("0", "false", "off")


def on_attr(el: Element, name: str) -> bool:
    """An ON/OFF attribute: absent or "0|false|off" → False."""
    value = el.get(q(name))
    return value is not None and value not in ("0", "false", "off")


def side(el: Element) -> str:
    """The side a border or margin element names, start/end read as left/right."""
    local = str(etree.QName(el).localname)
    return {"start": "left", "end": "right"}.get(local, local)


def mm(twips: float) -> float:
    return twips / TWIPS_PER_MM
