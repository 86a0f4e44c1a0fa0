"""Names of WordprocessingML the render path writes by (namespaces from `generator.docx.ns`)."""

from __future__ import annotations

from generator.docx.ns import NS

W = NS["w"]
R = NS["r"]
WP = NS["wp"]
#: Prefixes the text path reads markup by (Word and python-docx always use these).
PREFIXES = {"w": W, "r": R, "wp": WP}
XML_DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"  # as lxml writes it
#: Styles whose text a short rule (style "VB Gach") underlines: size, bold, italic.
RULED_STYLES = {"VBCoquan": (13, True, False), "VBTrichyeu": (14, True, False), "VBKemtheo": (14, False, True)}
RULE_STYLE = "VBGach"
