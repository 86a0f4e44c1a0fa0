"""Shared test fixtures: paths to the repo's data and reference files, and docx reading helpers."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "tests" / "reference"  # copies of ../shared: the seed plan, the amounts table
PLAN = REPO / "tests" / "data" / "kien-tuong-2024-cu.yaml"  # the old shape (phu_luc_1/phu_luc_2), which every command reads
SEED_TXT = REFERENCE / "seed" / "ke-hoach-ngay-chuyen-doi-so-2024.txt"
SEED_DOCX = REFERENCE / "seed" / "ke-hoach-ngay-chuyen-doi-so-2024.docx"


def need(path: Path) -> Path:
    """Skip (with the reason printed) when a file of ../shared is not there."""
    if not path.exists():
        pytest.skip(f"{path} không có (cần thư mục shared/ cạnh repo)")
    return path


def norm(text: str) -> str:
    """NFC, one space between words, no spaces before punctuation."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s+([,.;:)])", r"\1", text)


def figure(text: str) -> int:
    """'1.600.000' → 1600000, written here independently of generator.vi."""
    text = text.strip()
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*", text), f"not a Vietnamese figure: {text!r}"
    return int(text.replace(".", ""))


def table_rows(table) -> list[list[str]]:
    """Rows of a python-docx table, each merged cell once (by its <w:tc>)."""
    rows = []
    for row in table.rows:
        seen, cells = [], []
        for cell in row.cells:
            if any(tc is cell._tc for tc in seen):
                continue
            seen.append(cell._tc)
            cells.append(norm(cell.text))
        rows.append(cells)
    return rows
