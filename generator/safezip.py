"""Office packages (.docx, .xlsx) opened with budgets, before any XML is parsed.

A package received from someone else can be a zip bomb (a 3 MB .docx whose document.xml inflates
to 1 GB), a FIFO or a device instead of a file, or not a zip at all. `open_package` reads the file
(a regular file only, never more than MAX_FILE bytes, however large stat says it is), then checks
every member's declared size, the total and the compression ratio against the budget of its kind
before anything is inflated; `zipfile` itself stops each member at its declared size (and fails
its CRC if the stream says otherwise), so a package that passes cannot inflate past the budget.
`read_member` reads one member with its own cap.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from generator.files import InputFileError, read_regular

MB = 1024 * 1024
MAX_FILE = 200 * MB  # compressed size of a package
RATIO_FLOOR = MB  # members smaller than this inflated are not ratio-checked


@dataclass(frozen=True)
class Budget:
    """What one kind of package may inflate to."""

    member: int  # bytes of one member
    total: int  # bytes of all members
    ratio: int  # inflated / compressed, for members over RATIO_FLOOR
    members: int  # number of members


#: Word: a long plan's document.xml is a few MB; images are counted in the total.
DOCX = Budget(member=48 * MB, total=256 * MB, ratio=120, members=5_000)
#: Excel: vanban's workbooks are a few hundred KB; sheets and shared strings stay small (openpyxl
#: reads ~2 MB of sheet or shared-string XML a second).
XLSX = Budget(member=6 * MB, total=24 * MB, ratio=120, members=2_000)


class PackageError(ValueError):
    """A package refused before parsing; the message is Vietnamese, for the clerk."""


def _size(n: int) -> str:
    return f"{n / MB:,.1f} MB".replace(",", " ") if n >= MB else f"{n:,} byte".replace(",", ".")


def check_archive(archive: zipfile.ZipFile, budget: Budget) -> None:
    """PackageError if any member, or all of them, would inflate past `budget`."""
    members = archive.infolist()
    if len(members) > budget.members:
        raise PackageError(f"tệp nén có {len(members):,} phần (tối đa {budget.members:,})".replace(",", "."))
    total = 0
    for info in members:
        size = info.file_size
        if size > budget.member:
            raise PackageError(
                f"phần {info.filename!r} giải nén ra {_size(size)}, vượt giới hạn {_size(budget.member)}"
                " (có thể là tệp nén độc hại)"
            )
        if size > RATIO_FLOOR and size > budget.ratio * max(info.compress_size, 1):
            raise PackageError(
                f"phần {info.filename!r} nén {size // max(info.compress_size, 1)} lần, bất thường "
                f"(tối đa {budget.ratio} lần; có thể là tệp nén độc hại)"
            )
        total += size
    if total > budget.total:
        raise PackageError(f"tệp giải nén ra {_size(total)}, vượt giới hạn {_size(budget.total)}")


def open_package(source: str | os.PathLike | BinaryIO, budget: Budget = DOCX) -> io.BytesIO:
    """The package's bytes in memory, checked against `budget` (PackageError otherwise): what
    python-docx's Document() and openpyxl's load_workbook() are then given."""
    if hasattr(source, "read"):
        data = source.read(MAX_FILE + 1)
        if len(data) > MAX_FILE:
            raise PackageError(f"tệp quá lớn (hơn {_size(MAX_FILE)})")
    else:
        try:
            data = read_regular(Path(source), MAX_FILE)
        except InputFileError as exc:
            raise PackageError(str(exc)) from None
    buffer = io.BytesIO(data)
    try:
        with zipfile.ZipFile(buffer) as archive:
            check_archive(archive, budget)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, PackageError):
            raise
        raise PackageError(f"không phải tệp nén Office hợp lệ ({exc})") from None
    buffer.seek(0)
    return buffer


def read_member(archive: zipfile.ZipFile, name: str, cap: int) -> bytes:
    """One member's bytes, PackageError if it inflates past `cap` (checked as it is read)."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise PackageError(f"thiếu phần {name!r}") from None
    if info.file_size > cap:
        raise PackageError(f"phần {name!r} giải nén ra {_size(info.file_size)}, vượt giới hạn {_size(cap)}")
    with archive.open(info) as member:
        data = member.read(cap + 1)
    if len(data) > cap:
        raise PackageError(f"phần {name!r} giải nén vượt giới hạn {_size(cap)}")
    return data


#: Relationship types a reader may follow out of the package (not parts it reads).
_EXTERNAL_OK = ("/hyperlink", "/image", "/oleObject", "/attachedTemplate")


def open_word(source: str | os.PathLike | BinaryIO):
    """A python-docx Document of a package within the DOCX budget whose main part is a Word body
    and whose parts are all inside the package; PackageError otherwise."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    package = open_package(source, DOCX)
    try:
        document = docx.Document(package)
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise PackageError(f"không phải văn bản Word .docx hợp lệ ({exc})") from None
    root = document.element
    if etree.QName(root).localname != "document" or root.find(f"{{{_W}}}body") is None:
        raise PackageError(
            f"phần văn bản chính không có thân văn bản (gốc <{etree.QName(root).localname}>, cần <w:document><w:body>)"
        )
    for part in (document.part, *(rel.target_part for rel in document.part.rels.values() if not rel.is_external)):
        for rel in part.rels.values():
            if rel.is_external and not rel.reltype.endswith(_EXTERNAL_OK):
                raise PackageError(
                    f"phần {rel.reltype.rsplit('/', 1)[-1]} trỏ ra ngoài tệp ({rel.target_ref}); "
                    "vanban chỉ đọc văn bản chứa đủ các phần bên trong"
                )
    return document


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
