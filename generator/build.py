"""load → compute → render → write: one plan into its folder of documents and its so-lieu.json."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from generator.analysis.crosscheck import typed_figure_problems
from generator.compute.figures import PlanFigures
from generator.compute.located import compute_loaded
from generator.compute.solieu import MANIFEST, diff_figures, figures_to_json
from generator.errors import OutputError, PlanError
from generator.files import write_files
from generator.model.loader import LoadedPlan, load_plan
from generator.papers.build import PaperSet, papers_for, without_listing
from generator.render.renderer import DocumentSet, Renderer, TemplateProblem
from generator.render.templateset import check_template_set, template_folder

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
    #: PDFs removed because their Word file was rewritten without a new PDF (never left stale).
    removed: list[Path] = field(default_factory=list)
    #: Why no PDF was made although asked for (LibreOffice missing or failing), else None.
    pdf_problem: OutputError | None = None
    #: The papers around the plan (--bo-ho-so), else None.
    papers: PaperSet | None = None

    @property
    def docx(self) -> list[Path]:
        """The Word files written."""
        return [path for path in self.written if path.suffix == ".docx"]


def output_folder(plan_path: Path, out: Path | None) -> Path:
    """-o DIR as given, else output/<plan file name without extension>/."""
    return Path(out) if out else DEFAULT_OUTPUT / Path(plan_path).stem


def figures_json(data: dict, files: dict[str, bytes] | None = None) -> bytes:
    """so-lieu.json (`data`: the figures as JSON): deterministic (sorted keys, UTF-8 text, indented),
    with the SHA-256 of each file of the set when `files` is given."""
    if files is not None:
        data[MANIFEST] = {
            name: {"sha256": hashlib.sha256(blob).hexdigest(), "bytes": len(blob)}
            for name, blob in sorted(files.items())
        }
    return (json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def unchanged_pdfs(folder: Path, files: dict[str, bytes], before: dict | None) -> dict[str, bytes]:
    """PDFs of the previous set still true: their Word file is byte for byte the one they were
    made from, and they are the PDFs the previous so-lieu.json recorded."""
    listed = before.get(MANIFEST) if before else None
    if not isinstance(listed, dict):
        return {}
    kept = {}
    for name, blob in files.items():
        pdf = f"{Path(name).stem}.pdf"
        if (
            not name.endswith(".docx")
            or not isinstance(listed.get(name), dict)
            or not isinstance(listed.get(pdf), dict)
        ):
            continue
        try:
            data = (Path(folder) / pdf).read_bytes()
        except OSError:
            continue
        if (
            listed[name].get("sha256") == hashlib.sha256(blob).hexdigest()
            and listed[pdf].get("sha256") == hashlib.sha256(data).hexdigest()
        ):
            kept[pdf] = data
    return kept


def stale_files(folder: Path, files: dict[str, bytes], before: dict | None) -> list[str]:
    """Files in `folder` that belong to an earlier set and not to this one: the PDF of each Word
    file of the set, and whatever the previous so-lieu.json listed."""
    names = {f"{Path(name).stem}.pdf" for name in files if name.endswith(".docx")}
    listed = before.get(MANIFEST) if before else None
    if isinstance(listed, dict):
        names |= {name for name in listed if isinstance(name, str) and Path(name).name == name}
    return sorted(name for name in names - files.keys() - {FIGURES_FILE} if (Path(folder) / name).is_file())


def previous_figures(folder: Path) -> dict | None:
    """The so-lieu.json of the previous build in `folder`, or None (missing or unreadable)."""
    try:
        data = json.loads((Path(folder) / FIGURES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def build(
    plan_path: Path,
    out: Path | None = None,
    *,
    draft: bool | None = None,
    renderer: Renderer | None = None,
    mau: Path | None = None,
    pdf: bool = False,
    bo_ho_so: bool = False,
) -> BuildResult:
    """Build every document of a plan (with `pdf` their PDFs, with `bo_ho_so` the papers around
    it) and its so-lieu.json, as one set.

    Nothing is written unless all of it succeeded; a figure typed in the text that contradicts a
    computed one is a PlanError. PDFs of an earlier build that this one does not renew are removed.
    `mau` (or the plan's `mau:`) is a folder of own templates, checked first.
    """
    loaded = load_plan(plan_path)
    figures = compute_loaded(loaded)
    templates = template_folder(plan_path, loaded.plan.mau, mau)
    if templates is not None:
        try:
            check_template_set(templates, figures)
        except TemplateProblem as exc:  # located at the plan's mau: (or the file, for --mau)
            raise PlanError([loaded.problem(str(exc), ("mau",))]) from None
        renderer = Renderer(templates)
    renderer = renderer or Renderer()
    documents = renderer.render_plan(figures, draft=draft)
    problems = typed_figure_problems(loaded, documents.files)
    if problems:
        raise PlanError(problems)
    papers = papers_for(loaded, figures, documents.files, made=bo_ho_so, draft=draft, renderer=renderer)
    files, pdf_problem = dict(documents.files), None
    if pdf:
        from generator.render.pdf import PdfError, convert_documents

        try:
            made = {**documents.files, **papers.files}
            files.update(convert_documents({n: b for n, b in made.items() if n.endswith(".docx")}))
        except PdfError as exc:
            pdf_problem = exc
    folder = output_folder(plan_path, out)
    before = previous_figures(folder)
    if not pdf:
        files.update(unchanged_pdfs(folder, files, before))
    stale = [name for name in stale_files(folder, files, before) if name not in papers.files]
    solieu = figures_json(papers.with_listing(figures_to_json(figures), figures, documents.files), files)
    written = write_files(folder, {**files, **papers.files, FIGURES_FILE: solieu}, remove=stale)
    papers.remove_stale(folder)
    changes = None if before is None else diff_figures(without_listing(before), figures_to_json(figures))
    return BuildResult(
        loaded,
        figures,
        documents,
        written,
        changes,
        [folder / name for name in stale],
        pdf_problem,
        papers if bo_ho_so else None,
    )
