"""Read a corpus document back with python-docx alone and check the manifest's arithmetic on it.

Independent of `generator`: its own figure parser, its own reading in words (`words.py`), its own
walk over the body (paragraphs and top-level tables numbered as the manifest numbers them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from .words import Convention, amount_sentence, read_number

_FIGURE = re.compile(r"^(\d{1,3}(?:\.\d{3})*)(?:,(\d+))?$")
_SUFFIX = re.compile(r"\s*(?:đồng|đ|VNĐ)$")
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


@dataclass
class Body:
    paragraphs: list[str]
    tables: list[list[dict[int, str]]]  # rows of grid column → cell text
    boxes: list[str]

    def text(self, place: dict) -> str | None:
        """The text of the paragraph, cell or text box at `place`; None if there is none."""
        try:
            if "paragraph" in place:
                return self.paragraphs[place["paragraph"] - 1]
            if "textbox" in place:
                return self.boxes[place["textbox"] - 1]
            return self.tables[place["table"] - 1][place["row"] - 1].get(place["column"])
        except IndexError:
            return None

    def elements(self) -> dict[tuple, str]:
        """Every paragraph, text box and cell by its place, for comparing two documents."""
        out: dict[tuple, str] = {("p", i): t for i, t in enumerate(self.paragraphs, 1)}
        out.update({("b", i): t for i, t in enumerate(self.boxes, 1)})
        for t, rows in enumerate(self.tables, 1):
            for r, row in enumerate(rows, 1):
                out.update({("t", t, r, c): text for c, text in row.items()})
        return out


def read_body(path: Path) -> Body:
    document = Document(str(path))
    paragraphs, tables, boxes = [], [], []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraphs.append(Paragraph(child, document).text)
            box = child.find(".//" + qn("w:txbxContent"))  # LibreOffice writes a box twice (DrawingML and VML)
            if box is not None:
                boxes.append("\n".join(Paragraph(p, document).text for p in box.iter(qn("w:p"))))
        elif child.tag == qn("w:tbl"):
            rows = []
            for tr in child.iterchildren(qn("w:tr")):
                column, cells = tr.grid_before, {}
                for tc in tr.iterchildren(qn("w:tc")):
                    cells[column] = "\n".join(Paragraph(p, document).text for p in tc.iterchildren(qn("w:p")))
                    column += tc.grid_span
                rows.append(cells)
            tables.append(rows)
    return Body(paragraphs, tables, boxes)


def parse_figure(text: str) -> Decimal:
    """ "1.234.000 đ" → 1234000, "1,5" → 1.5; ValueError for a figure not written the Vietnamese way."""
    match = _FIGURE.match(_SUFFIX.sub("", text.strip()))
    if not match:
        raise ValueError(f"không phải số viết đúng kiểu Việt Nam: {text!r}")
    whole = Decimal(match.group(1).replace(".", ""))
    return whole + (Decimal("0." + match.group(2)) if match.group(2) else 0)


def parse_numeral(text: str, style: str) -> int:
    if style == "roman":
        return _ROMAN.index(text) + 1
    if style == "letter":
        return "ABCDEFGHIJKL".index(text) + 1
    return int(text)


def twin_slots(layout: dict, errors: list[dict]) -> dict[str, tuple[str, dict]]:
    """Slot key → (text as printed in the twin with `errors`, its place with the start moved by any
    longer or shorter error printed before it in the same paragraph or cell)."""
    printed = {e["key"]: e["printed"] for e in errors}
    by_element: dict[tuple, list[tuple[int, str]]] = {}
    for key, slot in layout["slots"].items():
        place = slot["place"]
        by_element.setdefault(tuple((k, v) for k, v in place.items() if k != "start"), []).append((place["start"], key))
    out = {}
    for items in by_element.values():
        shift = 0
        for start, key in sorted(items):
            slot = layout["slots"][key]
            text = printed.get(key, slot["text"])
            out[key] = (text, {**slot["place"], "start": start + shift})
            shift += len(text) - len(slot["text"])
    return out


def failed_checks(layout: dict, texts: dict[str, str]) -> list[tuple[dict, str]]:
    """The manifest's checks that do not hold on the slot texts `texts`, each with why."""
    convention = Convention(**layout["convention"])
    kinds = {k: s["kind"] for k, s in layout["slots"].items()}
    failed = []

    def value(key: str) -> Decimal:
        return parse_figure(texts[key])

    for check in layout["checks"]:
        try:
            kind = check["check"]
            if kind == "product":
                product = Decimal(1)
                for key in check["factors"]:
                    product *= value(key)
                ok, why = value(check["result"]) == product, f"tích {product}"
            elif kind == "sum":
                total = sum((value(k) for k in check["parts"]), Decimal(0))
                ok, why = value(check["result"]) == total, f"tổng {total}"
            elif kind == "equal":
                ok, why = value(check["a"]) == value(check["b"]), "khác nhau"
            elif kind == "count":
                ok, why = value(check["result"]) == check["count"], f"đếm được {check['count']}"
            elif kind == "words":
                expected = amount_sentence(int(value(check["amount"])), convention)
                ok, why = texts[check["words"]] == expected, f"phải là {expected}"
            elif kind == "sequence":
                numbers = [parse_numeral(texts[k], check["style"]) for k in check["keys"]]
                start = numbers[0] if numbers else 1
                ok, why = numbers == list(range(start, start + len(numbers))) and start == 1, f"{numbers}"
            else:
                raise AssertionError(kind)
        except ValueError as exc:
            ok, why = False, str(exc)
        if not ok:
            failed.append((check, why))
    assert all(k in kinds for c in layout["checks"] for k in check_keys(c))
    return failed


def check_keys(check: dict) -> list[str]:
    """The slots a check reads."""
    return (
        [check[k] for k in ("result", "a", "b", "words", "amount") if k in check]
        + list(check.get("factors", []))
        + list(check.get("parts", []))
        + list(check.get("keys", []))
    )


__all__ = ["Body", "check_keys", "failed_checks", "parse_figure", "read_body", "read_number", "twin_slots"]
