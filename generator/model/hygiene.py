"""Text a document must not carry, refused with the field named (pydantic puts the path).

Bidirectional controls (U+202A–202E, U+2066–2069, U+200E/200F) can make a printed text read other
than it is stored (a right-to-left override turns "2024" into "4202"); a name made only of
invisible characters (zero-width, joiners, combining marks alone) prints as nothing.
"""

from __future__ import annotations

import re
import unicodedata

BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
_INVISIBLE_CATEGORIES = {"Cf", "Mn", "Me", "Zs", "Zl", "Zp", "Cc"}


def no_bidi(value: str) -> str:
    """`value` unchanged, or ValueError (Vietnamese) for a bidi control."""
    found = BIDI_CONTROLS.search(value)
    if found:
        raise ValueError(
            f"có ký tự điều khiển hướng chữ U+{ord(found.group()):04X} (ẩn, làm đảo thứ tự chữ khi in) "
            f"ở vị trí {found.start() + 1}; hãy gõ lại đoạn này"
        )
    return value


def visible_text(value: str) -> str:
    """`value` unchanged, or ValueError (Vietnamese) for a bidi control or nothing visible."""
    no_bidi(value)
    if value and all(unicodedata.category(c) in _INVISIBLE_CATEGORIES for c in value):
        raise ValueError("chỉ có ký tự vô hình (ký tự độ rộng 0 hoặc dấu thanh đứng một mình); hãy gõ nội dung thật")
    return value


def ascii_number(text: str) -> str:
    """`text` unchanged when its digits are 0–9 only; ValueError for other digits (٥, ５, ๕)."""
    if any(c.isdigit() and not c.isascii() for c in text):
        raise ValueError(f"số {text!r} có chữ số không phải 0–9; hãy gõ lại bằng chữ số thường")
    return text
