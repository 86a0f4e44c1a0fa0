"""load → compute → render → write: one plan into its folder of documents and its so-lieu.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from generator.compute.figures import PlanFigures
from generator.compute.located import compute_loaded
from generator.files import write_files
from generator.model.loader import LoadedPlan, load_plan
from generator.render.renderer import DocumentSet, Renderer, TemplateProblem
from generator.render.templateset import check_template_set, template_folder
from generator.compute.solieu import diff_figures, figures_to_json
from generator.errors import PlanError

DEFAULT_OUTPUT = Path("output")
FIGURES_FILE = "so-lieu.json"


@dataclass
class BuildResult:
    loaded: LoadedPlan
    figures: PlanFigures
    documents: DocumentSet
    written: list[Path]
    #: Figures that differ from the previous build's so-lieu.json in the folder; None when there was none.
    changes: list[str] | None = None

    @property
    def docx(self) -> list[Path]:
        """The Word files written (what `generator.render.pdf.convert_to_pdf` takes)."""
        return [path for path in self.written if path.suffix == ".docx"]


def output_folder(plan_path: Path, out: Path | None) -> Path:
    """-o DIR as given, else output/<plan file name without extension>/."""
    return Path(out) if out else DEFAULT_OUTPUT / Path(plan_path).stem


def figures_json(figures: PlanFigures) -> bytes:
    """so-lieu.json: deterministic (sorted keys, UTF-8 text, indented)."""
    return (json.dumps(figures_to_json(figures), sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def previous_figures(folder: Path) -> dict | None:
    """The so-lieu.json of the previous build in `folder`, or None (missing or unreadable)."""
    try:
        data = json.loads((Path(folder) / FIGURES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def build(plan_path: Path, out: Path | None = None, *, draft: bool | None = None, renderer: Renderer | None = None,
          mau: Path | None = None) -> BuildResult:
    """Build every document of a plan and its so-lieu.json; nothing is written unless all of it succeeded.
    `mau` (or the plan's `mau:`) is a folder of own templates, checked first."""
    loaded = load_plan(plan_path)
    figures = compute_loaded(loaded)
    folder = template_folder(plan_path, loaded.plan.mau, mau)
    if folder is not None:
        try:
            check_template_set(folder, figures)
        except TemplateProblem as exc:  # located at the plan's mau: (or the file, for --mau)
            raise PlanError([loaded.problem(str(exc), ("mau",))]) from None
        renderer = Renderer(folder)
    documents = (renderer or Renderer()).render_plan(figures, draft=draft)
    folder = output_folder(plan_path, out)
    before = previous_figures(folder)
    written = write_files(folder, {**documents.files, FIGURES_FILE: figures_json(figures)})
    changes = None if before is None else diff_figures(before, figures_to_json(figures))
    return BuildResult(loaded, figures, documents, written, changes)
