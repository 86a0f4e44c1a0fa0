"""The ward-level plans of every unit of a town in one run: a folder per unit, a zip of them all,
and a workbook that reconciles the units' figures with the town plan.

    <out>/don-vi/<unit>/…docx      each unit's Word files (those `vanban build` makes)
    <out>/don-vi.zip               every unit folder (units in file order, fixed dates: same data, same bytes)
    <out>/tong-hop-don-vi.xlsx     one row per unit, then their sums against the town plan

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
from generator.files import keep_copy, publish, staging_folder, sync_all, write_fresh
from generator.excel.xlsx import NUMBER_FORMAT
from generator.model.loader import LoadedPlan, load_plan
from generator.render.oxml import ZipStream, write_zip
from generator.render.renderer import Renderer
from generator.units.unitsfile import Unit, Units, load_units, read_items, unit_plan
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

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Line:
    """A reconciliation line: the units' sum against the town plan's figure."""

    ten: str
    don_vi: int
    thi_xa: int

    @property
    def ok(self) -> bool:
        return self.don_vi == self.thi_xa


@dataclass
class BatchResult:
    folder: Path
    units: list[UnitResult]
    lines: list[Line]
    written: list[Path]

    @property
    def failed(self) -> list[UnitResult]:
        return [u for u in self.units if not u.ok]

    @property
    def docx(self) -> list[Path]:
        """The Word files of the units written (what `generator.render.pdf.convert_to_pdf` takes)."""
        return sorted(p for u in self.units if u.ok for p in (self.folder / UNITS_FOLDER / u.unit.slug).glob("*.docx"))

    @property
    def mismatches(self) -> list[Line]:
        return [line for line in self.lines if not line.ok]


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
        result.warnings = loaded.warnings
        for k, line in enumerate(self.units.doi_chieu):
            value = figure(figures, line.don_vi)
            if value is None:
                where = ("doi_chieu", k, "don_vi")
                message = f"Kế hoạch của đơn vị không có số liệu {line.don_vi!r} để đối chiếu"
                result.problems.append(self.units.problem(message, where))
            else:
                result.values[line.ten] = value
        if result.problems:
            return result
        result.tong = figures.phu_luc_2.tong if figures.phu_luc_2 else 0
        self.renderer = self.renderer or Renderer()
        files = self.renderer.render_plan(figures).files
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

def run_batch(plan_path: Path, units_path: Path, out: Path | None = None, *, jobs: int = 1, progress: bool = False) -> BatchResult:
    """Build every unit's plan into <out>/don-vi/<unit>/, then the zip and the summary workbook.

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
    town_values = _town_values(compute_loaded(town), units)
    folder = output_folder(plan_path, out)
    with staging_folder(folder) as staging:
        results, lines = _write_batch(staging, town, town_values, units, renderer, jobs, progress)
        for result in results:  # a unit that failed keeps the folder of an earlier run
            if not result.ok:
                keep_copy(folder / UNITS_FOLDER / result.unit.slug, staging / UNITS_FOLDER / result.unit.slug)
        sync_all()  # the units' files, written without a per-file fsync
        publish(folder, staging, [UNITS_FOLDER, ARCHIVE, WORKBOOK])
    return BatchResult(folder, results, lines, [folder / ARCHIVE, folder / WORKBOOK])


def _write_batch(staging: Path, town: LoadedPlan, town_values: dict[str, int], units: Units, renderer: Renderer,
                 jobs: int, progress: bool) -> tuple[list[UnitResult], list[Line]]:
    """Every unit's folder, the zip and the workbook, into `staging`."""
    job = _Job(town, units, staging / UNITS_FOLDER, renderer)
    job.folder.mkdir()
    results: list[UnitResult] = []
    book = SummaryBook([line.ten for line in units.doi_chieu])
    try:
        with (open(staging / ARCHIVE, "xb") as handle, _results(job, range(len(units.units)), jobs) as stream,
              _progress(len(units.units), progress) as advance):
            archive = ZipStream(handle)
            for result in stream:
                for name, (size, crc) in result.files.items():
                    archive.add(f"{result.unit.slug}/{name}", job.folder / result.unit.slug / name, size, crc)
                book.add(result)
                results.append(result)
                advance()
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
    return results, lines


def _town_values(figures: PlanFigures, units: Units) -> dict[str, int]:
    values, problems = {}, []
    for k, line in enumerate(units.doi_chieu):
        value = figure(figures, line.thi_xa)
        if value is None:
            message = f"Kế hoạch thị xã không có số liệu {line.thi_xa!r} để đối chiếu"
            problems.append(units.problem(message, ("doi_chieu", k, "thi_xa")))
        values[line.ten] = value
    if problems:
        raise PlanError(problems)
    return values


# --- the summary workbook ----------------------------------------------------------------------

class SummaryBook:
    """tong-hop-don-vi.xlsx, written as the units come in (openpyxl's write-only mode): a row per
    unit, then the units' sum, the town plan and the difference."""

    def __init__(self, line_names: list[str]):
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter

        self._book, self._finished = Workbook(write_only=True), False
        self._sheet = self._book.create_sheet("Tổng hợp")
        self._new_cell, self._bold, self._names = WriteOnlyCell, Font(bold=True), line_names
        for column, width in enumerate((5, 22, 16, *(16 for _ in line_names), 18, 40), 1):
            self._sheet.column_dimensions[get_column_letter(column)].width = width
        self._sheet.append([self._cell("TỔNG HỢP KẾ HOẠCH CẤP XÃ, PHƯỜNG VÀ ĐỐI CHIẾU VỚI KẾ HOẠCH THỊ XÃ", bold=True)])
        self._sheet.append([])
        headers = ["STT", "Đơn vị", "Thư mục", *line_names, "Tổng kinh phí (đồng)", "Tình trạng"]
        wrapped = Alignment(wrap_text=True, vertical="center")
        self._sheet.append([self._cell(text, bold=True, alignment=wrapped) for text in headers])

    def _cell(self, value: object, *, bold: bool = False, figure: bool = False, **style: object):
        cell = self._new_cell(self._sheet, value)
        if bold:
            cell.font = self._bold
        if figure:
            cell.number_format = NUMBER_FORMAT  # thousands with "." whatever the computer's locale
        for attribute, setting in style.items():
            setattr(cell, attribute, setting)
        return cell

    def add(self, result: UnitResult) -> None:
        """The row of the next unit (in file order)."""
        status = "Đã soạn" if result.ok else f"Lỗi, chưa ghi: {result.problems[0]}"
        figures = [self._cell(result.values.get(name) if result.ok else None, figure=True) for name in self._names]
        self._sheet.append([result.unit.index + 1, result.unit.ten, result.unit.slug, *figures, result.tong, status])

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
            ("Kế hoạch thị xã", [line.thi_xa for line in lines], None, ""),
            ("Chênh lệch", [line.don_vi - line.thi_xa for line in lines], None,
             "Khớp" if all(line.ok for line in lines) else "KHÔNG KHỚP: " + "; ".join(line.ten for line in lines if not line.ok)),
        )
        for label, values, budget, status in rows:
            figures = [self._cell(value, bold=True, figure=True, **({} if line.ok else {"fill": wrong})) for line, value in zip(lines, values)]
            self._sheet.append([self._cell(None, bold=True), self._cell(label, bold=True), self._cell(None, bold=True), *figures,
                                self._cell(budget, bold=True), self._cell(status, bold=True)])
        self._book.properties.creator = self._book.properties.lastModifiedBy = "vanban"
        self._book.properties.created = self._book.properties.modified = stamp
        raw = io.BytesIO()
        ExcelWriter(self._book, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
        self._finished = True
        with zipfile.ZipFile(raw) as archive:  # again with fixed dates: same data, same bytes
            return write_zip([(info.filename, archive.read(info)) for info in archive.infolist()])


def print_summary(result: BatchResult) -> None:
    """What the clerk reads after a batch: units written, reconciliation, files."""
    done = [r for r in result.units if r.ok]
    print(f"Đã soạn {len(done)}/{len(result.units)} đơn vị vào {result.folder / UNITS_FOLDER}")
    if result.lines:
        print("Đối chiếu với Kế hoạch thị xã (cộng các đơn vị / thị xã):")
        for line in result.lines:
            state = "khớp" if line.ok else "KHÔNG KHỚP"
            print(f"  {line.ten}: {format_number(line.don_vi)} / {format_number(line.thi_xa)} — {state}")
    print("Đã ghi:")
    for path in result.written:
        print(f"  {path}")
