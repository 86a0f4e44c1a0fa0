"""The plan data model: what a plan file (YAML) may hold, validated with pydantic.

Keys are Vietnamese without diacritics (so_luong, don_gia, …); see the glossary in ARCHITECTURE.md.
Figures that follow from other data are references ("=phu_luc_1.tong"), resolved by
`generator.compute.figures`; every total is computed there, never stored here.
"""

from __future__ import annotations

import calendar
import re
from decimal import Decimal
from functools import partial
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from generator.model.hygiene import ascii_number, no_bidi, visible_text
from generator.vi import FigureError, WordConvention, format_number, parse_figure
from generator.vi.words import MAX_AMOUNT

#: Document types this version renders, with their NĐ 30 (Phụ lục III) name and abbreviation.
LOAI_VAN_BAN = {"ke_hoach": ("KẾ HOẠCH", "Kế hoạch", "KH")}

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
REFERENCE_PREFIX = "="

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(visible_text)]
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
#: A piece of text inserted into others ({=bien.x}): may be a lone combining mark, never a bidi control.
Piece = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(no_bidi)]


class Strict(BaseModel):
    """Base: unknown keys are errors (a typo must never be silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


#: Inline markup of body text: \* (a literal star), **bold**, *italic*.
MARKUP = re.compile(r"\\\*|\*\*(.+?)\*\*|\*(.+?)\*")


def closed_markup(text: str | None) -> str | None:
    """`text` unchanged; ValueError (the fix in it) when a ** or * is left open."""
    if text and "*" in MARKUP.sub("", text):
        left = MARKUP.sub("", text)
        star = "**" if "**" in left else "*"
        at = left.index(star)
        near = left[max(0, at - 20) : at + 25]
        raise ValueError(
            f"dấu {star} mở {'in đậm' if star == '**' else 'in nghiêng'} chưa đóng (gần «{near}»): thêm {star} "
            f"sau phần cần {'in đậm' if star == '**' else 'in nghiêng'}, hoặc viết \\* nếu muốn in dấu *"
        )
    return text


class LocatedError(ValueError):
    """A model check's error about a field inside the model: `path` is appended to the error's place."""

    def __init__(self, message: str, path: tuple[str | int, ...]):
        super().__init__(message)
        self.path = path


def _whole_number(value: object, *, what: str, minimum: int, allow_reference: bool) -> object:
    """Accept an int, a Vietnamese figure string ("225.000") or, where allowed, a reference ("=id.field")."""
    if value is None:
        example = '200000 hoặc "200.000"' if what == "đơn giá" else "12"
        raise ValueError(f"{what} đang để trống; hãy ghi một số nguyên, ví dụ {example}")
    if isinstance(value, bool):
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
            unit = "số nguyên đồng (không có xu)" if what == "đơn giá" else "số nguyên (không có phần lẻ)"
            raise ValueError(
                f"{what} phải là {unit}, thấy {text!r}; dấu phẩy là dấu thập phân trong cách viết Việt Nam, "
                "hãy ghi số nguyên, ví dụ 12 hoặc 13"
            )
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
    int | str,
    BeforeValidator(partial(_whole_number, what="số lượng", minimum=1, allow_reference=True)),
]
#: Money in whole đồng.
Money = Annotated[int, BeforeValidator(partial(_whole_number, what="đơn giá", minimum=0, allow_reference=False))]
#: A lump sum in whole đồng (≥ 1).
LumpSum = Annotated[
    int, BeforeValidator(partial(_whole_number, what="số tiền khoán gọn", minimum=1, allow_reference=False))
]

#: Decimal places a measured quantity may have (12,5 m²; 0,125 tấn).
MAX_DECIMALS = 4


def _measured(value: object, *, what: str) -> object:
    """A quantity that may be decimal (12,5 m²): int, a Vietnamese figure ("12,5", "1.250") or a reference.

    A decimal is written the Vietnamese way, in quotes ("12,5"): an unquoted 1.500 is read by YAML as
    1,5 and is refused, as for money.
    """
    if isinstance(value, float) and not isinstance(value, bool):
        raise ValueError(
            f'{what} {value!r}: viết số thập phân có dấu phẩy trong ngoặc kép, ví dụ "12,5"; '
            'số nghìn viết liền (1500) hoặc trong ngoặc kép ("1.500") — 1.500 không có ngoặc kép bị đọc thành 1,5'
        )
    if isinstance(value, str) and not value.strip().startswith(REFERENCE_PREFIX):
        try:
            value = parse_figure(value.strip())
        except FigureError as exc:
            raise ValueError(f"{what}: {exc}") from None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{what} không hợp lệ: {value}")
        if value == value.to_integral_value():
            value = int(value)
        else:
            exponent = value.as_tuple().exponent
            if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
                raise ValueError(f"{what} {format_number(value)} có quá {MAX_DECIMALS} chữ số thập phân")
            if value <= 0:
                raise ValueError(f"{what} phải lớn hơn 0, thấy {format_number(value)}")
            if value > MAX_AMOUNT:
                raise ValueError(f"{what} {format_number(value)} vượt quá giới hạn {format_number(MAX_AMOUNT)}")
            return value.normalize()
    return _whole_number(value, what=what, minimum=1, allow_reference=True)


#: A quantity of a budget line or a multiplier: whole, decimal (measured units) or a reference.
Measured = Annotated[int | Decimal | str, BeforeValidator(partial(_measured, what="số lượng"))]


class CoQuan(Strict):
    """Issuing body (ô 2) and its optional superior body (chủ quản)."""

    ten: list[Text] = Field(
        min_length=1, description="Header lines in capitals, e.g. ỦY BAN NHÂN DÂN / THỊ XÃ KIẾN TƯỜNG"
    )
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
            text = ascii_number(value.strip())
            if "/" in text and text.split("/")[0].strip().isdigit():
                number = text.split("/")[0].strip()
                raise ValueError(
                    f"số văn bản chỉ ghi phần số: so: {int(number)}; phần ký hiệu {text[text.index('/') :]!r} được ghép "
                    "tự động từ loại văn bản và co_quan.viet_tat"
                )
            if not text.isdigit() or (len(text) > 1 and text.startswith("0")):
                raise ValueError(
                    f"số văn bản {text!r} không hợp lệ: ghi số nguyên không có số 0 ở đầu "
                    "(05 được in tự động cho số dưới 10; không viết 005)"
                )
            return int(text)
        return value

    @field_validator("ngay")
    @classmethod
    def _real_date(cls, day: int | None, info: ValidationInfo) -> int | None:
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
    def _one_kind(self) -> Block:
        kinds = [k for k in ("doan", "gach", "cong", "diem") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("mỗi đoạn phải có đúng một trong các khóa doan, gach, cong, diem")
        try:
            closed_markup(getattr(self, kinds[0]))
        except ValueError as exc:
            raise LocatedError(str(exc), (kinds[0],)) from None
        return self

    @property
    def kind(self) -> str:
        # exactly one is set (_one_kind)
        return (
            "doan"
            if self.doan is not None
            else "gach"
            if self.gach is not None
            else "cong"
            if self.cong is not None
            else "diem"
        )

    @property
    def text(self) -> str:
        return str(getattr(self, self.kind))


#: Levels of khoản: 1, 1.1, 1.1.1 (NĐ 30 does not provide for decimal numbering; HG-11 warns).
MAX_KHOAN_DEPTH = 3


class Khoan(Strict):
    """A khoản (1., 2., …): with a bold title line, or with inline text after its number; it may hold
    sub-khoản (1.1, 1.1.1), numbered automatically."""

    tieu_de: Text | None = Field(
        default=None, title="Tiêu đề khoản", description="In đậm trên một dòng riêng: 1. Mục đích"
    )
    van_ban: Text | None = Field(default=None, title="Nội dung sau số", description="1. Chủ đề: … (không in đậm)")
    noi_dung: list[Block] = Field(
        default_factory=list, title="Các đoạn", description="Đoạn, gạch (-), cộng (+), điểm (a))"
    )
    khoan: list[Khoan] = Field(default_factory=list, title="Khoản con", description="1.1, 1.1.1 … đánh số tự động")

    @model_validator(mode="after")
    def _title_or_text(self) -> Khoan:
        if (self.tieu_de is None) == (self.van_ban is None):
            raise ValueError(
                "khoản phải có đúng một trong hai: tieu_de (tiêu đề in đậm) hoặc van_ban (nội dung sau số thứ tự)"
            )
        return self

    def depth(self) -> int:
        return 1 + max((k.depth() for k in self.khoan), default=0)


class Muc(Strict):
    """A Mục (I., II., …): title, optional direct paragraphs, then khoản."""

    tieu_de: Text = Field(title="Tiêu đề mục", description="IN HOA; số La Mã do vanban đánh")
    noi_dung: list[Block] = Field(default_factory=list, title="Các đoạn ngay dưới mục")
    khoan: list[Khoan] = Field(default_factory=list, title="Các khoản", description="1, 2, … (khoản con 1.1, 1.1.1)")

    @model_validator(mode="after")
    def _depth(self) -> Muc:
        deepest = max((k.depth() for k in self.khoan), default=0)
        if deepest > MAX_KHOAN_DEPTH:
            raise ValueError(
                f"khoản lồng quá {MAX_KHOAN_DEPTH} cấp (1, 1.1, 1.1.1); dùng điểm a), b) hoặc gạch (-) cho cấp dưới"
            )
        return self


class Phan(Strict):
    """A Phần (Phần I, Phần II …, NĐ 30 HG-01/02): title, optional paragraphs, then Mục."""

    tieu_de: Text = Field(title="Tiêu đề phần", description="In hoa, căn giữa, dưới dòng “Phần I”")
    noi_dung: list[Block] = Field(default_factory=list, title="Các đoạn ngay dưới phần")
    muc: list[Muc] = Field(min_length=1, title="Các mục")


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
    """A member line of a danh_sach (a unit and how many it sends)."""

    id: Id | None = None
    ten: Text
    so_luong: Quantity


class Nhom(Strict):
    """A group of a danh_sach (I, II, III… numbered automatically)."""

    id: Id | None = None
    ten: Text
    thanh_vien: list[ThanhVien] = Field(min_length=1)


class CotDanhSach(Strict):
    """Column titles of a danh_sach table, set by the plan."""

    stt: Text = Field(default="TT", title="Cột số thứ tự")
    ten: Text = Field(default="Đơn vị", title="Cột tên")
    so_luong: Text = Field(
        default="Số lượng đại biểu", title="Cột số lượng", description="Ví dụ: Số lượng vận động viên"
    )


class PhuLuc1(Strict):
    """Grouped counts with subtotals (today's Phụ lục I; the body of a `danh_sach`)."""

    tieu_de: Text = Field(title="Tiêu đề phụ lục", description="IN HOA")
    cot: CotDanhSach = Field(default_factory=CotDanhSach, title="Tiêu đề các cột")
    nhom: list[Nhom] = Field(min_length=1, title="Các nhóm")


class NguonKinhPhi(Strict):
    """A funding source (ngân sách thị xã, xã hội hóa, …)."""

    id: Id
    ten: Text


class HeSo(Strict):
    """A multiplier column of a budget table (Số ngày, Số buổi, Số tháng…)."""

    id: Id
    ten: Text = Field(title="Tiêu đề cột", description="Ví dụ: Số ngày")


class Dong(Strict):
    """A budget line: amount = so_luong × multipliers × don_gia (rounded to whole đồng, half up), or a
    lump sum (`khoan_gon`, with its reason in ghi_chu)."""

    id: Id | None = None
    noi_dung: Text
    don_vi_tinh: Text | None = None
    so_luong: Measured | None = Field(
        default=None, description='Số nguyên, số thập phân ("12,5") hoặc tham chiếu (=id.so_luong)'
    )
    he_so: dict[Id, Measured] = Field(
        default_factory=dict, title="Các hệ số", description="Giá trị các cột hệ số của bảng: {so_ngay: 2}"
    )
    don_gia: Money | None = None
    khoan_gon: LumpSum | None = Field(
        default=None, title="Số tiền khoán gọn", description="Thay cho số lượng × đơn giá; lý do ghi ở ghi_chu"
    )
    nguon: Id | None = None
    ghi_chu: Text | None = None

    @model_validator(mode="after")
    def _priced_or_lump_sum(self) -> Dong:
        if self.khoan_gon is not None:
            if self.so_luong is not None or self.don_gia is not None or self.he_so:
                raise ValueError("dòng khoán gọn (khoan_gon) không ghi so_luong, don_gia hay he_so")
            if self.ghi_chu is None:
                raise ValueError("dòng khoán gọn phải có ghi_chu nêu lý do (in ở cột Ghi chú)")
        elif self.so_luong is None or self.don_gia is None:
            missing = " và ".join(name for name in ("so_luong", "don_gia") if getattr(self, name) is None)
            raise ValueError(
                f"dòng dự toán thiếu {missing} (đang để trống): ghi {missing} của dòng này, "
                "hoặc khoan_gon: số tiền trọn gói nếu là khoản khoán gọn"
            )
        return self


def _not_empty(value: list[Any]) -> list[Any]:
    """A list written in the file must not be empty (one left out is checked by its model)."""
    if not value:
        raise ValueError("không được để trống (cần ít nhất 1 mục)")
    return value


class NhomDong(Strict):
    """A group of lines inside one budget table, followed by its "Cộng" row."""

    id: Id | None = None
    ten: Text
    dong: list[Dong] = Field(min_length=1)


class Bang(Strict):
    """A budget table: lines, or groups of lines; optional multiplier columns."""

    id: Id | None = None
    tieu_de: Text
    nguon: Id | None = None
    he_so: list[HeSo] = Field(
        default_factory=list,
        title="Cột hệ số",
        description="Số ngày, số buổi…: thành tiền = số lượng × các hệ số × đơn giá",
    )
    bang_chu: bool = Field(default=True, title="In dòng Bằng chữ", description="false: bảng không có dòng “Bằng chữ”")
    dong: list[Dong] = Field(default_factory=list)
    nhom: list[NhomDong] = Field(default_factory=list, title="Nhóm dòng", description="Mỗi nhóm có dòng “Cộng”")

    @field_validator("dong", "nhom")
    @classmethod
    def _given_not_empty(cls, value: list[Any]) -> list[Any]:
        return _not_empty(value)

    @model_validator(mode="after")
    def _lines(self) -> Bang:
        if bool(self.dong) == bool(self.nhom):
            raise ValueError(
                "bảng phải có đúng một trong hai: dong (các dòng) hoặc nhom (các nhóm dòng), và không rỗng"
            )
        declared = [h.id for h in self.he_so]
        if len(set(declared)) != len(declared):
            raise ValueError("he_so: id cột hệ số bị trùng")
        for i, line in enumerate(self.all_lines()):
            if line.khoan_gon is not None:
                continue
            missing = [h for h in declared if h not in line.he_so]
            extra = [h for h in line.he_so if h not in declared]
            if missing or extra:
                what = f"thiếu {', '.join(missing)}" if missing else f"không khai báo {', '.join(extra)}"
                raise ValueError(
                    f"dòng {i + 1} ({line.noi_dung!r}): he_so {what}; các cột hệ số của bảng: {', '.join(declared) or 'không có'}"
                )
        return self

    def all_lines(self) -> list[Dong]:
        return list(self.dong) + [d for group in self.nhom for d in group.dong]


class PhuLuc2(Strict):
    """Budget tables and funding sources (today's Phụ lục II; the body of a `du_toan`)."""

    tieu_de: Text
    nguon_kinh_phi: list[NguonKinhPhi] = Field(min_length=1)
    nguon_mac_dinh: Id
    bang: list[Bang] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_sources(self) -> PhuLuc2:
        known = [s.id for s in self.nguon_kinh_phi]
        used = [("nguon_mac_dinh", self.nguon_mac_dinh)]
        for i, bang in enumerate(self.bang):
            if bang.nguon:
                used.append((f"bang[{i}].nguon", bang.nguon))
            used += [(f"bang[{i}].dong[{j}].nguon", d.nguon) for j, d in enumerate(bang.all_lines()) if d.nguon]
        for where, source in used:
            if source not in known:
                path = tuple(int(x) if x.isdigit() else x for x in re.findall(r"[a-z_]+|\d+", where))
                raise LocatedError(
                    f"nguồn kinh phí {source!r} chưa khai báo trong nguon_kinh_phi ({', '.join(known)}); "
                    "hãy thêm nó vào nguon_kinh_phi hoặc dùng một mã đã khai báo",
                    path,
                )
        return self


class DanhSach(PhuLuc1):
    """Appendix kind `danh_sach`: grouped counts with subtotals; column titles set by the plan."""

    id: Id = Field(title="Mã phụ lục", description="Dùng để tham chiếu: {=id.tong}, {=id.ten}")
    loai: Literal["danh_sach"]


class DuToan(PhuLuc2):
    """Appendix kind `du_toan`: the budget."""

    id: Id = Field(title="Mã phụ lục")
    loai: Literal["du_toan"]


class Nguoi(Strict):
    """A person of a danh_sach_nguoi."""

    id: Id | None = None
    ho_ten: Text = Field(title="Họ và tên")
    chuc_vu: Text | None = Field(default=None, title="Chức vụ")
    don_vi: Text | None = Field(default=None, title="Đơn vị")
    ghi_chu: Text | None = Field(default=None, title="Ghi chú")


class NhomNguoi(Strict):
    """A group of persons (I, II … numbered automatically), with its count."""

    id: Id | None = None
    ten: Text
    nguoi: list[Nguoi] = Field(min_length=1)


#: Columns a list of persons may print, in this order, with their titles.
COT_NGUOI: dict[Literal["ho_ten", "chuc_vu", "don_vi", "ghi_chu"], str] = {
    "ho_ten": "Họ và tên",
    "chuc_vu": "Chức vụ",
    "don_vi": "Đơn vị",
    "ghi_chu": "Ghi chú",
}


class DanhSachNguoi(Strict):
    """Appendix kind `danh_sach_nguoi`: persons (STT, Họ và tên, Chức vụ, Đơn vị, Ghi chú), grouped or not."""

    id: Id = Field(title="Mã phụ lục")
    loai: Literal["danh_sach_nguoi"]
    tieu_de: Text
    cot: list[Literal["ho_ten", "chuc_vu", "don_vi", "ghi_chu"]] = Field(
        default_factory=lambda: list(COT_NGUOI),
        title="Các cột in",
        description="Chọn trong ho_ten, chuc_vu, don_vi, ghi_chu (STT luôn có)",
    )
    nguoi: list[Nguoi] = Field(default_factory=list, title="Danh sách (không chia nhóm)")
    nhom: list[NhomNguoi] = Field(default_factory=list, title="Danh sách theo nhóm")

    @field_validator("nguoi", "nhom")
    @classmethod
    def _given_not_empty(cls, value: list[Any]) -> list[Any]:
        return _not_empty(value)

    @model_validator(mode="after")
    def _persons(self) -> DanhSachNguoi:
        if bool(self.nguoi) == bool(self.nhom):
            raise ValueError(
                "danh sách người phải có đúng một trong hai: nguoi (không chia nhóm) hoặc nhom, và không rỗng"
            )
        if "ho_ten" not in self.cot or len(set(self.cot)) != len(self.cot):
            raise ValueError("cot phải có ho_ten và không lặp cột")
        return self


class CotBang(Strict):
    """A declared column of a general table: its type, or a formula over the row's fields."""

    id: Id
    ten: Text = Field(title="Tiêu đề cột")
    kieu: Literal["chu", "so_nguyen", "tien", "so_thap_phan", "ngay", "gio"] = Field(
        default="chu",
        title="Kiểu",
        description="chu, so_nguyen, tien (đồng), so_thap_phan, ngay (dd/mm/yyyy), gio (hh:mm)",
    )
    cong_thuc: str | None = Field(
        default=None, title="Công thức", description="Tính từ các cột khác của dòng, ví dụ so_nguoi * muc_chi"
    )
    tong: bool = Field(default=False, title="Cộng cột", description="In tổng cột ở dòng Tổng cộng")

    @model_validator(mode="after")
    def _summable(self) -> CotBang:
        if self.tong and self.kieu not in ("so_nguyen", "tien", "so_thap_phan"):
            raise ValueError(
                f"cột {self.id!r} kiểu {self.kieu} không cộng được (tong: true chỉ cho so_nguyen, tien, so_thap_phan)"
            )
        if self.cong_thuc is not None and self.kieu not in ("so_nguyen", "tien", "so_thap_phan"):
            raise ValueError(f"cột {self.id!r}: công thức chỉ dùng cho cột số (so_nguyen, tien, so_thap_phan)")
        return self


class BangChung(Strict):
    """Appendix kind `bang`: a general table of declared, typed columns; rows are id → value."""

    id: Id = Field(title="Mã phụ lục")
    loai: Literal["bang"]
    tieu_de: Text
    cot: list[CotBang] = Field(min_length=1)
    dong: list[dict[Id, Any]] = Field(min_length=1, title="Các dòng", description="Mỗi dòng: {id cột: giá trị}")
    bang_chu: bool = Field(default=False, title="In dòng Bằng chữ dưới tổng tiền")

    @model_validator(mode="after")
    def _columns(self) -> BangChung:
        ids = [c.id for c in self.cot]
        if len(set(ids)) != len(ids):
            raise ValueError("cot: id cột bị trùng")
        computed = {c.id for c in self.cot if c.cong_thuc}
        for r, row in enumerate(self.dong):
            unknown = [k for k in row if k not in ids]
            if unknown:
                raise ValueError(f"dòng {r + 1}: cột {', '.join(unknown)} chưa khai báo trong cot ({', '.join(ids)})")
            typed = [k for k in row if k in computed]
            if typed:
                raise ValueError(f"dòng {r + 1}: cột {', '.join(typed)} có công thức, không ghi giá trị")
        return self


class VanBanPhuLuc(Strict):
    """Appendix kind `van_ban`: text (a programme, a timeline, tasks) with the body's paragraph kinds."""

    id: Id = Field(title="Mã phụ lục")
    loai: Literal["van_ban"]
    tieu_de: Text
    noi_dung: list[Block] = Field(default_factory=list)
    muc: list[Muc] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_empty(self) -> VanBanPhuLuc:
        if not self.noi_dung and not self.muc:
            raise ValueError("phụ lục văn bản phải có noi_dung hoặc muc")
        return self


#: One appendix, of a kind named by `loai`.
PhuLuc = Annotated[
    DanhSach | DanhSachNguoi | DuToan | BangChung | VanBanPhuLuc,
    Field(discriminator="loai"),
]


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

    mau: Text | None = Field(
        default=None, title="Bộ mẫu riêng", description="Thư mục bộ mẫu .docx (so với tệp kế hoạch)"
    )
    co_quan: CoQuan
    van_ban: VanBan
    bien: dict[Id, int | Piece] = Field(
        default_factory=dict, description="Named values text can insert as {=bien.name} (e.g. a ward's facts)"
    )
    quy_uoc_so: QuyUoc = Field(default_factory=QuyUoc)
    mo_dau: list[Block] = Field(min_length=1)
    phan: list[Phan] = Field(
        default_factory=list, title="Các phần", description="Phần I, II … (khi không dùng muc trực tiếp)"
    )
    muc: list[Muc] = Field(default_factory=list, title="Các mục", description="Mục I, II … (khi không chia phần)")
    ket_thuc: Annotated[Text, AfterValidator(closed_markup)]
    noi_nhan: list[Text] = Field(min_length=1)
    luu: list[Text] = Field(min_length=1, description="Lưu: VT, <drafting unit>")
    ky: ChuKy
    phu_luc: list[PhuLuc] = Field(
        default_factory=list, title="Các phụ lục", description="Phụ lục I, II … theo thứ tự; mỗi phụ lục có id và loai"
    )
    phu_luc_1: PhuLuc1 | None = Field(default=None, description="Kiểu cũ: dùng phu_luc (vanban nang-cap)")
    phu_luc_2: PhuLuc2 | None = Field(default=None, description="Kiểu cũ: dùng phu_luc (vanban nang-cap)")
    #: The papers around the plan (Tờ trình, Quyết định, Giấy mời, …), validated by generator.papers.model.
    giay_to: dict[str, Any] | None = Field(
        default=None,
        title="Giấy tờ kèm theo",
        description="Tờ trình, Quyết định, Giấy mời, Báo cáo kết quả, Công văn, Thông báo",
    )

    @model_validator(mode="after")
    def _structure(self) -> Plan:
        if bool(self.phan) == bool(self.muc):
            raise ValueError(
                "kế hoạch phải có đúng một trong hai: muc (các mục I, II…) hoặc phan (các phần, mỗi phần có mục)"
            )
        if self.phu_luc and (self.phu_luc_1 or self.phu_luc_2) and not self._aliased():
            raise ValueError(
                "không dùng cùng lúc phu_luc và phu_luc_1/phu_luc_2 (kiểu cũ); chạy: vanban nang-cap TỆP.yaml"
            )
        ids = [p.id for p in self.phu_luc]
        for name in ids:
            if ids.count(name) > 1:
                raise ValueError(f"id phụ lục {name!r} bị trùng")
        # An upgraded file keeps the ids phu_luc_1 (danh_sach) and phu_luc_2 (du_toan): the commands
        # that still read the old keys (export-xlsx, batch reconciliation) see them there.
        for appendix in self.phu_luc:
            if (appendix.id, appendix.loai) in (("phu_luc_1", "danh_sach"), ("phu_luc_2", "du_toan")):
                object.__setattr__(self, appendix.id, appendix)
        return self

    def _aliased(self) -> bool:
        """Whether phu_luc_1/phu_luc_2 are the list's own appendices (set by _structure), not old keys."""
        return all(old is None or any(old is p for p in self.phu_luc) for old in (self.phu_luc_1, self.phu_luc_2))

    @property
    def appendices(self) -> list[tuple[str, tuple[str | int, ...], AppendixData]]:
        """Every appendix in print order as (id, data path, model): the list, or the old keys mapped
        onto it (phu_luc_1 → a danh_sach with id phu_luc_1, phu_luc_2 → a du_toan with id phu_luc_2)."""
        if self.phu_luc:
            return [(p.id, ("phu_luc", i), p) for i, p in enumerate(self.phu_luc)]
        old: list[tuple[str, tuple[str | int, ...], AppendixData]] = []
        if self.phu_luc_1 is not None:
            old.append(("phu_luc_1", ("phu_luc_1",), self.phu_luc_1))
        if self.phu_luc_2 is not None:
            old.append(("phu_luc_2", ("phu_luc_2",), self.phu_luc_2))
        return old

    @property
    def is_draft(self) -> bool:
        return self.van_ban.so is None or self.van_ban.ngay is None


#: What an appendix holds (old keys included).
AppendixData = PhuLuc1 | PhuLuc2 | DanhSach | DanhSachNguoi | DuToan | BangChung | VanBanPhuLuc


# --- JSON Schema (vanban schema): the model above with Vietnamese titles and descriptions ---------

#: Vietnamese title of each model, and what it is.
MODEL_VI: dict[str, tuple[str, str]] = {
    "Plan": (
        "Kế hoạch",
        "Một tệp kế hoạch: nguồn duy nhất của Kế hoạch và các phụ lục; mọi con số tổng do vanban tính",
    ),
    "CoQuan": ("Cơ quan ban hành", "Tên cơ quan (in hoa) và cơ quan chủ quản"),
    "VanBan": ("Thông tin văn bản", "Loại, số, ngày, địa danh, trích yếu"),
    "Block": ("Đoạn", "Một đoạn: doan (thường), gach (-), cong (+) hoặc diem (a)); hoặc chỉ một chuỗi"),
    "Khoan": ("Khoản", "Khoản 1, 2 … (khoản con 1.1, 1.1.1); có tieu_de hoặc van_ban"),
    "Muc": ("Mục", "Mục I, II …: tiêu đề, các đoạn, các khoản"),
    "Phan": ("Phần", "Phần I, II …: tiêu đề và các mục"),
    "ChuKy": ("Chữ ký", "Thẩm quyền, chức vụ, họ tên người ký"),
    "QuyUoc": ("Quy ước đọc số", "Cách đọc số tiền bằng chữ (linh/lẻ, nghìn/ngàn, tư/bốn, chẵn)"),
    "ThanhVien": ("Đơn vị", "Một dòng của danh sách: tên và số lượng"),
    "Nhom": ("Nhóm", "Nhóm I, II … của danh sách, có tổng nhóm"),
    "CotDanhSach": ("Tiêu đề cột", "Tiêu đề các cột của danh sách"),
    "PhuLuc1": ("Phụ lục danh sách (kiểu cũ)", "Kiểu cũ; chạy vanban nang-cap để chuyển sang phu_luc"),
    "PhuLuc2": ("Phụ lục dự toán (kiểu cũ)", "Kiểu cũ; chạy vanban nang-cap để chuyển sang phu_luc"),
    "NguonKinhPhi": ("Nguồn kinh phí", "id và tên nguồn (Ngân sách xã, Xã hội hóa …)"),
    "HeSo": ("Cột hệ số", "Cột nhân thêm của bảng dự toán: Số ngày, Số buổi …"),
    "Dong": ("Dòng dự toán", "Thành tiền = số lượng × hệ số × đơn giá (làm tròn đến đồng, 0,5 lên), hoặc khoan_gon"),
    "NhomDong": ("Nhóm dòng", "Các dòng của một nhóm, có dòng Cộng"),
    "Bang": ("Bảng dự toán", "Các dòng hoặc nhóm dòng; cột hệ số; dòng Bằng chữ"),
    "DanhSach": ("Phụ lục danh sách", "loai: danh_sach — số lượng theo nhóm, có tổng"),
    "DuToan": ("Phụ lục dự toán", "loai: du_toan — các bảng kinh phí và tổng hợp theo nguồn"),
    "Nguoi": ("Người", "Họ và tên, chức vụ, đơn vị, ghi chú"),
    "NhomNguoi": ("Nhóm người", "Nhóm I, II … của danh sách người, có số người"),
    "DanhSachNguoi": ("Phụ lục danh sách người", "loai: danh_sach_nguoi — STT, Họ và tên, Chức vụ, Đơn vị, Ghi chú"),
    "CotBang": ("Cột bảng", "id, tiêu đề, kiểu; công thức theo các cột khác của dòng; cộng cột"),
    "BangChung": ("Phụ lục bảng", "loai: bang — bảng có các cột khai báo kiểu, cột công thức, tổng cột"),
    "VanBanPhuLuc": (
        "Phụ lục văn bản",
        "loai: van_ban — chương trình, lịch, danh mục nhiệm vụ … bằng các đoạn như thân văn bản",
    ),
}

#: Vietnamese title of each key.
FIELD_VI: dict[str, str] = {
    "bang": "Các bảng",
    "bang_chu": "In dòng Bằng chữ",
    "bien": "Biến (giá trị dùng lại: {=bien.ten})",
    "chan": "Thêm “chẵn”",
    "chu_quan": "Cơ quan chủ quản",
    "chuc_vu": "Chức vụ",
    "co_quan": "Cơ quan ban hành",
    "cong": "Ý cộng (+)",
    "cong_thuc": "Công thức",
    "cot": "Các cột",
    "dia_danh": "Địa danh",
    "diem": "Điểm (a, b …)",
    "doan": "Đoạn thường",
    "don_gia": "Đơn giá (đồng)",
    "don_vi": "Đơn vị",
    "don_vi_tinh": "Đơn vị tính",
    "dong": "Các dòng",
    "gach": "Ý gạch (-)",
    "ghi_chu": "Ghi chú",
    "he_so": "Hệ số",
    "ho_ten": "Họ và tên",
    "id": "Mã (để tham chiếu)",
    "ket_thuc": "Đoạn kết",
    "khoan": "Các khoản",
    "khoan_gon": "Số tiền khoán gọn",
    "kieu": "Kiểu cột",
    "ky": "Chữ ký",
    "linh": "linh hay lẻ",
    "loai": "Loại",
    "luu": "Lưu",
    "mau": "Bộ mẫu riêng",
    "mo_dau": "Mở đầu",
    "muc": "Các mục",
    "nam": "Năm",
    "ngay": "Ngày",
    "nghin": "nghìn hay ngàn",
    "nguoi": "Danh sách người",
    "nguon": "Nguồn kinh phí",
    "nguon_kinh_phi": "Các nguồn kinh phí",
    "nguon_mac_dinh": "Nguồn mặc định",
    "nhom": "Các nhóm",
    "noi_dung": "Nội dung",
    "noi_nhan": "Nơi nhận",
    "phan": "Các phần",
    "phu_luc": "Các phụ lục",
    "phu_luc_1": "Phụ lục I (kiểu cũ)",
    "phu_luc_2": "Phụ lục II (kiểu cũ)",
    "quy_uoc_so": "Quy ước đọc số",
    "so": "Số văn bản",
    "so_luong": "Số lượng",
    "stt": "Cột số thứ tự",
    "ten": "Tên",
    "ten_day_du": "Tên đầy đủ",
    "tham_quyen": "Thẩm quyền ký",
    "thang": "Tháng",
    "thanh_vien": "Các đơn vị",
    "tieu_de": "Tiêu đề",
    "tong": "Cộng cột",
    "trich_yeu": "Trích yếu",
    "tu": "tư hay bốn",
    "van_ban": "Văn bản",
    "viet_tat": "Chữ viết tắt cơ quan",
}


def plan_json_schema() -> dict[str, Any]:
    """The JSON Schema of a plan file, from the model, with Vietnamese titles and descriptions."""
    schema = Plan.model_json_schema()

    def vietnamese(node: dict[str, Any], name: str) -> None:
        if name in MODEL_VI:
            node["title"], node["description"] = MODEL_VI[name]
        for key, field in node.get("properties", {}).items():
            if key in FIELD_VI and not _is_vietnamese(field.get("title", "")):
                field["title"] = FIELD_VI[key]
            if "description" in field and not _is_vietnamese(field["description"]):
                del field["description"]  # the English notes of the code are not for the clerk

    vietnamese(schema, "Plan")
    for name, definition in schema.get("$defs", {}).items():
        vietnamese(definition, name)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def _is_vietnamese(text: str) -> bool:
    return any(ord(c) > 127 for c in text)
