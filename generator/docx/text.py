"""Text as compared: one normal form (`clean`) and one comparison form (`fold`) for every reader."""

from __future__ import annotations

import re
import unicodedata

#: Old-style tone placement ("hoà", "thuỷ") → the form NFC text mostly uses ("hòa", "thủy").
_OLD_TONE = re.compile(r"(?:o([àáảãạèéẻẽẹ])|u([ỳýỷỹỵ]))(?!\w)")
_NEW_TONE = dict(zip("àáảãạèéẻẽẹỳýỷỹỵ", "òa óa ỏa õa ọa òe óe ỏe õe ọe ùy úy ủy ũy ụy".split()))


def clean(text: str) -> str:
    """NFC, one space between words, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def fold(text: str) -> str:
    """Comparison form: `clean`, case-folded, new tone placement ("hoà" → "hòa", "uỷ" → "ủy")."""
    return _OLD_TONE.sub(lambda m: _NEW_TONE[m.group(1) or m.group(2)], clean(text).casefold())
