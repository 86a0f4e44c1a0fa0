"""Page geometry of the NĐ 30 layout: the values chosen inside each allowed range, and text widths.

Widths use Times New Roman advance widths (Liberation Serif 2 has the same metrics), kept as data
in generator/render/data/tnr_widths.json (package data, read with importlib.resources).
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from importlib.resources import files

TWIPS_PER_MM = 1440 / 25.4

#: Page setup, in twips (NĐ 30 PG-04..07; PG-10): one value inside each range.
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 1134, 1134, 1701, 851
HEADER_DISTANCE = 567
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 9354 twips = 165 mm

#: Header table columns (PL-III Mẫu 1.4), cell margins 0 so a cell's width is its text width.
HEADER_LEFT, HEADER_RIGHT, HEADER_INDENT = 3829, 5670, -199
#: Signature table columns (Mẫu 1.4): Nơi nhận left, signature right.
SIGN_LEFT = 4000
SIGN_RIGHT = TEXT_WIDTH - SIGN_LEFT

#: A short rule is this fraction of the text it underlines (NĐ 30 allows 1/3 to 1/2).
SHORT_RULE = 0.4


@lru_cache(maxsize=1)
def _widths() -> dict:
    return json.loads((files("generator.render") / "data" / "tnr_widths.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=4096)
def text_width(text: str, size_pt: float, *, bold: bool = False, italic: bool = False) -> int:
    """Width of one line of text in twips, in Times New Roman."""
    table = _widths()
    style = {(False, False): "regular", (True, False): "bold", (False, True): "italic", (True, True): "bold_italic"}[
        (bold, italic)
    ]
    widths = table["widths"][style]
    fallback = widths["n"]
    units = 0
    for char in unicodedata.normalize("NFC", text):
        if char in widths:
            units += widths[char]
        else:
            base = unicodedata.normalize("NFD", char)[0]
            units += widths.get(base, fallback)
    return round(units / table["units_per_em"] * size_pt * 20)


def centred_rule_indent(text_twips: int, box_twips: int) -> int:
    """Left/right indent that makes a bottom border SHORT_RULE of the text, centred in the box."""
    rule = round(min(text_twips, box_twips) * SHORT_RULE)
    return max(0, (box_twips - rule) // 2)
