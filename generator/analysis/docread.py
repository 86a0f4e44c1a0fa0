"""A plain view of a .docx for `vanban audit` and `vanban import`: body paragraphs and tables.

The file is read by `generator.docx` (the reader the NĐ 30 check uses), so audit, import and check
agree on the text, the bold and the cells. Each table cell appears once, at the grid column where
it starts (a cell continuing a vertical merge shows no text); bold and italic are as Word shows
them; all text is NFC. Nothing here interprets the content.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from generator.docx import DocModel, DocxError, clean, fold, read_docx
from generator.docx import Para as ModelPara
from generator.docx import Table as ModelTable

DocumentError = DocxError  # the one error for an unreadable .docx (kept under the name callers use)

__all__ = [
    "Cell",
    "DocumentError",
    "DocumentText",
    "Paragraph",
    "Run",
    "Table",
    "clean",
    "fold",
    "read_document",
    "read_document_bytes",
]


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool
    italic: bool


@dataclass(frozen=True)
class Paragraph:
    text: str
    runs: tuple[Run, ...]
    style: str
    number: int | None  # 1-based among the body's paragraphs ("đoạn N"); None inside a table

    @property
    def clean(self) -> str:
        return clean(self.text)


@dataclass(frozen=True)
class Cell:
    text: str
    column: int  # grid column where the cell starts (0-based)
    span: int
    paragraphs: tuple[Paragraph, ...]

    @property
    def clean(self) -> str:
        return clean(self.text)


@dataclass(frozen=True)
class Table:
    number: int  # 1-based among the document's tables (nested ones excluded)
    rows: tuple[tuple[Cell, ...], ...]

    def cell(self, row: int, column: int) -> Cell | None:
        """The cell of row `row` (0-based) that starts at grid column `column`."""
        return next((c for c in self.rows[row] if c.column == column), None)


@dataclass(frozen=True)
class DocumentText:
    path: Path
    blocks: tuple[Paragraph | Table, ...]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def read_document(path: str | Path) -> DocumentText:
    """Paragraphs and tables of the document body, in order; DocxError if it cannot be read."""
    return view(read_docx(Path(path)), Path(path))


def view(model: DocModel, path: Path) -> DocumentText:
    """The body of a document model as paragraphs (numbered) and top-level tables (numbered)."""
    blocks: list[Paragraph | Table] = []
    paragraphs = tables = 0
    for block in model.blocks:
        if isinstance(block, ModelTable):
            tables += 1
            blocks.append(_table(block, tables))
        else:
            paragraphs += 1
            blocks.append(_paragraph(block, paragraphs))
    return DocumentText(path, tuple(blocks))


def read_document_bytes(data: bytes, name: str) -> DocumentText:
    """Like read_document, for a .docx held in memory (what `build` just rendered)."""
    source = io.BytesIO(data)
    source.name = name
    return view(read_docx(source), Path(name))


def _paragraph(para: ModelPara, number: int | None) -> Paragraph:
    runs = tuple(Run(r.text, r.bold, r.italic) for r in para.runs)
    return Paragraph(para.text, runs, para.style_name, number)


def _table(table: ModelTable, number: int) -> Table:
    rows = []
    for row in table.rows:
        cells = []
        for cell in row:
            paragraphs = () if cell.merged_above else tuple(_paragraph(p, None) for p in cell.paras)
            cells.append(Cell("\n".join(p.text for p in paragraphs), cell.col, cell.span, paragraphs))
        rows.append(tuple(cells))
    return Table(number, tuple(rows))
