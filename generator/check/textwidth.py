"""Width of a line of Times New Roman text, for the underline and one-line rules (HD-02, HD-10, HD-14, TL-05).

The widths are those of generator.render.layout (Liberation Serif 2 = Times New Roman metrics; nd30.md §3 gives the
same figures, e.g. "Độc lập - Tự do - Hạnh phúc", 14 pt bold = 60.5 mm). Kerning is ignored (Word does not
kern by default).
"""

from __future__ import annotations

from generator.docx.model import UNDERSCORE_EM
from generator.render.layout import TWIPS_PER_MM, text_width

__all__ = ["UNDERSCORE_EM", "text_width_mm"]


def text_width_mm(text: str, size_pt: float, bold: bool = True) -> float:
    """Printed width of ``text`` in Times New Roman at ``size_pt`` (bold or regular), in millimetres."""
    return text_width(text, size_pt, bold=bold) / TWIPS_PER_MM
