"""The documents of one plan listed together in so-lieu.json (key "Hồ sơ"): the plan, its
appendices, the combined file and every paper, with type, number, date and subject."""

from __future__ import annotations

from generator.compute.figures import PlanFigures
from generator.papers.figures import plan_facts

LISTING = "Hồ sơ"
KINDS = {"ke-hoach.docx": None, "ho-so.docx": "Hồ sơ gộp (Kế hoạch và các phụ lục)"}


def with_listing(solieu: dict, figures: PlanFigures, files: dict[str, bytes], papers) -> dict:
    """so-lieu.json's figures with the listing of all the plan's documents added."""
    facts = plan_facts(figures)
    issued = not facts.is_draft
    plan_docs = [
        {
            "tep": name,
            "ten_loai": KINDS.get(name) or (facts.ten_loai if name in KINDS else "Phụ lục"),
            "so_ky_hieu": f"{facts.so:02d}/{facts.ky_hieu}" if issued else None,
            "ngay": f"{facts.nam:04d}-{facts.thang:02d}-{facts.ngay:02d}" if issued else None,
            "trich_yeu": facts.trich_yeu,
            "du_thao": not issued,
        }
        for name in files
        if name.endswith(".docx")
    ]
    return {**solieu, LISTING: plan_docs + papers.listing}
