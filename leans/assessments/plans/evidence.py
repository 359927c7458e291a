"""Evidence files of a change project, checked by content: photos re-encoded from their pixels
alone (no EXIF/GPS, XMP, ICC, text), PDFs kept as uploaded when they hold no script, launch,
embedded file or payload. Plain functions on bytes; every refusal is an ``EvidenceError``."""

from __future__ import annotations

import hashlib
import io
import math
import re
import struct
import threading
import unicodedata
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext as _
from PIL import Image, ImageFile, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

MAX_FILE_BYTES = 5 * 1024 * 1024  # per file
MAX_IMAGE_PIXELS = 40_000_000  # decompression bombs
#: Longest side of a stored photo, in pixels: enough to read a sign or a receipt, and a
#: phone's 12-megapixel photo stays a few hundred kB for a mentor on a slow connection.
MAX_IMAGE_SIDE = 2560
MAX_FILES_PER_REPORT = 5
ACCEPTED = "JPEG, PNG, WebP or PDF"  # as the messages spell it (a test holds them together)

_MB = 1024 * 1024
_STRICT = threading.Lock()
_HEAD = 1024  # where a second header matters (PDF readers look for "%PDF-" this far)
_PDF_WHITESPACE = b" \t\r\n\x0c\x00"
_PDF_MAX_NODES = 500_000
_ACTIVE = frozenset({"/JavaScript", "/JS", "/Launch", "/XFA"})
_EMBEDDED = frozenset({"/EmbeddedFile", "/EmbeddedFiles", "/EF", "/FileAttachment", "/RichMedia"})
# Only long names in the raw bytes: "/JS" turns up by chance in compressed streams.
_RAW_ACTIVE = re.compile(rb"/(?:JavaScript|Launch)(?![A-Za-z0-9#])")
_RAW_EMBEDDED = re.compile(rb"/(?:EmbeddedFiles?|RichMedia)(?![A-Za-z0-9#])")
# A tag boundary after the name: "<svg" alone turns up by chance in about 1% of 5 MB photos.
_MARKUP = re.compile(rb"<(?:script|html|svg)[\s>/]", re.IGNORECASE)
_ZIP_METHODS = frozenset({0, 1, 6, 8, 9, 12, 14, 19, 93, 95, 96, 97, 98, 99})
_MAGIC = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG", b"%PDF-": "PDF"}
_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
_WINDOWS_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL"} | {f"{d}{i}" for d in ("COM", "LPT")
                                                                for i in range(1, 10)})
_REFUSED_MAGIC = {b"GIF8": "GIF", b"II*\x00": "TIFF", b"MM\x00*": "TIFF"}
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1"})


class EvidenceError(ValueError):
    """A file refused; str(error) is a clear, specific sentence for the user, naming the file."""


@dataclass(frozen=True)
class CleanFile:
    """A checked file, ready to store: a safe download name, its real type and its bytes."""

    filename: str
    content_type: str
    data: bytes
    sha256: str
    size: int


def clean_all(files: Sequence[tuple[str, bytes]]) -> list[CleanFile]:
    """Check every file of one report; all or nothing (the first refusal is raised)."""
    if len(files) > MAX_FILES_PER_REPORT:
        raise EvidenceError(_("You chose %(count)s files; at most %(limit)s files can be attached "
                              "to one report. Keep the ones that show the change best.",
                              count=len(files), limit=MAX_FILES_PER_REPORT))
    return [clean_evidence(filename, data) for filename, data in files]


def clean_evidence(filename: str, data: bytes) -> CleanFile:
    """Check one uploaded file by its content; the file to store, or EvidenceError."""
    name = _display_name(filename)
    data = bytes(data)
    if not data:
        raise EvidenceError(_("%(name)s is empty (0 bytes). Choose the file again; if it is "
                              "still empty, save it again on your device first.", name=name))
    if len(data) > MAX_FILE_BYTES:
        size = format_decimal(math.ceil(len(data) * 10 / _MB) / 10, format="#,##0.0")
        raise EvidenceError(_("%(name)s is %(size)s MB; each file may be at most %(limit)s MB. "
                              "Make it smaller (for example a smaller photo or a compressed "
                              "PDF) and upload it again.",
                              name=name, size=size, limit=MAX_FILE_BYTES // _MB))
    kind = _sniff(data)
    if kind is None:
        raise _unaccepted(name, data)
    if kind == "PDF":
        _check_pdf(name, data)
        content_type, stored = "application/pdf", data
    else:
        content_type, stored = _clean_image(name, data, kind)
    return CleanFile(filename=_safe_filename(filename, _EXTENSIONS[content_type]),
                     content_type=content_type, data=stored,
                     sha256=hashlib.sha256(stored).hexdigest(), size=len(stored))


def _display_name(filename: str) -> str:
    """The uploaded name as its owner knows it, for messages: no folders, no control characters."""
    base = re.split(r"[/\\]", str(filename or ""))[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return (base[:77] + "…" if len(base) > 80 else base) or "bukti"


def _safe_filename(filename: str, extension: str) -> str:
    """A download name: the original stem in letters, digits, -_. and the real type's extension."""
    base = re.split(r"[/\\]", str(filename or ""))[-1]
    stem = base.rsplit(".", 1)[0]
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_stem)
    stem = re.sub(r"\.{2,}", ".", stem).strip("._-")[: 100 - len(extension)].rstrip("._-")
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = f"bukti_{stem}"[: 100 - len(extension)]
    return (stem or "bukti") + extension


def _sniff(data: bytes) -> str | None:
    """The accepted type these bytes are ("JPEG", "PNG", "WEBP", "PDF"), by their first bytes."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return next((kind for magic, kind in _MAGIC.items() if data.startswith(magic)), None)


def _refused_kind(data: bytes) -> str | None:
    """The name of a known type that is not accepted (GIF, SVG, HEIC, Office...), if it is one."""
    if data[:4] in _REFUSED_MAGIC:
        return _REFUSED_MAGIC[data[:4]]
    if data[:2] == b"BM" and data[14:18] in (b"\x0c\0\0\0", b"(\0\0\0", b"l\0\0\0", b"|\0\0\0"):
        return "BMP"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        return "HEIC" if brand in _HEIF_BRANDS else "AVIF" if brand[:3] == b"avi" else "MP4/MOV"
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
        return "Office"
    markup = re.search(rb"<(svg|!doctype html|html)", data[:_HEAD], re.IGNORECASE)
    return None if markup is None else "SVG" if markup[1].lower() == b"svg" else "HTML"


def _unaccepted(name: str, data: bytes) -> EvidenceError:
    """The refusal of a file that is none of the accepted types, as specific as it can be."""
    if b"%PDF-" in data[:_HEAD]:
        return EvidenceError(_("%(name)s has a PDF header that does not start at the beginning of "
                               "the file; files are disguised this way, so it was refused. Save "
                               "or print the document again as a new PDF and upload that.",
                               name=name))
    kind = _refused_kind(data)
    if kind == "HEIC":
        return EvidenceError(_("%(name)s is a HEIC photo (the iPhone camera's format), which is "
                               "not accepted. Upload it as JPEG: set Settings > Camera > Formats "
                               "to Most Compatible, or send the photo to yourself by WhatsApp "
                               "or email, which converts it.", name=name))
    if kind == "Office":
        return EvidenceError(_("%(name)s is an Office document or a ZIP archive, which is not "
                               "accepted. Save the document as PDF (File > Save As > PDF) and "
                               "upload each photo or PDF separately.", name=name))
    if kind:
        return EvidenceError(_("%(name)s is in %(kind)s format, which is not accepted. Upload a "
                               "JPEG, PNG, WebP or PDF file instead.", name=name, kind=kind))
    return EvidenceError(_("%(name)s is not a JPEG, PNG, WebP or PDF file (its content was "
                           "checked, not only its name). Upload a photo or a PDF document.",
                           name=name))


def _refuse_hidden(name: str, data: bytes, *, pdf: bool) -> None:
    """Refuse a file that also holds another file type (a polyglot)."""
    kind = ("PDF" if not pdf and b"%PDF-" in data[:_HEAD] else "ZIP" if _has_zip_entry(data)
            else "HTML/SVG" if _MARKUP.search(data[:_HEAD] if pdf else data) else None)
    if kind:
        raise EvidenceError(_("%(name)s contains another file type (%(kind)s) hidden inside it, "
                              "so it was refused for safety. Save the photo or document again "
                              "(for example export a new JPEG, or print to a new PDF) and "
                              "upload that.", name=name, kind=kind))


def _has_zip_entry(data: bytes) -> bool:
    """Whether a well-formed ZIP local file header is anywhere in data (not four chance bytes)."""
    for start in (match.start() for match in re.finditer(rb"PK\x03\x04", data)):
        if start + 30 > len(data):
            return False
        version, _flags, method = struct.unpack_from("<3H", data, start + 4)
        name_length = struct.unpack_from("<H", data, start + 26)[0]
        if (version <= 100 and method in _ZIP_METHODS and 0 < name_length <= 1024
                and start + 30 + name_length <= len(data)):
            return True
    return False


def _clean_image(name: str, data: bytes, kind: str) -> tuple[str, bytes]:
    """Decode an image within the pixel limit, turn it upright and re-encode its pixels alone."""
    _refuse_hidden(name, data, pdf=False)
    too_big = EvidenceError(_("%(name)s has too many pixels to process (the limit is %(limit)s "
                              "megapixels). Reduce the picture's resolution and upload it again.",
                              name=name, limit=MAX_IMAGE_PIXELS // 1_000_000))
    try:
        with _strict_pillow(), Image.open(io.BytesIO(data), formats=[kind]) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise too_big
            image.load()
            pixels = _pixels_only(image)
        if max(pixels.size) > MAX_IMAGE_SIDE:
            pixels.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE), Image.Resampling.LANCZOS)
        return _encode(pixels, kind)
    except EvidenceError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_big from error
    except Exception as error:  # every decoder failure: truncated, corrupt, hostile
        raise EvidenceError(_("%(name)s looks like a %(kind)s picture but cannot be read "
                              "completely: it is damaged or was not fully copied. Open it on "
                              "your device, save it again and upload that copy.",
                              name=name, kind="WebP" if kind == "WEBP" else kind)) from error


@contextmanager
def _strict_pillow() -> Iterator[None]:
    """Pillow refusing truncated data and warning bombs, whatever the process set (WeasyPrint
    turns ``LOAD_TRUNCATED_IMAGES`` on when imported); one decode at a time."""
    with _STRICT, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        before, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def _pixels_only(image: Image.Image) -> Image.Image:
    """The image upright (EXIF orientation), as a new image of its pixels alone: L, RGB or RGBA."""
    with suppress(Exception):  # an unreadable orientation is ignored, its EXIF dropped below
        image = ImageOps.exif_transpose(image)
    if image.mode.startswith("I"):  # 16-bit greyscale: scaled, not clipped to white
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    grey = "L" if image.mode in ("1", "L") else "RGB"
    mode = "RGBA" if image.has_transparency_data else grey
    if image.mode != mode:
        image = image.convert(mode)
    return Image.frombytes(mode, image.size, image.tobytes())


def _encode(image: Image.Image, kind: str) -> tuple[str, bytes]:
    """PNG for PNG and anything with alpha, else JPEG at quality 85; no metadata is passed."""
    out = io.BytesIO()
    if kind == "PNG" or image.mode == "RGBA":
        image.save(out, "PNG")
        return "image/png", out.getvalue()
    image.save(out, "JPEG", quality=85, optimize=True)
    return "image/jpeg", out.getvalue()


def _check_pdf_bytes(name: str, data: bytes) -> None:
    """Refuse a PDF holding another file type, without its end marker or with bytes after it."""
    _refuse_hidden(name, data, pdf=True)
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise EvidenceError(_("%(name)s is an incomplete PDF (its end marker is missing): it was "
                              "probably not fully downloaded or copied. Save it again and upload "
                              "that copy.", name=name))
    if data[end + 5:].strip(_PDF_WHITESPACE):
        raise EvidenceError(_("%(name)s has extra data after the end of the PDF; files are "
                              "hidden this way, so it was refused. Save or print the document "
                              "again as a new PDF and upload that.", name=name))


def _check_pdf(name: str, data: bytes) -> None:
    """Refuse a PDF with a payload, a password, no page, script, launch or embedded content."""
    _check_pdf_bytes(name, data)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
        found = set() if encrypted else _pdf_names(reader)
    except Exception as error:  # every pypdf failure, whatever its class
        raise EvidenceError(_("%(name)s starts like a PDF but cannot be read as one: it is "
                              "damaged or incomplete. Open it on your device, save or print it "
                              "again as a new PDF and upload that.", name=name)) from error
    if encrypted:
        raise EvidenceError(_("%(name)s is protected by a password or encryption, so it cannot "
                              "be checked. Save a copy without protection and upload that.",
                              name=name))
    if not pages:
        raise EvidenceError(_("%(name)s is a PDF without any page. Upload the PDF that holds "
                              "the document.", name=name))
    if found & _ACTIVE or _RAW_ACTIVE.search(data):
        raise EvidenceError(_("%(name)s contains JavaScript or an action that starts a program; "
                              "such PDFs are refused for safety. Print the document again to a "
                              "new PDF (\"Print to PDF\") and upload that.", name=name))
    if found & _EMBEDDED or _RAW_EMBEDDED.search(data):
        raise EvidenceError(_("%(name)s has other files or media embedded in it. Upload each "
                              "photo or document as a separate JPEG, PNG, WebP or PDF file.",
                              name=name))


def _pdf_names(reader: PdfReader) -> set[str]:
    """The watched names (script, launch, embedded files) used anywhere in the object tree."""
    watched, found, seen = _ACTIVE | _EMBEDDED, set(), set()
    stack: list[object] = [reader.trailer]
    for _step in range(_PDF_MAX_NODES):
        if not stack:
            return found
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            found.update(key for key in dict.keys(node) if key in watched)
            stack.extend(dict.values(node))  # dict's own: a TreeObject iterates its children
        elif isinstance(node, ArrayObject):
            stack.extend(node)
        elif isinstance(node, NameObject) and node in watched:
            found.add(str(node))
    raise ValueError("the PDF has too many objects to check")
