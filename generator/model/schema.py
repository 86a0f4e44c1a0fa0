"""The plan data model: what a plan file (YAML) may hold, validated with pydantic.

Keys are Vietnamese without diacritics (so_luong, don_gia, …); see the glossary in ARCHITECTURE.md.
Figures that follow from other data are references ("=phu_luc_1.tong"), resolved by
`generator.compute.figures`; every total is computed there, never stored here.
"""

from __future__ import annotations

import calendar
import re
from functools import partial
from typing import Annotated, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator, model_validator

from generator.vi import FigureError, WordConvention, parse_figure
from generator.vi.words import MAX_AMOUNT

#: Document types this version renders, with their NĐ 30 (Phụ lục III) name and abbreviation.
LOAI_VAN_BAN = {"ke_hoach": ("KẾ HOẠCH", "Kế hoạch", "KH")}

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
REFERENCE_PREFIX = "="

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]


class Strict(BaseModel):
    """Base: unknown keys are errors (a typo must never be silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _whole_number(value: object, *, what: str, minimum: int, allow_reference: bool) -> object:
    """Accept an int, a Vietnamese figure string ("225.000") or, where allowed, a reference ("=id.field")."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{what} phải là số nguyên, thấy {value!r}")
    if isinstance(value, float):
        raise ValueError(
            f"{what} không được có phần thập phân ({value!r}); viết liền không dấu chấm (ví dụ 700000) "
            'hoặc đặt trong ngoặc kép theo kiểu Việt Nam (ví dụ "700.000")'
        )
    if isinstance(value, str):
        text = value.strip()
        if text.startswith(REFERENCE_PREFIX):
            if not allow_reference or len(text) < 2:
                raise ValueError(f"{what}: không dùng tham chiếu {text!r} ở đây")
            return text
        try:
            value = parse_figure(text)
        except FigureError as exc:
            raise ValueError(str(exc)) from None
        if value != int(value):
            raise ValueError(f"{what} phải là số nguyên đồng, thấy {text!r}")
        value = int(value)
    if not isinstance(value, int):
        raise ValueError(f"{what} phải là số nguyên, thấy {value!r}")
    if value < minimum:
        raise ValueError(f"{what} phải từ {minimum} trở lên, thấy {value}")
    if value > MAX_AMOUNT:
        raise ValueError(f"{what} {value} vượt quá giới hạn {MAX_AMOUNT}")
    return value


#: A count or quantity: a whole number ≥ 1, or a reference to a computed figure.
Quantity = Annotated[
    Union[int, str],
    BeforeValidator(partial(_whole_number, what="số lượng", minimum=1, allow_reference=True)),
]
#: Money in whole đồng.
Money = Annotated[int, BeforeValidator(partial(_whole_number, what="đơn giá", minimum=0, allow_reference=False))]


class CoQuan(Strict):
    """Issuing body (ô 2) and its optional superior body (chủ quản)."""

    ten: list[Text] = Field(min_length=1, description="Header lines in capitals, e.g. ỦY BAN NHÂN DÂN / THỊ XÃ KIẾN TƯỜNG")
    chu_quan: list[Text] = Field(default_factory=list, description="Superior body lines in capitals, not bold")
    ten_day_du: Text = Field(description="Full name in running text: Ủy ban nhân dân thị xã Kiến Tường")
    viet_tat: Annotated[str, StringConstraints(pattern=r"^[A-ZĐ][A-Za-zĐđ0-9]*(-[A-ZĐ][A-Za-zĐđ0-9]*)*$")] = "UBND"


class VanBan(Strict):
    """Header facts of the document: type, number, place, date, trích yếu."""

    loai: Literal["ke_hoach"] = "ke_hoach"
    so: int | None = Field(default=None, ge=1, le=99999, description="Blank (null) in a draft")
    thang: int = Field(ge=1, le=12)
    nam: int = Field(ge=1945, le=2200)
    ngay: int | None = Field(default=None, ge=1, le=31, description="Day; blank (null) in a draft")
    dia_danh: Text
    trich_yeu: Text

    @field_validator("so", mode="before")
    @classmethod
    def _no_padded_number(cls, value: object) -> object:
        if isinstance(value, str) and value.strip():
            text = value.strip()
            if not text.isdigit() or (len(text) > 1 and text.startswith("0")):
                raise ValueError(
                    f"số văn bản {text!r} không hợp lệ: ghi số nguyên không có số 0 ở đầu "
                    "(05 được in tự động cho số dưới 10; không viết 005)"
                )
            return int(text)
        return value

    @field_validator("ngay")
    @classmethod
    def _real_date(cls, day: int | None, info) -> int | None:
        month, year = info.data.get("thang"), info.data.get("nam")
        if day is not None and month and year:
            last = calendar.monthrange(year, month)[1]
            if day > last:
                raise ValueError(f"ngày {day}/{month}/{year} không tồn tại (tháng {month} có {last} ngày)")
        return day


class Block(Strict):
    """One paragraph of the body. Exactly one of the kinds is set.

    doan: plain paragraph; gach: "- " item; cong: "+ " item; diem: lettered "a) " item.
    Inline **bold** and *italic*; {=ref} inserts a computed figure.
    """

    doan: Text | None = None
    gach: Text | None = None
    cong: Text | None = None
    diem: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_string(cls, value: object) -> object:
        return {"doan": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_kind(self) -> "Block":
        kinds = [k for k in ("doan", "gach", "cong", "diem") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("mỗi đoạn phải có đúng một trong các khóa doan, gach, cong, diem")
        return self

    @property
    def kind(self) -> str:
        # exactly one is set (_one_kind)
        return "doan" if self.doan is not None else "gach" if self.gach is not None else "cong" if self.cong is not None else "diem"

    @property
    def text(self) -> str:
        return getattr(self, self.kind)


class Khoan(Strict):
    """A khoản (1., 2., …): with a bold title line, or with inline text after its number."""

    tieu_de: Text | None = None
    van_ban: Text | None = None
    noi_dung: list[Block] = Field(default_factory=list)

    @model_validator(mode="after")
    def _title_or_text(self) -> "Khoan":
        if (self.tieu_de is None) == (self.van_ban is None):
            raise ValueError("khoản phải có đúng một trong hai: tieu_de (tiêu đề in đậm) hoặc van_ban (nội dung sau số thứ tự)")
        return self


class Muc(Strict):
    """A Mục (I., II., …): title, optional direct paragraphs, then khoản."""

    tieu_de: Text
    noi_dung: list[Block] = Field(default_factory=list)
    khoan: list[Khoan] = Field(default_factory=list)


class ChuKy(Strict):
    """Signature block (ô 7): authority line, title lines, signer."""

    tham_quyen: Text | None = Field(default=None, description="TM. ỦY BAN NHÂN DÂN")
    chuc_vu: list[Text] = Field(min_length=1, description="KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")
    ho_ten: Text

    @field_validator("ho_ten")
    @classmethod
    def _no_academic_title(cls, value: str) -> str:
        if re.match(r"^(TS|ThS|PGS|GS|KS|BS|CN)\.", value):
            raise ValueError(f"không ghi học hàm, học vị trước tên người ký (NĐ 30, SG-07): {value!r}")
        return value


class ThanhVien(Strict):
    """A member line of Phụ lục I (a unit and how many delegates it sends)."""

    id: Id | None = None
    ten: Text
    so_luong: Quantity


class Nhom(Strict):
    """A group of Phụ lục I (I, II, III… numbered automatically)."""

    id: Id | None = None
    ten: Text
    thanh_vien: list[ThanhVien] = Field(min_length=1)


class PhuLuc1(Strict):
    """Phụ lục I: attendees in groups with subtotals."""

    tieu_de: Text
    nhom: list[Nhom] = Field(min_length=1)


class NguonKinhPhi(Strict):
    """A funding source (ngân sách thị xã, xã hội hóa, …)."""

    id: Id
    ten: Text


class Dong(Strict):
    """A budget line: amount = so_luong × don_gia, computed."""

    id: Id | None = None
    noi_dung: Text
    don_vi_tinh: Text | None = None
    so_luong: Quantity
    don_gia: Money
    nguon: Id | None = None
    ghi_chu: Text | None = None


class Bang(Strict):
    """A budget table of Phụ lục II."""

    id: Id | None = None
    tieu_de: Text
    nguon: Id | None = None
    dong: list[Dong] = Field(min_length=1)


class PhuLuc2(Strict):
    """Phụ lục II: budget tables, funding sources."""

    tieu_de: Text
    nguon_kinh_phi: list[NguonKinhPhi] = Field(min_length=1)
    nguon_mac_dinh: Id
    bang: list[Bang] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_sources(self) -> "PhuLuc2":
        known = [s.id for s in self.nguon_kinh_phi]
        used = [("nguon_mac_dinh", self.nguon_mac_dinh)]
        for i, bang in enumerate(self.bang):
            if bang.nguon:
                used.append((f"bang[{i}].nguon", bang.nguon))
            used += [(f"bang[{i}].dong[{j}].nguon", d.nguon) for j, d in enumerate(bang.dong) if d.nguon]
        for where, source in used:
            if source not in known:
                raise ValueError(f"{where}: nguồn kinh phí {source!r} chưa khai báo trong nguon_kinh_phi ({', '.join(known)})")
        return self


class QuyUoc(Strict):
    """Conventions for amounts in words (Southern offices often write lẻ and ngàn)."""

    linh: Literal["linh", "lẻ"] = "linh"
    nghin: Literal["nghìn", "ngàn"] = "nghìn"
    tu: Literal["tư", "bốn"] = "tư"
    chan: bool = False

    def convention(self) -> WordConvention:
        return WordConvention(linh=self.linh, nghin=self.nghin, tu=self.tu, chan=self.chan)


class Plan(Strict):
    """A whole plan: the single source of truth for the Kế hoạch and its appendices."""

    co_quan: CoQuan
    van_ban: VanBan
    bien: dict[Id, Union[int, Text]] = Field(
        default_factory=dict, description="Named values text can insert as {=bien.name} (e.g. a ward's facts)"
    )
    quy_uoc_so: QuyUoc = Field(default_factory=QuyUoc)
    mo_dau: list[Block] = Field(min_length=1)
    muc: list[Muc] = Field(min_length=1)
    ket_thuc: Text
    noi_nhan: list[Text] = Field(min_length=1)
    luu: list[Text] = Field(min_length=1, description="Lưu: VT, <drafting unit>")
    ky: ChuKy
    phu_luc_1: PhuLuc1 | None = None
    phu_luc_2: PhuLuc2 | None = None
    #: The papers around the plan (Tờ trình, Quyết định, Giấy mời, …), validated by generator.papers.model.
    giay_to: dict | None = None

    @property
    def is_draft(self) -> bool:
        return self.van_ban.so is None or self.van_ban.ngay is None
