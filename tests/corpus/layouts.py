"""The layouts of the corpus: how 32 clerks typed the same kind of plan.

Each field is one thing a clerk varies; `LAYOUTS` sets them so that every variant of issue 17
appears in several layouts (tests/test_corpus.py checks the coverage).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .words import Convention

#: Header wordings by role, the first one our own.
WORDINGS = {
    "stt": ("STT", "TT", "Số TT"),
    "ten": ("Nội dung", "Nội dung chi", "Diễn giải", "NỘI DUNG"),
    "dvt": ("Đơn vị tính", "ĐVT", "ĐƠN VỊ TÍNH"),
    "qty": ("Số lượng", "SL", "SỐ LƯỢNG"),
    "price": ("Đơn giá", "Mức chi", "ĐƠN GIÁ"),
    "amount": ("Thành tiền", "Số tiền", "Kinh phí", "THÀNH TIỀN"),
    "note": ("Ghi chú",),
}
MULTIPLIERS = ("Số người", "Số ngày", "Số buổi", "Số tháng")


@dataclass(frozen=True)
class Layout:
    id: str
    scope: str = "whole"  # "whole" (Kế hoạch + appendices), "appendices", "budget" (Phụ lục dự toán alone)
    header_table: bool = False  # the heading (cơ quan | Quốc hiệu) typed in a borderless table
    attendees: str | None = "counts"  # "counts", "persons" or None
    att_numerals: str = "roman"  # "roman", "arabic", "letter"
    att_subtotal: str = "group_row"  # "group_row" or "after" (a "Cộng" row under the group)
    att_count_header: str = "Số lượng"
    shape: str = "many"  # budget: "one" table, "many" (one per activity), "grouped" (one, with groups)
    columns: tuple[str, ...] = ("stt", "ten", "dvt", "qty", "price", "amount")
    wording: dict[str, int] = field(default_factory=dict)  # role → index in WORDINGS
    money_suffix: str = ""  # "", " đ", "đ", " đồng", " VNĐ" after money figures in cells
    header_unit: str = " (đồng)"  # after money headers
    decimals: bool = False  # some quantities like "1,5"
    pad: bool = False  # counts typed "08"
    subtotal_label: str = "Cộng mục {n}"  # "Cộng", "Cộng mục {n}", "Tổng", "Cộng ({n})"
    subtotal_where: str = "after"  # "after" (a row under the group) or "group_row"
    total_label: str = "Tổng cộng"
    stt_restart: bool = True  # STT starts at 1 in each group
    group_numerals: str = "roman"
    words: str = "row"  # "row", "paragraph", "parens", "inline", "in_total_row"
    grand: str = "paragraph"  # many tables: "paragraph" or "table" (a summary table per activity)
    split: str | None = "sentence"  # "table", "list", "sentence" or None
    split_where: str = "appendix"  # "appendix" or "body"
    notes: bool = False  # a Ghi chú column naming each line's source (vertically merged over a run)
    body_total: bool = True  # the body states the total (scope "whole")
    body_count: bool = True  # the body states the number of people (and banners)
    long_table: bool = False  # one long table over pages, header rows repeated (w:tblHeader)
    manual_split: bool = False  # a long table cut in two by hand at a page break, header typed again
    two_row_header: bool = False  # "Số lượng" merged over the multiplier columns
    numbering_row: bool = False  # "(1) (2) … (6)=(4)x(5)" under the header
    textbox_title: bool = False  # appendix titles in text boxes
    libreoffice: bool = False  # saved again by LibreOffice
    convention: Convention = field(default_factory=Convention)
    lines_per_activity: tuple[int, int] = (2, 5)
    lump_sum: bool = False  # a "Trọn gói" line with only an amount

    def header(self, role: str) -> str:
        if role.startswith("m:"):
            return role[2:]
        return WORDINGS[role][self.wording.get(role, 0)]


SOUTH = Convention(linh="lẻ", nghin="ngàn", tu="tư")
BON = Convention(tu="bốn")
M = "m:"

LAYOUTS: tuple[Layout, ...] = (
    Layout("L01-ban-cua-ta", lump_sum=True),
    Layout("L02-tt-sl", wording={"stt": 1, "qty": 1, "dvt": 1}, money_suffix=" đ", header_unit="", pad=True),
    Layout(
        "L03-dien-giai-kinh-phi", wording={"ten": 2, "amount": 2}, words="paragraph", split="list", libreoffice=True
    ),
    Layout(
        "L04-muc-chi-so-tien",
        wording={"ten": 1, "price": 1, "amount": 1},
        words="parens",
        notes=True,
        columns=("stt", "ten", "dvt", "qty", "price", "amount", "note"),
    ),
    Layout(
        "L05-nhan-ngay",
        columns=("stt", "ten", "dvt", M + "Số người", M + "Số ngày", "price", "amount"),
        words="paragraph",
        split="table",
    ),
    Layout(
        "L06-buoi",
        lump_sum=True,
        columns=("stt", "ten", "dvt", "qty", M + "Số buổi", "price", "amount"),
        shape="grouped",
        subtotal_label="Cộng mục {n}",
        total_label="Tổng cộng (I+II)",
        libreoffice=True,
    ),
    Layout(
        "L07-thang-thap-phan",
        columns=("stt", "ten", M + "Số người", M + "Số tháng", "price", "amount"),
        decimals=True,
        wording={"price": 1},
        shape="one",
        attendees="persons",
    ),
    Layout("L08-vnd", money_suffix=" VNĐ", header_unit="", words="inline", split="list", split_where="body"),
    Layout("L09-dong", money_suffix=" đồng", header_unit="", words="in_total_row", shape="one"),
    Layout(
        "L10-nhom-chu-cai",
        shape="grouped",
        group_numerals="letter",
        subtotal_label="Cộng",
        total_label="Tổng cộng",
        att_numerals="letter",
        libreoffice=True,
    ),
    Layout(
        "L11-nhom-so",
        shape="grouped",
        group_numerals="arabic",
        subtotal_where="group_row",
        att_numerals="arabic",
        stt_restart=False,
        total_label="TỔNG CỘNG:",
    ),
    Layout(
        "L12-tong",
        lump_sum=True,
        shape="grouped",
        subtotal_label="Tổng",
        total_label="Tổng cộng (I+II)",
        words="paragraph",
        split="table",
        split_where="body",
    ),
    Layout(
        "L13-cong-ngoac",
        shape="grouped",
        subtotal_label="Cộng ({n})",
        subtotal_where="after",
        columns=("stt", "ten", "dvt", M + "Số người", M + "Số buổi", "price", "amount"),
        two_row_header=True,
    ),
    Layout(
        "L14-dai-lap-tieu-de", shape="one", long_table=True, attendees="persons", words="paragraph", libreoffice=True
    ),
    Layout("L15-cat-tay", shape="one", manual_split=True, words="paragraph", attendees="counts", att_subtotal="after"),
    Layout(
        "L16-hop-nhat-dau",
        header_table=True,
        columns=("stt", "ten", "dvt", "qty", "price", "amount", "note"),
        notes=True,
        split="sentence",
        split_where="body",
    ),
    Layout("L17-hop-van-ban", textbox_title=True, words="parens", libreoffice=True),
    Layout("L18-chi-phu-luc", scope="appendices", words="row", split="table"),
    Layout("L19-chi-du-toan", scope="budget", attendees=None, words="paragraph", split="list"),
    Layout(
        "L20-chi-du-toan-nhom",
        scope="budget",
        attendees=None,
        shape="grouped",
        group_numerals="letter",
        total_label="Tổng cộng (A+B)",
        split=None,
        libreoffice=True,
    ),
    Layout(
        "L21-thu-tu-cot",
        columns=("stt", "ten", "qty", "dvt", "price", "amount"),
        wording={"qty": 2, "ten": 3, "amount": 3, "dvt": 2, "price": 2},
    ),
    Layout(
        "L22-gia-truoc-luong",
        lump_sum=True,
        columns=("stt", "ten", "dvt", "price", "qty", "amount"),
        money_suffix="đ",
        header_unit="",
    ),
    Layout(
        "L23-dong-so-cot",
        numbering_row=True,
        columns=("stt", "ten", "dvt", "qty", M + "Số ngày", "price", "amount"),
        shape="grouped",
        subtotal_where="group_row",
    ),
    Layout("L24-mien-nam", convention=SOUTH, words="paragraph", att_count_header="Số đại biểu"),
    Layout("L25-bon", convention=BON, pad=True, att_count_header="Số người", att_subtotal="after"),
    Layout(
        "L26-ghi-chu-nguon",
        notes=True,
        columns=("stt", "ten", "dvt", "qty", "price", "amount", "note"),
        shape="grouped",
        split="table",
        libreoffice=True,
    ),
    Layout(
        "L27-ghi-chu-ca-nhan",
        shape="one",
        attendees="persons",
        att_numerals="arabic",
        split="sentence",
        split_where="body",
        words="parens",
    ),
    Layout("L28-bang-tong-hop", lump_sum=True, grand="table", split=None, words="paragraph"),
    Layout(
        "L29-hai-dong-tieu-de",
        two_row_header=True,
        columns=("stt", "ten", "dvt", M + "Số người", M + "Số ngày", "price", "amount"),
        shape="one",
        words="in_total_row",
    ),
    Layout("L30-khong-noi-dung-so", body_count=False, body_total=False, words="inline"),
    Layout(
        "L31-toan-chu-hoa",
        wording={"stt": 2, "ten": 3, "dvt": 2, "qty": 2, "price": 2, "amount": 3},
        total_label="TỔNG CỘNG",
        header_unit=" (VNĐ)",
        libreoffice=True,
    ),
    Layout(
        "L32-thang-ngan-sach",
        columns=("stt", "ten", "dvt", M + "Số tháng", "price", "amount"),
        decimals=True,
        shape="grouped",
        group_numerals="roman",
        subtotal_label="Cộng",
        scope="appendices",
        long_table=True,
        attendees="persons",
    ),
)
