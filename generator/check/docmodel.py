"""The NĐ 30 checker's view of a .docx: the document model of `generator.docx` (what Word shows).

Kept as the checker's import point; reading, styles and the model live in `generator.docx`.
"""

from __future__ import annotations

from generator.docx import Block, Cell, DocModel, Field, HeaderFooter, Line, Para, PathOrFile, Run, Section, Table
from generator.docx import read_docx as load
from generator.docx.ns import mm

__all__ = [
    "Block",
    "Cell",
    "DocModel",
    "Field",
    "HeaderFooter",
    "Line",
    "Para",
    "PathOrFile",
    "Run",
    "Section",
    "Table",
    "load",
    "mm",
]
