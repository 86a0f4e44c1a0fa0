"""Read a .docx as plain paragraphs and tables, for `vanban audit` and `vanban import`.

Each table cell is read once from its own ``<w:tc>`` and placed at its grid column (python-docx
repeats a merged cell in ``row.cells``); bold and italic are resolved through the character and
paragraph styles; all text is NFC. Nothing here interprets the content.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run as DocxRun

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # the old binary .doc format
#: Inline containers whose runs belong to the paragraph's text.
_RUNS = "./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:smartTag/w:r | ./w:fldSimple/w:r | ./w:sdt/w:sdtContent/w:r"
#: Old-style tone placement ("hoá", "thuý") → the form NFC text mostly uses ("hóa", "thúy").
_OLD_TONES = {
    old: new
    for vowel, pairs in (("o", "aàáảãạ"), ("o", "eèéẻẽẹ"), ("u", "yỳýỷỹỵ"))
    for old, new in (
        (vowel + pairs[i], unicodedata.normalize("NFC", vowel + "\u0300\u0301\u0309\u0303\u0323"[i - 1]) + pairs[0])
        for i in range(1, 6)
    )
}
_OLD_TONE = re.compile("(" + "|".join(_OLD_TONES) + r")(?!\w)")


class DocumentError(Exception):
    """The file cannot be read as a Word (.docx) document; the message is in Vietnamese."""


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


def clean(text: str) -> str:
    """NFC, one space between words, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def fold(text: str) -> str:
    """For comparisons: `clean`, lower case, old-style tone placement made modern ("hoá" → "hóa")."""
    return _OLD_TONE.sub(lambda m: _OLD_TONES[m.group(1)], clean(text).lower())


def read_document(path: str | Path) -> DocumentText:
    """Paragraphs and tables of the document body, in order; DocumentError if it cannot be read."""
    path = Path(path)
    document = _open(path)
    reader = _Reader(document)
    return DocumentText(path, tuple(reader.body(document.element.body)))


def read_document_bytes(data: bytes, name: str) -> DocumentText:
    """Like read_document, for a .docx held in memory (what `build` just rendered)."""
    import io

    document = Document(io.BytesIO(data))
    return DocumentText(Path(name), tuple(_Reader(document).body(document.element.body)))


def _open(path: Path):
    if not path.exists():
        raise DocumentError("không tìm thấy tệp")
    if path.is_dir():
        raise DocumentError("đây là một thư mục, không phải tệp .docx")
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise DocumentError(f"không đọc được tệp: {exc.strerror}") from None
    if head == OLE_SIGNATURE:
        raise DocumentError("đây là tệp Word cũ (.doc) hoặc tệp có mật khẩu; "
                            "hãy mở bằng Word và lưu lại dạng .docx không đặt mật khẩu")
    try:
        return Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(f"không phải tệp Word .docx hợp lệ ({exc})") from None
    except Exception as exc:  # lxml and zip errors of a damaged file come in many kinds
        raise DocumentError(f"tệp .docx bị hỏng, không đọc được ({type(exc).__name__}: {exc})") from None


class _Reader:
    """Turns body XML into Paragraph/Table values, numbering them as it goes."""

    def __init__(self, document):
        self.document = document
        self.paragraphs = 0
        self.tables = 0
        self._styles = {s.style_id: s for s in document.styles}
        self._default_style = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        self._style_flags: dict[tuple[str, str], bool | None] = {}

    def body(self, element) -> list[Paragraph | Table]:
        out: list[Paragraph | Table] = []
        for child in element.iterchildren():
            if child.tag == qn("w:p"):
                self.paragraphs += 1
                out.append(self.paragraph(child, self.paragraphs))
            elif child.tag == qn("w:tbl"):
                out.append(self.table(child))
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    out += self.body(content)
        return out

    def paragraph(self, p, number: int | None) -> Paragraph:
        para = DocxParagraph(p, self.document._body)
        style = self._styles.get(p.style) if p.style else self._default_style
        runs = []
        for r in p.xpath(_RUNS):
            run = DocxRun(r, para)
            text = unicodedata.normalize("NFC", run.text)
            if text:
                char_style = self._styles.get(r.style) if r.style else None
                runs.append(Run(text, *(self._flag(run, (char_style, style), name) for name in ("bold", "italic"))))
        return Paragraph("".join(r.text for r in runs), tuple(runs), style.name if style is not None else "", number)

    def _flag(self, run, styles: tuple, name: str) -> bool:
        """Bold or italic as shown: the run's own setting, else its character style's, else the paragraph style's."""
        direct = getattr(run.font, name)
        if direct is not None:
            return direct
        for style in styles:
            value = self._style_flag(style, name)
            if value is not None:
                return value
        return False

    def _style_flag(self, style, name: str) -> bool | None:
        if style is None:
            return None
        key = (style.style_id, name)
        if key not in self._style_flags:
            value, current = None, style
            while current is not None and value is None:
                value = getattr(current.font, name)
                current = current.base_style
            self._style_flags[key] = value
        return self._style_flags[key]

    def table(self, tbl) -> Table:
        self.tables += 1
        number = self.tables
        rows = []
        for tr in tbl.tr_lst:
            column, cells = tr.grid_before, []
            for tc in tr.tc_lst:
                span = tc.grid_span
                if tc.vMerge == "continue":  # the cell above holds the text
                    paragraphs: tuple[Paragraph, ...] = ()
                else:
                    paragraphs = tuple(self.paragraph(p, None) for p in tc.iterchildren(qn("w:p")))
                text = "\n".join(p.text for p in paragraphs)
                cells.append(Cell(text, column, span, paragraphs))
                column += span
            rows.append(tuple(cells))
        return Table(number, tuple(rows))
