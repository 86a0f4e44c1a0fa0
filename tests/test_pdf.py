"""`vanban build --pdf`: PDF copies through LibreOffice, and what happens without it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import generator.cli
import generator.render.pdf
from generator.compute.figures import compute
from generator.model.loader import load_plan
from generator.vi import amount_in_words, format_number

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
    text = subprocess.run(["pdftotext", str(tmp_path / "phu-luc-2.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())
    plan = load_plan(DATA).plan
    total = compute(plan).phu_luc_2.tong
    assert format_number(total) in text
    assert f"Bằng chữ: {amount_in_words(total, plan.quy_uoc_so.convention())}" in text
    assert "Đã ghi bản PDF:" in out


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


def test_batch_with_pdf_uses_one_libreoffice_run(tmp_path, monkeypatch, capsys):
    if not (shutil.which("soffice") or shutil.which("libreoffice")) or not shutil.which("pdfinfo"):
        reason = "thiếu LibreOffice hoặc pdfinfo: không thử chuyển PDF cả lô"
        print(reason)
        pytest.skip(reason)
    starts = []
    real_popen = subprocess.Popen

    def counting(command, *args, **kwargs):
        starts.append(command)
        return real_popen(command, *args, **kwargs)

    monkeypatch.setattr(generator.render.pdf.subprocess, "Popen", counting)
    monkeypatch.setattr(generator.cli, "COMMANDS", ["batch"])
    units = DATA.parent / "units" / "kien-tuong.yaml"
    code = generator.cli.main(["batch", str(DATA), "--units", str(units), "-o", str(tmp_path), "--pdf"])
    assert code == 0, capsys.readouterr().err
    assert len(starts) == 1  # one soffice process for the whole batch
    docx = sorted((tmp_path / "don-vi").rglob("*.docx"))
    assert len(docx) == 8 * 3
    assert all(pages(path.with_suffix(".pdf")) >= 1 for path in docx)
