"""Template contexts of the papers: every figure and cross-reference computed here from the plan's
facts (`figures.plan_facts`) and the paper's own data; wording lives in the templates.

Each builder returns (context, header) where header holds what the metadata JSON and so-lieu.json
list: type, number, ký hiệu, date, issuing body, subject, signer, recipients.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import re
import unicodedata
from dataclasses import dataclass
from types import SimpleNamespace

from generator.compute.figures import BodyBlock
from generator.errors import PlanError, Problem
from generator.papers.figures import Clause, PlanFacts, due_date, lower_first
from generator.papers.model import BanToChuc, BaoCao, GiayMoi, Paper, QuyetDinh, ToTrinh, VanBanChung
from generator.render.renderer import rich
from generator.vi import BLANK, format_date, format_number

#: Document types of the papers: key → (tên loại in capitals, in running text, Phụ lục III abbreviation).
LOAI = {
    "to_trinh": ("TỜ TRÌNH", "Tờ trình", "TTr"),
    "quyet_dinh": ("QUYẾT ĐỊNH", "Quyết định", "QĐ"),
    "giay_moi": ("GIẤY MỜI", "Giấy mời", "GM"),
    "bao_cao": ("BÁO CÁO", "Báo cáo", "BC"),
    "thong_bao": ("THÔNG BÁO", "Thông báo", "TB"),
    "cong_van": ("", "Công văn", None),  # no tên loại, no abbreviation: ký hiệu is body-unit
}
#: Default subjects (trích yếu) when the data gives none; {ke_hoach}: the plan cited by subject.
TRICH_YEU = {
    "to_trinh": "Về việc đề nghị phê duyệt {ke_hoach} và kinh phí thực hiện",
    "quyet_dinh": "Về việc phê duyệt kinh phí thực hiện {ke_hoach}",
    "ban_to_chuc": "Về việc thành lập {ten_ban} thực hiện {ke_hoach}",
    "giay_moi": "Dự {su_kien}",
    "bao_cao": "Kết quả thực hiện {ke_hoach}",
}
GIAY_MOI_LABELS = {"thoi_gian": "thời gian", "dia_diem": "địa điểm", "noi_dung": "nội dung"}


@dataclass(frozen=True)
class Header:
    """A paper's header facts, for its metadata and so-lieu.json."""

    loai: str
    so: int | None
    ky_hieu: str
    ngay: int | None
    thang: int
    nam: int
    co_quan: str
    trich_yeu: str
    ky: object
    noi_nhan: tuple[str, ...]
    du_thao: bool
    han: datetime.date | None = None  # a báo cáo's due date

    @property
    def so_ky_hieu(self) -> str:
        return f"{self.so:02d}/{self.ky_hieu}" if self.so else f"{BLANK}/{self.ky_hieu}"


def blocks(items: tuple[BodyBlock, ...] | list[BodyBlock]) -> list[dict]:
    kinds = {"muc": "muc", "khoan": "khoan"}
    return [{"kind": kinds.get(b.kind, "doan"), "rich": rich(b)} for b in items]


def joined(items: list[str]) -> str:
    """ "A, B và C"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " và " + items[-1]


def citation(facts: PlanFacts) -> dict:
    """How the papers cite the plan: by number and date once issued, else as a draft, by subject."""
    return {
        "ten": facts.ten,
        "ten_ngan": facts.ten_ngan,
        "trich_dan": facts.trich_dan,
        "phu_luc_kinh_phi": facts.ten_phu_luc_kinh_phi,
        "so_ky_hieu": facts.so_ky_hieu,
    }


def base(
    kind: str,
    facts: PlanFacts,
    paper: Paper,
    *,
    draft: bool,
    trich_yeu: str,
    ky_hieu: str | None = None,
    tail: tuple[str, ...] = (),
) -> tuple[dict, Header]:
    """What every paper's template sees, and its header facts. A draft plan makes draft papers;
    a draft's number stays blank (NĐ 30 HD-19)."""
    co_quan = paper.co_quan or facts.co_quan
    ten_loai, _, abbreviation = LOAI[kind]
    draft = draft or facts.is_draft or paper.van_ban.so is None or paper.van_ban.ngay is None
    v = paper.van_ban
    van_ban = SimpleNamespace(
        so=None if draft else v.so,
        ngay=v.ngay,
        thang=v.thang or facts.thang,
        nam=v.nam or facts.nam,
        dia_danh=facts.dia_danh,
    )
    ky_hieu = ky_hieu or f"{abbreviation}-{co_quan.viet_tat}"
    ky = paper.ky or facts.ky
    noi_nhan = list(tail) + list(paper.noi_nhan)
    context = {
        "du_thao": draft,
        "co_quan": co_quan,
        "van_ban": van_ban,
        "ky_hieu": ky_hieu,
        "ten_loai": ten_loai,
        "trich_yeu": trich_yeu,
        "noi_nhan": list(paper.noi_nhan),
        "luu": ", ".join(paper.luu or ["VT"]),
        "ky": ky,
        "ke_hoach": citation(facts),
        "tong": facts.tong,
        "theo_nguon": [{"ten": s.ten, "tong": s.tong} for s in facts.theo_nguon],
    }
    header = Header(
        LOAI[kind][1],
        van_ban.so,
        ky_hieu,
        v.ngay,
        van_ban.thang,
        van_ban.nam,
        co_quan.ten_day_du,
        trich_yeu,
        ky,
        tuple(noi_nhan),
        draft,
    )
    return context, header


def _require(condition: object, message: str, path: tuple) -> None:
    if not condition:
        raise PlanError([Problem(message, path)])


def _budget(facts: PlanFacts, what: str, path: tuple) -> None:
    _require(facts.tong is not None, f"{what} cần phần kinh phí của kế hoạch (phu_luc_2), nhưng kế hoạch chưa có", path)


def _sentences(items: list[str]) -> list[str]:
    """Căn cứ lines: each ends with ";", the last with "." (NĐ 30 BD-07)."""
    items = [re.sub(r"[;.,\s]+$", "", item) for item in items]
    return [item + (";" if n < len(items) - 1 else ".") for n, item in enumerate(items)]


def to_trinh(facts: PlanFacts, paper: ToTrinh, body: dict, *, draft: bool) -> tuple[dict, Header]:
    _budget(facts, "Tờ trình đề nghị phê duyệt kinh phí", ("giay_to", "to_trinh"))
    trich_yeu = paper.trich_yeu or TRICH_YEU["to_trinh"].format(ke_hoach=facts.ten)
    context, header = base("to_trinh", facts, paper, draft=draft, trich_yeu=trich_yeu, tail=(paper.kinh_gui,))
    return {
        **context,
        "kinh_gui": [paper.kinh_gui],
        "mo_dau": blocks(body["mo_dau"]),
        "noi_dung": blocks(body["noi_dung"]),
    }, header


def _decision(
    facts: PlanFacts, paper: QuyetDinh | BanToChuc, trich_yeu: str, to_trinh: Header | None, *, draft: bool
) -> tuple[dict, Header]:
    context, header = base("quyet_dinh", facts, paper, draft=draft, trich_yeu=trich_yeu, tail=("Như Điều 3",))
    can_cu = list(paper.can_cu)
    if not facts.is_draft:
        can_cu.append(f"Căn cứ {context['ke_hoach']['trich_dan']}")
    de_nghi = getattr(paper, "de_nghi", None)
    if de_nghi:
        if to_trinh is not None:
            date = format_date(day=to_trinh.ngay, month=to_trinh.thang, year=to_trinh.nam)
            de_nghi += f" tại Tờ trình số {to_trinh.so_ky_hieu} {date}"
        can_cu.append(de_nghi)
    return {
        **context,
        "tham_quyen": paper.tham_quyen,
        "can_cu": _sentences(can_cu),
        "thi_hanh": joined(list(paper.thi_hanh)),
    }, header


def quyet_dinh(facts: PlanFacts, paper: QuyetDinh, to_trinh: Header | None, *, draft: bool) -> tuple[dict, Header]:
    _budget(facts, "Quyết định phê duyệt kinh phí", ("giay_to", "quyet_dinh"))
    trich_yeu = paper.trich_yeu or TRICH_YEU["quyet_dinh"].format(ke_hoach=facts.ten)
    context, header = _decision(facts, paper, trich_yeu, to_trinh, draft=draft)
    return {**context, "dieu_2": paper.dieu_2}, header


def ban_to_chuc(facts: PlanFacts, paper: BanToChuc, body: dict, *, draft: bool) -> tuple[dict, Header]:
    _require(
        paper.thanh_vien,
        "Quyết định thành lập Ban Tổ chức: chưa có thành viên nào (thêm danh sách thanh_vien: "
        "ho_ten, chuc_vu, nhiem_vu)",
        ("giay_to", "ban_to_chuc", "thanh_vien"),
    )
    trich_yeu = paper.trich_yeu or TRICH_YEU["ban_to_chuc"].format(ten_ban=paper.ten_ban, ke_hoach=facts.ten)
    context, header = _decision(facts, paper, trich_yeu, None, draft=draft)
    members = [{"ho_ten": m.ho_ten, "chuc_vu": m.chuc_vu, "nhiem_vu": m.nhiem_vu} for m in paper.thanh_vien]
    return {**context, "ten_ban": paper.ten_ban, "thanh_vien": members, "nhiem_vu": blocks(body["nhiem_vu"])}, header


# -- Giấy mời -------------------------------------------------------------------------------------


def name_key(text: str) -> str:
    """Comparison form of a body's name: NFC, case-folded, spaces collapsed, a trailing note "(…)" dropped."""
    text = re.sub(r"\s*\([^()]*\)\s*$", "", unicodedata.normalize("NFC", text))
    return " ".join(text.casefold().split())


@dataclass
class Invitee:
    ten: str
    so_luong: int
    thanh_vien: list[dict]


def invitees(facts: PlanFacts, paper: GiayMoi) -> list[Invitee]:
    """One per invited body (merged when listed twice, counts added) or one per group."""
    _require(
        facts.nhom,
        "Giấy mời cần phần thành phần tham dự của kế hoạch (phu_luc_1), nhưng kế hoạch chưa có",
        ("giay_to", "giay_moi"),
    )
    skip = {name_key(n) for n in paper.khong_moi}
    out: dict[str, Invitee] = {}
    for group in facts.nhom:
        if name_key(group.ten) in skip:
            continue
        members = [m for m in group.thanh_vien if name_key(m.ten) not in skip]
        if paper.theo == "nhom":
            if members:
                out[name_key(group.ten)] = Invitee(
                    group.ten, 0, [{"ten": m.ten, "so_luong": m.so_luong} for m in members]
                )
            continue
        for m in members:
            key = name_key(m.ten)
            if key in out:
                out[key].so_luong += m.so_luong
            else:
                out[key] = Invitee(re.sub(r"\s*\([^()]*\)\s*$", "", m.ten), m.so_luong, [])
    _require(out, "Giấy mời: không còn đơn vị nào để mời (khong_moi bỏ hết)", ("giay_to", "giay_moi", "khong_moi"))
    return list(out.values())


def _clause(facts: PlanFacts, paper: GiayMoi) -> Clause | None:
    if paper.hoat_dong is None:
        return None
    want = name_key(paper.hoat_dong)
    found = next((c for c in facts.khoan if want in name_key(c.tieu_de)), None)
    titles = "; ".join(c.tieu_de for c in facts.khoan)
    _require(
        found,
        f"không có khoản nào của kế hoạch tên «{paper.hoat_dong}» (các khoản: {titles})",
        ("giay_to", "giay_moi", "hoat_dong"),
    )
    return found


def _from_clause(clause: Clause | None, label: str) -> str | None:
    """The text after "Thời gian:" (…) in a khoản of the plan, without its final period."""
    for text in clause.noi_dung if clause else ():
        head, _, rest = text.partition(":")
        if name_key(head) == label and rest.strip():
            return rest.strip().rstrip(".")
    return None


def giay_moi_common(facts: PlanFacts, paper: GiayMoi) -> dict:
    clause = _clause(facts, paper)
    values = {key: getattr(paper, key) or _from_clause(clause, label) for key, label in GIAY_MOI_LABELS.items()}
    missing = [key for key in ("thoi_gian", "dia_diem") if not values[key]]
    if missing:
        raise PlanError(
            [
                Problem(
                    f"Giấy mời thiếu {GIAY_MOI_LABELS[key]}: ghi {key}: hoặc hoat_dong: chỉ tới khoản của kế hoạch có "
                    f"dòng «{GIAY_MOI_LABELS[key].capitalize()}: …»",
                    ("giay_to", "giay_moi", key),
                )
                for key in missing
            ]
        )
    title = clause.tieu_de if clause else paper.trich_yeu or ""
    su_kien = lower_first(re.sub(r"^tổ chức\s+", "", title, flags=re.IGNORECASE)) or facts.ten
    return {**values, "su_kien": su_kien}


def giay_moi(facts: PlanFacts, paper: GiayMoi, common: dict, invitee: Invitee, *, draft: bool) -> tuple[dict, Header]:
    trich_yeu = paper.trich_yeu or TRICH_YEU["giay_moi"].format(su_kien=common["su_kien"])
    context, header = base("giay_moi", facts, paper, draft=draft, trich_yeu=trich_yeu, tail=(invitee.ten,))
    moi = {"ten": invitee.ten, "so_luong": invitee.so_luong, "thanh_vien": invitee.thanh_vien}
    return {**context, **common, "moi": moi}, header


# -- Báo cáo kết quả ------------------------------------------------------------------------------


def percent(part: int, whole: int) -> str:
    """ "92,5%" (NĐ 30 NM-05: decimal comma, no space)."""
    return f"{part * 100 / whole:.1f}".replace(".", ",").replace(",0", "") + "%" if whole else "—"


def bao_cao(facts: PlanFacts, paper: BaoCao, body: dict, *, draft: bool) -> tuple[dict, Header]:
    _budget(facts, "Báo cáo kết quả", ("giay_to", "bao_cao"))
    known = {key: target for activity in facts.hoat_dong for target in activity.dong for key in target.keys}
    unknown = [key for key in paper.ket_qua if key not in known]
    if unknown:
        raise PlanError(
            [
                Problem(
                    f"không có dòng kinh phí {key!r}"
                    + (
                        f"; có phải ý bạn là {close[0]!r}?"
                        if (close := difflib.get_close_matches(key, list(known), n=1))
                        else "; ghi id của dòng, hoặc <id hay số của bảng>.<số thứ tự dòng>, ví dụ 1.3"
                    ),
                    ("giay_to", "bao_cao", "ket_qua", key),
                )
                for key in unknown
            ]
        )
    results = {}
    for key, result in paper.ket_qua.items():
        results.setdefault(known[key].keys, result)
    trich_yeu = paper.trich_yeu or TRICH_YEU["bao_cao"].format(ke_hoach=facts.ten)
    due = due_date(f"trước ngày {paper.han}") if paper.han else facts.han_bao_cao
    _require(
        not paper.han or due,
        f"hạn báo cáo {paper.han!r} không phải ngày có thật (ghi dd/mm/yyyy)",
        ("giay_to", "bao_cao", "han"),
    )
    if due is not None and paper.van_ban.thang is None and paper.van_ban.nam is None:  # dated in the month it is due
        paper = paper.model_copy(
            update={"van_ban": paper.van_ban.model_copy(update={"thang": due.month, "nam": due.year})}
        )
    context, header = base(
        "bao_cao", facts, paper, draft=draft, trich_yeu=trich_yeu, tail=(paper.kinh_gui,) if paper.kinh_gui else ()
    )
    header = dataclasses.replace(header, han=due)
    activities, spent_all, missing = [], 0, 0
    for activity in facts.hoat_dong:
        lines, spent = [], 0
        for target in activity.dong:
            result = results.get(target.keys)
            done = result.thuc_hien if result else None
            money = result.kinh_phi if result else None
            spent += money or 0
            missing += money is None
            lines.append(
                {
                    "stt": target.stt,
                    "noi_dung": target.noi_dung,
                    "don_vi_tinh": target.don_vi_tinh,
                    "so_luong": target.so_luong,
                    "thanh_tien": target.thanh_tien,
                    "thuc_hien_text": "" if done is None else format_number(done),
                    "kinh_phi_text": "" if money is None else format_number(money),
                }
            )
        filled = any(line["kinh_phi_text"] for line in lines)
        spent_all += spent
        activities.append(
            {
                "so": activity.so,
                "tieu_de": activity.tieu_de,
                "tong": activity.tong,
                "dong": lines,
                "da_chi_text": format_number(spent) if filled else "",
            }
        )
    any_filled = any(a["da_chi_text"] for a in activities)
    return {
        **context,
        "kinh_gui": [paper.kinh_gui] if paper.kinh_gui else [],
        "mo_dau": blocks(body["mo_dau"]),
        "danh_gia": blocks(body["danh_gia"]),
        "hoat_dong": activities,
        "da_chi": spent_all if any_filled else None,
        "da_chi_text": format_number(spent_all) if any_filled else "",
        "ty_le": percent(spent_all, facts.tong),
        "chua_du": f" (còn {missing} nội dung chưa có số liệu)" if any_filled and missing else "",
    }, header


# -- Công văn, Thông báo --------------------------------------------------------------------------


def van_ban_chung(kind: str, facts: PlanFacts, paper: VanBanChung, body: dict, *, draft: bool) -> tuple[dict, Header]:
    co_quan = paper.co_quan or facts.co_quan
    ky_hieu = None
    if kind == "cong_van":
        ky_hieu = co_quan.viet_tat + (f"-{paper.don_vi_soan}" if paper.don_vi_soan else "")
    context, header = base(
        kind, facts, paper, draft=draft, trich_yeu=paper.trich_yeu, ky_hieu=ky_hieu, tail=tuple(paper.kinh_gui)
    )
    closing = rich(BodyBlock("doan", "", body["ket_thuc"] or ""))
    closing.add("./.")
    return {
        **context,
        "kinh_gui": list(paper.kinh_gui),
        "mo_dau": blocks(body["mo_dau"]),
        "than": blocks(body["than"]),
        "ket_thuc": closing,
    }, header
