"""Photos and documents on a concern: what is accepted, and what a stored photo no longer
carries (issue 22). The pictures are made here with Pillow; each stored file is opened
again from the storage and looked at."""

import io
import struct
import time
import zlib

import pillow_heif
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, ImageFile

from concerns import attachments
from concerns.attachments import (
    MAX_FILE_BYTES,
    MAX_SIDE,
    THUMB_SIDE,
    add_attachment,
    clean_label,
    prepare_photo,
    prepare_upload,
)
from concerns.models import Attachment
from tests.factories import ConcernFactory

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE, MODEL = 0x010F, 0x0110
# Chicago, in the EXIF GPS form: degrees, minutes, seconds as rationals.
GPS = {1: "N", 2: (41.0, 52.0, 44.0), 3: "W", 4: (87.0, 37.0, 22.0)}

# --- Pictures made for the tests ----------------------------------------------------------


def exif_with_gps(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[MAKE] = "SpyCam"
    exif[MODEL] = "Serial-0042"
    if orientation:
        exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update(GPS)
    return exif


def jpeg_bytes(size=(64, 48), color=(200, 30, 30), exif=None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG", exif=exif or Image.Exif())
    return out.getvalue()


def png_bytes(size=(40, 30), mode="RGBA", color=(0, 128, 0, 100)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format="PNG")
    return out.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_header_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header says it is width x height: a decompression bomb's shape."""
    data = bytearray(png_bytes(size=(1, 1), mode="RGB", color=(0, 0, 0)))
    ihdr = bytearray(data[16:29])  # width, height, depth, colour type, ... after "IHDR"
    ihdr[0:8] = struct.pack(">II", width, height)
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + bytes(ihdr)))
    return bytes(data)


def stored(attachment: Attachment, thumbnail=False) -> bytes:
    field = attachment.thumbnail if thumbnail else attachment.file
    with field.open("rb") as handle:
        return handle.read()


def photo_on(concern, by, data=None, name="photo.jpg") -> Attachment:
    prepared = prepare_upload(upload(data or jpeg_bytes(), name))
    return add_attachment(concern=concern, by=by, prepared=prepared)


# --- A photo keeps its pixels and nothing else ---------------------------------------------


def test_photo_loses_its_gps_position_and_every_other_tag(db, officer):
    original = jpeg_bytes(exif=exif_with_gps())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # it had one

    attachment = photo_on(ConcernFactory(reported_by=officer), officer, original)

    for thumbnail in (False, True):
        data = stored(attachment, thumbnail)
        again = Image.open(io.BytesIO(data))
        assert again.format == "JPEG"
        assert dict(again.getexif()) == {}
        assert again.getexif().get_ifd(GPS_IFD) == {}
        assert "exif" not in again.info and "icc_profile" not in again.info
        assert b"Exif" not in data and b"SpyCam" not in data and b"Serial-0042" not in data
    assert attachment.content_type == "image/jpeg" and attachment.size == len(stored(attachment))


def test_photo_loses_its_colour_profile_comment_xmp_and_anything_after_its_end():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    Image.new("RGB", (50, 50), (10, 20, 30)).save(
        out,
        format="JPEG",
        icc_profile=profile,
        comment=b"owner: J. Resident",
        xmp=b"<x:xmpmeta>GPSLatitude 41.88</x:xmpmeta>",
    )
    sent = out.getvalue() + b"hidden message after the end"
    assert b"J. Resident" in sent and b"GPSLatitude" in sent

    prepared = prepare_photo(upload(sent))

    again = Image.open(io.BytesIO(prepared.content))
    assert not {"icc_profile", "comment", "xmp", "exif"} & set(again.info)
    for leftover in (b"J. Resident", b"GPSLatitude", b"hidden message", profile[:40]):
        assert leftover not in prepared.content


def test_photo_is_turned_upright_by_its_orientation_tag(db, officer):
    # Left half red, right half blue, tagged "rotate 90° clockwise to show" (orientation 6).
    image = Image.new("RGB", (80, 40), (255, 0, 0))
    image.paste((0, 0, 255), (40, 0, 80, 40))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95, exif=exif_with_gps(orientation=6))

    attachment = photo_on(ConcernFactory(reported_by=officer), officer, out.getvalue())

    upright = Image.open(io.BytesIO(stored(attachment))).convert("RGB")
    assert upright.size == (40, 80) == (attachment.width, attachment.height)
    top, bottom = upright.getpixel((20, 10)), upright.getpixel((20, 70))
    assert top[0] > 200 and top[2] < 60  # red now on top
    assert bottom[2] > 200 and bottom[0] < 60  # blue below
    assert ORIENTATION not in Image.open(io.BytesIO(stored(attachment))).getexif()


def test_png_with_transparency_stays_a_png_with_its_alpha(db, officer):
    attachment = photo_on(
        ConcernFactory(reported_by=officer), officer, png_bytes(), name="sign.png"
    )
    again = Image.open(io.BytesIO(stored(attachment)))
    assert (again.format, again.mode, attachment.content_type) == ("PNG", "RGBA", "image/png")
    assert again.getpixel((5, 5))[3] == 100
    assert Image.open(io.BytesIO(stored(attachment, thumbnail=True))).format == "PNG"


def test_opaque_png_and_webp_become_jpeg():
    opaque = prepare_upload(upload(png_bytes(color=(1, 2, 3, 255)), "screen.png"))
    webp = io.BytesIO()
    Image.new("RGB", (30, 30), (9, 9, 9)).save(webp, format="WEBP")
    from_webp = prepare_photo(upload(webp.getvalue(), "phone.webp", "image/webp"))
    assert opaque.content_type == from_webp.content_type == "image/jpeg"


def test_heic_from_a_phone_is_read_and_stored_as_jpeg_without_its_tags():
    # The pinned pillow-heif wheel carries libheif with an encoder: the test makes its own
    # HEIC, and fails (never skips) on a machine whose build cannot.
    assert pillow_heif.libheif_info().get("HEIF"), "pillow-heif has no HEIC encoder here"
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 10)).save(
        out, format="HEIF", exif=exif_with_gps().tobytes()
    )
    heic = out.getvalue()
    assert heic[4:12] == b"ftypheic" and b"SpyCam" in heic

    prepared = prepare_photo(upload(heic, "IMG_0001.HEIC", "image/heic"))

    again = Image.open(io.BytesIO(prepared.content))
    assert again.format == "JPEG" and again.size == (64, 48)
    assert dict(again.getexif()) == {} and b"SpyCam" not in prepared.content


def test_large_photo_is_shrunk_and_gets_a_small_thumbnail():
    prepared = prepare_upload(upload(jpeg_bytes(size=(4000, 1000))))
    assert (prepared.width, prepared.height) == (MAX_SIDE, MAX_SIDE // 4)
    thumb = Image.open(io.BytesIO(prepared.thumbnail))
    assert thumb.size == (THUMB_SIDE, THUMB_SIDE // 4)


# --- What is refused ------------------------------------------------------------------------


def test_decompression_bomb_is_refused_before_it_is_decoded():
    bomb = png_header_claiming(60_000, 60_000)  # 3.6 gigapixels, 10 GB once decoded
    assert len(bomb) < 200
    started = time.perf_counter()
    with pytest.raises(ValidationError, match="too large a picture"):
        prepare_photo(upload(bomb, "bomb.png", "image/png"))
    assert time.perf_counter() - started < 1.0


def test_picture_over_the_pixel_limit_is_refused():
    with pytest.raises(ValidationError, match=r"\(45 megapixels\)"):
        prepare_upload(upload(png_header_claiming(9000, 5000), "big.png"))


@pytest.mark.parametrize("prepare", [prepare_upload, prepare_photo])
def test_a_file_that_is_not_a_picture_is_refused_whatever_its_name(prepare):
    fake = upload(b"<script>alert(1)</script>" * 20, "photo.jpg", "image/jpeg")
    with pytest.raises(ValidationError, match="photo.jpg is not a photo"):
        prepare(fake)


@pytest.mark.parametrize(
    "data",
    [
        b"BM" + b"\0" * 100,  # a BMP: Pillow reads it, this site does not
        b"II*\0" + b"\0" * 100,  # a TIFF
        b"GIF89a" + b"\0" * 100,
    ],
)
def test_other_picture_formats_are_refused(data):
    with pytest.raises(ValidationError, match="is not a photo or a PDF"):
        prepare_upload(upload(data, "scan.jpg"))


def cut_short(image_format: str) -> bytes:
    out = io.BytesIO()
    noise = Image.effect_noise((300, 300), 80).convert("RGB")
    noise.save(out, format=image_format)
    data = out.getvalue()
    return data[: len(data) * 2 // 3]


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "HEIF"])
@pytest.mark.parametrize("load_truncated", [False, True])
def test_a_picture_cut_short_is_refused_whoever_loaded_pillow_before(
    monkeypatch, image_format, load_truncated
):
    """WeasyPrint, once imported, tells Pillow to accept cut-short pictures (grey where the
    data ends); the answer must not depend on whether it was imported first."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", load_truncated)
    # (Pillow reads a whole WebP file on opening: one cut short is not recognised at all.)
    refused = "is not a photo or a PDF" if image_format == "WEBP" else "could not be read"
    with pytest.raises(ValidationError, match=refused):
        prepare_upload(upload(cut_short(image_format), "cut.jpg"))


def test_a_jpeg_with_data_after_its_end_is_accepted():
    """Some phones put a short video after the picture's end marker (motion photos)."""
    prepared = prepare_upload(upload(jpeg_bytes() + b"ftypmp42" + b"\0" * 500, "motion.jpg"))
    assert prepared.content_type == "image/jpeg" and b"ftypmp42" not in prepared.content


def test_a_pdf_is_a_document_for_officers_but_not_a_photo_from_residents():
    document = prepare_upload(upload(pdf_bytes(), "letter.pdf", "application/pdf"))
    assert (document.kind, document.content_type, document.content) == (
        Attachment.Kind.DOCUMENT,
        "application/pdf",
        pdf_bytes(),
    )
    assert document.thumbnail == b"" and document.width is None
    with pytest.raises(ValidationError, match="letter.pdf is not a photo"):
        prepare_photo(upload(pdf_bytes(), "letter.pdf", "application/pdf"))


def test_files_over_the_size_cap_and_empty_files_are_refused():
    too_big = upload(b"%PDF-" + b"0" * MAX_FILE_BYTES, "huge.pdf", "application/pdf")
    with pytest.raises(ValidationError, match=r"huge.pdf is too large.*10.0 MB"):
        prepare_upload(too_big)
    with pytest.raises(ValidationError, match="empty.jpg is empty"):
        prepare_upload(upload(b"", "empty.jpg"))
    at_cap = upload(b"%PDF-" + b"0" * (MAX_FILE_BYTES - 5), "fits.pdf", "application/pdf")
    assert len(prepare_upload(at_cap).content) == MAX_FILE_BYTES


# --- Names ------------------------------------------------------------------------------


def test_the_uploaded_name_is_only_a_cleaned_label_never_the_stored_name(db, officer):
    attachment = photo_on(
        ConcernFactory(reported_by=officer), officer, name="../../etc/passwd\x00\u202e.jpg"
    )
    assert attachment.label == "passwd .jpg"
    assert attachment.file.name.startswith("concerns/") and attachment.file.name.endswith(".jpg")
    assert "passwd" not in attachment.file.name and "passwd" not in attachment.thumbnail.name
    assert attachment.file.name != attachment.thumbnail.name


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("C:\\Users\\me\\Desktop\\IMG 1.HEIC", "IMG 1.HEIC"),
        ("  a\tb\r\nc  ", "a b c"),
        ("...", "photo"),
        ("", "photo"),
        ("x" * 300 + ".jpg", "x" * 120),
    ],
)
def test_clean_label(name, label):
    assert clean_label(name, "photo") == label


def test_stored_photo_is_exactly_the_prepared_content(db, officer):
    prepared = prepare_upload(upload(jpeg_bytes()))
    attachment = add_attachment(
        concern=ConcernFactory(reported_by=officer), by=officer, prepared=prepared
    )
    attachment.refresh_from_db()
    assert stored(attachment) == prepared.content
    assert stored(attachment, thumbnail=True) == prepared.thumbnail
    assert (attachment.kind, attachment.added_by) == (Attachment.Kind.PHOTO, officer)


def test_public_photos_are_at_most_three_and_by_the_resident(db):
    concern = ConcernFactory(reported_by=None)
    photo = prepare_photo(upload(jpeg_bytes()))
    with pytest.raises(ValidationError, match="at most 3 photos"):
        attachments.add_public_photos(concern=concern, photos=[photo] * 4)
    saved = attachments.add_public_photos(concern=concern, photos=[photo] * 3)
    assert [a.added_by for a in saved] == [None] * 3 and all(a.by_resident for a in saved)
