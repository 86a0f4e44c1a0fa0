"""Issue 13 point 5: tools/make_templates.py regenerates the committed templates part for part.

The tool is run as it is (a copy of it in a temporary folder writes next to itself, in templates/),
and every part of every committed template is compared with the regenerated one: same bytes, or the
same canonical XML (C14N) for XML parts.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

from lxml import etree

from conftest import REPO

TOOL = REPO / "tools" / "make_templates.py"
COMMITTED = REPO / "templates"


def canonical(data: bytes) -> bytes:
    try:
        return etree.tostring(etree.fromstring(data), method="c14n")
    except etree.XMLSyntaxError:
        return data


def parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_tool_regenerates_the_committed_templates(tmp_path):
    (tmp_path / "tools").mkdir()
    shutil.copy(TOOL, tmp_path / "tools" / TOOL.name)
    run = subprocess.run(
        [sys.executable, str(tmp_path / "tools" / TOOL.name)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    made = sorted(p.name for p in (tmp_path / "templates").glob("*.docx"))
    # every template the tool makes is committed (the papers' own are made by make_paper_templates.py,
    # checked by tests/test_papers.py)
    assert made and set(made) <= {p.name for p in COMMITTED.glob("*.docx")}
    for name in made:
        committed, regenerated = parts(COMMITTED / name), parts(tmp_path / "templates" / name)
        assert sorted(committed) == sorted(regenerated), name
        for part, data in committed.items():
            assert data == regenerated[part] or canonical(data) == canonical(regenerated[part]), f"{name}: {part}"


def test_the_comparison_sees_a_changed_part(tmp_path):
    name = sorted(COMMITTED.glob("*.docx"))[0]
    changed = tmp_path / name.name
    with zipfile.ZipFile(name) as src, zipfile.ZipFile(changed, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            out.writestr(
                item, data.replace(b"Times New Roman", b"Arial") if item.filename == "word/styles.xml" else data
            )
    assert canonical(parts(name)["word/styles.xml"]) != canonical(parts(changed)["word/styles.xml"])
