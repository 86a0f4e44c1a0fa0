"""load → compute → render → write: one plan into its folder of documents."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.compute import PlanFigures, compute
from generator.errors import PlanError
from generator.files import write_files
from generator.loader import LoadedPlan, load_plan
from generator.render import DocumentSet, Renderer

DEFAULT_OUTPUT = Path("output")


@dataclass
class BuildResult:
    loaded: LoadedPlan
    figures: PlanFigures
    documents: DocumentSet
    written: list[Path]


def compute_loaded(loaded: LoadedPlan) -> PlanFigures:
    """compute() with every problem located at its file, line and column."""
    try:
        return compute(loaded.plan)
    except PlanError as exc:
        raise PlanError([loaded.problem(p.message, p.path) for p in exc.problems]) from None


def output_folder(plan_path: Path, out: Path | None) -> Path:
    """-o DIR as given, else output/<plan file name without extension>/."""
    return Path(out) if out else DEFAULT_OUTPUT / Path(plan_path).stem


def build(plan_path: Path, out: Path | None = None, *, draft: bool | None = None, renderer: Renderer | None = None) -> BuildResult:
    """Build every document of a plan; nothing is written unless all of it succeeded."""
    loaded = load_plan(plan_path)
    figures = compute_loaded(loaded)
    documents = (renderer or Renderer()).render_plan(figures, draft=draft)
    written = write_files(output_folder(plan_path, out), documents.files)
    return BuildResult(loaded, figures, documents, written)
