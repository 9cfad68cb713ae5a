"""Photos on a few demo concerns (issue 22), so the concern page's photos, thumbnails and
timeline lines have something real to show. The pictures are drawn here (a dark street
light, a tagged wall, a car across a crosswalk): no real place, no real person. Each goes
through the same service an officer's upload does (re-encoded, thumbnail, timeline line).

Run by seed_demo after concerns.demo_duplicates (the street-light lead gets its photo).
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from concerns.attachments import add_attachment, prepare_upload
from concerns.demo_duplicates import LEAD_SUMMARY
from concerns.models import Attachment, Concern

SIZE = (1200, 900)


def _street_light() -> Image.Image:
    image = Image.new("RGB", SIZE, "#101828")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 640, 1200, 900], fill="#2b2f36")  # the road
    draw.rectangle([0, 600, 1200, 640], fill="#4a4f57")  # the kerb
    for x in range(40, 1200, 160):
        draw.rectangle([x, 760, x + 80, 772], fill="#c9c9a0")  # lane marks
    draw.rectangle([560, 150, 580, 610], fill="#5b6470")  # the pole
    draw.rectangle([580, 150, 720, 165], fill="#5b6470")  # its arm
    draw.ellipse([690, 160, 750, 200], fill="#3a3f47", outline="#6b7280", width=3)  # dark lamp
    draw.rectangle([200, 380, 420, 600], fill="#1f2937")  # a house, lit window
    draw.rectangle([250, 430, 310, 490], fill="#f6d365")
    return image


def _graffiti() -> Image.Image:
    image = Image.new("RGB", SIZE, "#b9b2a6")
    draw = ImageDraw.Draw(image)
    for y in range(0, 900, 60):  # bricks
        offset = 0 if (y // 60) % 2 else 60
        for x in range(-offset, 1200, 120):
            draw.rectangle([x + 2, y + 2, x + 118, y + 58], outline="#9c9488", width=2)
    for i, colour in enumerate(["#d7263d", "#1b998b", "#2e294e", "#f46036"]):
        points = [(150 + i * 220 + (k % 2) * 90, 250 + k * 70 + i * 20) for k in range(6)]
        draw.line(points, fill=colour, width=26, joint="curve")
    return image


def _parked_car() -> Image.Image:
    image = Image.new("RGB", SIZE, "#8d99ae")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 500, 1200, 900], fill="#3d405b")
    for x in range(300, 900, 70):  # the crosswalk
        draw.rectangle([x, 520, x + 40, 900], fill="#edf2f4")
    draw.rounded_rectangle([380, 560, 860, 760], radius=40, fill="#c1121f")  # the car
    draw.rounded_rectangle([470, 470, 760, 580], radius=30, fill="#a4161a")
    for x in (450, 790):
        draw.ellipse([x - 55, 710, x + 55, 820], fill="#111111")
    return image


# (which concern: its summary, or a category for the first such demo concern; file name;
# picture)
PHOTOS = [
    ({"summary": LEAD_SUMMARY}, "IMG_4412.jpg", _street_light),
    ({"category": Concern.Category.QUALITY_OF_LIFE}, "IMG_3920.jpg", _graffiti),
    ({"category": Concern.Category.PARKING}, "IMG_3871.jpg", _parked_car),
]


def _jpeg(image: Image.Image, name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def seed(stdout=None) -> dict:
    if Attachment.objects.exists():
        return {"photos": 0}
    made = 0
    for lookup, name, draw in PHOTOS:
        concern = (
            Concern.objects.filter(reported_by__isnull=False, **lookup)
            .select_related("reported_by")
            .order_by("-date_received", "id")
            .first()
        )
        if concern is None:
            continue
        add_attachment(
            concern=concern, by=concern.reported_by, prepared=prepare_upload(_jpeg(draw(), name))
        )
        made += 1
    return {"photos": made}
