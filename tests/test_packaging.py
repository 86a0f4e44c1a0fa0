"""Issue 13 point 1: the templates and the example plan ship inside the package.

The wheel itself is built, installed in a fresh venv and run from a temporary folder by `.ci/run`;
here: the build step copies exactly the edited files into the package, and `vanban build --vi-du`
builds the bundled plan from any folder, the same bytes as building data/kien-tuong-2024.yaml.
"""

from __future__ import annotations

import subprocess
import sys

import generator.cli
from conftest import REPO
from generator.build import build
from generator.resources import example_plan, templates_folder

BUNDLED = REPO / "data" / "kien-tuong-2024.yaml"  # the example a wheel carries


def test_source_tree_files_are_found():
    assert templates_folder() == REPO / "templates"
    assert example_plan() == BUNDLED


def test_build_step_copies_the_templates_and_the_example_into_the_package(tmp_path):
    run = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    packaged = tmp_path / "generator"
    for source, target in ((REPO / "templates", packaged / "templates"), (BUNDLED.parent, packaged / "vi_du")):
        names = sorted(p.name for p in target.iterdir())
        assert names, target
        for name in names:
            assert (target / name).read_bytes() == (source / name).read_bytes(), name
    assert sorted(p.name for p in (packaged / "templates").iterdir()) == sorted(
        p.name for p in (REPO / "templates").glob("*.docx")
    )
    assert (packaged / "render" / "data" / "tnr_widths.json").is_file()


def test_vi_du_builds_the_bundled_plan_from_any_folder(tmp_path, monkeypatch, capsys):
    elsewhere = tmp_path / "noi-khac"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert generator.cli.main(["build", "--vi-du", "-o", "ra"]) == 0
    assert "Kế hoạch" in capsys.readouterr().out
    expected = build(BUNDLED, tmp_path / "mau").documents.files
    for name, data in expected.items():
        assert (elsewhere / "ra" / name).read_bytes() == data, name
