"""The one error for a file that cannot be read as a Word document."""

from __future__ import annotations


class DocxError(Exception):
    """The file cannot be read as a Word (.docx) document; the message is in Vietnamese and names the file.

    Raised for a missing file or a folder, a file that is not a ZIP, an old binary .doc, a
    password-protected (encrypted) document, a ZIP that holds no Word document or misses a part
    the document names, and XML that cannot be parsed.
    """
