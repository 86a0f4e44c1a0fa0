"""Shared test fixtures: paths to the repo's data and reference files, docx reading helpers, and the
two test loops: ``pytest`` (everything, as CI runs it) and ``pytest --quick`` (the developer's loop:
tests marked ``slow`` left out, every Hypothesis test run with at most QUICK_EXAMPLES examples)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "tests" / "reference"  # copies of ../shared: the seed plan, the amounts table
PLAN = (
    REPO / "tests" / "data" / "kien-tuong-2024-cu.yaml"
)  # the old shape (phu_luc_1/phu_luc_2), which every command reads
SEED_TXT = REFERENCE / "seed" / "ke-hoach-ngay-chuyen-doi-so-2024.txt"
SEED_DOCX = REFERENCE / "seed" / "ke-hoach-ngay-chuyen-doi-so-2024.docx"


QUICK_EXAMPLES = 10


def pytest_addoption(parser):
    parser.addoption(
        "--quick",
        action="store_true",
        help=f"the quick loop: no test marked slow, at most {QUICK_EXAMPLES} Hypothesis examples a test",
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a test of more than a few seconds (left out by --quick)")


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--quick"):
        return
    kept, slow = [], []
    for item in items:
        (slow if item.get_closest_marker("slow") else kept).append(item)
        test = getattr(item, "obj", None)
        # the settings @given/@settings attached to the test (what @settings itself sets), capped
        current = getattr(test, "_hypothesis_internal_use_settings", None)
        if isinstance(current, settings) and current.max_examples > QUICK_EXAMPLES:
            test._hypothesis_internal_use_settings = settings(current, max_examples=QUICK_EXAMPLES)
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = kept


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
