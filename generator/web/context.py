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
        except Exception:  # noqa: BLE001 — the checker has already said what is wrong with the file
            self.paragraphs, self.tables = [], []
            return
        self.paragraphs = [p.text for p in document.paragraphs]
        self.tables = [[_cells(row) for row in table.rows] for table in document.tables]

    def around(self, where: str, excerpt: str = "") -> Shown | None:
        excerpt = (excerpt or "").rstrip("…").strip()
        row = ROW.search(where or "")
        if row:
            t, r = int(row.group(1)) - 1, int(row.group(2)) - 1
            if 0 <= t < len(self.tables) and 0 <= r < len(self.tables[t]):
                cells = self.tables[t][r]
                marked = None
                column = (row.group(3) or "").strip()
                if column.isdigit():
                    marked = int(column) - 1
                elif column:
                    marked = next(
                        (
                            i
                            for head in self.tables[t][:3]
                            for i, text in enumerate(head)
                            if column.lower() in " ".join(text.split()).lower()
                        ),
                        None,
                    )
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


def _cells(row) -> tuple[str, ...]:
    """The texts of a row's cells; python-docx repeats a merged cell once per grid column: shown once."""
    out, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            out.append(cell.text)
    return tuple(out)
