"""docxtpl's own render() and save, as the reference path (``VANBAN_RENDER=docxtpl``).

`generator.render.renderer.PreparedTemplate` makes what docxtpl makes, faster (templates prepared
once, post-processing on the text); this path calls docxtpl for every document, then applies
vanban's own steps the same way (short rules sized, fixed core properties, deterministic zip).
The tests compare the two on every part of the package. The reference path is also taken for a
template with tags in a part the fast path does not fill (footnotes: docxtpl fills them).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from generator.render.docxzip import Deflated, zip_entries
from generator.render.treepath import size_rules

ENV_VARIABLE = "VANBAN_RENDER"
DOCUMENT_PART, CORE_PART = "word/document.xml", "docProps/core.xml"
#: Parts docxtpl fills besides the body, headers and footers (the fast path fills only those three).
_OTHER_FILLED = re.compile(r"word/footnotes\d*\.xml")
_TAG = re.compile(rb"\{[{%#]")


def reference_selected() -> bool:
    """Whether the environment asks for docxtpl's own path (VANBAN_RENDER=docxtpl)."""
    return os.environ.get(ENV_VARIABLE, "").strip().lower() == "docxtpl"


def needs_reference(path: Path) -> bool:
    """Whether a template has tags in a part only docxtpl's own render fills (footnotes)."""
    with zipfile.ZipFile(path) as archive:
        return any(_OTHER_FILLED.fullmatch(name) and _TAG.search(archive.read(name)) for name in archive.namelist())


class ReferenceTemplate:
    """A template rendered by docxtpl for every document; same interface as PreparedTemplate."""

    combinable = False  # ho-so.docx is composed from the documents (no frame)
    last: str | None = None

    def __init__(self, path: Path, env: SandboxedEnvironment, problem: type[Exception]):
        self.path = Path(path)
        self._env = env
        self._problem = problem  # the renderer's error for a template that cannot be filled
        with zipfile.ZipFile(self.path) as archive:
            self._names = archive.namelist()

    def render(self, context: dict[str, Any], *, core: Deflated) -> bytes:
        """A complete .docx: docxtpl's render() and save, short rules sized, `core` properties, fixed zip."""
        template = DocxTemplate(str(self.path))
        try:
            template.render(context, self._env, autoescape=True)
        except TemplateError as exc:
            raise self._problem(f"mẫu {self.path.name}: {exc}") from None
        except etree.XMLSyntaxError as exc:
            raise self._problem(f"{self.path.name}: XML không hợp lệ sau khi điền dữ liệu ({exc})") from None
        saved = io.BytesIO()
        template.save(saved)
        with zipfile.ZipFile(saved) as archive:
            parts = {name: archive.read(name) for name in archive.namelist()}
        root = etree.fromstring(parts[DOCUMENT_PART])
        size_rules(root)
        parts[DOCUMENT_PART] = etree.tostring(root, encoding="UTF-8", standalone=True)
        names = [name for name in self._names if name in parts] + [name for name in parts if name not in self._names]
        return zip_entries([core if name == CORE_PART else Deflated.of(name, parts[name]) for name in names])
