"""`vanban build --pdf`: PDF copies through LibreOffice, and what happens without it."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

import generator.cli
import generator.render.pdf
from generator.compute.figures import compute
from generator.model.loader import load_plan
from generator.vi import amount_in_words, format_number

pytestmark = pytest.mark.slow  # LibreOffice runs

DATA = Path(__file__).resolve().parent.parent / "data" / "kien-tuong-2024.yaml"
DOCUMENTS = ("ke-hoach", "phu-luc-1", "phu-luc-2", "ho-so")


def run(monkeypatch, capsys, *argv) -> tuple[int, str, str]:
    monkeypatch.setattr(generator.cli, "COMMANDS", ["build"])
    code = generator.cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_build_with_pdf(tmp_path, monkeypatch, capsys):
    missing = [tool for tool in ("pdfinfo", "pdftotext") if not shutil.which(tool)]
    if not (shutil.which("soffice") or shutil.which("libreoffice")) or missing:
        reason = f"thiếu LibreOffice hoặc poppler-utils ({', '.join(missing) or 'soffice'}): không thử chuyển PDF"
        print(reason)
        pytest.skip(reason)
    code, out, err = run(monkeypatch, capsys, "build", DATA, "-o", tmp_path, "--pdf")
    assert code == 0, err
    counts = {name: pages(tmp_path / f"{name}.pdf") for name in DOCUMENTS}
    assert all(count >= 1 for count in counts.values()) and counts["ke-hoach"] > 1
    assert counts["ho-so"] == counts["ke-hoach"] + counts["phu-luc-1"] + counts["phu-luc-2"]
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "phu-luc-2.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(text.split())
    plan = load_plan(DATA).plan
    total = compute(plan).phu_luc_2.tong
    assert format_number(total) in text
    assert f"Bằng chữ: {amount_in_words(total, plan.quy_uoc_so.convention())}" in text
    assert str(tmp_path / "ho-so.pdf") in out


def test_without_libreoffice_the_word_files_are_still_written(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    monkeypatch.setattr(generator.render.pdf, "KNOWN_LOCATIONS", ())
    with pytest.raises(generator.render.pdf.PdfUnavailable):
        generator.render.pdf.convert_to_pdf([DATA])
    code, out, err = run(monkeypatch, capsys, "build", DATA, "-o", tmp_path, "--pdf")
    assert code == 0
    assert "Cảnh báo: Không tìm thấy LibreOffice" in err
    assert "sudo apt-get install libreoffice-writer-nogui fonts-liberation2" in err and "libreoffice.org" in err
    assert all((tmp_path / f"{name}.docx").is_file() for name in DOCUMENTS)
    assert not list(tmp_path.glob("*.pdf"))


def need_libreoffice(*tools: str) -> None:
    missing = [tool for tool in tools if not shutil.which(tool)]
    if not (shutil.which("soffice") or shutil.which("libreoffice")) or missing:
        reason = f"thiếu LibreOffice hoặc {', '.join(missing) or 'soffice'}: không thử chuyển PDF"
        print(reason)
        pytest.skip(reason)


def pdf_text(path: Path) -> str:
    return " ".join(
        subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )


def test_batch_with_pdf_runs_one_libreoffice_per_instance_and_zips_the_pdfs(tmp_path, monkeypatch, capsys):
    need_libreoffice("pdfinfo")
    starts = []
    real_popen = subprocess.Popen

    def counting(command, *args, **kwargs):
        starts.append(command)
        return real_popen(command, *args, **kwargs)

    monkeypatch.setattr(generator.render.pdf.subprocess, "Popen", counting)
    monkeypatch.setattr(generator.render.pdf, "default_instances", lambda: 2)
    monkeypatch.setattr(generator.cli, "COMMANDS", ["batch"])
    units = DATA.parent / "units" / "kien-tuong.yaml"
    code = generator.cli.main(["batch", str(DATA), "--units", str(units), "-o", str(tmp_path), "--pdf"])
    assert code == 0, capsys.readouterr().err
    profiles = {next(a for a in command if a.startswith("-env:UserInstallation=")) for command in starts}
    assert len(profiles) == 2  # two instances, each with its own profile
    docx = sorted((tmp_path / "don-vi").rglob("*.docx"))
    assert len(docx) == 8 * 3
    assert all(pages(path.with_suffix(".pdf")) >= 1 for path in docx)
    with zipfile.ZipFile(tmp_path / "don-vi.zip") as archive:
        names = set(archive.namelist())
        assert {f"{p.parent.name}/{p.stem}.pdf" for p in docx} <= names
        pdf = next(p for p in docx if p.stem == "phu-luc-2").with_suffix(".pdf")
        assert archive.read(f"{pdf.parent.name}/{pdf.name}") == pdf.read_bytes()


# --- issue 15 point 1: no stale PDF beside a rewritten Word file --------------------------------------------

PRICE_LINE = '- {noi_dung: "Bảng tên", don_vi_tinh: Cái, so_luong: 8, don_gia: 200000}'


def test_build_without_pdf_removes_the_pdfs_it_made_stale(tmp_path, monkeypatch, capsys):
    """The reported case: build --pdf, change a quantity, build without --pdf → phu-luc-2.pdf said the old total."""
    need_libreoffice("pdftotext")
    plan, out = tmp_path / "plan.yaml", tmp_path / "out"
    text = DATA.read_text(encoding="utf-8")
    plan.write_text(text, encoding="utf-8")
    assert run(monkeypatch, capsys, "build", plan, "-o", out, "--pdf")[0] == 0
    old_total = compute(load_plan(plan).plan).phu_luc_2.tong
    assert format_number(old_total) in pdf_text(out / "phu-luc-2.pdf")
    plan.write_text(text.replace(PRICE_LINE, PRICE_LINE.replace("so_luong: 8", "so_luong: 23")), encoding="utf-8")
    new_total = compute(load_plan(plan).plan).phu_luc_2.tong
    assert new_total == old_total + 15 * 200000
    code, out_text, err = run(monkeypatch, capsys, "build", plan, "-o", out)
    assert code == 0, err
    # every PDF left beside a Word file says what the Word file says; the changed ones are gone, and said so
    assert not (out / "phu-luc-2.pdf").exists() and not (out / "ho-so.pdf").exists()
    assert "Đã xóa bản PDF cũ" in err and str(out / "phu-luc-2.pdf") in err
    for pdf in out.glob("*.pdf"):
        assert format_number(old_total) not in pdf_text(pdf) or pdf.stem in ("ke-hoach",)
    manifest = json.loads((out / "so-lieu.json").read_text(encoding="utf-8"))["tệp"]
    on_disk = {p.name for p in out.iterdir()} - {"so-lieu.json"}
    assert set(manifest) == on_disk
    for name, entry in manifest.items():
        data = (out / name).read_bytes()
        assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    # with --pdf again, the set is whole and the new PDF holds the new total
    assert run(monkeypatch, capsys, "build", plan, "-o", out, "--pdf")[0] == 0
    assert format_number(new_total) in pdf_text(out / "phu-luc-2.pdf")
    assert set(json.loads((out / "so-lieu.json").read_text(encoding="utf-8"))["tệp"]) == {
        f"{name}.{ext}" for name in DOCUMENTS for ext in ("docx", "pdf")
    }


def test_build_without_pdf_keeps_only_pdfs_of_unchanged_word_files(tmp_path, monkeypatch, capsys):
    """Without LibreOffice at all: a fake PDF set recorded in so-lieu.json, then a change to one appendix."""
    monkeypatch.setattr(
        generator.render.pdf,
        "convert_documents",
        lambda files, **_: {f"{Path(n).stem}.pdf": b"%PDF " + hashlib.sha256(b).digest() for n, b in files.items()},
    )
    plan, out = tmp_path / "plan.yaml", tmp_path / "out"
    text = DATA.read_text(encoding="utf-8")
    plan.write_text(text, encoding="utf-8")
    assert run(monkeypatch, capsys, "build", plan, "-o", out, "--pdf")[0] == 0
    assert {p.name for p in out.glob("*.pdf")} == {f"{n}.pdf" for n in DOCUMENTS}
    (out / "ghi-chu.pdf").write_bytes(b"the clerk's own file")
    plan.write_text(text.replace(PRICE_LINE, PRICE_LINE.replace("so_luong: 8", "so_luong: 9")), encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "build", plan, "-o", out)
    assert code == 0
    assert {p.name for p in out.glob("*.pdf")} == {"ke-hoach.pdf", "phu-luc-1.pdf", "ghi-chu.pdf"}
    assert "phu-luc-2.pdf" in err and "ke-hoach.pdf" not in err


def test_batch_without_pdf_removes_the_units_old_pdfs(tmp_path, monkeypatch, capsys):
    units = DATA.parent / "units" / "kien-tuong.yaml"
    monkeypatch.setattr(generator.cli, "COMMANDS", ["batch"])
    assert generator.cli.main(["batch", str(DATA), "--units", str(units), "-o", str(tmp_path)]) == 0
    folders = [p for p in (tmp_path / "don-vi").iterdir() if p.is_dir()]
    for folder in folders:  # as a batch --pdf would have left them
        for docx in folder.glob("*.docx"):
            docx.with_suffix(".pdf").write_bytes(b"%PDF old")
    capsys.readouterr()
    assert generator.cli.main(["batch", str(DATA), "--units", str(units), "-o", str(tmp_path)]) == 0
    assert not list((tmp_path / "don-vi").rglob("*.pdf"))
    err = capsys.readouterr().err
    assert f"Đã xóa {len(folders) * 3} bản PDF cũ" in err and str(folders[0] / "phu-luc-2.pdf") in err
    with zipfile.ZipFile(tmp_path / "don-vi.zip") as archive:
        assert not [n for n in archive.namelist() if n.endswith(".pdf")]


# --- parallel instances, restart, retry, process tree --------------------------------------------------------

FAKE_SOFFICE = r"""#!{python}
import os, sys, time, subprocess
args = sys.argv[1:]
out = args[args.index("--outdir") + 1]
files = [a for a in args if a.endswith(".docx")]
if os.environ.get("FAKE_CHILD"):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    open(os.environ["FAKE_CHILD"], "a").write(f"{{child.pid}}\n")
for name in files:
    stem = os.path.splitext(os.path.basename(name))[0]
    if open(name, "rb").read() == b"hang":
        time.sleep(60)
    if open(name, "rb").read() == b"poison":
        continue
    time.sleep(float(os.environ.get("FAKE_DELAY", "0")))
    with open(os.path.join(out, stem + ".pdf"), "wb") as f:
        f.write(b"%PDF " + open(name, "rb").read() + b"\n%%EOF\n")
"""


@pytest.fixture
def fake_soffice(tmp_path):
    if sys.platform == "win32":
        pytest.skip("the fake LibreOffice is a POSIX script")
    program = tmp_path / "fake-soffice"
    program.write_text(FAKE_SOFFICE.format(python=sys.executable))
    program.chmod(0o755)
    return str(program)


def sources(folder: Path, contents: list[bytes]) -> list[Path]:
    folder.mkdir()
    paths = []
    for i, data in enumerate(contents):
        path = folder / f"tep-{i}.docx"
        path.write_bytes(data)
        paths.append(path)
    return paths


def test_instances_share_the_files_each_with_its_profile(tmp_path, fake_soffice):
    files = sources(tmp_path / "in", [f"doc {i}".encode() for i in range(20)])
    started = []
    result = generator.render.pdf.convert_many(
        fake_soffice,
        files,
        tmp_path / "work",
        instances=3,
        chunk=2,
        on_start=lambda k, process: started.append((k, process.args)),
    )
    assert not result.failed and sorted(result.pdfs) == list(range(20))
    assert all(result.pdfs[i].read_bytes().startswith(f"%PDF doc {i}\n".encode()) for i in range(20))
    assert {k for k, _ in started} == {0, 1, 2} and result.runs == 10
    profiles = {k: {a for a in args if a.startswith("-env:")} for k, args in started}
    assert len({frozenset(v) for v in profiles.values()}) == 3


def test_a_file_failing_twice_is_reported_by_name_and_the_rest_converted(tmp_path, fake_soffice):
    files = sources(tmp_path / "in", [b"a", b"poison", b"c", b"d"])
    result = generator.render.pdf.convert_many(fake_soffice, files, tmp_path / "work", instances=2, chunk=2)
    assert result.failed == [1] and sorted(result.pdfs) == [0, 2, 3]
    assert result.runs == 3  # two chunks, then the poison file alone once more


def test_a_hung_instance_is_stopped_with_its_whole_tree_and_its_files_retried(tmp_path, fake_soffice, monkeypatch):
    children = tmp_path / "children.txt"
    monkeypatch.setenv("FAKE_CHILD", str(children))
    files = sources(tmp_path / "in", [b"a", b"hang", b"c"])
    started = time.monotonic()
    result = generator.render.pdf.convert_many(fake_soffice, files, tmp_path / "work", instances=1, chunk=3, timeout=3)
    assert time.monotonic() - started < 30
    # the hung run is stopped before file 2 was reached: 1 and 2 are retried alone, 1 hangs again
    assert result.failed == [1] and sorted(result.pdfs) == [0, 2]
    pids = [int(line) for line in children.read_text().split()]
    deadline = time.monotonic() + 5  # SIGKILL is delivered asynchronously
    while any(map(alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in pids:  # the children each run started were ended with it
        assert not alive(pid), pid


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie not yet reaped by init counts as ended
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def test_an_instance_killed_mid_batch_has_its_files_retried(tmp_path):
    """A real LibreOffice instance killed while converting: its files go to a fresh one; all are converted."""
    need_libreoffice("pdfinfo")
    if sys.platform == "win32":
        pytest.skip("kills a POSIX process group")
    build_dir = tmp_path / "build"
    assert generator.cli.main(["build", str(DATA), "-o", str(build_dir)]) == 0
    files = [build_dir / f"{name}.docx" for name in DOCUMENTS] * 3
    killed = []

    def kill_first(instance, process):
        if not killed:
            killed.append(process.pid)
            threading.Timer(2.0, os.killpg, (process.pid, signal.SIGKILL)).start()  # LibreOffice dies mid-run

    result = generator.render.pdf.convert_many(
        shutil.which("soffice") or shutil.which("libreoffice"),
        files,
        tmp_path / "work",
        instances=2,
        chunk=3,
        on_start=kill_first,
        timeout=150,
    )
    assert killed and not result.failed
    assert sorted(result.pdfs) == list(range(len(files)))
    assert all(pages(pdf) >= 1 for pdf in result.pdfs.values())
    assert result.runs > 4  # the killed run's files ran again


# --- Windows: where LibreOffice is -----------------------------------------------------------------------


class FakeRegistry:
    HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER = "HKLM", "HKCU"

    def __init__(self, values: dict):
        self.values = values

    def OpenKey(self, hive, key):  # noqa: N802 (winreg's names)
        if (hive, key) not in self.values:
            raise FileNotFoundError(key)
        return contextlib.nullcontext((hive, key))

    def QueryValueEx(self, handle, name):  # noqa: N802
        return self.values[handle], 1


def test_windows_lookup_program_files_then_registry(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    x86 = tmp_path / "Program Files (x86)" / "LibreOffice" / "program" / "soffice.exe"
    custom = tmp_path / "D" / "LO 24" / "program" / "soffice.exe"
    for path in (x86, custom):
        path.parent.mkdir(parents=True)
        path.write_bytes(b"MZ")
    environ = {
        "ProgramFiles": str(tmp_path / "Program Files"),
        "ProgramFiles(x86)": str(tmp_path / "Program Files (x86)"),
    }
    registry = FakeRegistry({("HKLM", r"SOFTWARE\LibreOffice\UNO\InstallPath"): str(custom.parent)})
    find = generator.render.pdf.find_soffice
    assert find(environ=environ, windows=True, registry=registry) == str(x86)
    x86.unlink()
    assert find(environ=environ, windows=True, registry=registry) == str(custom)
    registry = FakeRegistry({("HKCU", r"SOFTWARE\WOW6432Node\LibreOffice\UNO\InstallPath"): str(custom.parent)})
    assert find(environ=environ, windows=True, registry=registry) == str(custom)
    custom.unlink()
    with pytest.raises(generator.render.pdf.PdfUnavailable):
        find(environ=environ, windows=True, registry=FakeRegistry({}))


def test_libreoffice_failing_writes_the_word_files_without_stale_pdfs(tmp_path, monkeypatch, capsys):
    """A conversion that fails: exit 2 naming the files, the Word files written, no old PDF left beside them."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "phu-luc-2.pdf").write_bytes(b"%PDF old")

    def failing(files, **_):
        raise generator.render.pdf.PdfError(
            "LibreOffice không chuyển được sang PDF (đã thử lại một lần): phu-luc-2.docx"
        )

    monkeypatch.setattr(generator.render.pdf, "convert_documents", failing)
    code, _, err = run(monkeypatch, capsys, "build", DATA, "-o", out, "--pdf")
    assert code == 2 and "phu-luc-2.docx" in err and "Chưa tạo được bản PDF" in err
    assert all((out / f"{name}.docx").is_file() for name in DOCUMENTS)
    assert not list(out.glob("*.pdf")) and "Đã xóa bản PDF cũ" in err
