"""The paragraph or table row a finding is about, for showing it in context on the check page.

Findings say where they are in words ("mục 1, đoạn 90", "bảng 2 (Phụ lục II, mục 1), hàng 4, cột
Thành tiền"); this reads the same document (already read safely by the checker) and finds that
paragraph or row. When the numbering does not lead to text holding the finding's excerpt, the first
paragraph that holds it is shown instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import docx

PARAGRAPH = re.compile(r"đoạn (\d+)")
ROW = re.compile(r"bảng (\d+)\b.*?hàng (\d+)(?:, (?:cột|ô) (.+))?$")
SHOWN = 400  # characters of a paragraph shown


@dataclass(frozen=True)
class Shown:
    kind: str  # "doan" or "hang"
    text: str = ""
    cells: tuple[str, ...] = ()
    marked: int | None = None  # the cell the finding is about


class Context:
    def __init__(self, path: Path):
        try:
            document = docx.Document(str(path))
        except Exception:  # the checker has already said what is wrong with the file
            self.paragraphs, self.tables = [], []
            return
        self.paragraphs = [p.text for p in document.paragraphs]
        self.tables = [[tuple(cell.text for cell in row.cells) for row in table.rows] for table in document.tables]

    def around(self, where: str, excerpt: str = "") -> Shown | None:
        excerpt = (excerpt or "").rstrip("…").strip()
        row = ROW.search(where or "")
        if row:
            t, r = int(row.group(1)) - 1, int(row.group(2)) - 1
            if 0 <= t < len(self.tables) and 0 <= r < len(self.tables[t]):
                cells = _unique_cells(self.tables[t][r])
                marked = None
                column = (row.group(3) or "").strip()
                header = _unique_cells(self.tables[t][0]) if self.tables[t] else ()
                if column.isdigit():
                    marked = int(column) - 1
                elif column in header:
                    marked = header.index(column)
                return Shown("hang", cells=cells, marked=marked)
        paragraph = PARAGRAPH.search(where or "")
        if paragraph:
            index = int(paragraph.group(1)) - 1
            if 0 <= index < len(self.paragraphs) and (not excerpt or excerpt[:20] in self.paragraphs[index]):
                return Shown("doan", text=self.paragraphs[index][:SHOWN])
        if excerpt:
            for text in self.paragraphs:
                if excerpt[:30] in text:
                    return Shown("doan", text=text[:SHOWN])
        return None


def _unique_cells(cells: tuple[str, ...]) -> tuple[str, ...]:
    """python-docx repeats a merged cell once per grid column; show it once."""
    out: list[str] = []
    for text in cells:
        if not out or out[-1] != text:
            out.append(text)
    return tuple(out)
