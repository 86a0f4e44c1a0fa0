"""Official administrative units (đơn vị hành chính) shipped with vanban: the 34 provinces and their
communes (xã, phường, đặc khu) since 1 July 2025, and the pre-2025 provinces, districts and communes
with the communes each became.

The data (data/dvhc.json.gz, made by tools/dvhc_convert.py from the MIT-licensed vietnamadminunits
package) records its source, version and the resolutions it reflects. A newer data file in the same
format can be used without a new release: `load(path)`, or the VANBAN_DVHC environment variable.

Names are looked up in any case, with or without diacritics, with or without the kind ("tỉnh",
"thành phố", "xã", "huyện", …); a name not found comes with the nearest ones.
"""

from __future__ import annotations

import difflib
import gzip
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from generator.errors import PlanError, Problem

PACKAGED = Path(__file__).parent / "data" / "dvhc.json.gz"
LICENCE = PACKAGED.with_name("LICENSE-vietnamadminunits.txt")
ENV = "VANBAN_DVHC"
FORMAT = 1
#: A data file larger than this is not read (the packaged one is ~140 KB).
MAX_BYTES = 64 * 1024 * 1024

#: Unit kind → the word in running text.
KIND_WORD = {"xa": "xã", "phuong": "phường", "dac_khu": "đặc khu"}
PROVINCE_PREFIXES = ("thanh pho", "tinh", "tp")
DISTRICT_PREFIXES = ("thanh pho", "thi xa", "huyen", "quan", "tp", "tx")
COMMUNE_PREFIXES = ("dac khu", "thi tran", "phuong", "xa", "tt")


class NotFound(Exception):
    """A name that matches no unit (or several): what was looked for and the nearest names."""

    def __init__(self, message: str, nearest: list[str]):
        super().__init__(message)
        self.message, self.nearest = message, nearest


@dataclass(frozen=True)
class Province:
    code: str
    name: str  # "Tỉnh Tây Ninh", "Thành phố Hồ Chí Minh"

    @property
    def short(self) -> str:
        return _strip_kind(self.name)


@dataclass(frozen=True)
class Commune:
    code: str
    name: str  # "Phường Kiến Tường", "Xã Bình Hiệp", "Đặc khu Phú Quốc"
    kind: str  # xa, phuong, dac_khu
    province: Province

    @property
    def short(self) -> str:
        """The name without its kind: "Kiến Tường", "1" for "Phường 1"."""
        return _strip_kind(self.name)

    @property
    def in_text(self) -> str:
        """The name in running text: "phường Kiến Tường", "xã Bình Hiệp"; a number keeps its capital ("Phường 1")."""
        return self.name if self.short[:1].isdigit() else f"{KIND_WORD[self.kind]} {self.short}"

    @property
    def place(self) -> str:
        """The place name of the date line (NĐ 30: the commune's name; a number in full, "Phường 1")."""
        return self.name if self.short[:1].isdigit() else self.short

    @property
    def header(self) -> list[str]:
        """The issuing body's lines at the top of a document."""
        return ["ỦY BAN NHÂN DÂN", self.name.upper()]

    @property
    def full_name(self) -> str:
        return f"Ủy ban nhân dân {self.in_text}"


@dataclass(frozen=True)
class OldCommune:
    """A commune before 1 July 2025, with the communes it became (`default` where it was split)."""

    code: str | None
    name: str | None  # None for a district that had no commune (an island district)
    district: str
    province: str
    became: tuple[Commune, ...]
    default: Commune | None

    @property
    def address(self) -> str:
        parts = [self.name, self.district, self.province] if self.name else [self.district, self.province]
        return ", ".join(parts)


@dataclass
class Dvhc:
    """The data, indexed for look-up."""

    source: Path
    nguon: dict
    provinces: list[Province]
    communes: list[Commune]
    old: list[OldCommune]
    _by_province: dict[str, list[Commune]] = field(default_factory=dict, repr=False)

    def communes_of(self, province: Province) -> list[Commune]:
        """A province's communes, in code order."""
        return self._by_province.get(province.code, [])

    def province(self, name: str) -> Province:
        """The province named; NotFound with the nearest names otherwise."""
        return _pick(name, self.provinces, PROVINCE_PREFIXES, "tỉnh, thành phố")

    def commune(self, province: Province, name: str) -> Commune:
        """A commune of `province` by its name (or its code)."""
        communes = self.communes_of(province)
        if name.strip().isdigit():
            for commune in communes:
                if commune.code == name.strip().zfill(5):
                    return commune
        return _pick(name, communes, COMMUNE_PREFIXES, f"xã, phường, đặc khu của {province.name}")

    def old_commune(self, address: str) -> OldCommune:
        """A pre-2025 commune by its address "Phường 1, thị xã Kiến Tường, Long An" (commune,
        district, province; a district alone for the island districts that had no commune)."""
        parts = [p.strip() for p in address.split(",") if p.strip()]
        if len(parts) not in (2, 3):
            raise NotFound(f"địa chỉ cũ cần có xã, huyện, tỉnh cách nhau bằng dấu phẩy: {address!r}", [])
        provinces = sorted({o.province for o in self.old})
        province = _pick(
            parts[-1], [_Named(p) for p in provinces], PROVINCE_PREFIXES, "tỉnh, thành phố trước 1/7/2025"
        ).name
        in_province = [o for o in self.old if o.province == province]
        districts = sorted({o.district for o in in_province})
        district = _pick(
            parts[-2], [_Named(d) for d in districts], DISTRICT_PREFIXES, f"huyện, thị xã, quận của {province}"
        ).name
        in_district = [o for o in in_province if o.district == district]
        if len(parts) == 2:
            if len(in_district) == 1 and in_district[0].name is None:
                return in_district[0]
            names = [o.name for o in in_district if o.name]
            raise NotFound(f"cần ghi cả tên xã, phường, thị trấn của {district}, {province}", names[:10])
        named = [o for o in in_district if o.name]
        found = _pick(
            parts[0], [_Named(o.name) for o in named], COMMUNE_PREFIXES, f"xã, phường, thị trấn của {district}"
        )
        return next(o for o in named if o.name == found.name)

    def old_units_of(self, district: str, province: str) -> list[OldCommune]:
        """Every pre-2025 commune of an old district (its name as in the data)."""
        return [o for o in self.old if o.district == district and o.province == province]

    def old_district(self, name: str) -> tuple[str, str]:
        """A pre-2025 district (or town, city) by a name like "thị xã Kiến Tường" or "UBND thị xã
        Kiến Tường, tỉnh Long An": (district, province) as in the data."""
        parts = [p.strip() for p in name.split(",") if p.strip()]
        text = re.sub(r"^(ủy ban nhân dân|uỷ ban nhân dân|ubnd)\s+", "", parts[0], flags=re.IGNORECASE) if parts else ""
        candidates = sorted({(o.district, o.province) for o in self.old})
        if len(parts) > 1:
            province = _pick(
                parts[-1], [_Named(p) for p in sorted({c[1] for c in candidates})], PROVINCE_PREFIXES, "tỉnh"
            ).name
            candidates = [c for c in candidates if c[1] == province]
        names = sorted({c[0] for c in candidates})
        district = _pick(
            text, [_Named(d) for d in names], DISTRICT_PREFIXES, "huyện, thị xã, quận, thành phố trước 1/7/2025"
        ).name
        matches = [c for c in candidates if c[0] == district]
        if len(matches) > 1:
            raise NotFound(f"{district} có ở nhiều tỉnh; hãy ghi thêm tên tỉnh", [f"{d}, {p}" for d, p in matches])
        return matches[0]


@dataclass(frozen=True)
class Successor:
    """What an old body's area became: each new commune with the old communes it was made of
    (`own`: those of the old body's area; `others`: those from elsewhere)."""

    old_body: str  # "Thị xã Kiến Tường, Tỉnh Long An"
    province: Province | None  # the new province (the first, where the area went to several)
    communes: list[tuple[Commune, list[OldCommune], list[OldCommune]]]
    old_units: int


def successor(data: Dvhc, body: str, text: str = "") -> Successor | None:
    """What a pre-2025 district (or town, city) or province named `body` ("Ủy ban nhân dân thị xã
    Kiến Tường") became; None if `body` is not one (a current body, or a name not found). `text`
    (e.g. the whole plan) may name its province ("tỉnh Long An"), to tell apart districts of one name."""
    name = re.sub(r"^(ủy ban nhân dân|uỷ ban nhân dân|ubnd)\s+", "", body.strip(), flags=re.IGNORECASE)
    folded = fold(name)
    current = {fold(p.name) for p in data.provinces}
    if folded in current:
        return None
    old_provinces = {fold(o.province): o.province for o in data.old}
    if folded in old_provinces:
        olds = [o for o in data.old if o.province == old_provinces[folded]]
        label = old_provinces[folded]
    else:
        hints = [h for h in re.findall(r"tỉnh ([A-ZĐÂ][^\s,.;:()]*(?: [A-ZĐÂ][^\s,.;:()]*)*)", text)]
        found = None
        for hint in [None, *hints]:
            try:
                found = data.old_district(name if hint is None else f"{name}, {hint}")
                break
            except NotFound:
                continue
        if found is None:
            return None
        olds = data.old_units_of(*found)
        label = ", ".join(found)
    by_code: dict[str, tuple[Commune, list[OldCommune], list[OldCommune]]] = {}
    mine = set(map(id, olds))
    for old in olds:
        for commune in old.became:
            by_code.setdefault(commune.code, (commune, [], []))
    for old in data.old:
        for commune in old.became:
            if commune.code in by_code:
                by_code[commune.code][1 if id(old) in mine else 2].append(old)
    communes = sorted(by_code.values(), key=lambda entry: entry[0].code)
    province = communes[0][0].province if communes else None
    return Successor(label, province, communes, len(olds))


@dataclass(frozen=True)
class _Named:
    name: str


def fold(text: str) -> str:
    """`text` for comparing: lower case, no diacritics (đ → d), words separated by one space."""
    text = unicodedata.normalize("NFKD", text.lower().replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _strip_kind(name: str) -> str:
    for kind in ("Thành phố ", "Tỉnh ", "Đặc khu ", "Phường ", "Xã ", "Thị trấn ", "Huyện ", "Thị xã ", "Quận "):
        if name.startswith(kind):
            return name[len(kind) :]
    return name


def _without_prefix(folded: str, prefixes: tuple[str, ...]) -> str:
    for prefix in prefixes:
        if folded.startswith(prefix + " "):
            return folded[len(prefix) + 1 :]
    return folded


def _pick(name: str, items: list, prefixes: tuple[str, ...], what: str):
    """The item whose name `name` is: the exact name first (case aside), then without diacritics,
    each with or without the kind; several equal matches or none → NotFound with the nearest."""
    wanted = unicodedata.normalize("NFC", " ".join(name.split()))
    if not wanted:
        raise NotFound(f"chưa ghi tên {what}", [])
    lower, bare = wanted.lower(), _strip_kind(wanted[:1].upper() + wanted[1:]).lower()
    exact = [i for i in items if i.name.lower() == lower] or [i for i in items if _strip_kind(i.name).lower() == bare]
    if len(exact) == 1:
        return exact[0]
    folded = _without_prefix(fold(wanted), prefixes)
    loose = (
        exact
        or [i for i in items if fold(i.name) == fold(wanted)]
        or [i for i in items if _without_prefix(fold(i.name), prefixes) == folded]
    )
    if len(loose) == 1:
        return loose[0]
    if len(loose) > 1:
        raise NotFound(
            f"{name!r} ứng với nhiều {what}; hãy ghi đủ dấu hoặc ghi cả loại (xã, phường…)", [i.name for i in loose]
        )
    keys = {_without_prefix(fold(i.name), prefixes): i.name for i in items}
    nearest = [keys[k] for k in difflib.get_close_matches(folded, list(keys), n=5, cutoff=0.6)]
    raise NotFound(f"không có {what} tên {name!r}", nearest)


def data_path(path: str | Path | None = None) -> Path:
    """The data file to use: `path`, else $VANBAN_DVHC, else the one shipped with vanban."""
    chosen = path or os.environ.get(ENV) or PACKAGED
    return Path(chosen)


def load(path: str | Path | None = None) -> Dvhc:
    """The data (cached per file); PlanError naming the file if it cannot be used."""
    return _load(data_path(path).resolve())


@lru_cache(maxsize=4)
def _load(path: Path) -> Dvhc:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise ValueError(f"tệp lớn hơn {MAX_BYTES // 2**20} MB")
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
            if len(raw) > 8 * MAX_BYTES:
                raise ValueError("dữ liệu giải nén quá lớn")
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or data.get("dinh_dang") != FORMAT:
            raise TypeError(f"không phải tệp dữ liệu đơn vị hành chính của vanban (dinh_dang: {FORMAT})")
        provinces = {code: Province(code, name) for code, name in data["tinh"]}
        communes = [Commune(code, name, kind, provinces[province]) for code, name, kind, province in data["xa"]]
        if any(c.kind not in KIND_WORD for c in communes):
            raise ValueError(f"loại đơn vị chỉ là {', '.join(KIND_WORD)}")
        by_code = {c.code: c for c in communes}
        old_provinces = dict(data["tinh_cu"])
        old_districts = {code: (name, old_provinces[province]) for code, name, province in data["huyen_cu"]}
        old = [
            OldCommune(code, name, *old_districts[district], tuple(by_code[c] for c in became), by_code.get(default))
            for code, name, district, became, default in data["xa_cu"]
        ]
        if not isinstance(data.get("nguon"), dict):
            raise TypeError("thiếu mục nguon (nguồn dữ liệu)")
    except (OSError, ValueError, KeyError, TypeError, EOFError, gzip.BadGzipFile) as exc:
        raise PlanError([Problem(f"không đọc được dữ liệu đơn vị hành chính: {exc}", (), path)]) from None
    by_province: dict[str, list[Commune]] = {}
    for commune in communes:
        by_province.setdefault(commune.province.code, []).append(commune)
    return Dvhc(path, data["nguon"], sorted(provinces.values(), key=lambda p: p.code), communes, old, by_province)
