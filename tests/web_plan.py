"""The plan the workspace tests edit, and where its appendices sit (shared by test_web and test_web_browser)."""

from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
PLAN = "kien-tuong-2024.yaml"
#: The plan the workspace is tested on: the 2024 plan in the shape its forms were written for (phu_luc_1,
#: phu_luc_2); the forms of the phu_luc list of kinds are issue 19's follow-up.
SOURCE = Path(__file__).resolve().parent / "data" / "kien-tuong-2024-cu.yaml"


def _appendix_paths() -> tuple[str, str]:
    """Where the plan keeps its attendees and its budget: phu_luc_1/phu_luc_2, or items of the
    `phu_luc` list of appendix kinds (the tests follow the data model either way)."""
    data = YAML(typ="safe").load(SOURCE.read_text(encoding="utf-8"))
    if isinstance(data.get("phu_luc"), list):
        kinds = [item.get("loai") for item in data["phu_luc"]]
        return f"phu_luc.{kinds.index('danh_sach')}", f"phu_luc.{kinds.index('du_toan')}"
    return "phu_luc_1", "phu_luc_2"


PEOPLE, BUDGET = _appendix_paths()
PEOPLE_ID, BUDGET_ID = PEOPLE.replace(".", "-"), BUDGET.replace(".", "-")
#: The budget's place as the command line writes it: phu_luc_2 or phu_luc[1].
BUDGET_CLI = re.sub(r"\.(\d+)", r"[\1]", BUDGET)
