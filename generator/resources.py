"""Files that ship with vanban: the templates and the bundled example plan.

An installed distribution carries them inside the package (``generator/templates``,
``generator/vi_du``; copied there by ``setup.py`` when the wheel is built) and they are found with
``importlib.resources``. A source checkout or an editable install has no such copies: then the
top-level ``templates/`` and ``data/`` folders, where the files are edited, are used.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_SOURCE_TREE = Path(__file__).resolve().parents[1]
EXAMPLE_PLAN_NAME = "kien-tuong-2024.yaml"


def _bundled(folder: str, source: str) -> Path:
    packaged = files("generator") / folder
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return _SOURCE_TREE / source


def templates_folder() -> Path:
    """The folder of the .docx templates (ke-hoach.docx, phu-luc-1.docx, phu-luc-2.docx)."""
    return _bundled("templates", "templates")


def example_plan() -> Path:
    """The bundled example plan (the 2024 plan of thị xã Kiến Tường)."""
    return _bundled("vi_du", "data") / EXAMPLE_PLAN_NAME
