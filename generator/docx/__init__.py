"""The one reader of Word (.docx) files, in layers: package (`package`) → styles with inheritance
and toggle properties (`styles`) → paragraphs, runs, tables with merged cells, sections (`model`,
`reader`). The NĐ 30 check uses the model; audit and import read a plain view of it
(`generator.analysis.docread`). OOXML names are in `ns`, text normal forms in `text`, and every
file that cannot be read raises `DocxError`.
"""

from generator.docx.errors import DocxError
from generator.docx.model import Block, Cell, DocModel, Field, HeaderFooter, Line, Para, Run, Section, Table
from generator.docx.package import PathOrFile, open_package
from generator.docx.reader import read_docx
from generator.docx.text import clean, fold

__all__ = [
    "Block",
    "Cell",
    "DocModel",
    "DocxError",
    "Field",
    "HeaderFooter",
    "Line",
    "Para",
    "PathOrFile",
    "Run",
    "Section",
    "Table",
    "clean",
    "fold",
    "open_package",
    "read_docx",
]
