"""Photos and documents on a concern: what is accepted, how a photo is cleaned, and the one
service that stores them (issue 22).

A photo is never stored as it came. It is decoded with Pillow (JPEG, PNG, WebP, and the
HEIC/HEIF of phones through pillow-heif), turned upright by its orientation tag, and drawn
again as a new picture holding pixels only: no EXIF (so no GPS position, no camera serial),
no XMP, no comments, no colour profile (converted to sRGB first), nothing appended after
the picture's end. It is stored as JPEG, or PNG when it has transparency, shrunk to
MAX_SIDE on its long side, with a THUMB_SIDE thumbnail. The size in pixels is read from the
header before anything is decoded, so a "decompression bomb" is refused at once.

A document is a PDF, recognised by its first bytes, stored as it came and only ever served
as a download (Content-Disposition: attachment), never shown by the browser inside a page
of this site. Anything else is refused with a message that says what is accepted.
"""

import io
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from concerns.models import Attachment, Concern
from core.permissions import Permission, require

try:  # HEIC/HEIF, what iPhones send: decoded through libheif when pillow-heif is installed.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF_SUPPORTED = True
except ImportError:  # pragma: no cover - pillow-heif is a dependency (pyproject.toml)
    HEIF_SUPPORTED = False

MAX_FILE_BYTES = 10 * 1024 * 1024  # the site's largest upload (deploy/nginx.conf)
MAX_PIXELS = 40_000_000  # a 48-megapixel phone mode is refused; 12 and 24 pass
MAX_SIDE = 2560
THUMB_SIDE = 320
JPEG_QUALITY = 85
PUBLIC_MAX_PHOTOS = 3
LABEL_MAX = 120
# What Pillow may try to read. Every other decoder it has (TIFF, BMP, PSD, EPS, ...) stays
# out of reach of an uploaded file.
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", *(("HEIF",) if HEIF_SUPPORTED else ()))
PDF_MAGIC = b"%PDF-"

TOO_LARGE = _("%(name)s is too large: files must be 10 MB or smaller (this one is %(size).1f MB).")
EMPTY = _("%(name)s is empty.")
NOT_ACCEPTED = _(
    "%(name)s is not a photo or a PDF we can read. Photos: JPEG, PNG, WebP or HEIC; documents: PDF."
)
NOT_A_PHOTO = _("%(name)s is not a photo we can read. Send a JPEG, PNG, WebP or HEIC photo.")
TOO_MANY_PIXELS = _(
    "%(name)s is too large a picture (%(megapixels).0f megapixels): photos may have at most "
    "40 megapixels. Send a smaller copy."
)
UNREADABLE = _("%(name)s could not be read as a picture: it may be damaged.")
TOO_MANY_PHOTOS = _("Send at most %(limit)d photos (you chose %(count)d).")


@dataclass(frozen=True)
class Prepared:
    """A file checked and, for a photo, re-encoded: what will be stored, nothing else."""

    kind: str
    label: str
    content: bytes
    content_type: str
    width: int | None = None
    height: int | None = None
    thumbnail: bytes = b""

    @property
    def suffix(self) -> str:
        return {"image/jpeg": ".jpg", "image/png": ".png"}.get(self.content_type, ".pdf")


def clean_label(name: str, fallback: str) -> str:
    """The uploader's file name as a label to show: no folders, no control characters, no
    runs of spaces, at most LABEL_MAX characters; the fallback when nothing is left."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in name)
    name = " ".join(name.split()).strip(" .")
    return name[:LABEL_MAX] or fallback


def _read(upload, name: str) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise ValidationError(TOO_LARGE % {"name": name, "size": size / 1024 / 1024})
    upload.seek(0)
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(TOO_LARGE % {"name": name, "size": len(data) / 1024 / 1024})
    if not data:
        raise ValidationError(EMPTY % {"name": name})
    return data


def prepare_upload(upload) -> Prepared:
    """An officer's file: a PDF stays a document, anything else must be a photo."""
    name = clean_label(getattr(upload, "name", ""), str(_("file")))
    data = _read(upload, name)
    if data.startswith(PDF_MAGIC):
        return Prepared(
            kind=Attachment.Kind.DOCUMENT,
            label=name,
            content=data,
            content_type="application/pdf",
        )
    return _photo(data, name, refused=NOT_ACCEPTED)


def prepare_photo(upload) -> Prepared:
    """A resident's photo from the public form: photos only."""
    name = clean_label(getattr(upload, "name", ""), str(_("photo")))
    return _photo(_read(upload, name), name, refused=NOT_A_PHOTO)


def _photo(data: bytes, name: str, *, refused) -> Prepared:
    try:
        image = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
    except Image.DecompressionBombError:
        raise ValidationError(_too_many_pixels(name, None)) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ValidationError(refused % {"name": name}) from None
    # Only the header has been read: refuse a huge picture before decoding a pixel of it.
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ValidationError(_too_many_pixels(name, width * height))
    if not _complete(data, image.format):
        raise ValidationError(UNREADABLE % {"name": name})
    try:
        if image.format == "JPEG":
            # Decode at the smallest scale still larger than what is kept (much faster).
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))
        image.load()
        if image.mode not in ("RGB", "RGBA", "L", "LA"):  # palette, CMYK, 16-bit: rare
            image = image.convert("RGBA" if _has_transparency(image) else "RGB")
        # Shrunk first, in place: each copy after this one is of at most MAX_SIDE squared.
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        kept = _pixels_only(_upright_srgb(image))
        content, content_type = _encode(kept)
        thumb = kept.copy()
        thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
        thumbnail, _type = _encode(thumb)
    except Image.DecompressionBombError:
        raise ValidationError(_too_many_pixels(name, None)) from None
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError):
        raise ValidationError(UNREADABLE % {"name": name}) from None
    return Prepared(
        kind=Attachment.Kind.PHOTO,
        label=name,
        content=content,
        content_type=content_type,
        width=kept.width,
        height=kept.height,
        thumbnail=thumbnail,
    )


def _complete(data: bytes, image_format: str) -> bool:
    """Whether the file holds the whole picture. Pillow would say so itself, but WeasyPrint
    tells it, process-wide, to fill a picture cut short with grey (LOAD_TRUNCATED_IMAGES),
    so a photo whose upload broke off would be stored half grey."""
    if image_format == "JPEG":
        return b"\xff\xd9" in data[2:]  # the end-of-image marker; phones may add data after it
    if image_format == "PNG":
        return b"IEND" in data
    if image_format == "WEBP":
        return int.from_bytes(data[4:8], "little") + 8 <= len(data)
    # HEIF: a chain of boxes, each saying its length (ISO/IEC 14496-12, 4.2).
    offset = 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        if size == 1:
            size = int.from_bytes(data[offset + 8 : offset + 16], "big")
        elif size == 0:
            return True  # the last box runs to the end of the file
        if size < 8:
            return False
        offset += size
    return offset == len(data)


def _too_many_pixels(name: str, pixels: int | None) -> str:
    megapixels = (pixels or 0) / 1_000_000 or MAX_PIXELS / 1_000_000
    return TOO_MANY_PIXELS % {"name": name, "megapixels": megapixels}


def _upright_srgb(image: Image.Image) -> Image.Image:
    """The picture as the phone showed it (its EXIF orientation applied), in sRGB."""
    image = ImageOps.exif_transpose(image)  # of an animation, the first frame
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "RGBA"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            image = ImageCms.profileToProfile(
                image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a damaged profile: the pixels as they are
    return image


def _has_transparency(image: Image.Image) -> bool:
    if image.mode in ("RGBA", "LA", "PA"):
        return image.getextrema()[-1][0] < 255
    return image.mode == "P" and "transparency" in image.info


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new picture made of the pixels alone: none of the source's tags, profile or
    comments (its `info`) can come along, whatever the encoder would copy."""
    mode = "RGBA" if _has_transparency(image) else "RGB"
    converted = image.convert(mode)
    return Image.frombytes(mode, converted.size, converted.tobytes())


def _encode(image: Image.Image) -> tuple[bytes, str]:
    out = io.BytesIO()
    if image.mode == "RGBA":
        image.save(out, format="PNG", optimize=True)
        return out.getvalue(), "image/png"
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue(), "image/jpeg"


# --- Storing ---------------------------------------------------------------------------


@transaction.atomic
def add_attachment(*, concern: Concern, by, prepared: Prepared) -> Attachment:
    """An officer (anyone who may add a note: whoever may see the concern) attaches a
    checked file. `by` None is the resident, through the public form (add_public_photos)."""
    if by is not None:
        require(by, Permission.NOTE_CONCERN, concern=concern)
    attachment = Attachment(
        concern=concern,
        kind=prepared.kind,
        label=prepared.label,
        content_type=prepared.content_type,
        size=len(prepared.content),
        width=prepared.width,
        height=prepared.height,
        added_by=by,
    )
    # The stored name is generated (core/uploads.py); the suffix says what the file now is.
    attachment.file.save(f"file{prepared.suffix}", ContentFile(prepared.content), save=False)
    if prepared.thumbnail:
        attachment.thumbnail.save(
            f"thumb{prepared.suffix}", ContentFile(prepared.thumbnail), save=False
        )
    attachment.save()
    return attachment


def add_public_photos(*, concern: Concern, photos: list[Prepared]) -> list[Attachment]:
    """The photos a resident sent with the public form (at most PUBLIC_MAX_PHOTOS)."""
    if len(photos) > PUBLIC_MAX_PHOTOS:
        raise ValidationError(TOO_MANY_PHOTOS % {"limit": PUBLIC_MAX_PHOTOS, "count": len(photos)})
    return [add_attachment(concern=concern, by=None, prepared=photo) for photo in photos]


# --- On the concern's page -------------------------------------------------------------


@dataclass(frozen=True)
class TimelineLine:
    """An attachment as a line of the concern's timeline, beside its ConcernUpdate lines:
    not an update itself, so that adding a photo is never counted as progress, as a
    supervisor's action on a conduct concern, or as the last change to the concern."""

    attachment: Attachment

    is_attachment = True

    @property
    def created_at(self):
        return self.attachment.created_at

    @property
    def author(self):
        return self.attachment.added_by

    @property
    def text(self):
        return ""

    @property
    def get_kind_display(self):
        return _("Photo added") if self.attachment.is_photo else _("Document added")


def timeline(updates, attachments) -> list:
    """The concern's updates and its attachments in one list, oldest first."""
    lines = [*updates, *(TimelineLine(a) for a in attachments)]
    return sorted(lines, key=lambda line: line.created_at)
