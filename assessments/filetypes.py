"""What kind of file an upload really is, read from its bytes (magic numbers), never from its name.

A program renamed "bien-ban.pdf" still starts with "MZ" and is refused. Office files are
containers, so the container is opened: OOXML (docx/xlsx/pptx) and OpenDocument are ZIP archives
with a telling member; legacy doc/xls/ppt are OLE compound files, which installers (.msi) also
are, so the stream naming the application must be present. Macro-carrying documents are refused.
"""

import zipfile
from dataclasses import dataclass

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class FileType:
    kind: str  # short name used in settings.EVIDENCE_ALLOWED_TYPES
    content_type: str
    extension: str


TYPES = {
    t.kind: t
    for t in (
        FileType("pdf", "application/pdf", "pdf"),
        FileType("png", "image/png", "png"),
        FileType("jpeg", "image/jpeg", "jpg"),
        FileType("gif", "image/gif", "gif"),
        FileType("webp", "image/webp", "webp"),
        FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
        FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        FileType("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
        FileType("doc", "application/msword", "doc"),
        FileType("xls", "application/vnd.ms-excel", "xls"),
        FileType("ppt", "application/vnd.ms-powerpoint", "ppt"),
        FileType("odt", "application/vnd.oasis.opendocument.text", "odt"),
        FileType("ods", "application/vnd.oasis.opendocument.spreadsheet", "ods"),
        FileType("odp", "application/vnd.oasis.opendocument.presentation", "odp"),
    )
}

_OOXML_PARTS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
_ODF_TYPES = {TYPES[k].content_type: k for k in ("odt", "ods", "odp")}
# Stream names of an OLE file, as stored in its directory (UTF-16LE).
_OLE_STREAMS = {"WordDocument": "doc", "Workbook": "xls", "Book": "xls", "PowerPoint Document": "ppt"}
_OLE_MACROS = ("_VBA_PROJECT", "Macros")


def detect(upload) -> FileType | None:
    """The type of `upload` (a Django File), or None when it is none we know or it carries macros."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return TYPES["pdf"]
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return TYPES["png"]
        if head.startswith(b"\xff\xd8\xff"):
            return TYPES["jpeg"]
        if head.startswith((b"GIF87a", b"GIF89a")):
            return TYPES["gif"]
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return TYPES["webp"]
        if head.startswith(ZIP_MAGIC):
            return _detect_zip(upload)
        if head.startswith(OLE_MAGIC):
            return _detect_ole(upload.read())
        return None
    finally:
        upload.seek(0)


def _detect_zip(upload) -> FileType | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                kind = _ODF_TYPES.get(archive.read("mimetype").decode("ascii", "replace").strip())
                has_macros = any(n.startswith("Basic/") or n.startswith("Scripts/") for n in names)
                return TYPES[kind] if kind and not has_macros else None
            if "[Content_Types].xml" not in names or any(n.endswith("vbaProject.bin") for n in names):
                return None
            for prefix, kind in _OOXML_PARTS.items():
                if any(n.startswith(prefix) for n in names):
                    return TYPES[kind]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return None
    return None


def _detect_ole(data: bytes) -> FileType | None:
    if any(name.encode("utf-16-le") in data for name in _OLE_MACROS):
        return None
    for name, kind in _OLE_STREAMS.items():
        if name.encode("utf-16-le") + b"\x00\x00" in data:
            return TYPES[kind]
    return None
