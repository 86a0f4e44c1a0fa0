"""The `giay_to:` section of a plan file: which papers to make around the plan, and their own facts.

Validated with pydantic like the plan (unknown keys are errors). Every paper has its own header
facts (số, ngày, tháng, năm) and may name its own issuing body and signer (a Tờ trình comes from
the drafting office, the Quyết định from the People's Committee); what it leaves out is the plan's.
Figures are never typed here: totals, words, the split and the attendees come from the plan.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from generator.model.schema import Block, ChuKy, CoQuan, Id, Muc, Strict, Text, VanBan

Money = Annotated[int, Field(ge=0)]
#: Ký hiệu part naming the drafting unit of a công văn ("VHTT" in "UBND-VHTT").
UnitCode = Annotated[str, StringConstraints(pattern=r"^[A-ZĐ][A-Za-zĐđ0-9]*$")]


class SoNgay(Strict):
    """A paper's own number and date; month and year default to the plan's."""

    so: int | None = Field(default=None, ge=1, le=99999)
    ngay: int | None = Field(default=None, ge=1, le=31)
    thang: int | None = Field(default=None, ge=1, le=12)
    nam: int | None = Field(default=None, ge=1945, le=2200)

    @field_validator("so", mode="before")
    @classmethod
    def _no_padded_number(cls, value: object) -> object:
        """As the plan's number (VanBan): no padding typed in ("05" is printed for 5)."""
        return VanBan.__pydantic_decorators__.field_validators["_no_padded_number"].func(value)


class Paper(Strict):
    """What every paper may set: its number and date, issuing body, signer, recipients."""

    van_ban: SoNgay = Field(default_factory=SoNgay)
    trich_yeu: Text | None = None
    co_quan: CoQuan | None = None
    ky: ChuKy | None = None
    noi_nhan: list[Text] = Field(default_factory=list)
    luu: list[Text] = Field(default_factory=list)


class ToTrinh(Paper):
    """Tờ trình đề nghị phê duyệt Kế hoạch và kinh phí."""

    kinh_gui: Text
    mo_dau: list[Block] = Field(default_factory=list)
    noi_dung: list[Block] = Field(default_factory=list)


class QuyetDinh(Paper):
    """Quyết định phê duyệt kinh phí (Điều 1 the total, its words and the split)."""

    tham_quyen: Text
    can_cu: list[Text] = Field(min_length=1)
    de_nghi: Text | None = None
    dieu_2: Text
    thi_hanh: list[Text] = Field(min_length=1)


class ThanhVienBan(Strict):
    ho_ten: Text
    chuc_vu: Text
    nhiem_vu: Text


class BanToChuc(Paper):
    """Quyết định thành lập Ban Tổ chức: members from the data."""

    tham_quyen: Text
    can_cu: list[Text] = Field(min_length=1)
    ten_ban: Text = "Ban Tổ chức"
    thanh_vien: list[ThanhVienBan] = Field(default_factory=list)
    nhiem_vu: list[Block] = Field(min_length=1)
    thi_hanh: list[Text] = Field(min_length=1)


class GiayMoi(Paper):
    """Giấy mời: one letter per invited body (theo: don_vi) or per group (theo: nhom) of the attendee
    appendix. Time, place and content are the plan's (the khoản `hoat_dong` names) unless given."""

    theo: str = Field(default="don_vi", pattern=r"^(don_vi|nhom)$")
    hoat_dong: Text | None = None
    thoi_gian: Text | None = None
    dia_diem: Text | None = None
    noi_dung: Text | None = None
    khong_moi: list[Text] = Field(default_factory=list, description="members or groups not invited (the host)")


class KetQua(Strict):
    """What was done on one budget line: the clerk fills it in after the event."""

    thuc_hien: int | None = Field(default=None, ge=0)
    kinh_phi: Money | None = None
    ghi_chu: Text | None = None


class BaoCao(Paper):
    """Báo cáo kết quả: the plan's activities and targets, the results the clerk enters here."""

    kinh_gui: Text | None = None
    mo_dau: list[Block] = Field(default_factory=list)
    ket_qua: dict[str, KetQua] = Field(
        default_factory=dict, description="by line id, or '<table id or number>.<line number>'"
    )
    danh_gia: list[Block] = Field(default_factory=list)
    han: Annotated[str, StringConstraints(pattern=r"^\d{1,2}/\d{1,2}/\d{4}$")] | None = Field(
        default=None, description="due date dd/mm/yyyy; else the plan's «trước ngày dd/mm/yyyy»"
    )


class VanBanChung(Paper):
    """A Công văn or a Thông báo: the plan model's body (mở đầu, mục, kết thúc)."""

    ten: Id
    trich_yeu: Text
    don_vi_soan: UnitCode | None = None
    kinh_gui: list[Text] = Field(default_factory=list)
    mo_dau: list[Block] = Field(default_factory=list)
    muc: list[Muc] = Field(default_factory=list)
    ket_thuc: Text

    @model_validator(mode="after")
    def _has_body(self) -> VanBanChung:
        if not (self.mo_dau or self.muc):
            raise ValueError("văn bản cần có nội dung: mo_dau hoặc muc")
        return self


class GiayTo(Strict):
    """The papers to make with `vanban build --bo-ho-so`."""

    to_trinh: ToTrinh | None = None
    quyet_dinh: QuyetDinh | None = None
    ban_to_chuc: BanToChuc | None = None
    giay_moi: GiayMoi | None = None
    bao_cao: BaoCao | None = None
    cong_van: list[VanBanChung] = Field(default_factory=list)
    thong_bao: list[VanBanChung] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_names(self) -> GiayTo:
        names = [p.ten for p in self.cong_van + self.thong_bao]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"tên văn bản bị trùng: {', '.join(twice)}")
        return self
