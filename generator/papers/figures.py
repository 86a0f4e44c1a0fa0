"""The one adapter between the plan's computed figures and the papers: everything a paper reads of
the plan (number, date, subject, signer, the budget's total and split, the attendee groups, the
activities and their targets, the text of a khoản) comes through `plan_facts`.

When the plan model changes (appendices as a list of kinds), only this module is re-pointed.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from generator.compute.figures import BodyBlock, PlanFigures, compute
from generator.errors import PlanError, Problem
from generator.model.schema import LOAI_VAN_BAN, ChuKy, CoQuan
from generator.render.renderer import plain
from generator.vi import BLANK, amount_in_words, format_date

DUE_DATE = re.compile(r"trước ngày (\d{1,2})/(\d{1,2})/(\d{4})", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    ten: str
    tong: int


@dataclass(frozen=True)
class Member:
    ten: str
    so_luong: int


@dataclass(frozen=True)
class Group:
    so: str
    ten: str
    tong: int
    thanh_vien: tuple[Member, ...]


@dataclass(frozen=True)
class Target:
    """A budget line as a target of the plan: what, how many, how much."""

    keys: tuple[str, ...]  # the names a result can be filed under (line id, "table.stt")
    stt: int
    noi_dung: str
    don_vi_tinh: str
    so_luong: int
    thanh_tien: int


@dataclass(frozen=True)
class Activity:
    so: int
    tieu_de: str
    tong: int
    dong: tuple[Target, ...]


@dataclass(frozen=True)
class Clause:
    """A khoản of the plan's body: its title and the texts under it (references resolved)."""

    tieu_de: str
    noi_dung: tuple[str, ...]


@dataclass(frozen=True)
class PlanFacts:
    so: int | None
    ngay: int | None
    thang: int
    nam: int
    dia_danh: str
    ky_hieu: str
    ten_loai: str  # "Kế hoạch"
    trich_yeu: str
    co_quan: CoQuan
    ky: ChuKy
    is_draft: bool
    convention: object
    tong: int | None  # the budget's grand total
    theo_nguon: tuple[Source, ...]
    ten_phu_luc_kinh_phi: str | None  # "Phụ lục II"
    nhom: tuple[Group, ...]
    tong_nguoi: int | None
    ten_phu_luc_thanh_phan: str | None
    hoat_dong: tuple[Activity, ...]
    khoan: tuple[Clause, ...]
    han_bao_cao: datetime.date | None

    @property
    def bang_chu(self) -> str | None:
        return None if self.tong is None else amount_in_words(self.tong, self.convention)

    @property
    def ten(self) -> str:
        """The plan cited by subject: "Kế hoạch tổ chức các hoạt động …"."""
        return f"{self.ten_loai} {lower_first(self.trich_yeu)}"

    @property
    def so_ky_hieu(self) -> str | None:
        """ "125/KH-UBND" once issued, else None."""
        return None if self.is_draft else f"{self.so:02d}/{self.ky_hieu}"

    @property
    def ten_ngan(self) -> str:
        """ "Kế hoạch số 125/KH-UBND", or "dự thảo Kế hoạch" before it is issued."""
        return f"{self.ten_loai} số {self.so_ky_hieu}" if self.so_ky_hieu else f"dự thảo {self.ten_loai}"

    @property
    def trich_dan(self) -> str:
        """The first citation (NĐ 30 BD-09): type, number, date, body and subject; a draft by its subject."""
        if not self.so_ky_hieu:
            return f"dự thảo {self.ten}"
        date = format_date(day=self.ngay, month=self.thang, year=self.nam)
        return f"{self.ten_ngan} {date} của {self.co_quan.ten_day_du} về {lower_first(self.trich_yeu)}"

    def names(self) -> dict[str, str]:
        """What a paper's own text can insert about the plan: {=bien.ke_hoach} (its citation) and
        {=bien.ke_hoach_so} (its number, blank in a draft)."""
        return {"ke_hoach": self.trich_dan, "ke_hoach_so": self.so_ky_hieu or f"{BLANK}/{self.ky_hieu}"}


def lower_first(text: str) -> str:
    """A subject in running text: its first letter lower case, unless the word is an abbreviation."""
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def plan_facts(figures: PlanFigures) -> PlanFacts:
    plan = figures.plan
    v = plan.van_ban
    _, ten_loai, abbreviation = LOAI_VAN_BAN[v.loai]
    budget, attendees = figures.phu_luc_2, figures.phu_luc_1
    texts = [b.text for b in figures.mo_dau + figures.than] + [figures.ket_thuc]
    return PlanFacts(
        so=v.so,
        ngay=v.ngay,
        thang=v.thang,
        nam=v.nam,
        dia_danh=v.dia_danh,
        ky_hieu=f"{abbreviation}-{plan.co_quan.viet_tat}",
        ten_loai=ten_loai,
        trich_yeu=v.trich_yeu,
        co_quan=plan.co_quan,
        ky=plan.ky,
        is_draft=plan.is_draft,
        convention=plan.quy_uoc_so.convention(),
        tong=budget.tong if budget else None,
        theo_nguon=tuple(Source(s.ten, amount) for s, amount in budget.theo_nguon) if budget else (),
        ten_phu_luc_kinh_phi=budget.ten if budget else None,
        nhom=tuple(
            Group(g.so, g.ten, g.tong, tuple(Member(m.ten, m.so_luong) for m in g.thanh_vien)) for g in attendees.nhom
        )
        if attendees
        else (),
        tong_nguoi=attendees.tong if attendees else None,
        ten_phu_luc_thanh_phan=attendees.ten if attendees else None,
        hoat_dong=tuple(
            Activity(
                t.so,
                t.bang.tieu_de,
                t.tong,
                tuple(
                    Target(
                        tuple(
                            k
                            for k in (
                                line.dong.id,
                                f"{t.bang.id}.{line.stt}" if t.bang.id else None,
                                f"{t.so}.{line.stt}",
                            )
                            if k
                        ),
                        line.stt,
                        plain(line.noi_dung),
                        line.dong.don_vi_tinh or "",
                        line.so_luong,
                        line.thanh_tien,
                    )
                    for line in t.dong
                ),
            )
            for t in budget.bang
        )
        if budget
        else (),
        khoan=_clauses(figures),
        han_bao_cao=due_date(plain(" ".join(texts))),
    )


def _clauses(figures: PlanFigures) -> tuple[Clause, ...]:
    clauses: list[Clause] = []
    title, body = None, []
    for block in figures.than:
        if block.kind in ("muc", "khoan", "khoan_van_ban"):
            if title is not None:
                clauses.append(Clause(title, tuple(body)))
            title, body = (plain(block.text), []) if block.kind == "khoan" else (None, [])
        elif title is not None:
            body.append(plain(block.text))
    if title is not None:
        clauses.append(Clause(title, tuple(body)))
    return tuple(clauses)


def due_date(text: str) -> datetime.date | None:
    """The first "trước ngày DD/MM/YYYY" of a text, if it is a real date."""
    for match in DUE_DATE.finditer(text):
        day, month, year = (int(x) for x in match.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    return None


def resolve_body(figures: PlanFigures, path: tuple, *, mo_dau=(), muc=(), ket_thuc: str = "") -> PlanFigures:
    """A paper's own body (paragraphs, Mục, closing) numbered and with its {=references} resolved
    against the plan's figures, as the plan's body is, and the plan's citation as {=bien.ke_hoach};
    problems are located under `path` (the paper's key in the data)."""
    plan = figures.plan
    bien = {**plan_facts(figures).names(), **plan.bien}  # the plan's own values first
    plan = plan.model_copy(update={"mo_dau": list(mo_dau), "muc": list(muc), "ket_thuc": ket_thuc, "bien": bien})
    try:
        return compute(plan)
    except PlanError as exc:
        raise PlanError([Problem(p.message, (*path, *p.path)) for p in exc.problems]) from None


def resolve_blocks(figures: PlanFigures, blocks, path: tuple) -> tuple[BodyBlock, ...]:
    """A list of paragraphs of a paper (at `path` in the data), resolved as `resolve_body` does."""
    try:
        return resolve_body(figures, (), mo_dau=blocks).mo_dau
    except PlanError as exc:
        raise PlanError(
            [Problem(p.message, (*path, *p.path[1:]) if p.path[:1] == ("mo_dau",) else p.path) for p in exc.problems]
        ) from None
