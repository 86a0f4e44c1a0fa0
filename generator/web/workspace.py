"""The folder a workspace serves: its plan files, their versions and history, where results go.

Every path a request names is a relative name confined to the folder (no "..", no absolute path,
no link out, Windows-valid names); a save is refused when the file changed since it was opened;
before each save the previous version is kept in <folder>/.vanban/lich-su/<plan>/.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from generator.errors import PlanError
from generator.files import write_files
from generator.model.loader import load_plan, parse_yaml, read_text, to_plain

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
            subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and d not in (RESULTS, "output")
                                   and depth < 2)
            for name in sorted(files):
                path = Path(folder) / name
                if path.suffix.lower() in PLAN_SUFFIXES and path.is_file() and path.resolve().is_relative_to(self.root):
                    found.append(path)
            if len(found) >= MAX_LISTED:
                break
        return sorted(found)[:MAX_LISTED]

    def entries(self) -> list[PlanEntry]:
        """The folder's plans with title, year, total, draft or issued, last build; other YAML files
        (units files) are left out, files with errors are listed with their first problem."""
        out = []
        files = self.plan_files()
        skeletons = set()
        for path in files:
            try:
                raw = parse_yaml(read_text(path), path)
            except PlanError:
                continue
            if "don_vi" in raw and isinstance(raw.get("ke_hoach"), str):  # a units file and its ward plan skeleton
                skeletons |= {path.resolve(), (path.parent / raw["ke_hoach"]).resolve()}
        for path in files:
            if path.resolve() in skeletons:
                continue
            entry = PlanEntry(self.name_of(path))
            try:
                loaded = load_plan(path)
                plan = loaded.plan
                entry.title, entry.year, entry.draft = plan.van_ban.trich_yeu, plan.van_ban.nam, plan.is_draft
                from generator.build import compute_loaded

                figures = compute_loaded(loaded)
                entry.total = figures.phu_luc_2.tong if getattr(figures, "phu_luc_2", None) else None
            except PlanError as exc:
                entry.error = str(exc.problems[0]) if exc.problems else "dữ liệu có lỗi"
            solieu = self.results_folder(entry.name) / "so-lieu.json"
            if solieu.is_file():
                entry.built = datetime.fromtimestamp(solieu.stat().st_mtime)
            out.append(entry)
        return out

    def units_files(self) -> list[str]:
        out = []
        for path in self.plan_files():
            try:
                raw = parse_yaml(read_text(path), path)
            except PlanError:
                continue
            if "don_vi" in raw:
                out.append(self.name_of(path))
        return out

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
