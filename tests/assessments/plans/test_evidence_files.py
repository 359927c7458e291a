"""Evidence files (``leans.assessments.plans.evidence``): types decided by content, images
re-encoded without metadata, hostile PDFs and polyglots refused, only EvidenceError ever raised.

Every file is built here with Pillow, pypdf and zipfile; no app, no database.
"""

from __future__ import annotations

import hashlib
import io
import random
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable

import pytest
from flask import Flask
from flask_babel import Babel
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageCms, ImageFile
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, StreamObject, TextStringObject

from leans.assessments.plans.evidence import (
    ACCEPTED,
    MAX_FILE_BYTES,
    MAX_FILES_PER_REPORT,
    MAX_IMAGE_PIXELS,
    MAX_IMAGE_SIDE,
    CleanFile,
    EvidenceError,
    clean_all,
    clean_evidence,
)

GPS = {1: "S", 2: (7.0, 9.0, 12.5), 3: "E", 4: (111.0, 53.0, 7.25)}  # Bojonegoro


def image_bytes(fmt: str, image: Image.Image | None = None, **save: object) -> bytes:
    """An image file in ``fmt`` (a 40x30 red RGB picture unless given)."""
    out = io.BytesIO()
    (image or Image.new("RGB", (40, 30), "red")).save(out, fmt, **save)
    return out.getvalue()


def noisy(size: tuple[int, int] = (64, 48)) -> Image.Image:
    """A picture of random pixels: its compressed data fills the whole file."""
    return Image.frombytes("RGB", size, random.Random(7).randbytes(size[0] * size[1] * 3))


def pdf_bytes(build: Callable[[PdfWriter], None] | None = None, pages: int = 1) -> bytes:
    """A PDF written by pypdf, with ``pages`` blank pages and ``build`` applied to the writer."""
    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(200, 200)
    if build:
        build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def open_action(action: dict[str, str]) -> Callable[[PdfWriter], None]:
    """A writer step that sets the document's /OpenAction to this action dictionary."""
    def build(writer: PdfWriter) -> None:
        entries = {NameObject(k): NameObject(v) if v.startswith("/")
                   else TextStringObject(v) for k, v in action.items()}
        writer.root_object[NameObject("/OpenAction")] = writer._add_object(
            DictionaryObject(entries))
    return build


def png_declaring(width: int, height: int, *, rows: bool) -> bytes:
    """A 1-bit greyscale PNG of width x height: all its (black) rows, or only the header."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(bytes((1 + (width + 7) // 8) * height), 9) if rows else b""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + (chunk(b"IDAT", idat) if rows else b"")
            + chunk(b"IEND", b""))


def png_chunks(data: bytes) -> list[bytes]:
    """The chunk types of a PNG file, in order."""
    kinds, at = [], 8
    while at < len(data):
        length, kind = struct.unpack_from(">I4s", data, at)
        kinds.append(kind)
        at += 12 + length
    return kinds


def jpeg_markers(data: bytes) -> list[int]:
    """The segment markers of a JPEG file up to its scan (SOS)."""
    markers, at = [], 2
    while data[at + 1] != 0xDA:
        markers.append(data[at + 1])
        at += 2 + struct.unpack_from(">H", data, at + 2)[0]
    return markers


def refusal(filename: str, data: bytes) -> str:
    """The message of the EvidenceError this file gets."""
    with pytest.raises(EvidenceError) as caught:
        clean_evidence(filename, data)
    return str(caught.value)


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", "<p>hidden</p>")
    return out.getvalue()


# Images: metadata, orientation, re-encoding


def test_a_jpeg_with_gps_comes_out_without_any_exif():
    exif = Image.Exif()
    exif[0x8825] = GPS
    exif[0x010F] = "Kamera HP"
    original = image_bytes("JPEG", exif=exif)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the GPS is there

    clean = clean_evidence("IMG_0001.jpg", original)
    assert clean.content_type == "image/jpeg" and clean.data.startswith(b"\xff\xd8\xff")
    assert len(Image.open(io.BytesIO(clean.data)).getexif()) == 0
    assert b"Exif" not in clean.data and b"Kamera" not in clean.data
    assert clean.sha256 == hashlib.sha256(clean.data).hexdigest()
    assert clean.size == len(clean.data) and clean.filename == "IMG_0001.jpg"


def test_jpeg_comment_icc_profile_and_xmp_are_dropped():
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = image_bytes("JPEG", comment=b"rahasia", icc_profile=icc,
                           xmp=b"<x:xmpmeta>rahasia</x:xmpmeta>")
    assert {0xE2, 0xFE} <= set(jpeg_markers(original))

    clean = clean_evidence("a.jpg", clean_evidence("a.jpg", original).data)
    markers = set(jpeg_markers(clean.data))
    assert markers.isdisjoint(range(0xE1, 0xF0)) and 0xFE not in markers  # APP1-15, COM
    assert b"rahasia" not in clean.data


def test_exif_orientation_is_applied():
    picture = Image.new("RGB", (40, 20), "blue")
    picture.paste("red", (0, 0, 20, 20))  # left half red
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned 90 degrees clockwise: the left half on top
    clean = clean_evidence("miring.jpg", image_bytes("JPEG", picture, exif=exif))

    upright = Image.open(io.BytesIO(clean.data)).convert("RGB")
    assert upright.size == (20, 40)
    top, bottom = upright.getpixel((10, 5)), upright.getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60 and bottom[2] > 200 and bottom[0] < 60


def test_png_text_chunks_icc_and_exif_are_dropped():
    info = PngInfo()
    info.add_text("Comment", "rahasia lokasi")
    info.add_text("Author", "rahasia", zip=True)
    info.add_itxt("Description", "rahasia", lang="id")
    exif = Image.Exif()
    exif[0x8825] = GPS
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = image_bytes("PNG", pnginfo=info, exif=exif, icc_profile=icc, dpi=(300, 300))
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP", b"pHYs"} <= set(png_chunks(original))

    clean = clean_evidence("denah.png", original)
    assert clean.content_type == "image/png"
    assert set(png_chunks(clean.data)) == {b"IHDR", b"IDAT", b"IEND"}
    assert b"rahasia" not in clean.data and Image.open(io.BytesIO(clean.data)).info == {}


def test_webp_becomes_jpeg_and_webp_with_alpha_becomes_png():
    clean = clean_evidence("foto.webp", image_bytes("WEBP"))
    assert (clean.content_type, clean.filename) == ("image/jpeg", "foto.jpg")
    assert Image.open(io.BytesIO(clean.data)).format == "JPEG"

    see_through = image_bytes("WEBP", Image.new("RGBA", (20, 20), (255, 0, 0, 100)))
    clean = clean_evidence("stiker.webp", see_through)
    assert (clean.content_type, clean.filename) == ("image/png", "stiker.png")
    assert Image.open(io.BytesIO(clean.data)).mode == "RGBA"


def test_a_sixteen_bit_png_keeps_its_grey_levels():
    clean = clean_evidence("scan.png", image_bytes("PNG", Image.new("I;16", (8, 8), 40000)))
    assert Image.open(io.BytesIO(clean.data)).getpixel((0, 0)) == 40000 // 256


@pytest.mark.parametrize(("filename", "fmt", "content_type", "stored_as"), [
    ("foto.jpg", "PNG", "image/png", "foto.png"),
    ("laporan.pdf", "JPEG", "image/jpeg", "laporan.jpg"),
    ("tanpa-ekstensi", "PNG", "image/png", "tanpa-ekstensi.png"),
])
def test_the_content_decides_the_type_not_the_name(filename, fmt, content_type, stored_as):
    clean = clean_evidence(filename, image_bytes(fmt))
    assert (clean.content_type, clean.filename) == (content_type, stored_as)


# Refusals: empty, too big, unknown, damaged, bombs


def test_an_empty_file_is_refused():
    message = refusal("kosong.jpg", b"")
    assert "kosong.jpg" in message and "empty" in message


def test_a_file_just_over_the_limit_is_refused_with_both_sizes():
    message = refusal("besar.pdf", pdf_bytes().ljust(MAX_FILE_BYTES + 1, b"\n"))
    assert "besar.pdf" in message and "5.1 MB" in message and "at most 5 MB" in message


def test_a_file_exactly_at_the_limit_is_accepted_unchanged():
    padded = pdf_bytes().ljust(MAX_FILE_BYTES, b"\n")
    clean = clean_evidence("pas.pdf", padded)
    assert clean.size == MAX_FILE_BYTES and clean.data == padded


@pytest.mark.parametrize(("filename", "data", "named"), [
    ("laporan.pdf", b"Laporan kegiatan desa.\n", ACCEPTED),
    ("gerak.gif", image_bytes("GIF"), "GIF"),
    ("peta.bmp", image_bytes("BMP"), "BMP"),
    ("peta.tif", image_bytes("TIFF"), "TIFF"),
    ("logo.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
                 b"<script>alert(1)</script></svg>", "SVG"),
    ("foto.jpg", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + bytes(100), "iPhone"),
    ("laporan.docx", zip_bytes(), "Save As > PDF"),
    ("acak.jpg", bytes(range(256)) * 4, ACCEPTED),
    ("suara.webp", b"RIFF\x24\0\0\0WAVEfmt " + bytes(40), ACCEPTED),
])
def test_files_of_other_types_are_refused_by_name_and_type(filename, data, named):
    message = refusal(filename, data)
    assert filename in message and named in message


def test_a_truncated_jpeg_is_refused_though_weasyprint_lets_pillow_load_them(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as importing WeasyPrint does
    whole = image_bytes("JPEG", noisy(), quality=95)
    clean_evidence("utuh.jpg", whole)
    message = refusal("putus.jpg", whole[: len(whole) // 2])
    assert "putus.jpg" in message and "cannot be read" in message and "JPEG" in message
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as it was for WeasyPrint


def test_a_png_with_a_damaged_byte_is_refused(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    whole = bytearray(image_bytes("PNG", noisy()))
    whole[-20] ^= 0xFF  # the zlib checksum ending the last IDAT
    assert "cannot be read" in refusal("rusak.png", bytes(whole))


def test_a_png_declaring_fifty_thousand_squared_pixels_is_refused():
    message = refusal("bom.png", png_declaring(50_000, 50_000, rows=False))
    assert "bom.png" in message and "too many pixels" in message and "40 megapixels" in message


def test_pillows_bomb_warning_is_a_refusal_not_a_warning():
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert "too many pixels" in refusal("bom.png", png_declaring(10_000, 10_000, rows=False))
    assert not [w for w in seen if issubclass(w.category, Image.DecompressionBombWarning)]


def test_a_whole_png_just_over_our_pixel_limit_is_refused_under_pillows_limit():
    assert MAX_IMAGE_PIXELS < 8000 * 6000 < Image.MAX_IMAGE_PIXELS
    assert "too many pixels" in refusal("besar.png", png_declaring(8000, 6000, rows=True))


def test_a_png_exactly_at_the_pixel_limit_is_accepted():
    """Accepted (then stored at most MAX_IMAGE_SIDE pixels on its longest side)."""
    clean = clean_evidence("pas.png", png_declaring(8000, MAX_IMAGE_PIXELS // 8000, rows=True))
    assert Image.open(io.BytesIO(clean.data)).size == (MAX_IMAGE_SIDE, MAX_IMAGE_SIDE * 5 // 8)


# Polyglots


def test_a_jpeg_with_a_zip_appended_is_refused():
    message = refusal("foto.jpg", image_bytes("JPEG") + zip_bytes())
    assert "foto.jpg" in message and "another file type (ZIP)" in message


def test_chance_bytes_like_a_zip_signature_are_not_a_zip():
    clean_evidence("foto.jpg", image_bytes("JPEG") + b"PK\x03\x04" + b"\xff" * 40)


def test_a_jpeg_with_script_in_its_comment_is_refused():
    message = refusal("foto.jpg", image_bytes("JPEG", comment=b"<SCRIPT>alert(1)</SCRIPT>"))
    assert "foto.jpg" in message and "another file type (HTML/SVG)" in message


@pytest.mark.parametrize("markup", [b"<html><body>", b"<svg onload=alert(1)>", b"<script>x"])
def test_markup_anywhere_in_an_image_is_refused(markup):
    picture = image_bytes("PNG", noisy())
    assert len(picture) > 4096
    assert "(HTML/SVG)" in refusal("foto.png", picture + markup)


def test_chance_bytes_like_a_tag_are_not_markup():
    clean_evidence("foto.jpg", image_bytes("JPEG") + b"<svgA<htmlZ<scriptQ")


def test_a_png_with_a_pdf_header_near_its_start_is_refused():
    info = PngInfo()
    info.add_text("Comment", "%PDF-1.7")
    assert "another file type (PDF)" in refusal("denah.png", image_bytes("PNG", pnginfo=info))


# PDFs


def test_a_valid_pdf_is_stored_unchanged():
    original = pdf_bytes(pages=2)
    clean = clean_evidence("../Laporan Akhir.pdf", original)
    assert clean == CleanFile(filename="Laporan_Akhir.pdf", content_type="application/pdf",
                              data=original, sha256=hashlib.sha256(original).hexdigest(),
                              size=len(original))


def test_a_pdf_header_after_the_start_is_refused():
    message = refusal("dok.pdf", b"0123456789" + pdf_bytes())
    assert "dok.pdf" in message and "does not start at the beginning" in message


def test_javascript_in_the_document_name_tree_is_refused():
    data = pdf_bytes(lambda w: w.add_open_action(JavaScript("app.alert('hai');")))
    assert "JavaScript" in refusal("dok.pdf", data)


@pytest.mark.parametrize("action", [
    {"/S": "/JavaScript", "/JS": "app.alert(1)"},
    {"/S": "/Launch", "/F": "cmd.exe"},
])
def test_an_open_action_that_runs_code_is_refused(action):
    message = refusal("dok.pdf", pdf_bytes(open_action(action)))
    assert "dok.pdf" in message and "JavaScript or an action that starts a program" in message


def test_javascript_names_spelled_with_hex_escapes_are_still_found():
    plain = pdf_bytes(open_action({"/S": "/JavaScript", "/JS": "app.alert(1)"}))
    hidden = plain.replace(b"/S /JavaScript", b"/S /J#61vaScript").replace(b"/JS (", b"/J#53 (")
    assert b"/JavaScript" not in hidden and b"/JS " not in hidden
    assert PdfReader(io.BytesIO(hidden)).root_object["/OpenAction"]["/S"] == "/JavaScript"
    assert "JavaScript" in refusal("dok.pdf", hidden)


def test_javascript_in_an_object_nothing_refers_to_is_refused():
    def orphan(writer: PdfWriter) -> None:
        writer._add_object(DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                             NameObject("/JS"): TextStringObject("x")}))
    data = pdf_bytes(orphan)
    assert b"/JavaScript" in data  # written, though nothing refers to it
    assert "JavaScript" in refusal("dok.pdf", data)


@pytest.mark.parametrize(("entry", "value", "says"), [
    ("/AcroForm", {"/XFA": "<xdp:xdp/>"}, "JavaScript or an action"),
    ("/Extra", {"/Subtype": "/RichMedia"}, "embedded"),
])
def test_xfa_forms_and_rich_media_are_refused(entry, value, says):
    def build(writer: PdfWriter) -> None:
        writer.root_object[NameObject(entry)] = DictionaryObject({
            NameObject(k): NameObject(v) if v.startswith("/") else TextStringObject(v)
            for k, v in value.items()})
    assert says in refusal("dok.pdf", pdf_bytes(build))


def test_an_embedded_file_is_refused():
    message = refusal("dok.pdf", pdf_bytes(lambda w: w.add_attachment("x.exe", b"MZ")))
    assert "dok.pdf" in message and "embedded" in message and ACCEPTED in message


def test_an_encrypted_pdf_is_refused():
    message = refusal("dok.pdf", pdf_bytes(lambda w: w.encrypt("", "pemilik")))
    assert "dok.pdf" in message and "password" in message


def test_a_pdf_without_pages_is_refused():
    assert "without any page" in refusal("dok.pdf", pdf_bytes(pages=0))


def test_bytes_appended_after_the_end_of_a_pdf_are_refused():
    clean_evidence("dok.pdf", pdf_bytes() + b"\r\n \x00\n")  # trailing whitespace is fine
    message = refusal("dok.pdf", pdf_bytes() + b"MZ\x90\x00payload")
    assert "dok.pdf" in message and "extra data after the end" in message


def test_a_pdf_without_its_end_marker_is_refused():
    assert "end marker is missing" in refusal("dok.pdf", pdf_bytes().replace(b"%%EOF", b""))


def test_a_pdf_that_cannot_be_parsed_is_refused():
    assert "cannot be read as one" in refusal("dok.pdf", b"%PDF-1.7\nnot really\n%%EOF\n")


def test_a_pdf_with_html_near_its_start_or_a_zip_inside_is_refused():
    html = pdf_bytes().replace(b"\n", b"\n%<html><script>alert(1)</script>\n", 1)
    assert "another file type (HTML/SVG)" in refusal("dok.pdf", html)

    def zip_page(writer: PdfWriter) -> None:
        stream = StreamObject()
        stream.set_data(zip_bytes())
        writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)
    assert "another file type (ZIP)" in refusal("dok.pdf", pdf_bytes(zip_page))


# Many files, names, messages


def test_clean_all_is_all_or_nothing():
    assert clean_all([]) == []
    good = [("a.jpg", image_bytes("JPEG")), ("b.pdf", pdf_bytes())]
    assert [f.filename for f in clean_all(good)] == ["a.jpg", "b.pdf"]
    with pytest.raises(EvidenceError, match="c.gif"):
        clean_all([*good, ("c.gif", image_bytes("GIF")), ("d.png", image_bytes("PNG"))])


def test_clean_all_refuses_more_files_than_one_report_holds():
    files = [(f"{n}.jpg", image_bytes("JPEG")) for n in range(MAX_FILES_PER_REPORT + 1)]
    assert len(clean_all(files[:MAX_FILES_PER_REPORT])) == MAX_FILES_PER_REPORT
    with pytest.raises(EvidenceError, match=r"You chose 6 files; at most 5"):
        clean_all(files)


@pytest.mark.parametrize(("uploaded", "stored"), [
    ("../../etc/passwd.jpg", "passwd.jpg"),
    ("..\\..\\Windows\\win.ini.jpg", "win.ini.jpg"),
    ("Foto Désa Ngasém — hari 1.jpeg", "Foto_Desa_Ngasem_hari_1.jpg"),
    ("फ़ोटो.jpg", "bukti.jpg"),
    ("", "bukti.jpg"),
    (".jpg", "bukti.jpg"),
    ("..", "bukti.jpg"),
    ("CON.jpg", "bukti_CON.jpg"),
    ("nama..dengan...titik.jpg", "nama.dengan.titik.jpg"),
    ("<img src=x onerror=alert(1)>.jpg", "img_src_x_onerror_alert_1.jpg"),
    ("x" * 300 + ".jpg", "x" * 96 + ".jpg"),
])
def test_download_names_are_sanitised(uploaded, stored):
    assert clean_evidence(uploaded, image_bytes("JPEG")).filename == stored


def test_messages_name_the_file_without_its_folders():
    message = refusal("C:\\rahasia\\folder/gerak.gif", image_bytes("GIF"))
    assert message.startswith("gerak.gif ") and "rahasia" not in message


def test_messages_work_in_a_request_in_indonesian_number_format():
    app = Flask(__name__)
    Babel(app, default_locale="id")
    with app.test_request_context():
        message = refusal("besar.pdf", pdf_bytes().ljust(MAX_FILE_BYTES + 1, b"\n"))
    assert "besar.pdf" in message and "5,1 MB" in message


# Hostile bytes: only EvidenceError, never anything else

VALID = {"jpg": image_bytes("JPEG", noisy()), "png": image_bytes("PNG", noisy()),
         "webp": image_bytes("WEBP", noisy()), "pdf": pdf_bytes(pages=2)}


def answers_or_explains(filename: str, data: bytes) -> None:
    """A CleanFile or an EvidenceError with a message, never another exception."""
    try:
        clean = clean_evidence(filename, data)
    except EvidenceError as error:
        assert str(error)
    else:
        assert clean.size == len(clean.data) <= MAX_FILE_BYTES * 4


def shorter_idat(png: bytes) -> bytes:
    """The PNG with its IDAT length field 24 bytes short: the next chunk is read mid-data."""
    at = png.index(b"IDAT") - 4
    return png[:at] + struct.pack(">I", struct.unpack_from(">I", png, at)[0] - 24) + png[at + 4:]


@pytest.mark.parametrize("data", [
    shorter_idat(VALID["png"]),  # Pillow raises SyntaxError, not OSError
    VALID["pdf"].replace(b"xref\n0 6", b"xref\n/ 6"),  # pypdf raises TypeError
    VALID["pdf"].replace(b"trailer\n<<", b"trailer0<<"),  # pypdf raises AttributeError
], ids=["png-chunk-length", "pdf-xref-name", "pdf-trailer-number"])
def test_decoder_failures_of_any_class_become_evidence_errors(data):
    assert "cannot be read" in refusal("rusak", data)


PDF_TOKENS = b"0123456789<>[]()/ Robjendxref\n"


@pytest.mark.parametrize("kind", sorted(VALID))
def test_every_truncation_and_mutation_of_a_valid_file_answers_or_explains(kind):
    valid, rng = VALID[kind], random.Random(kind)
    for cut in sorted({*rng.sample(range(len(valid)), 60), *range(0, 40)}):
        answers_or_explains(f"x.{kind}", valid[:cut])
    for _round in range(120):
        mutated = bytearray(valid)
        for _flip in range(rng.randint(1, 8)):
            mutated[rng.randrange(len(mutated))] = rng.choice(PDF_TOKENS if kind == "pdf"
                                                              and rng.random() < 0.5
                                                              else range(256))
        answers_or_explains(f"x.{kind}", bytes(mutated))


MAGIC = [b"", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\0\0\0\0WEBPVP8 ", b"%PDF-1.7\n",
         b"GIF89a", b"BM"]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.sampled_from(MAGIC), st.binary(max_size=2000), st.text(max_size=40))
def test_random_bytes_behind_any_signature_answer_or_explain(magic, body, filename):
    answers_or_explains(filename, magic + body)


@pytest.mark.parametrize(("size", "stored"), [
    ((4000, 3000), (2560, 1920)),   # a phone's 12-megapixel photo, landscape
    ((3000, 4000), (1920, 2560)),   # portrait
    ((2560, 1440), (2560, 1440)),   # exactly at the limit: kept
    ((640, 480), (640, 480)),       # small: never enlarged
])
def test_large_photos_are_stored_at_most_2560_pixels_on_their_longest_side(size, stored):
    photo = clean_evidence("foto.jpg", image_bytes("JPEG", Image.new("RGB", size, "green")))
    with Image.open(io.BytesIO(photo.data)) as image:
        assert image.size == stored
    assert max(stored) <= MAX_IMAGE_SIDE
