"""The ward-level plans of every unit a higher plan (a province's, or before 2025 a town's) goes to,
in one run: a folder per unit, a zip of them all, and a workbook that reconciles the units'
figures with the higher plan. Every sentence names the bodies as they are: "Kế hoạch của UBND tỉnh
Tây Ninh", "UBND các xã, phường, đặc khu".

    <out>/don-vi/<unit>/…docx      each unit's Word files (those `vanban build` makes)
    <out>/don-vi.zip               every unit folder (units in file order, fixed dates: same data, same bytes)
    <out>/tong-hop-don-vi.xlsx     one row per unit, then their sums against the higher plan

A unit whose data is invalid is reported with its problems and not written (its folder from an
earlier run, if any, is kept as it was, and is not in the zip); the others still are.
Everything is written into a staging tree inside the output folder and published in one step
(generator.files.publish): a reader, or a batch killed half-way, sees the previous batch or the
new one, never a mix.
With ``jobs`` > 1 the units are built by that many processes, each with one `Renderer` (templates
prepared once per process); the output is the same bytes whatever the number of processes. The
zip and the workbook are written as the units come in (in file order), not held in memory.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import re
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from generator.build import compute_loaded, output_folder
from generator.compute.figures import PlanFigures
from generator.errors import OutputError, PlanError, Problem
from generator.excel.layout import BOX, HEAD, font, number_format
from generator.files import keep_copy, publish, staging_folder, sync_all, write_fresh
from generator.model.loader import LoadedPlan, load_plan
from generator.render.oxml import ZipStream, write_zip
from generator.render.pdf import Outcome as PdfOutcome
from generator.render.pdf import PdfUnavailable, pdf_beside
from generator.render.renderer import Renderer
from generator.units.unitplan import unit_plan
from generator.units.unitsfile import Unit, Units, load_units
from generator.units.unitsyaml import read_items
from generator.vi import format_number

UNITS_FOLDER, ARCHIVE, WORKBOOK = "don-vi", "don-vi.zip", "tong-hop-don-vi.xlsx"


@dataclass
class UnitResult:
    """One unit's outcome: its reconciliation figures, or the problems that kept it from being written."""

    unit: Unit
    values: dict[str, int] = field(default_factory=dict)  # doi_chieu line name → the unit's figure
    tong: int | None = None  # total budget of the unit's plan
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    files: dict[str, tuple[int, int]] = field(default_factory=dict)  # written: name → size, CRC-32 (for the zip)
    removed: list[str] = field(default_factory=list)  # old PDFs removed with the Word files they no longer match

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Line:
    """A reconciliation line: the units' sum against the higher plan's figure."""

    ten: str
    don_vi: int
    cap_tren: int

    @property
    def ok(self) -> bool:
        return self.don_vi == self.cap_tren


@dataclass
class BatchResult:
    folder: Path
    units: list[UnitResult]
    lines: list[Line]
    written: list[Path]
    wording: Wording | None = None
    pdf: PdfOutcome | None = None  # with pdf=True: the PDFs written and the files that failed
    pdf_problem: OutputError | None = None  # with pdf=True: LibreOffice missing

    @property
    def failed(self) -> list[UnitResult]:
        return [u for u in self.units if not u.ok]

    @property
    def mismatches(self) -> list[Line]:
        return [line for line in self.lines if not line.ok]


@dataclass(frozen=True)
class Wording:
    """How the batch names the bodies: the higher plan's issuer, and the units by their kinds."""

    cap_tren: str  # "UBND tỉnh Tây Ninh"
    don_vi: str  # "xã, phường, đặc khu" (the kinds in the units file)

    @classmethod
    def of(cls, town: LoadedPlan, units: Units) -> Wording:
        name = town.plan.co_quan.ten_day_du
        short = re.sub(r"^(Ủy|Uỷ) ban nhân dân\b", "UBND", name)
        return cls(short, ", ".join(units.kinds))

    @property
    def ke_hoach(self) -> str:
        """ "Kế hoạch của UBND tỉnh Tây Ninh"."""
        return f"Kế hoạch của {self.cap_tren}"


def figure(figures: PlanFigures, reference: str) -> int | None:
    """A figure of a computed plan by reference: <id>.so_luong (a budget line or a Phụ lục I member),
    <id>.thanh_tien, <id>.tong (a funding source, table or group), bien.<name>, phu_luc_1/2.tong."""
    name, key = reference.split(".", 1)
    plan = figures.plan
    if name == "bien":
        value = plan.bien.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if name in ("phu_luc_1", "phu_luc_2"):
        part = getattr(figures, name)
        return part.tong if part and key == "tong" else None
    found: dict[tuple[str, str], int] = {}
    if figures.phu_luc_1:
        for group, nhom in zip(figures.phu_luc_1.nhom, plan.phu_luc_1.nhom):
            found[(nhom.id, "tong")] = group.tong
            found.update(((tv.id, "so_luong"), m.so_luong) for m, tv in zip(group.thanh_vien, nhom.thanh_vien))
    if figures.phu_luc_2:
        totals = {source.id: amount for source, amount in figures.phu_luc_2.theo_nguon}
        found.update(((s.id, "tong"), totals.get(s.id, 0)) for s in plan.phu_luc_2.nguon_kinh_phi)
        for table in figures.phu_luc_2.bang:
            found[(table.bang.id, "tong")] = table.tong
            for line in table.dong:
                found[(line.dong.id, "so_luong")], found[(line.dong.id, "thanh_tien")] = line.so_luong, line.thanh_tien
    return found.get((name, key))


# --- one unit, in whichever process ------------------------------------------------------------


@dataclass
class _Job:
    """What every worker needs; the Renderer is made in the worker (templates prepared once there)."""

    town: LoadedPlan
    units: Units
    folder: Path
    renderer: Renderer | None = None
    previous: Path | None = None  # the units folder of the last batch (its PDFs are named when they go)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "renderer": None}

    def build(self, index: int) -> UnitResult:
        """Load, compute, render and write one unit; its data problems go into the result."""
        unit = self.units.units[index]
        result = UnitResult(unit)
        try:
            loaded = unit_plan(self.town, self.units, unit)
            figures = compute_loaded(loaded)
        except PlanError as exc:
            result.problems = exc.problems
            return result
        except Exception as exc:  # noqa: BLE001 — a fault with one unit's data: the others are still built
            where = self.units.problem(
                f"lỗi nội bộ khi soạn đơn vị này ({type(exc).__name__}: {exc}); xin báo cho người phát triển vanban",
                ("don_vi", unit.index),
            )
            result.problems = [where]
            return result
        result.warnings = loaded.warnings
        for k, line in enumerate(self.units.doi_chieu):
            value = figure(figures, line.don_vi)
            if value is None:
                message = f"Kế hoạch của đơn vị không có số liệu {line.don_vi!r} để đối chiếu"
                result.problems.append(self.units.doi_chieu_problem(message, k, "don_vi"))
            else:
                result.values[line.ten] = value
        if result.problems:
            return result
        result.tong = figures.phu_luc_2.tong if figures.phu_luc_2 else 0
        self.renderer = self.renderer or Renderer()
        files = self.renderer.render_plan(figures).files
        stale = [f"{Path(name).stem}.pdf" for name in files if name.endswith(".docx")]  # made again with --pdf
        old = self.previous / unit.slug if self.previous else None
        result.removed = [name for name in stale if old and (old / name).is_file()]  # gone with the old tree
        write_fresh(self.folder / unit.slug, files)
        result.files = {name: (len(data), zlib.crc32(data)) for name, data in sorted(files.items())}
        return result


_JOB: _Job | None = None


def _start_worker(job: _Job) -> None:
    global _JOB
    _JOB = job
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """A worker whose batch was killed (its parent gone) ends too, instead of waiting for work forever."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _build_in_worker(index: int) -> UnitResult:
    return _JOB.build(index)


def _fork() -> multiprocessing.context.BaseContext:
    """Worker processes started by fork where there is one: no re-import, nothing pickled."""
    return multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)


@contextmanager
def _results(job: _Job, order: range, jobs: int) -> Iterator[Iterator[UnitResult]]:
    """Each unit's result, in `order`, built here (jobs=1) or by `jobs` processes.

    The processes start (fork: no re-import, no pickling of the job) on entering, before any thread.
    """
    jobs = min(jobs, len(order))
    if jobs <= 1:
        yield map(job.build, order)
        return
    pool = ProcessPoolExecutor(jobs, mp_context=_fork(), initializer=_start_worker, initargs=(job,))
    try:
        yield pool.map(_build_in_worker, order, chunksize=max(1, min(8, len(order) // (jobs * 8))))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _load_units(path: Path, jobs: int, meanwhile: Callable[[LoadedPlan], None]) -> Units:
    """The units file, its don_vi list read by `jobs` processes where it is long; `meanwhile` is
    called with the skeleton while they read (load_units)."""
    if jobs <= 1:
        return load_units(path, meanwhile=meanwhile)
    with ProcessPoolExecutor(jobs, mp_context=_fork()) as pool:
        return load_units(path, lambda parts: pool.map(read_items, parts), parts=4 * jobs, meanwhile=meanwhile)


@contextmanager
def _progress(total: int, shown: bool) -> Iterator[Callable[[], None]]:
    """A rich progress bar on a terminal, quiet otherwise; yields the function that advances it."""
    if not shown:
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console()
    columns = (TextColumn("Soạn kế hoạch đơn vị"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, disable=not console.is_terminal, transient=True) as bar:
        task = bar.add_task("don_vi", total=total)
        yield lambda: bar.advance(task)


# --- the batch ---------------------------------------------------------------------------------


def run_batch(
    plan_path: Path,
    units_path: Path,
    out: Path | None = None,
    *,
    jobs: int = 1,
    progress: bool = False,
    pdf: bool = False,
) -> BatchResult:
    """Build every unit's plan into <out>/don-vi/<unit>/, then the zip and the summary workbook.

    A unit's old PDFs go when its Word files are written; with `pdf` new ones are made (several
    LibreOffice instances) and go into the zip too.

    PlanError (nothing written) if the town plan, the units file or its skeleton cannot be used,
    or a reconciliation line names a figure the town plan does not have.
    """
    renderer, town = Renderer(), None

    def meanwhile(skeleton: LoadedPlan) -> None:
        """While the units are read: the town plan, and the templates the units' plans use (which
        the worker processes then start with)."""
        nonlocal town
        town = load_plan(plan_path)
        renderer.prepare(skeleton.plan)

    units = _load_units(units_path, jobs, meanwhile)
    wording = Wording.of(town, units)
    town_values = _town_values(compute_loaded(town), units, wording)
    folder = output_folder(plan_path, out)
    with staging_folder(folder) as staging:
        results, lines, pdfs, pdf_problem = _write_batch(
            staging, folder, town, town_values, units, renderer, jobs, progress, wording, pdf
        )
        for result in results:  # a unit that failed keeps the folder of an earlier run
            if not result.ok:
                keep_copy(folder / UNITS_FOLDER / result.unit.slug, staging / UNITS_FOLDER / result.unit.slug)
        sync_all()  # the units' files, written without a per-file fsync
        publish(folder, staging, [UNITS_FOLDER, ARCHIVE, WORKBOOK])
    return BatchResult(folder, results, lines, [folder / ARCHIVE, folder / WORKBOOK], wording, pdfs, pdf_problem)


def _write_batch(
    staging: Path,
    folder: Path,
    town: LoadedPlan,
    town_values: dict[str, int],
    units: Units,
    renderer: Renderer,
    jobs: int,
    progress: bool,
    wording: Wording,
    pdf: bool,
) -> tuple[list[UnitResult], list[Line], PdfOutcome | None, OutputError | None]:
    """Every unit's folder, the zip and the workbook (and with `pdf` the PDFs), into `staging`."""
    job = _Job(town, units, staging / UNITS_FOLDER, renderer, folder / UNITS_FOLDER)
    pdfs, pdf_problem = None, None
    job.folder.mkdir()
    results: list[UnitResult] = []
    book = SummaryBook([line.ten for line in units.doi_chieu], wording)
    try:
        with (
            open(staging / ARCHIVE, "xb") as handle,
            _results(job, range(len(units.units)), jobs) as stream,
            _progress(len(units.units), progress) as advance,
        ):
            archive = ZipStream(handle)
            for result in stream:
                for name, (size, crc) in result.files.items():
                    archive.add(f"{result.unit.slug}/{name}", job.folder / result.unit.slug / name, size, crc)
                book.add(result)
                results.append(result)
                advance()
            if pdf:
                pdfs, pdf_problem = _unit_pdfs(job.folder, [r for r in results if r.ok], archive)
            archive.close()
        lines = [
            Line(line.ten, sum(r.values.get(line.ten, 0) for r in results), town_values[line.ten])
            for line in units.doi_chieu
        ]
        stamp = datetime(town.plan.van_ban.nam, town.plan.van_ban.thang, town.plan.van_ban.ngay or 1)
        write_fresh(staging, {WORKBOOK: book.finish(results, lines, stamp)})
    except OSError as exc:
        raise OutputError(f"không ghi được kết quả vào {staging.parent}: {exc.strerror or exc}") from None
    finally:
        book.discard()
    return results, lines, pdfs, pdf_problem


def _unit_pdfs(
    folder: Path, done: list[UnitResult], archive: ZipStream
) -> tuple[PdfOutcome | None, OutputError | None]:
    """PDFs beside the units' Word files, added to the zip under each unit's folder."""
    docx = [folder / r.unit.slug / name for r in done for name in r.files if name.endswith(".docx")]
    try:
        outcome = pdf_beside(docx)
    except PdfUnavailable as exc:
        return None, exc
    for path in outcome.written:
        data = path.read_bytes()
        archive.add(f"{path.parent.name}/{path.name}", path, len(data), zlib.crc32(data))
    return outcome, None


def _town_values(figures: PlanFigures, units: Units, wording: Wording) -> dict[str, int]:
    values, problems = {}, []
    for k, line in enumerate(units.doi_chieu):
        value = figure(figures, line.cap_tren)
        if value is None:
            message = f"{wording.ke_hoach} không có số liệu {line.cap_tren!r} để đối chiếu"
            problems.append(units.doi_chieu_problem(message, k, "cap_tren"))
        values[line.ten] = value
    if problems:
        raise PlanError(problems)
    return values


# --- the summary workbook ----------------------------------------------------------------------


class SummaryBook:
    """tong-hop-don-vi.xlsx, written as the units come in (openpyxl's write-only mode): a row per
    unit, then the units' sum, the higher plan and the difference."""

    def __init__(self, line_names: list[str], wording: Wording):
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment
        from openpyxl.utils import get_column_letter

        self._book, self._finished = Workbook(write_only=True), False
        self._sheet = self._book.create_sheet("Tổng hợp")
        self._new_cell, self._names, self._wording = WriteOnlyCell, line_names, wording
        for column, width in enumerate((5, 22, 16, *(16 for _ in line_names), 18, 40), 1):
            self._sheet.column_dimensions[get_column_letter(column)].width = width
        self._sheet.freeze_panes = "D4"
        title = f"Tổng hợp Kế hoạch của UBND các {wording.don_vi} và đối chiếu với {wording.ke_hoach}"
        self._sheet.append([self._cell(title.upper(), bold=True)])
        self._sheet.append([])
        headers = ["STT", "Đơn vị", "Thư mục", *line_names, "Tổng kinh phí (đồng)", "Tình trạng"]
        wrapped = Alignment(wrap_text=True, vertical="center", horizontal="center")
        self._sheet.append([self._cell(text, bold=True, alignment=wrapped, fill=HEAD) for text in headers])

    def _cell(self, value: object, *, bold: bool = False, figure: bool = False, **style: object):
        """A cell styled as the export's: Times New Roman, thin borders, figures grouped with "." up to tỷ."""
        cell = self._new_cell(self._sheet, value)
        cell.font, cell.border = font(bold=bold), BOX
        if figure:
            cell.number_format = number_format(value)  # thousands with "." whatever the computer's locale
        for attribute, setting in style.items():
            setattr(cell, attribute, setting)
        return cell

    def add(self, result: UnitResult) -> None:
        """The row of the next unit (in file order)."""
        status = "Đã soạn" if result.ok else f"Lỗi, chưa ghi: {result.problems[0]}"
        figures = [self._cell(result.values.get(name) if result.ok else None, figure=True) for name in self._names]
        self._sheet.append(
            [
                self._cell(result.unit.index + 1),
                self._cell(result.unit.ten),
                self._cell(result.unit.slug),
                *figures,
                self._cell(result.tong, figure=True),
                self._cell(status),
            ]
        )

    def discard(self) -> None:
        """Close the sheet's temporary writer if `finish` did not (no "Exception ignored" noise from
        openpyxl's half-written sheet when a batch fails)."""
        writer = getattr(self._sheet, "_writer", None)
        if writer is not None and not self._finished:
            try:
                self._sheet.close()
            except Exception:  # noqa: BLE001 - a half-written temporary sheet: nothing more to do
                pass

    def finish(self, results: list[UnitResult], lines: list[Line], stamp: datetime) -> bytes:
        """The workbook's bytes, with its summary rows (same data, same bytes)."""
        from openpyxl.styles import PatternFill
        from openpyxl.writer.excel import ExcelWriter

        wrong = PatternFill("solid", fgColor="FFC7CE")
        total = sum(r.tong for r in results if r.ok)
        rows = (
            ("Cộng các đơn vị", [line.don_vi for line in lines], total, ""),
            (self._wording.ke_hoach, [line.cap_tren for line in lines], None, ""),
            (
                "Chênh lệch",
                [line.don_vi - line.cap_tren for line in lines],
                None,
                "Khớp"
                if all(line.ok for line in lines)
                else "KHÔNG KHỚP: " + "; ".join(line.ten for line in lines if not line.ok),
            ),
        )
        for label, values, budget, status in rows:
            figures = [
                self._cell(value, bold=True, figure=True, **({} if line.ok else {"fill": wrong}))
                for line, value in zip(lines, values)
            ]
            self._sheet.append(
                [
                    self._cell(None, bold=True),
                    self._cell(label, bold=True),
                    self._cell(None, bold=True),
                    *figures,
                    self._cell(budget, bold=True, figure=True),
                    self._cell(status, bold=True),
                ]
            )
        self._book.properties.creator = self._book.properties.lastModifiedBy = "vanban"
        self._book.properties.created = self._book.properties.modified = stamp
        raw = io.BytesIO()
        ExcelWriter(self._book, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
        self._finished = True
        with zipfile.ZipFile(raw) as archive:  # again with fixed dates: same data, same bytes
            return write_zip([(info.filename, archive.read(info)) for info in archive.infolist()])


def summary_lines(result: BatchResult) -> list[str]:
    """What the clerk reads after a batch: units written, reconciliation, files (the CLI prints it)."""
    done = [r for r in result.units if r.ok]
    wording = result.wording
    assert wording is not None
    lines = [
        f"Đã soạn Kế hoạch của UBND {len(done)}/{len(result.units)} {wording.don_vi} vào {result.folder / UNITS_FOLDER}"
    ]
    if result.lines:
        lines.append(f"Đối chiếu với {wording.ke_hoach} (cộng các đơn vị / {wording.cap_tren}):")
        for line in result.lines:
            state = "khớp" if line.ok else "KHÔNG KHỚP"
            lines.append(f"  {line.ten}: {format_number(line.don_vi)} / {format_number(line.cap_tren)} — {state}")
    lines.append("Đã ghi:")
    lines += [f"  {path}" for path in result.written]
    return lines
