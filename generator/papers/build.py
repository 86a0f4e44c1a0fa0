"""The papers of a plan (`vanban build --bo-ho-so`): validated, computed and rendered together —
every file in memory, written by generator.build with the plan's own files, all or nothing.

Files: to-trinh.docx, quyet-dinh.docx, quyet-dinh-ban-to-chuc.docx, giay-moi-NN-<body>.docx (one per
invited body or group) and giay-moi.zip, bao-cao.docx, cong-van-<ten>.docx, thong-bao-<ten>.docx;
each with its metadata JSON (same name, .json).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from types import SimpleNamespace

from pydantic import ValidationError

from generator.compute.figures import PlanFigures
from generator.errors import PlanError, Problem
from generator.model.loader import LoadedPlan, translate
from generator.papers import contexts as C
from generator.papers.figures import PlanFacts, plan_facts, resolve_blocks, resolve_body
from generator.papers.listing import LISTING, with_listing
from generator.papers.metadata import as_bytes, metadata
from generator.papers.model import GiayTo
from generator.render import oxml
from generator.render.renderer import CORE_PART, Renderer, core_properties

SLUG_LENGTH = 50
ZIP_NAME = "giay-moi.zip"


@dataclass
class PaperSet:
    """The rendered papers: file name → bytes (documents and their metadata), and their listing."""

    files: dict[str, bytes] = field(default_factory=dict)
    listing: list[dict] = field(default_factory=list)
    letters: int = 0  # Giấy mời written
    due: str | None = None  # the report's due date, from the plan's text
    made: bool = True  # False: --bo-ho-so not asked for (nothing here)

    def with_listing(self, solieu: dict, figures: PlanFigures, plan_files: dict[str, bytes]) -> dict:
        """so-lieu.json's figures, with the listing of all the plan's documents when the papers were made."""
        return with_listing(solieu, figures, plan_files, self) if self.made else solieu

    def remove_stale(self, folder) -> None:
        """After writing: the paper files of an earlier build that this one did not make."""
        if self.made:
            for path in stale_papers(folder, set(self.files)):
                path.unlink(missing_ok=True)


def papers_for(
    loaded: LoadedPlan,
    figures: PlanFigures,
    plan_files: dict[str, bytes],
    *,
    made: bool,
    draft: bool | None = None,
    renderer: Renderer | None = None,
) -> PaperSet:
    """The papers when `made` (--bo-ho-so); else none, but the `giay_to:` section is still validated
    (a mistake there is reported even when the papers are not made)."""
    if not made:
        load_papers(loaded)
        return PaperSet(made=False)
    return make_papers(loaded, figures, draft=draft, renderer=renderer, plan_docx=plan_files["ke-hoach.docx"])


def without_listing(solieu: dict) -> dict:
    """A previous so-lieu.json's figures only (for `diff_figures`)."""
    return {key: value for key, value in solieu.items() if key != LISTING}


def load_papers(loaded: LoadedPlan) -> GiayTo | None:
    """The plan file's `giay_to:` section validated, errors located at their file, line and column."""
    raw = loaded.plan.giay_to
    if raw is None:
        return None
    try:
        return GiayTo.model_validate(raw)
    except ValidationError as exc:
        problems = [translate(err, raw, loaded.source, model=GiayTo) for err in exc.errors()]
        raise PlanError([loaded.problem(p.message, ("giay_to", *p.path)) for p in problems]) from None


def slug(text: str) -> str:
    """A file-name part Windows accepts: ASCII letters and digits joined by "-" (đ → d), capped."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:SLUG_LENGTH].rstrip("-") or "van-ban"


def make_papers(
    loaded: LoadedPlan,
    figures: PlanFigures,
    *,
    draft: bool | None = None,
    renderer: Renderer | None = None,
    plan_docx: bytes | None = None,
) -> PaperSet:
    """Every paper the plan's `giay_to:` asks for, and the plan's own metadata (ke-hoach.json, from
    `plan_docx`); PlanError (located) when a paper lacks its data."""
    papers = load_papers(loaded)
    if papers is None:
        raise PlanError(
            [
                loaded.problem(
                    "tệp kế hoạch chưa có phần giay_to: (Tờ trình, Quyết định, Giấy mời, Báo cáo…) để soạn bộ hồ sơ", ()
                )
            ]
        )
    try:
        out = _make(papers, figures, bool(draft), renderer or Renderer())
    except PlanError as exc:
        raise PlanError([loaded.problem(p.message, p.path) for p in exc.problems]) from None
    if plan_docx is not None:
        facts = plan_facts(figures)
        draft = bool(draft) or facts.is_draft
        header = C.Header(
            facts.ten_loai,
            None if draft else facts.so,
            facts.ky_hieu,
            facts.ngay,
            facts.thang,
            facts.nam,
            facts.co_quan.ten_day_du,
            facts.trich_yeu,
            facts.ky,
            tuple(figures.plan.noi_nhan),
            draft,
        )
        out.files["ke-hoach.json"] = as_bytes(metadata(header, "ke-hoach.docx", plan_docx, None))
    return out


def _make(papers: GiayTo, figures: PlanFigures, draft: bool, renderer: Renderer) -> PaperSet:
    facts = plan_facts(figures)
    out = PaperSet(due=facts.han_bao_cao.strftime("%d/%m/%Y") if facts.han_bao_cao else None)
    plan_number = f"{facts.so:02d}/{facts.ky_hieu}" if facts.so and not facts.is_draft else None
    convention = figures.plan.quy_uoc_so.convention()

    def add(template: str, name: str, made: tuple[dict, C.Header]) -> bytes:
        context, header = made
        core = oxml.Deflated.of(CORE_PART, core_properties(_as_plan(figures, header)))
        data = renderer.template(template, convention).render(context, core=core)
        out.files[f"{name}.docx"] = data
        info = metadata(header, f"{name}.docx", data, plan_number)
        out.files[f"{name}.json"] = as_bytes(info)
        out.listing.append({k: info[k] for k in ("tep", "ten_loai", "so_ky_hieu", "ngay", "trich_yeu", "du_thao")})
        return data

    problems: list[Problem] = []

    def attempt(action) -> None:
        try:
            action()
        except PlanError as exc:
            problems.extend(exc.problems)

    to_trinh_header: list[C.Header] = []
    if papers.to_trinh:
        p = papers.to_trinh

        def tt():
            body = {
                "mo_dau": resolve_blocks(figures, p.mo_dau, ("giay_to", "to_trinh", "mo_dau")),
                "noi_dung": resolve_blocks(figures, p.noi_dung, ("giay_to", "to_trinh", "noi_dung")),
            }
            made = C.to_trinh(facts, p, body, draft=draft)
            to_trinh_header.append(made[1])
            add("to-trinh.docx", "to-trinh", made)

        attempt(tt)
    if papers.quyet_dinh:
        attempt(
            lambda: add(
                "quyet-dinh.docx",
                "quyet-dinh",
                C.quyet_dinh(facts, papers.quyet_dinh, to_trinh_header[0] if to_trinh_header else None, draft=draft),
            )
        )
    if papers.ban_to_chuc:
        p2 = papers.ban_to_chuc
        attempt(
            lambda: add(
                "quyet-dinh-ban-to-chuc.docx",
                "quyet-dinh-ban-to-chuc",
                C.ban_to_chuc(
                    facts,
                    p2,
                    {"nhiem_vu": resolve_blocks(figures, p2.nhiem_vu, ("giay_to", "ban_to_chuc", "nhiem_vu"))},
                    draft=draft,
                ),
            )
        )
    if papers.giay_moi:
        attempt(lambda: _letters(out, papers, facts, draft, add))
    if papers.bao_cao:
        p3 = papers.bao_cao
        attempt(
            lambda: add(
                "bao-cao.docx",
                "bao-cao",
                C.bao_cao(
                    facts,
                    p3,
                    {
                        "mo_dau": resolve_blocks(figures, p3.mo_dau, ("giay_to", "bao_cao", "mo_dau")),
                        "danh_gia": resolve_blocks(figures, p3.danh_gia, ("giay_to", "bao_cao", "danh_gia")),
                    },
                    draft=draft,
                ),
            )
        )
    for kind, template in (("cong_van", "cong-van"), ("thong_bao", "thong-bao")):
        for n, paper in enumerate(getattr(papers, kind)):

            def general(kind=kind, template=template, n=n, paper=paper):
                body = resolve_body(
                    figures, ("giay_to", kind, n), mo_dau=paper.mo_dau, muc=paper.muc, ket_thuc=paper.ket_thuc
                )
                add(
                    f"{template}.docx",
                    f"{template}-{slug(paper.ten)}",
                    C.van_ban_chung(
                        kind,
                        facts,
                        paper,
                        {"mo_dau": body.mo_dau, "than": body.than, "ket_thuc": body.ket_thuc},
                        draft=draft,
                    ),
                )

            attempt(general)
    if problems:
        raise PlanError(problems)
    return out


def _letters(out: PaperSet, papers: GiayTo, facts: PlanFacts, draft: bool, add) -> None:
    """One Giấy mời per invitee, and the zip of them (in the attendee appendix's order)."""
    paper = papers.giay_moi
    invited = C.invitees(facts, paper)
    common = C.giay_moi_common(facts, paper)
    entries = []
    for n, invitee in enumerate(invited, 1):
        name = f"giay-moi-{n:02d}-{slug(invitee.ten)}"
        data = add("giay-moi.docx", name, C.giay_moi(facts, paper, common, invitee, draft=draft))
        entries += [(f"{name}.docx", data), (f"{name}.json", out.files[f"{name}.json"])]
    out.files[ZIP_NAME] = oxml.write_zip(entries)
    out.letters = len(invited)


def _as_plan(figures: PlanFigures, header: C.Header):
    """The plan with the paper's subject and date, for the fixed document properties (core.xml)."""
    plan = figures.plan
    van_ban = plan.van_ban.model_copy(
        update={"trich_yeu": header.trich_yeu, "ngay": header.ngay, "thang": header.thang, "nam": header.nam}
    )
    return plan.model_copy(update={"van_ban": van_ban})


def count_pages(written: list) -> None:
    """After --pdf: the page count of each paper's metadata taken from its PDF (where one was made)."""
    import json

    from generator.files import atomic_file
    from generator.papers.metadata import count_pdf_pages

    for path in written:
        meta = path.with_suffix(".json")
        if path.suffix != ".docx" or meta not in written:
            continue
        pages = count_pdf_pages(path.with_suffix(".pdf"))
        if pages is None:
            continue
        data = json.loads(meta.read_text(encoding="utf-8"))
        data.update(so_trang=pages, so_trang_theo="PDF")
        with atomic_file(meta) as handle:
            handle.write(as_bytes(data))


#: Sample `giay_to:` data: the fields of every paper's context, for `vanban lint-template` on their templates.
SAMPLE = {
    "to_trinh": {"kinh_gui": "Ủy ban nhân dân", "mo_dau": ["a"], "noi_dung": ["b"]},
    "quyet_dinh": {"tham_quyen": "A", "can_cu": ["a"], "de_nghi": "b", "dieu_2": "c", "thi_hanh": ["d"]},
    "ban_to_chuc": {
        "tham_quyen": "A",
        "can_cu": ["a"],
        "thanh_vien": [{"ho_ten": "a", "chuc_vu": "b", "nhiem_vu": "c"}],
        "nhiem_vu": ["a"],
        "thi_hanh": ["d"],
    },
    "giay_moi": {"theo": "nhom", "thoi_gian": "a", "dia_diem": "b", "noi_dung": "c", "trich_yeu": "d"},
    "bao_cao": {"kinh_gui": "a", "mo_dau": ["a"], "danh_gia": ["b"]},
    "cong_van": [{"ten": "a", "trich_yeu": "a", "kinh_gui": ["a", "b"], "mo_dau": ["a"], "ket_thuc": "b"}],
}


def sample_contexts(figures: PlanFigures) -> list[dict]:
    """The context of each paper template, from SAMPLE and the plan's figures; [] for a plan that has
    not the appendices the papers read."""
    if figures.phu_luc_1 is None or figures.phu_luc_2 is None:
        return []
    papers = GiayTo.model_validate(SAMPLE)
    facts = plan_facts(figures)
    paper = papers.cong_van[0]
    body = {"mo_dau": (), "noi_dung": (), "nhiem_vu": (), "danh_gia": (), "than": (), "ket_thuc": "b"}
    common = C.giay_moi_common(facts, papers.giay_moi)
    made = [
        C.to_trinh(facts, papers.to_trinh, body, draft=False),
        C.quyet_dinh(facts, papers.quyet_dinh, None, draft=False),
        C.ban_to_chuc(facts, papers.ban_to_chuc, body, draft=False),
        C.giay_moi(facts, papers.giay_moi, common, C.invitees(facts, papers.giay_moi)[0], draft=False),
        C.bao_cao(facts, papers.bao_cao, body, draft=False),
        C.van_ban_chung("cong_van", facts, paper, body, draft=False),
    ]
    return [{k: vars(v) if isinstance(v, SimpleNamespace) else v for k, v in context.items()} for context, _ in made]


#: Files a previous --bo-ho-so build may have left: papers the data no longer asks for (a body no
#: longer invited) are removed after a build, so no outdated letter stays beside the new ones.
PAPER_FILES = (
    "to-trinh.*",
    "quyet-dinh.*",
    "quyet-dinh-ban-to-chuc.*",
    "giay-moi-*.*",
    "bao-cao.*",
    "cong-van-*.*",
    "thong-bao-*.*",
)
PAPER_SUFFIXES = (".docx", ".json", ".pdf")


def stale_papers(folder, written: set[str]) -> list:
    """Paper files in `folder` (and their PDFs) that this build did not write."""
    from pathlib import Path

    keep = written | {Path(name).with_suffix(".pdf").name for name in written}
    return sorted(
        {
            p
            for pattern in PAPER_FILES
            for p in Path(folder).glob(pattern)
            if p.suffix in PAPER_SUFFIXES and p.name not in keep
        }
    )
