"""The package layer: a .docx file opened once, its parts found through their relationships.

`open_package` is the one place a Word file's ZIP is opened and read (limits on what a ZIP may
expand to belong there). A file that is not a Word document raises `DocxError` with a Vietnamese
message that names the file and says what to do.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TypeAlias

from lxml import etree

from generator.docx.errors import DocxError
from generator.docx.ns import RT_OFFICE_DOCUMENT, WORD_MAIN_TYPES, q
from generator.files import InputFileError, read_regular
from generator.safezip import DOCX, MAX_FILE, PackageError, check_archive

PathOrFile: TypeAlias = str | Path | IO[bytes]
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: an old .doc, or an encrypted .docx
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted OOXML file holds
#: Relationships that may point outside the package (links, linked pictures): not parts vanban reads.
_EXTERNAL_OK = ("/hyperlink", "/image", "/oleObject", "/attachedTemplate")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=False)


@dataclass(frozen=True)
class Relationship:
    type: str
    target: str  # part name inside the package ("word/styles.xml"), or the URL of an external target
    external: bool


@dataclass
class Package:
    """The XML parts of a Word file, and where its main document is."""

    name: str  # the file as the user named it (for messages)
    parts: dict[str, bytes]  # XML and relationship parts by name ("word/document.xml")
    main: str  # the main document part's name
    _xml: dict[str, etree._Element] = field(default_factory=dict)

    def xml(self, part: str) -> etree._Element:
        """A part parsed (once); DocxError when it is missing or is not XML."""
        if part not in self._xml:
            if part not in self.parts:
                raise DocxError(f"Tệp «{self.name}» bị hỏng: thiếu phần {part} của văn bản Word.")
            self._xml[part] = parse_xml(self.parts[part], f"{self.name}: {part}")
        return self._xml[part]

    def relationships(self, part: str) -> dict[str, Relationship]:
        """The relationships of a part by id; {} when it has none."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if rels_name not in self.parts:
            return {}
        out = {}
        for rel in self.xml(rels_name).iter(q("pr:Relationship")):
            target, external = rel.get("Target") or "", rel.get("TargetMode") == "External"
            if not external:
                target = _part_name(folder, target)
            out[rel.get("Id") or ""] = Relationship(rel.get("Type") or "", target, external)
        return out

    def related(self, part: str, rel_type: str) -> str | None:
        """The name of the first internal part `part` relates to with `rel_type`, if it is in the package."""
        for rel in self.relationships(part).values():
            if rel.type == rel_type and not rel.external and rel.target in self.parts:
                return rel.target
        return None


def _part_name(folder: str, target: str) -> str:
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    return posixpath.normpath(path).lstrip("/")


def parse_xml(data: bytes, where: str) -> etree._Element:
    """XML without entity expansion or network access; DocxError naming `where` when it is not XML."""
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise DocxError(f"Tệp «{where}» bị hỏng: XML không đọc được ({exc}).") from None


def _read_bytes(source: PathOrFile, name: str) -> bytes:
    """The file's bytes: a regular file only, never more than safezip.MAX_FILE (DocxError otherwise)."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise DocxError(f"Không tìm thấy tệp «{name}».")
        if path.is_dir():
            raise DocxError(f"«{name}» không phải là một tệp (có thể là thư mục).")
        try:
            return read_regular(path, MAX_FILE)
        except InputFileError as exc:
            raise DocxError(f"Không đọc được tệp «{name}»: {exc}.") from None
    data = source.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise DocxError(f"Tệp «{name}» quá lớn để là một văn bản Word.")
    return data


def open_package(source: PathOrFile) -> Package:
    """Open a .docx (path or binary file object) and read its XML parts; DocxError if it is no Word file."""
    name = str(source) if isinstance(source, (str, Path)) else getattr(source, "name", "<tệp>")
    data = _read_bytes(source, name)
    if data.startswith(OLE_SIGNATURE):
        if _ENCRYPTED in data:
            raise DocxError(
                f"Tệp «{name}» có đặt mật khẩu (được mã hóa): hãy mở bằng Word, "
                "bỏ mật khẩu (Tệp → Thông tin → Bảo vệ tài liệu) rồi lưu lại dạng .docx."
            )
        raise DocxError(
            f"Tệp «{name}» là tệp Word cũ (.doc), không phải .docx: "
            "hãy mở bằng Word và lưu lại dạng .docx (Tệp → Lưu thành → Word Document)."
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise DocxError(f"Tệp «{name}» không phải văn bản Word .docx (không phải tệp nén ZIP).")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(archive, DOCX)  # sizes, total, ratio and count before anything is inflated
            parts = {
                info.filename.lstrip("/"): archive.read(info)
                for info in archive.infolist()
                if info.filename.endswith((".xml", ".rels"))
            }
    except PackageError as exc:
        raise DocxError(f"Tệp «{name}» không đọc được: {exc}.") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        raise DocxError(f"Tệp «{name}» không phải văn bản Word .docx hợp lệ (tệp nén hỏng: {exc}).") from None
    package = Package(name, parts, "")
    main = package.related("", RT_OFFICE_DOCUMENT) if "_rels/.rels" in parts else None
    if main is None:
        raise DocxError(f"Tệp «{name}» không phải văn bản Word .docx hợp lệ (không có phần văn bản chính).")
    content_type = _content_type(package, main)
    if content_type not in WORD_MAIN_TYPES:
        raise DocxError(f"Tệp «{name}» không phải văn bản Word .docx (loại nội dung {content_type or 'không rõ'}).")
    package.main = main
    for rel in package.relationships(main).values():
        if rel.external and not rel.type.endswith(_EXTERNAL_OK):
            raise DocxError(
                f"Tệp «{name}» có phần {rel.type.rsplit('/', 1)[-1]} trỏ ra ngoài tệp ({rel.target}): "
                "vanban chỉ đọc văn bản chứa đủ các phần bên trong; hãy mở bằng Word và lưu lại."
            )
    return package


def _content_type(package: Package, part: str) -> str | None:
    if "[Content_Types].xml" not in package.parts:
        return None
    types = package.xml("[Content_Types].xml")
    for override in types.iter(q("ct:Override")):
        if (override.get("PartName") or "").lstrip("/") == part:
            return _text(override.get("ContentType"))
    extension = posixpath.splitext(part)[1].lstrip(".")
    for default in types.iter(q("ct:Default")):
        if (default.get("Extension") or "").lower() == extension.lower():
            return _text(default.get("ContentType"))
    return None


def _text(value: object) -> str | None:
    return None if value is None else str(value)
