"""Write the corpus: every layout as a clean twin and a faulty twin, some saved again by LibreOffice,
and manifest.json (what each document holds and every planted error).

    python tests/corpus/make_corpus.py [--out output/corpus] [--force]

The corpus is regenerated only when this package's source changes (its hash is in the manifest).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    __package__ = "corpus"

from corpus.docxw import all_slots, places, write
from corpus.layouts import LAYOUTS, Layout
from corpus.plans import PlanWriter

SEED = 17
REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "output" / "corpus"
KINDS = (
    "wrong_line_amount",
    "malformed_figure",
    "wrong_table_total",
    "wrong_subtotal",
    "wrong_grand_total",
    "wrong_words",
    "split_not_adding_up",
    "body_count_mismatch",
    "body_amount_mismatch",
    "numbering_skipped",
    "numbering_repeated",
    "wrong_group_count_total",
)
ERRORS_PER_DOCUMENT = 7


def source_hash() -> str:
    digest = hashlib.sha256(str(SEED).encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def coarse(place: dict) -> tuple:
    """The place two planted errors must not share: a paragraph, or a table row."""
    return ("p", place["paragraph"]) if "paragraph" in place else ("t", place.get("table"), place.get("row"))


def where_text(place: dict) -> str:
    if "paragraph" in place:
        return f"đoạn {place['paragraph']}"
    if "textbox" in place:
        return f"hộp văn bản {place['textbox']}"
    return f"bảng {place['table']}, hàng {place['row']}, cột {place['column'] + 1}"


def choose_errors(candidates: list[dict], where: dict[str, dict], index: int) -> list[dict]:
    """Up to ERRORS_PER_DOCUMENT errors of different kinds at different places, every kind in turn."""
    rng = random.Random(SEED * 1000 + index)
    order = KINDS[index % len(KINDS) :] + KINDS[: index % len(KINDS)]
    chosen, used = [], set()
    for kind in order:
        options = [
            c
            for c in candidates
            if c["kind"] == kind and "textbox" not in where[c["key"]] and coarse(where[c["key"]]) not in used
        ]
        if not options:
            continue
        pick = rng.choice(options)
        used.add(coarse(where[pick["key"]]))
        place = {k: v for k, v in where[pick["key"]].items() if k != "start"}
        chosen.append({**pick, "place": place, "where": where_text(place)})
        if len(chosen) == ERRORS_PER_DOCUMENT:
            break
    return chosen


def _json_value(value) -> str | int:
    return str(value) if isinstance(value, Decimal) else value


def generate(layout: Layout, index: int, folder: Path) -> dict:
    """Write both twins of one layout into `folder`; their manifest entry."""
    plan = PlanWriter(layout, SEED * 100 + index).build()
    where = places(plan.blocks)
    errors = choose_errors(plan.candidates, where, index)
    faults = {e["key"]: e["printed"] for e in errors}
    for twin, printed in (("clean", {}), ("faulty", faults)):
        write(folder / f"{layout.id}.{twin}.docx", plan.blocks, printed)
    slots = {
        s.key: {"place": where[s.key], "text": s.text, "kind": s.kind, "value": _json_value(s.value)}
        for s in all_slots(plan.blocks)
    }
    return {
        "layout": layout.id,
        "libreoffice": layout.libreoffice,
        "features": sorted(plan.features),
        "convention": vars(layout.convention),
        "slots": slots,
        "checks": plan.checks,
        "documents": [
            {"layout": layout.id, "twin": "clean", "file": f"{layout.id}.clean.docx", "errors": []},
            {"layout": layout.id, "twin": "faulty", "file": f"{layout.id}.faulty.docx", "errors": errors},
        ],
    }


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def round_trip(files: list[Path], folder: Path) -> str | None:
    """Save `files` again with LibreOffice (in place, one run for all); the reason when it cannot."""
    program = soffice()
    if program is None:
        return "LibreOffice (soffice) không có trên máy: các tệp giữ nguyên như python-docx ghi"
    with tempfile.TemporaryDirectory(prefix="vanban-corpus-lo-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        out = Path(tmp, "out")
        command = [
            program,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            *map(str, files),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        except subprocess.TimeoutExpired:
            return "LibreOffice không trả lời sau 120 giây"
        missing = [f.name for f in files if not (out / f.name).exists()]
        if result.returncode or missing:
            return f"LibreOffice lỗi (mã {result.returncode}; thiếu {missing}): {result.stderr.strip()[:300]}"
        for f in files:
            os.replace(out / f.name, f)
    return None


def build_corpus(out: Path = DEFAULT_OUT, force: bool = False, log=print) -> dict:
    """The corpus in `out` (rewritten only if the generator changed or `force`); its manifest."""
    out = Path(out)
    manifest_path = out / "manifest.json"
    version = source_hash()
    if not force and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("version") == version and all(
            (out / d["file"]).exists() for layout in manifest["layouts"] for d in layout["documents"]
        ):
            return manifest
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".corpus-", dir=out.parent))
    try:
        layouts = [generate(layout, i, work) for i, layout in enumerate(LAYOUTS)]
        edited = [work / d["file"] for layout in layouts if layout["libreoffice"] for d in layout["documents"]]
        reason = round_trip(edited, work) if edited else None
        if reason:
            log(f"corpus: {len(edited)} tệp không qua LibreOffice — {reason}")
            for layout in layouts:
                layout["libreoffice"] = False
        manifest = {
            "version": version,
            "seed": SEED,
            "kinds": list(KINDS),
            "libreoffice_skipped": reason,
            "layouts": layouts,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        os.replace(work, out)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return manifest


def main(argv: list[str] | None = None) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    manifest = build_corpus(args.out, args.force)
    documents = sum(len(layout["documents"]) for layout in manifest["layouts"])
    errors = sum(len(d["errors"]) for layout in manifest["layouts"] for d in layout["documents"])
    print(f"{len(manifest['layouts'])} bố cục, {documents} tệp, {errors} lỗi cài sẵn → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
