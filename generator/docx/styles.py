"""The style layer: styles.xml (with ``basedOn`` chains), docDefaults, theme fonts and numbering,
merged into the effective formatting of a run, a paragraph or a table as Word shows it.

Effective run formatting: docDefaults → table style → paragraph style → character style (each style
with its ``basedOn`` chain) → direct formatting. Toggle properties (bold, italic, caps) are XOR-ed
across the three style layers and set absolutely by direct formatting (ECMA-376 §17.7.3): bold in a
paragraph style and again in its run's character style shows NOT bold. Theme fonts (``w:asciiTheme``
…) are resolved through the theme part. Paragraph properties (jc, ind, spacing, borders) merge the
same way, with numbering-level indents between style and direct formatting.
"""

from __future__ import annotations

from typing import Any, Literal

from lxml import etree

from generator.docx.ns import Element, on, on_attr, q, side, to_int, val

_THEME_ATTR = {"ascii": "asciiTheme", "hAnsi": "hAnsiTheme", "cs": "cstheme", "eastAsia": "eastAsiaTheme"}
TOGGLES = ("b", "i", "caps")

Props = dict[str, Any]
#: The table style of a paragraph's table; False for a paragraph outside tables.
TableStyle = str | None | Literal[False]


def _parse_rpr(rpr: Element | None) -> Props:
    """Run properties of one level as a flat dict (only what is declared at that level)."""
    props: Props = {}
    if rpr is None:
        return props
    for key in TOGGLES:
        value = on(rpr.find(q(f"w:{key}")))
        if value is not None:
            props[key] = value
    for key, attr in (("sz", "w:val"), ("color", "w:val"), ("highlight", "w:val"), ("shd", "w:fill")):
        el = rpr.find(q(f"w:{key}"))
        if el is not None and el.get(q(attr)) is not None:
            props[key] = to_int(el.get(q(attr))) if key == "sz" else el.get(q(attr))
    fonts = rpr.find(q("w:rFonts"))
    if fonts is not None:
        for slot, theme_attr in _THEME_ATTR.items():
            theme, name = fonts.get(q(f"w:{theme_attr}")), fonts.get(q(f"w:{slot}"))
            if theme:  # within one level the theme attribute wins over the plain name
                props[f"font.{slot}"] = ("theme", theme)
            elif name:
                props[f"font.{slot}"] = ("name", name)
    return props


def _parse_ppr(ppr: Element | None) -> Props:
    """Paragraph properties of one level as a flat dict."""
    props: Props = {}
    if ppr is None:
        return props
    jc = val(ppr.find(q("w:jc")))
    if jc:
        props["jc"] = {"start": "left", "end": "right"}.get(jc, jc)
    ind = ppr.find(q("w:ind"))
    if ind is not None:
        for key, names in (("left", ("w:left", "w:start")), ("right", ("w:right", "w:end"))):
            value = next((to_int(ind.get(q(n))) for n in names if ind.get(q(n)) is not None), None)
            if value is not None:
                props[f"ind.{key}"] = value
        # firstLine and hanging exclude each other: the level that sets one replaces the other.
        if ind.get(q("w:hanging")) is not None:
            props["ind.first"] = -(to_int(ind.get(q("w:hanging"))) or 0)
        elif ind.get(q("w:firstLine")) is not None:
            props["ind.first"] = to_int(ind.get(q("w:firstLine"))) or 0
        if ind.get(q("w:hangingChars")) is not None:
            props["ind.firstChars"] = -(to_int(ind.get(q("w:hangingChars"))) or 0)
        elif ind.get(q("w:firstLineChars")) is not None:
            props["ind.firstChars"] = to_int(ind.get(q("w:firstLineChars"))) or 0
    spacing = ppr.find(q("w:spacing"))
    if spacing is not None:
        for key in ("before", "after", "line"):
            value = to_int(spacing.get(q(f"w:{key}")))
            if value is not None:
                props[f"spacing.{key}"] = value
        if spacing.get(q("w:lineRule")):
            props["spacing.lineRule"] = spacing.get(q("w:lineRule"))
        for key in ("before", "after"):
            if on_attr(spacing, f"w:{key}Autospacing"):
                props[f"spacing.{key}"] = 280  # Word's "auto" paragraph spacing is 14 pt
    contextual = on(ppr.find(q("w:contextualSpacing")))
    if contextual is not None:
        props["contextual"] = contextual
    borders = ppr.find(q("w:pBdr"))
    if borders is not None:
        for edge in borders:
            props[f"bdr.{etree.QName(edge).localname}"] = edge.get(q("w:val"))
    num = ppr.find(q("w:numPr"))
    if num is not None:
        num_id = val(num.find(q("w:numId")))
        if num_id is not None:
            props["numId"] = num_id
            props["ilvl"] = to_int(val(num.find(q("w:ilvl")))) or 0
    return props


def _parse_tblpr(tblpr: Element | None) -> Props:
    props: Props = {}
    if tblpr is None:
        return props
    borders = tblpr.find(q("w:tblBorders"))
    if borders is not None:
        for edge in borders:
            props[f"bdr.{side(edge)}"] = edge.get(q("w:val"))
    margins = tblpr.find(q("w:tblCellMar"))
    if margins is not None:
        for edge in margins:
            props[f"mar.{side(edge)}"] = to_int(edge.get(q("w:w")))
    return props


class StyleSheet:
    """styles.xml + theme fonts + numbering: merges the levels of formatting into effective values."""

    def __init__(self, styles_el: Element, theme_fonts: dict[str, str], numbering_el: Element | None):
        self._styles = {s.get(q("w:styleId")): s for s in styles_el.iter(q("w:style"))}
        self._defaults = {
            t: s.get(q("w:styleId"))
            for s in styles_el.iter(q("w:style"))
            if on_attr(s, "w:default") and (t := s.get(q("w:type")))
        }
        defaults = styles_el.find(q("w:docDefaults"))
        self.default_rpr = _parse_rpr(None if defaults is None else defaults.find(f"{q('w:rPrDefault')}/{q('w:rPr')}"))
        self.default_ppr = _parse_ppr(None if defaults is None else defaults.find(f"{q('w:pPrDefault')}/{q('w:pPr')}"))
        self.theme_fonts = theme_fonts
        self._numbering = numbering_el
        self._cache: dict[tuple[str | None, str, str], Props] = {}

    def _chain_props(self, style_id: str | None, kind: str, part: str) -> Props:
        """Merged ``part`` (rPr/pPr/tblPr) of a style and its basedOn ancestors; unknown id → default style."""
        key = (style_id, kind, part)
        if key not in self._cache:
            if style_id not in self._styles or self._styles[style_id].get(q("w:type")) != kind:
                style_id = self._defaults.get(kind) if kind != "character" else None
            chain, seen = [], set()
            while style_id and style_id in self._styles and style_id not in seen:
                seen.add(style_id)
                chain.append(self._styles[style_id])
                style_id = val(self._styles[style_id].find(q("w:basedOn")))
            parse = {"rPr": _parse_rpr, "pPr": _parse_ppr, "tblPr": _parse_tblpr}[part]
            merged: Props = {}
            for style in reversed(chain):
                merged.update(parse(style.find(q(f"w:{part}"))))
            self._cache[key] = merged
        return self._cache[key]

    def style_name(self, style_id: str | None, kind: str = "paragraph") -> str:
        """The name of a style as Word lists it ("Normal", "Heading 1"); the default style's for an unknown id."""
        if style_id not in self._styles or self._styles[style_id].get(q("w:type")) != kind:
            style_id = self._defaults.get(kind)
        style = self._styles.get(style_id)
        return (val(style.find(q("w:name"))) or style_id or "") if style is not None else ""

    def run_props(
        self, para_style: str | None, table_style: TableStyle, run_style: str | None, direct_rpr: Element | None
    ) -> Props:
        """Effective run properties (see the module docstring for the order)."""
        layers = [
            self._chain_props(table_style, "table", "rPr") if table_style is not False else {},
            self._chain_props(para_style, "paragraph", "rPr"),
            self._chain_props(run_style, "character", "rPr") if run_style else {},
        ]
        direct = _parse_rpr(direct_rpr)
        props = dict(self.default_rpr)
        for layer in layers:
            props.update({k: v for k, v in layer.items() if k not in TOGGLES})
        for key in TOGGLES:
            state = bool(self.default_rpr.get(key, False))
            for layer in layers:
                state ^= bool(layer.get(key, False))
            props[key] = state
        props.update(direct)
        return props

    def para_props(self, para_style: str | None, table_style: TableStyle, direct_ppr: Element | None) -> Props:
        """Effective paragraph properties: defaults → table style → paragraph style → numbering → direct."""
        props = dict(self.default_ppr)
        if table_style is not False:
            props.update(self._chain_props(table_style, "table", "pPr"))
        props.update(self._chain_props(para_style, "paragraph", "pPr"))
        direct = _parse_ppr(direct_ppr)
        num_id = direct.get("numId", props.get("numId"))
        if num_id not in (None, "0"):
            props.update(self._numbering_ind(num_id, int(direct.get("ilvl", props.get("ilvl", 0)) or 0)))
        props.update(direct)
        return props

    def table_props(self, table_style: str | None, direct_tblpr: Element | None) -> Props:
        props = dict(self._chain_props(table_style, "table", "tblPr"))
        props.update(_parse_tblpr(direct_tblpr))
        return props

    def _numbering_ind(self, num_id: str, ilvl: int) -> Props:
        if self._numbering is None:
            return {}
        num = next((n for n in self._numbering.iter(q("w:num")) if n.get(q("w:numId")) == num_id), None)
        if num is None:
            return {}
        for override in num.iter(q("w:lvlOverride")):
            lvl = override.find(q("w:lvl"))
            if to_int(override.get(q("w:ilvl"))) == ilvl and lvl is not None:
                return {k: v for k, v in _parse_ppr(lvl.find(q("w:pPr"))).items() if k.startswith("ind.")}
        abstract_id = val(num.find(q("w:abstractNumId")))
        for abstract in self._numbering.iter(q("w:abstractNum")):
            if abstract.get(q("w:abstractNumId")) == abstract_id:
                for lvl in abstract.iter(q("w:lvl")):
                    if to_int(lvl.get(q("w:ilvl"))) == ilvl:
                        return {k: v for k, v in _parse_ppr(lvl.find(q("w:pPr"))).items() if k.startswith("ind.")}
        return {}

    def font(self, props: Props, slot: str) -> str | None:
        """Font name of a slot (ascii/hAnsi/cs), theme fonts resolved; None when no level declares one."""
        declared = props.get(f"font.{slot}")
        if declared is None:
            return None
        kind, value = declared
        if kind == "theme":
            return self.theme_fonts.get(value) or f"phông chủ đề {value} để trống"
        return str(value)


def theme_fonts(root: etree._Element | None) -> dict[str, str]:
    """Map theme font references (minorHAnsi, majorBidi …) to typefaces ("" when the theme leaves one empty)."""
    if root is None:
        return {}
    fonts: dict[str, str] = {}
    for major_minor in ("major", "minor"):
        group = root.find(f".//{q(f'a:{major_minor}Font')}")
        if group is None:
            continue
        faces = {}
        for script in ("latin", "ea", "cs"):
            face = group.find(q(f"a:{script}"))
            faces[script] = "" if face is None else face.get("typeface", "")
        fonts.update(
            {
                f"{major_minor}HAnsi": faces["latin"],
                f"{major_minor}Ascii": faces["latin"],
                f"{major_minor}EastAsia": faces["ea"],
                f"{major_minor}Bidi": faces["cs"],
            }
        )
    return fonts
