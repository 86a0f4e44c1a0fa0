"""One plan of the corpus in one layout: its data (seeded), its blocks, the checks that hold on the
clean twin and the errors that can be planted (each one printed text at one place)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from .docxw import Cell, Para, Row, Slot, Tbl
from .layouts import Layout
from .words import amount_sentence, figure

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

#: Budget items: name, unit, prices, quantity ("people" = the attendees, "banners", or a range).
ITEMS = (
    ("Nước uống", "Người", (15_000, 20_000, 25_000), "people"),
    ("Hỗ trợ tiền ăn", "Người", (30_000, 50_000, 100_000), "people"),
    ("Tài liệu hội nghị", "Bộ", (15_000, 25_000, 35_000), "people"),
    ("Bảng tên", "Cái", (50_000, 200_000), (4, 20)),
    ("Thuê hội trường", "Buổi", (1_500_000, 2_000_000), (1, 3)),
    ("Bồi dưỡng báo cáo viên", "Buổi", (500_000, 800_000), (1, 4)),
    ("Thuê xe đưa đón", "Chuyến", (2_500_000, 3_500_000), (1, 3)),
    ("Văn phòng phẩm", "Gói", (500_000, 1_200_000), (1, 2)),
    ("Khen thưởng tập thể", "Tập thể", (1_400_000, 2_000_000), (2, 6)),
    ("Khen thưởng cá nhân", "Cá nhân", (500_000, 700_000), (3, 10)),
    ("Hoa tươi trang trí", "Lẵng", (300_000, 500_000), (2, 6)),
    ("Pano tuyên truyền", "Tấm", (3_000_000, 4_500_000), (1, 4)),
    ("Bồi dưỡng đoàn viên thanh niên", "Người", (50_000, 100_000), (10, 60)),
    ("Phụ cấp cộng tác viên", "Người", (300_000, 500_000), (3, 15)),
    ("In giấy khen", "Tờ", (12_000, 15_000), (10, 40)),
    ("Phong nền sân khấu", "Cái", (1_500_000, 2_500_000), (1, 1)),
    ("Bồi dưỡng vệ sinh, trật tự", "Người", (150_000, 200_000), (2, 6)),
)
BANNER = ("Băng rôn tuyên truyền", "Tấm", (225_000, 250_000, 300_000), "banners")
ACTIVITIES = (
    "Tổ chức hội nghị triển khai",
    "Tổ chức các hoạt động tuyên truyền trực quan",
    "Khen thưởng phong trào thi đua",
    "Tổ chức ra quân hỗ trợ người dân",
    "Tổ chức họp mặt Tổ công nghệ số",
    "Tập huấn kỹ năng số",
    "Tổ chức đoàn tham quan học tập",
)
HAMLETS = (
    "Bình Hòa",
    "Bình Tân",
    "Thạnh Lợi",
    "Thạnh Hưng",
    "Tuyên Thạnh",
    "Cà Môn",
    "Gò Ô Môi",
    "Sồ Đô",
    "Bình Thạnh",
    "Nhơn Hòa",
    "Hòa Hiệp",
    "Đá Biên",
    "Rạch Gốc",
    "Bà Mía",
    "Cầu Tre",
    "Mương Khai",
    "Trà Cú",
    "Bàu Sen",
    "Tân Long",
    "Tân Lập",
    "Long Phú",
    "Phước Lộc",
    "Mỹ Bình",
    "Mỹ An",
    "An Hòa",
    "Ấp 1",
    "Ấp 2",
    "Ấp 3",
    "Ấp 4",
    "Ấp 5",
    "Ấp 6",
    "Ấp 7",
    "Khu phố 1",
    "Khu phố 2",
    "Khu phố 3",
    "Khu phố 4",
)
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi", "Đỗ")
MIDDLE = ("Văn", "Thị", "Minh", "Thanh", "Ngọc", "Hoàng", "Quốc")
GIVEN = ("An", "Bình", "Cường", "Dung", "Hạnh", "Hùng", "Lan", "Long", "Lụa", "Nam", "Phúc", "Tâm", "Thảo", "Trí")
SOURCES = (
    ("Ngân sách xã", "Xã hội hóa"),
    ("Ngân sách nhà nước", "Xã hội hóa"),
    ("Ngân sách thị xã", "Xã hội hóa", "Kinh phí UBND các xã, phường tự chủ"),
)


def numeral(n: int, style: str) -> str:
    if style == "roman":
        return ROMAN[n - 1]
    return "ABCDEFGHIJKL"[n - 1] if style == "letter" else str(n)


@dataclass
class Line:
    name: str
    unit: str
    factors: dict[str, Decimal]  # column role → value; a missing multiplier is left blank
    price: int | None  # None for a lump sum: only its amount is printed
    source: int  # index in the plan's sources
    lump: int = 0

    @property
    def amount(self) -> int:
        if self.price is None:
            return self.lump
        value = Decimal(self.price)
        for f in self.factors.values():
            value *= f
        assert value == value.to_integral_value(), (self, value)
        return int(value)


@dataclass
class Activity:
    title: str
    lines: list[Line]


@dataclass
class Plan:
    """What the document says, and what is known about it."""

    blocks: list = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    candidates: list[dict] = field(default_factory=list)  # errors that can be planted
    features: set[str] = field(default_factory=set)


class PlanWriter:
    """Makes the blocks of one plan in one layout, registering checks and error candidates."""

    def __init__(self, layout: Layout, seed: int):
        self.L, self.rng = layout, random.Random(seed)
        self.plan = Plan()
        self.n = 0
        self.sources = list(self.rng.choice(SOURCES))
        self.place = self.rng.choice(("Bình Hòa", "Tuyên Thạnh", "Thạnh Hưng", "Mỹ An", "Long Phú"))
        self.unit_kind = self.rng.choice(("xã", "phường"))

    # --- slots ------------------------------------------------------------------------------
    def key(self, name: str) -> str:
        self.n += 1
        return f"{name}.{self.n}"

    def money(self, name: str, value: int, suffix: str | None = None) -> Slot:
        text = figure(value) + (self.L.money_suffix if suffix is None else suffix)
        return Slot(self.key(name), text, value, "money")

    def count(self, name: str, value: int | Decimal, kind: str = "count") -> Slot:
        pad = 2 if self.L.pad and isinstance(value, int) else 0
        return Slot(self.key(name), figure(value, pad), value, kind)

    def words(self, name: str, value: int) -> Slot:
        return Slot(self.key(name), amount_sentence(value, self.L.convention), value, "words")

    def check(self, kind: str, **keys) -> None:
        self.plan.checks.append({"check": kind, **keys})

    def candidate(self, kind: str, slot: Slot, printed: str, correct: str | None = None) -> None:
        if printed != slot.text:
            self.plan.candidates.append(
                {
                    "kind": kind,
                    "key": slot.key,
                    "printed": printed,
                    "correct": correct if correct is not None else slot.text,
                }
            )

    def wrong_money(self, slot: Slot, step: int | None = None) -> str:
        v = int(slot.value)
        options = [v + 100_000, v - 100_000, v + 1_000_000, v * 10, v + 50_000]
        if step:
            options += [v + step, v - step, step]
        options = [o for o in options if o > 0 and o != v]
        suffix = slot.text[len(figure(v)) :]
        return figure(self.rng.choice(options)) + suffix

    def malformed(self, slot: Slot) -> str:
        text, suffix = figure(int(slot.value)), slot.text[len(figure(int(slot.value))) :]
        head = text.split(".")[0]
        if len(head) >= 2 and self.rng.random() < 0.5:
            return head[0] + "." + head[1:] + text[len(head) :] + suffix  # "7.00.000"
        return text + "0" + suffix  # "50.0000"

    def sequence(self, slots: list[Slot], style: str) -> None:
        """Numbers that must run 1, 2, 3…; a gap can be planted at the last, a repeat at any but the first."""
        if len(slots) < 2:
            return
        self.check("sequence", keys=[s.key for s in slots], style=style)
        last = slots[-1]
        self.candidate("numbering_skipped", last, numeral(int(last.value) + 1, style))
        for previous, s in pairwise(slots):
            self.candidate("numbering_repeated", s, numeral(int(previous.value), style))

    def words_candidate(self, slot: Slot) -> None:
        wrong = int(slot.value) + self.rng.choice((100_000, -100_000, 1_000_000, 10_000, 50_000))
        if wrong > 0:
            self.candidate("wrong_words", slot, amount_sentence(wrong, self.L.convention), slot.text)

    # --- data -------------------------------------------------------------------------------
    def make_data(self) -> None:
        rng, L = self.rng, self.L
        self.groups = self.make_attendees()
        self.people = (
            sum(c for _, members in self.groups for _, c in members)
            if L.attendees == "counts"
            else sum(len(m) for _, m in self.groups)
            if L.attendees == "persons"
            else rng.randint(40, 130)
        )
        self.banners = rng.choice((8, 10, 12, 16, 20))
        count = 1 if L.shape == "one" else rng.randint(2, 4)
        titles = rng.sample(ACTIVITIES, count)
        self.activities = []
        for a, title in enumerate(titles):
            if L.long_table or L.manual_split:  # one line per hamlet, over pages
                share = len(HAMLETS) // count
                lines = [self.hamlet_line(h) for h in HAMLETS[a * share : (a + 1) * share]]
            else:
                items = rng.sample(ITEMS, rng.randint(*L.lines_per_activity))
                if a == 0 and L.body_count:
                    items = [BANNER] + items
                lines = [self.line(item) for item in items]
                if L.lump_sum and a == len(titles) - 1:  # "Chi khác: trọn gói", only an amount
                    self.plan.features.add("lump_sum")
                    lines.append(
                        Line(
                            "Chi khác (trang trí, phát sinh)",
                            "Trọn gói",
                            {},
                            None,
                            0,
                            rng.choice((1_000_000, 1_500_000, 2_350_000)),
                        )
                    )
            self.activities.append(Activity(title, lines))
        # sources: the first (ngân sách) by default, whole runs of lines for the others
        all_lines = [line for a in self.activities for line in a.lines]
        for s in range(1, len(self.sources)):
            start = rng.randrange(0, len(all_lines))
            for line in all_lines[start : start + rng.randint(1, 2)]:
                line.source = s
        used = sorted({line.source for line in all_lines})
        self.sources = [self.sources[s] for s in used]
        for line in all_lines:
            line.source = used.index(line.source)

    def make_attendees(self) -> list[tuple[str, list[tuple[str, int]]]]:
        rng = self.rng
        if self.L.attendees == "persons":
            sizes = (2, 34, 3) if self.L.long_table else (2, rng.randint(5, 9), rng.randint(2, 4))
            titles = ("LÃNH ĐẠO", "THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG", "KHÁCH MỜI")
            return [(t, [(self.person(), 1) for _ in range(size)]) for t, size in zip(titles, sizes)]
        groups = [
            ("ĐẠI BIỂU TỈNH", ["Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ"][: rng.randint(1, 2)]),
            (
                "CÁC CƠ QUAN, ĐƠN VỊ",
                [
                    "Lãnh đạo UBND",
                    "Văn phòng HĐND và UBND",
                    "Phòng Văn hóa - Xã hội",
                    "Ủy ban MTTQ Việt Nam",
                    "Đoàn Thanh niên",
                    "Hội Liên hiệp Phụ nữ",
                    "Công an",
                    "Các ấp, khu phố (mỗi ấp 1 người)",
                    "Tổ công nghệ số cộng đồng",
                ][: rng.randint(5, 9)],
            ),
            ("CÁC DOANH NGHIỆP VIỄN THÔNG", ["VNPT", "Viettel", "MobiFone"][: rng.randint(2, 3)]),
        ]
        return [(t, [(m, rng.randint(1, 12)) for m in members]) for t, members in groups]

    def person(self) -> str:
        r = self.rng
        return f"{r.choice(SURNAMES)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"

    def line(self, item) -> Line:
        rng, L = self.rng, self.L
        name, unit, prices, qty = item
        price = rng.choice(prices)
        base = self.people if qty == "people" else self.banners if qty == "banners" else rng.randint(*qty)
        factors: dict[str, Decimal] = {}
        roles = [r for r in L.columns if r == "qty" or r.startswith("m:")]
        for i, role in enumerate(roles):
            if i == 0:
                factors[role] = Decimal(base)
            elif unit in ("Người", "Buổi", "Cá nhân", "Chuyến") and rng.random() < 0.7:  # days, sessions, months
                factors[role] = Decimal(rng.randint(2, 5))
        if L.decimals and rng.random() < 0.5 and roles:
            role = roles[-1] if len(roles) > 1 else roles[0]
            factors[role] = Decimal(rng.choice(("0.5", "1.5", "2.5")))
            price = rng.choice((400_000, 1_000_000, 2_000_000))
        return Line(name, unit, factors, price, 0)

    def hamlet_line(self, hamlet: str) -> Line:
        roles = [r for r in self.L.columns if r == "qty" or r.startswith("m:")]
        factors = {roles[0]: Decimal(self.rng.randint(3, 7))}
        if self.L.decimals and self.rng.random() < 0.4:
            factors[roles[-1]] = Decimal("1.5") if len(roles) > 1 else Decimal(self.rng.randint(3, 7)) + Decimal("0.5")
        return Line(
            f"Bồi dưỡng Tổ công nghệ số cộng đồng {hamlet}",
            "Người",
            factors,
            self.rng.choice((200_000, 300_000, 400_000)),
            0,
        )

    # --- the document -----------------------------------------------------------------------
    def build(self) -> Plan:
        self.make_data()
        L, out = self.L, []
        self.plan.features |= {f"scope_{L.scope}", f"suffix_{L.money_suffix.strip() or 'none'}", f"shape_{L.shape}"}
        appendices = self.attendee_appendix() if L.attendees and L.scope != "budget" else []
        self.body_split = L.split_where == "body" and L.scope == "whole"
        appendices += self.budget_appendix()
        if L.scope == "whole":
            out += self.body()
        out += appendices
        self.plan.blocks = out
        return self.plan

    def para(self, *segs, **kw) -> Para:
        return Para(list(segs), **kw)

    def title(self, first: str, rest: str, page_break: bool) -> list:
        """An appendix title ("Phụ lục I" and what it is), in paragraphs or a text box."""
        note = self.para(
            f"(Kèm theo Kế hoạch số      /KH-UBND ngày     tháng 9 năm 2025 của UBND {self.unit_kind})",
            italic=True,
            center=True,
        )
        if self.L.textbox_title:
            self.plan.features.add("textbox")
            return [Para([f"{first}\n{rest}"], bold=True, center=True, textbox=True, page_break=page_break), note]
        return [
            self.para(first, bold=True, center=True, page_break=page_break),
            self.para(rest, bold=True, center=True),
            note,
        ]

    def appendix_name(self, n: int) -> str:
        return self.rng.choice(
            (f"Phụ lục {numeral(n, 'roman')}", f"PHỤ LỤC {n:02d}", f"Phụ lục số {n}", f"Phụ lục {n}")
        )

    # --- body (the Kế hoạch itself) -------------------------------------------------------------
    def body(self) -> list:
        L, rng, out = self.L, self.rng, []
        issuer = f"ỦY BAN NHÂN DÂN\n{self.unit_kind.upper()} {self.place.upper()}"
        nation = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
        if L.header_table:
            self.plan.features.add("header_table")
            out.append(
                Tbl(
                    [
                        Row([Cell([issuer], bold=True), Cell([nation], bold=True)]),
                        Row([Cell(["Số:      /KH-UBND"]), Cell([f"{self.place}, ngày      tháng 9 năm 2025"])]),
                    ],
                    grid=False,
                )
            )
        else:
            out += [
                self.para(issuer, bold=True),
                self.para(nation, bold=True),
                self.para("Số:      /KH-UBND"),
                self.para(f"{self.place}, ngày      tháng 9 năm 2025", italic=True),
            ]
        out += [
            self.para("KẾ HOẠCH", bold=True, center=True),
            self.para("Tổ chức các hoạt động hưởng ứng Ngày Chuyển đổi số quốc gia năm 2025", bold=True, center=True),
            self.para(
                f"Thực hiện Kế hoạch số 2663/KH-UBND ngày 09/9/2025 của UBND tỉnh, Ủy ban nhân dân "
                f"{self.unit_kind} ban hành Kế hoạch như sau:"
            ),
        ]
        muc = [Slot(self.key("muc"), numeral(i, "roman"), i, "numeral") for i in range(1, 5)]
        self.sequence(muc, "roman")
        out.append(self.para(muc[0], ". MỤC ĐÍCH, YÊU CẦU", bold=True))
        out += self.khoan_list(
            ["Mục đích", "Yêu cầu"],
            [
                "- Nâng cao nhận thức của cán bộ và Nhân dân về chuyển đổi số.",
                "- Tổ chức thiết thực, tiết kiệm, hiệu quả.",
            ],
        )
        out.append(self.para(muc[1], ". NỘI DUNG, THỜI GIAN, ĐỊA ĐIỂM", bold=True))
        numbers = [Slot(self.key("khoan"), str(i), i, "numeral") for i in range(1, len(self.activities) + 1)]
        self.sequence(numbers, "arabic")
        for i, activity in enumerate(self.activities):
            out.append(self.para(numbers[i], f". {activity.title}", bold=True))
            out.append(self.para("- Thời gian: dự kiến tháng 10 năm 2025."))
            if i == 0 and L.body_count and L.attendees:
                self.plan.features.add("body_count")
                count = self.count("body.count", self.people)
                self.check("equal", a=count.key, b=self.att_total)
                self.candidate(
                    "body_count_mismatch",
                    count,
                    figure(self.people + rng.choice((-3, -1, 2, 3, 10)), 2 if L.pad else 0),
                )
                text = rng.choice(("- Thành phần tham dự: ", "- Số lượng đại biểu dự kiến: ", "- Thành phần: "))
                tail = (
                    " người (danh sách tại Phụ lục I)."
                    if L.attendees == "persons"
                    else " người (chi tiết tại Phụ lục I)."
                )
                out.append(self.para(text, count, tail))
            banner = next((line for line in activity.lines if line.name == BANNER[0]), None)
            if banner is not None and L.body_count:
                self.plan.features.add("body_banners")
                slot = self.count("body.banners", self.banners)
                self.check("equal", a=slot.key, b=self.banner_key)
                self.candidate(
                    "body_count_mismatch", slot, figure(self.banners + rng.choice((-2, 2, 4)), 2 if L.pad else 0)
                )
                out.append(self.para("- Treo ", slot, " băng rôn tuyên truyền tại trụ sở và các tuyến đường chính."))
        out.append(self.para(muc[2], ". KINH PHÍ THỰC HIỆN", bold=True))
        if L.body_total:
            self.plan.features.add("body_total")
            total = self.money("body.total", self.grand_value, " đồng")
            words = self.words("body.words", self.grand_value)
            self.check("equal", a=total.key, b=self.grand_key)
            self.check("words", words=words.key, amount=total.key)
            self.candidate("body_amount_mismatch", total, self.wrong_money(total))
            self.words_candidate(words)
            style = rng.randrange(3)
            if style == 0:
                out.append(self.para("Tổng kinh phí thực hiện Kế hoạch: ", total, " (Bằng chữ: ", words, ")."))
            elif style == 1:
                out += [self.para("Tổng kinh phí dự kiến là ", total, "."), self.para("(Bằng chữ: ", words, ")")]
            else:
                out.append(self.para("Kinh phí thực hiện Kế hoạch là ", total, ", bằng chữ: ", words))
        else:
            out.append(self.para("Kinh phí thực hiện theo dự toán tại Phụ lục kèm theo."))
        if self.body_split:
            out += self.split_blocks()
        out.append(self.para(muc[3], ". TỔ CHỨC THỰC HIỆN", bold=True))
        out += self.khoan_list(
            ["Văn phòng HĐND và UBND", "Các ấp, khu phố"],
            ["- Theo dõi, tổng hợp, báo cáo kết quả.", "- Phối hợp tuyên truyền đến Nhân dân."],
        )
        out += [
            self.para("Nơi nhận:", bold=True),
            self.para("- Như trên;"),
            self.para("- Lưu: VT."),
            self.para("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", bold=True),
            self.para(self.person(), bold=True),
        ]
        return out

    def khoan_list(self, titles: list[str], texts: list[str]) -> list:
        numbers = [Slot(self.key("khoan"), str(i), i, "numeral") for i in range(1, len(titles) + 1)]
        self.sequence(numbers, "arabic")
        out = []
        for number, title, text in zip(numbers, titles, texts):
            out += [self.para(number, f". {title}", bold=True), self.para(text)]
        return out

    # --- Phụ lục I: attendees -------------------------------------------------------------------
    def attendee_appendix(self) -> list:
        L = self.L
        out = self.title(self.appendix_name(1), "DANH SÁCH THÀNH PHẦN THAM DỰ", page_break=L.scope == "whole")
        return out + ([self.person_table()] if L.attendees == "persons" else [self.count_table()])

    def count_table(self) -> Tbl:
        L, rng = self.L, self.rng
        self.plan.features.add(f"att_{L.att_numerals}")
        header = Row(
            [
                Cell([rng.choice(("TT", "STT"))]),
                Cell([rng.choice(("Đơn vị", "Thành phần"))]),
                Cell([L.att_count_header]),
            ],
            header=L.long_table,
        )
        rows = [header]
        numbers = [
            Slot(self.key("att.group"), numeral(g, L.att_numerals), g, "numeral")
            for g in range(1, len(self.groups) + 1)
        ]
        self.sequence(numbers, L.att_numerals)
        subtotals = []
        for number, (title, members) in zip(numbers, self.groups):
            sub = self.count("att.sub", sum(c for _, c in members))
            subtotals.append(sub)
            rows.append(
                Row(
                    [
                        Cell([number], bold=True),
                        Cell([title], bold=True),
                        Cell([sub] if L.att_subtotal == "group_row" else [], bold=True),
                    ]
                )
            )
            stts = [Slot(self.key("att.stt"), str(i), i, "numeral") for i in range(1, len(members) + 1)]
            self.sequence(stts, "arabic")
            counts = []
            for stt, (name, c) in zip(stts, members):
                counts.append(self.count("att.count", c))
                rows.append(Row([Cell([stt]), Cell([name]), Cell([counts[-1]])]))
            if L.att_subtotal == "after":
                rows.append(Row([Cell([]), Cell(["Cộng"], bold=True), Cell([sub], bold=True)]))
            self.check("sum", result=sub.key, parts=[c.key for c in counts])
            self.candidate(
                "wrong_group_count_total", sub, figure(int(sub.value) + rng.choice((-1, 1, 2, 10)), 2 if L.pad else 0)
            )
        total = self.count("att.total", self.people)
        self.att_total = total.key
        rows.append(Row([Cell([]), Cell(["TỔNG CỘNG:"], bold=True), Cell([total], bold=True)]))
        self.check("sum", result=total.key, parts=[s.key for s in subtotals])
        self.candidate(
            "wrong_group_count_total", total, figure(self.people + rng.choice((-2, 3, 10)), 2 if L.pad else 0)
        )
        return Tbl(rows, [14, 110, 36])

    def person_table(self) -> Tbl:
        L, rng = self.L, self.rng
        self.plan.features.add("persons")
        rows = [Row([Cell(["STT"]), Cell(["Họ và tên"]), Cell(["Chức vụ"]), Cell(["Đơn vị"])], header=L.long_table)]
        numbers = [
            Slot(self.key("att.group"), numeral(g, L.att_numerals), g, "numeral")
            for g in range(1, len(self.groups) + 1)
        ]
        self.sequence(numbers, L.att_numerals)
        stts = [Slot(self.key("att.stt"), str(i), i, "numeral") for i in range(1, self.people + 1)]
        self.sequence(stts, "arabic")
        i = 0
        for number, (title, members) in zip(numbers, self.groups):
            rows.append(Row([Cell([number], bold=True), Cell([title], span=3, bold=True)]))
            for name, _ in members:
                role = rng.choice(("Tổ trưởng", "Tổ viên", "Phó Chủ tịch UBND", "Công chức Văn hóa - Xã hội"))
                rows.append(
                    Row([Cell([stts[i]]), Cell([name]), Cell([role]), Cell([f"{self.unit_kind} {self.place}"])])
                )
                i += 1
        total = self.count("att.total", self.people)
        self.att_total = total.key
        rows.append(Row([Cell(["Tổng cộng: ", total, " người"], span=4, bold=True)]))
        self.check("count", result=total.key, count=self.people)
        self.candidate(
            "wrong_group_count_total", total, figure(self.people + rng.choice((-1, 1, 2)), 2 if L.pad else 0)
        )
        return Tbl(rows, [12, 50, 50, 48])

    # --- Phụ lục II: the budget -----------------------------------------------------------------
    def budget_appendix(self) -> list:
        L = self.L
        n = 2 if L.attendees and L.scope != "budget" else 1
        name = self.appendix_name(n) if L.scope != "budget" else "PHỤ LỤC"
        out = self.title(name, "DỰ TOÁN KINH PHÍ THỰC HIỆN", page_break=L.scope == "whole" or n == 2)
        self.banner_key = None
        self.line_amounts: list[tuple[Line, str]] = []
        self.grand_value = sum(line.amount for a in self.activities for line in a.lines)
        if L.shape == "grouped":
            out += self.grouped_table()
        elif L.shape == "one":
            out += self.flat_table(self.activities[0], grand=True)
        else:
            totals = []
            numbers = [Slot(self.key("pl.khoan"), str(i), i, "numeral") for i in range(1, len(self.activities) + 1)]
            self.sequence(numbers, "arabic")
            for number, activity in zip(numbers, self.activities):
                out.append(self.para(number, f". {activity.title}", bold=True))
                blocks, total = self.flat_table(activity, grand=False)
                out += blocks
                totals.append(total)
            out += self.grand_summary(totals)
        if not self.body_split:
            out += self.split_blocks()
        return out

    @property
    def cols(self) -> tuple[str, ...]:
        return self.L.columns

    def header_rows(self) -> list[Row]:
        L, cols = self.L, self.cols
        repeat = L.long_table or L.manual_split

        def h(role: str) -> str:
            self.plan.features.add("header:" + L.header(role))
            return L.header(role) + (L.header_unit if role in ("price", "amount") else "")

        factors = [i for i, r in enumerate(cols) if r == "qty" or r.startswith("m:")]
        if L.two_row_header and len(factors) > 1:
            self.plan.features.add("two_row_header")
            top, bottom = [], []
            for i, role in enumerate(cols):
                if i == factors[0]:
                    top.append(Cell(["Số lượng"], span=len(factors)))
                if i in factors:
                    bottom.append(Cell([h(role)]))
                    continue
                top.append(Cell([h(role)], vmerge="restart"))
                bottom.append(Cell([], vmerge="continue"))
            rows = [Row(top, header=repeat), Row(bottom, header=repeat)]
        else:
            rows = [Row([Cell([h(r)]) for r in cols], header=repeat)]
        if L.numbering_row:
            self.plan.features.add("numbering_row")
            numbers = {r: f"({i})" for i, r in enumerate(cols, 1)}
            product = "x".join(numbers[r] for r in cols if r == "qty" or r.startswith("m:") or r == "price")
            numbers["amount"] = f"{numbers['amount']}={product}"
            rows.append(Row([Cell([numbers[r]]) for r in cols], header=repeat))
        if repeat:
            self.plan.features.add("tbl_header")
        return rows

    def widths(self) -> list[int]:
        """Column widths (mm) as a clerk drags them: a wide Nội dung, narrow STT and counts."""
        mm = {"stt": 10, "ten": 50, "dvt": 16, "qty": 14, "price": 22, "amount": 26, "note": 22}
        return [mm.get(role, 14) for role in self.cols]

    def line_rows(self, lines: list[Line], stts: list[Slot]) -> list[Row]:
        rows = []
        notes = self.note_cells(lines)
        for line, stt, note in zip(lines, stts, notes):
            cells, factors = [], []
            amount = self.money("amount", line.amount)
            price = self.money("price", line.price) if line.price is not None else None
            for role in self.cols:
                if role == "stt":
                    cells.append(Cell([stt]))
                elif role == "ten":
                    cells.append(Cell([line.name]))
                elif role == "dvt":
                    cells.append(Cell([line.unit]))
                elif role == "price":
                    cells.append(Cell([price] if price else []))
                elif role == "amount":
                    cells.append(Cell([amount]))
                elif role == "note":
                    cells.append(note)
                elif role in line.factors:
                    value = line.factors[role]
                    value = int(value) if value == value.to_integral_value() else value
                    slot = self.count("factor", value, "factor")
                    if not isinstance(value, int):
                        self.plan.features.add("decimal_comma")
                    factors.append(slot.key)
                    cells.append(Cell([slot]))
                    if (
                        line.name == BANNER[0]
                        and role == self.cols[[r == "qty" or r.startswith("m:") for r in self.cols].index(True)]
                    ):
                        self.banner_key = slot.key
                else:
                    cells.append(Cell([]))
                    if price:
                        self.plan.features.add("blank_multiplier")
            if len(factors) > 1:
                self.plan.features.add("multiplier")
            rows.append(Row(cells))
            self.line_amounts.append((line, amount.key))
            if price is None:
                continue
            self.check("product", result=amount.key, factors=factors + [price.key])
            self.candidate("wrong_line_amount", amount, self.wrong_money(amount, line.price))
            if line.price >= 10_000:
                self.candidate("malformed_figure", price, self.malformed(price))
            self.candidate("malformed_figure", amount, self.malformed(amount))
        return rows

    def note_cells(self, lines: list[Line]) -> list[Cell]:
        """Ghi chú: the source of lines not paid by the first one, merged down a run of the same source."""
        cells, previous = [], None
        for line in lines:
            if line.source == 0:
                cells.append(Cell([]))
            elif previous is not None and previous.source == line.source:
                if cells[-1].vmerge is None:
                    cells[-1].vmerge = "restart"
                    self.plan.features.add("merged_note")
                cells.append(Cell([], vmerge="continue"))
            else:
                cells.append(Cell([self.sources[line.source]]))
            previous = line
        if "note" in self.cols:
            self.plan.features.add("notes")
        return cells

    def stt_slots(self, count: int, start: int = 1) -> list[Slot]:
        return [Slot(self.key("stt"), str(i), i, "numeral") for i in range(start, start + count)]

    def label_row(self, label: list, value: Slot | None, stt: list | None = None) -> Row:
        a = self.cols.index("amount")
        cells = (
            [Cell(stt, bold=True), Cell(label, span=a - 1, bold=True)]
            if stt is not None
            else [Cell(label, span=a, bold=True)]
        )
        cells.append(Cell([value] if value else [], bold=True))
        if a > 1:
            self.plan.features.add("merged_span")
        return Row(cells + [Cell([]) for _ in self.cols[a + 1 :]])

    def total_blocks(self, label: str, total: Slot, words: Slot) -> tuple[list[Row], list]:
        """The rows closing a table and the paragraphs under it, by the layout's place for "Bằng chữ"."""
        how = self.L.words
        self.plan.features.add(f"words_{how}")
        if how == "inline":
            return [], [self.para(f"{label}: ", total, " (Bằng chữ: ", words, ")", bold=True)]
        if how == "in_total_row":
            return [self.label_row([label, " (Bằng chữ: ", words, ")"], total)], []
        rows = [self.label_row([label], total)]
        if how == "row":
            return rows + [Row([Cell(["Bằng chữ: ", words], span=len(self.cols))])], []
        if how == "paragraph":
            return rows, [self.para("Bằng chữ: ", words, italic=True)]
        return rows, [self.para("(Bằng chữ: ", words, ")", italic=True)]

    def flat_table(self, activity: Activity, grand: bool):
        L = self.L
        stts = self.stt_slots(len(activity.lines))
        self.sequence(stts, "arabic")
        body = self.line_rows(activity.lines, stts)
        value = sum(line.amount for line in activity.lines)
        total, words = self.money("total", value), self.words("words", value)
        self.check("sum", result=total.key, parts=[k for _, k in self.line_amounts[-len(activity.lines) :]])
        self.check("words", words=words.key, amount=total.key)
        self.candidate("wrong_grand_total" if grand else "wrong_table_total", total, self.wrong_money(total))
        self.words_candidate(words)
        label = L.total_label if grand else "Tổng cộng"
        self.plan.features.add("total:" + label)
        closing, after = self.total_blocks(label, total, words)
        if L.manual_split:
            self.plan.features.add("manual_split")
            half = len(body) // 2
            blocks = [
                Tbl(self.header_rows() + body[:half], self.widths()),
                Para([""], page_break=True),
                Tbl(self.header_rows() + body[half:] + closing, self.widths()),
            ] + after
        else:
            if L.long_table:
                self.plan.features.add("long_table")
            blocks = [Tbl(self.header_rows() + body + closing, self.widths())] + after
        if grand:
            self.grand_key = total.key
            return blocks
        return blocks, total

    def grouped_table(self) -> list:
        L = self.L
        self.plan.features.add("grouped")
        self.plan.features.add(f"groups_{L.group_numerals}")
        rows = self.header_rows()
        numbers = [
            Slot(self.key("group"), numeral(g, L.group_numerals), g, "numeral")
            for g in range(1, len(self.activities) + 1)
        ]
        self.sequence(numbers, L.group_numerals)
        subtotals, stt_start = [], 1
        for number, activity in zip(numbers, self.activities):
            value = sum(line.amount for line in activity.lines)
            sub = self.money("subtotal", value)
            subtotals.append(sub)
            rows.append(
                self.label_row([activity.title.upper()], sub if L.subtotal_where == "group_row" else None, stt=[number])
            )
            stts = self.stt_slots(len(activity.lines), 1 if L.stt_restart else stt_start)
            stt_start += len(activity.lines)
            if L.stt_restart:
                self.plan.features.add("stt_restart")
                self.sequence(stts, "arabic")
            else:
                self.all_stts = getattr(self, "all_stts", []) + stts
            rows += self.line_rows(activity.lines, stts)
            if L.subtotal_where == "after":
                label = L.subtotal_label.format(n=number.text)
                self.plan.features.add("subtotal:" + label)
                rows.append(self.label_row([label], sub, stt=[""]))
            self.check("sum", result=sub.key, parts=[k for _, k in self.line_amounts[-len(activity.lines) :]])
            self.candidate("wrong_subtotal", sub, self.wrong_money(sub))
        if not L.stt_restart:
            self.sequence(self.all_stts, "arabic")
        label = L.total_label
        if "(" in label:
            label = label.split("(")[0] + "(" + "+".join(n.text for n in numbers) + ")"
        grand, words = self.money("grand", self.grand_value), self.words("words", self.grand_value)
        self.grand_key = grand.key
        self.check("sum", result=grand.key, parts=[s.key for s in subtotals])
        self.check("words", words=words.key, amount=grand.key)
        self.candidate("wrong_grand_total", grand, self.wrong_money(grand))
        self.words_candidate(words)
        self.plan.features.add("total:" + label)
        closing, after = self.total_blocks(label, grand, words)
        return [Tbl(rows + closing, self.widths())] + after

    def grand_summary(self, totals: list[Slot]) -> list:
        """The grand total of several tables: a paragraph, or a summary table of the activities."""
        L = self.L
        grand, words = self.money("grand", self.grand_value, " đồng"), self.words("words", self.grand_value)
        self.grand_key = grand.key
        self.check("words", words=words.key, amount=grand.key)
        self.candidate("wrong_grand_total", grand, self.wrong_money(grand))
        self.words_candidate(words)
        if L.grand == "table":
            self.plan.features.add("summary_table")
            rows = [Row([Cell(["STT"]), Cell(["Nội dung"]), Cell(["Kinh phí (đồng)"])])]
            lines = []
            for i, (activity, total) in enumerate(zip(self.activities, totals), 1):
                line = self.money("summary", int(total.value), "")
                lines.append(line)
                self.check("equal", a=line.key, b=total.key)
                rows.append(Row([Cell([str(i)]), Cell([activity.title]), Cell([line])]))
            rows += [
                Row([Cell(["Tổng cộng"], span=2, bold=True), Cell([grand], bold=True)]),
                Row([Cell(["Bằng chữ: ", words], span=3)]),
            ]
            self.check("sum", result=grand.key, parts=[s.key for s in lines])
            return [self.para("TỔNG HỢP KINH PHÍ", bold=True, center=True), Tbl(rows)]
        self.check("sum", result=grand.key, parts=[t.key for t in totals])
        label = self.rng.choice(
            (
                "Tổng kinh phí: ",
                "TỔNG CỘNG KINH PHÍ (" + "+".join(str(i) for i in range(1, len(totals) + 1)) + "): ",
                "Tổng dự toán kinh phí là ",
            )
        )
        if L.words in ("inline", "in_total_row"):
            return [self.para(label, grand, " (Bằng chữ: ", words, ").", bold=True)]
        return [self.para(label, grand, ".", bold=True), self.para("Bằng chữ: ", words, italic=True)]

    def split_blocks(self) -> list:
        """The split of the grand total by funding source, as a sentence, a list or a table."""
        L = self.L
        if not L.split or len(self.sources) < 2:
            return []
        self.plan.features.add(f"split_{L.split}")
        parts = []
        for s, name in enumerate(self.sources):
            keys = [k for line, k in self.line_amounts if line.source == s]
            value = sum(line.amount for line, _ in self.line_amounts if line.source == s)
            slot = self.money("part", value, "" if L.split == "table" else " đồng")
            self.check("sum", result=slot.key, parts=keys)
            self.candidate("split_not_adding_up", slot, self.wrong_money(slot))
            parts.append((name, slot))
        if L.split == "table":
            rows = [Row([Cell(["STT"]), Cell(["Nguồn kinh phí"]), Cell(["Số tiền (đồng)"])])]
            rows += [Row([Cell([str(i)]), Cell([name]), Cell([slot])]) for i, (name, slot) in enumerate(parts, 1)]
            total = self.money("split.total", self.grand_value, "")
            rows.append(Row([Cell(["Tổng cộng"], span=2, bold=True), Cell([total], bold=True)]))
            self.check("sum", result=total.key, parts=[s.key for _, s in parts])
            self.check("equal", a=total.key, b=self.grand_key)
            return [self.para("Phân bổ theo nguồn kinh phí:"), Tbl(rows)]
        self.check("sum", result=self.grand_key, parts=[s.key for _, s in parts])
        if L.split == "list":
            return [self.para("Trong đó:")] + [self.para("- ", name, ": ", slot, ";") for name, slot in parts]
        segs: list = ["Trong đó: "]
        for i, (name, slot) in enumerate(parts):
            segs += [("; " if i else "") + (name if i == 0 else name[0].lower() + name[1:]) + ": ", slot]
        return [self.para(*segs, ".")]
