"""load → compute → render → write: one plan into its folder of documents and its so-lieu.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from generator.compute.figures import PlanFigures, compute
from generator.errors import PlanError
from generator.files import write_files
from generator.model.loader import LoadedPlan, load_plan
from generator.render.renderer import DocumentSet, Renderer
from generator.compute.solieu import diff_figures, figures_to_json
from generator.papers.build import PaperSet, papers_for, without_listing

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
    #: The papers around the plan (--bo-ho-so), else None.
    papers: "PaperSet | None" = None

    @property
    def docx(self) -> list[Path]:
        """The Word files written (what `generator.render.pdf.convert_to_pdf` takes)."""
        return [path for path in self.written if path.suffix == ".docx"]


def compute_loaded(loaded: LoadedPlan) -> PlanFigures:
    """compute() with every problem located at its file, line and column."""
    try:
        return compute(loaded.plan)
    except PlanError as exc:
        raise PlanError([loaded.problem(p.message, p.path) for p in exc.problems]) from None


def output_folder(plan_path: Path, out: Path | None) -> Path:
    """-o DIR as given, else output/<plan file name without extension>/."""
    return Path(out) if out else DEFAULT_OUTPUT / Path(plan_path).stem


def figures_json(figures: PlanFigures) -> bytes:
    """so-lieu.json: deterministic (sorted keys, UTF-8 text, indented)."""
    return json_bytes(figures_to_json(figures))


def json_bytes(data: dict) -> bytes:
    return (json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def previous_figures(folder: Path) -> dict | None:
    """The so-lieu.json of the previous build in `folder`, or None (missing or unreadable)."""
    try:
        data = json.loads((Path(folder) / FIGURES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def build(plan_path: Path, out: Path | None = None, *, draft: bool | None = None, renderer: Renderer | None = None,
          bo_ho_so: bool = False) -> BuildResult:
    """Build every document of a plan and its so-lieu.json (with `bo_ho_so`, the papers around it
    too); nothing is written unless all of it succeeded."""
    loaded = load_plan(plan_path)
    figures = compute_loaded(loaded)
    renderer = renderer or Renderer()
    documents = renderer.render_plan(figures, draft=draft)
    papers = papers_for(loaded, figures, documents.files, made=bo_ho_so, draft=draft, renderer=renderer)
    folder = output_folder(plan_path, out)
    before = previous_figures(folder)
    solieu = json_bytes(papers.with_listing(figures_to_json(figures), figures, documents.files))
    written = write_files(folder, {**documents.files, **papers.files, FIGURES_FILE: solieu})
    papers.remove_stale(folder)
    changes = None if before is None else diff_figures(without_listing(before), figures_to_json(figures))
    return BuildResult(loaded, figures, documents, written, changes, papers if bo_ho_so else None)
