"""The folder a workspace serves: its plan files, their versions and history, where results go.

Every path a request names is a relative name confined to the folder (no "..", no absolute path,
no link out, Windows-valid names); a save is refused when the file changed since it was opened;
before each save the previous version is kept in <folder>/.vanban/lich-su/<plan>/.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from generator.errors import PlanError
from generator.files import write_files
from generator.model.loader import parse_yaml, read_text, to_plain, validate_plain

STATE = ".vanban"
HISTORY = "lich-su"
RESULTS = "ket-qua"
PLAN_SUFFIXES = (".yaml", ".yml")
RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
NAME_PART = re.compile(r"^[^<>:\"/\\|?*\x00-\x1f]{1,120}$")
MAX_LISTED = 500


class PathRefused(ValueError):
    """A name that is not a file of the folder served (message in Vietnamese)."""


class SaveConflict(Exception):
    """The file changed on disk since the editor opened it."""

    def __init__(self, disk_text: str, disk_version: str):
        super().__init__("tệp đã thay đổi trên đĩa")
        self.disk_text, self.disk_version = disk_text, disk_version


def version_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:20]


@dataclass
class PlanEntry:
    name: str  # relative, with "/"
    title: str | None = None
    year: int | None = None
    total: int | None = None
    draft: bool | None = None
    error: str | None = None
    built: datetime | None = None


class Workspace:
    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.lock = threading.Lock()
        self._summaries: dict[tuple, tuple[str, object]] = {}

    # --- names ---------------------------------------------------------------------------------

    def path(self, name: str, *, suffixes: tuple[str, ...] = PLAN_SUFFIXES, must_exist: bool = True) -> Path:
        """The file `name` (relative, "/"-separated) of the folder; PathRefused for anything else."""
        if not name or len(name) > 400 or "\\" in name or "\x00" in name:
            raise PathRefused("tên tệp không hợp lệ")
        pure = PurePosixPath(name)
        if pure.is_absolute() or any(part in ("", ".", "..") for part in pure.parts) or re.match(r"^[A-Za-z]:", name):
            raise PathRefused("chỉ mở được tệp nằm trong thư mục đang làm việc")
        for part in pure.parts:
            if not NAME_PART.match(part) or RESERVED.match(part) or part.endswith((" ", ".")):
                raise PathRefused(f"tên {part!r} không dùng được trên Windows")
        if pure.parts[0] == STATE:
            raise PathRefused("thư mục .vanban là của chương trình")
        if suffixes and pure.suffix.lower() not in suffixes:
            raise PathRefused(f"chỉ nhận tệp {', '.join(suffixes)}")
        path = self.root.joinpath(*pure.parts)
        resolved = path.resolve()
        if not resolved.is_relative_to(self.root):
            raise PathRefused("chỉ mở được tệp nằm trong thư mục đang làm việc")
        if must_exist and not resolved.is_file():
            raise PathRefused(f"không có tệp {name}")
        return path

    def name_of(self, path: Path) -> str:
        return Path(path).resolve().relative_to(self.root).as_posix()

    # --- plans ---------------------------------------------------------------------------------

    def plan_files(self) -> list[Path]:
        """YAML files of the folder and its subfolders (three levels; hidden folders and results skipped)."""
        found = []
        for folder, subfolders, files in os.walk(self.root):
            depth = len(Path(folder).relative_to(self.root).parts)
            subfolders[:] = sorted(
                d for d in subfolders if not d.startswith(".") and d not in (RESULTS, "output") and depth < 2
            )
            for name in sorted(files):
                path = Path(folder) / name
                if path.suffix.lower() in PLAN_SUFFIXES and path.is_file() and path.resolve().is_relative_to(self.root):
                    found.append(path)
            if len(found) >= MAX_LISTED:
                break
        return sorted(found)[:MAX_LISTED]

    def _summary(self, path: Path) -> tuple[str, object]:
        """("plan", PlanEntry) / ("units", skeleton path) / ("other", None) for a YAML file, remembered
        until the file changes. Read with the fast safe loader: a list needs no comments or positions."""
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key in self._summaries:
            return self._summaries[key]
        entry = PlanEntry(self.name_of(path))
        try:
            data = _fast_yaml(read_text(path), path)
            if isinstance(data, dict) and "don_vi" in data:
                skeleton = data.get("ke_hoach")
                summary: tuple[str, object] = (
                    "units",
                    (path.parent / skeleton).resolve() if isinstance(skeleton, str) else None,
                )
            else:
                loaded = validate_plain(*to_plain(data if isinstance(data, dict) else {}, path), path)
                plan = loaded.plan
                entry.title, entry.year, entry.draft = plan.van_ban.trich_yeu, plan.van_ban.nam, plan.is_draft
                from generator.compute.figures import compute

                figures = compute(plan)
                entry.total = figures.phu_luc_2.tong if getattr(figures, "phu_luc_2", None) else None
                summary = ("plan", entry)
        except PlanError as exc:
            entry.error = str(exc.problems[0]) if exc.problems else "dữ liệu có lỗi"
            summary = ("plan", entry)
        if len(self._summaries) > 4 * MAX_LISTED:
            self._summaries.clear()
        self._summaries[key] = summary
        return summary

    def entries(self) -> list[PlanEntry]:
        """The folder's plans with title, year, total, draft or issued, last build; units files and
        the ward plan skeletons they name are left out, files with errors are listed with their first problem."""
        summaries = [(path, self._summary(path)) for path in self.plan_files()]
        skeletons = {value for _, (kind, value) in summaries if kind == "units"}
        out = []
        for path, (kind, entry) in summaries:
            if kind != "plan" or path.resolve() in skeletons:
                continue
            entry = dataclasses.replace(entry, built=None)
            solieu = self.results_folder(entry.name) / "so-lieu.json"
            if solieu.is_file():
                entry.built = datetime.fromtimestamp(solieu.stat().st_mtime)
            out.append(entry)
        return out

    def units_files(self) -> list[str]:
        return [self.name_of(path) for path in self.plan_files() if self._summary(path)[0] == "units"]

    def read(self, name: str) -> tuple[Path, bytes, str]:
        """(path, bytes, version) of a plan file."""
        path = self.path(name)
        data = path.read_bytes()
        return path, data, version_of(data)

    def base_data(self, path: Path) -> dict:
        """The plan file as plain data (what the form starts from)."""
        return to_plain(parse_yaml(read_text(path), path), path)[0]

    def results_folder(self, name: str) -> Path:
        return self.root / RESULTS / PurePosixPath(name).with_suffix("").as_posix().replace("/", "__")

    def state_folder(self, *parts: str) -> Path:
        return self.root.joinpath(STATE, *parts)

    # --- saving and history ----------------------------------------------------------------------

    def save(self, name: str, text: str, opened_version: str) -> str:
        """Write `text` as plan `name` if the file is still the version the editor opened (else
        SaveConflict); the previous version goes to the history first. The new version."""
        path = self.path(name)
        with self.lock:
            current = path.read_bytes()
            if version_of(current) != opened_version:
                raise SaveConflict(current.decode("utf-8", "replace"), version_of(current))
            new = text.encode("utf-8")
            if new == current:
                return opened_version
            self.keep(name, current)
            write_files(path.parent, {path.name: new})
            return version_of(new)

    def create(self, name: str, text: str) -> Path:
        """A new plan file (never over an existing one)."""
        path = self.path(name, must_exist=False)
        with self.lock:
            if path.exists():
                raise PathRefused(f"Đã có tệp {name}; chọn tên khác")
            path.parent.mkdir(parents=True, exist_ok=True)
            write_files(path.parent, {path.name: text.encode("utf-8")})
        return path

    def history_folder(self, name: str) -> Path:
        return self.state_folder(HISTORY, PurePosixPath(name).as_posix().replace("/", "__").replace(".", "_"))

    def keep(self, name: str, data: bytes) -> Path:
        folder = self.history_folder(name)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        return write_files(folder, {f"{stamp}-{version_of(data)}.yaml": data})[0]

    def versions(self, name: str) -> list[tuple[str, datetime]]:
        """Earlier versions of a plan, newest first: (version id, when it was replaced)."""
        folder = self.history_folder(name)
        out = []
        for path in sorted(folder.glob("*.yaml"), reverse=True) if folder.is_dir() else []:
            try:
                when = datetime.strptime(path.stem[:22], "%Y%m%d-%H%M%S-%f")
            except ValueError:
                continue
            out.append((path.stem, when))
        return out

    def version_path(self, name: str, version: str) -> Path:
        if not re.fullmatch(r"\d{8}-\d{6}-\d{6}-[0-9a-f]{20}", version or ""):
            raise PathRefused("không có phiên bản này")
        path = self.history_folder(name) / f"{version}.yaml"
        if not path.is_file():
            raise PathRefused("không có phiên bản này")
        return path


def _fast_yaml(text: str, path: Path) -> object:
    """Plain data of a YAML text (libyaml when installed); syntax errors as the loader words them."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="safe").load(text)
    except YAMLError:
        return parse_yaml(text, path)  # raises PlanError with line and column
