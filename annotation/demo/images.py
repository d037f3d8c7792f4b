"""Demo images drawn with Pillow, so the demo ships no binary files and needs no download."""
from __future__ import annotations

import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter

SKY, ROAD = (150, 190, 230), (90, 90, 95)
CAR_COLOURS = [(200, 40, 40), (40, 90, 200), (230, 230, 230), (30, 30, 30), (240, 200, 40)]


def street_scene(seed: int, width: int = 960, height: int = 640) -> bytes:
    """A flat street: a few cars (rectangles with wheels) and people (head + body)."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), SKY)
    draw = ImageDraw.Draw(image)
    horizon = int(height * 0.45)
    draw.rectangle([0, horizon, width, height], fill=ROAD)
    for x in range(0, width, 120):
        draw.rectangle([x + 20, int(height * 0.72), x + 80, int(height * 0.73)], fill=(240, 240, 240))
    for _ in range(rng.randint(1, 3)):
        bx, bh = rng.randint(0, width - 200), rng.randint(80, horizon - 20)
        draw.rectangle([bx, horizon - bh, bx + rng.randint(100, 200), horizon], fill=(180, 170, 160))
    for _ in range(rng.randint(1, 4)):
        w, h = rng.randint(140, 220), rng.randint(60, 90)
        x, y = rng.randint(0, width - w), rng.randint(horizon + 10, height - h - 20)
        draw.rounded_rectangle([x, y, x + w, y + h], radius=12, fill=rng.choice(CAR_COLOURS))
        draw.rectangle([x + w * 0.2, y - h * 0.35, x + w * 0.75, y + 4], fill=(60, 80, 110))
        for wx in (x + w * 0.2, x + w * 0.8):
            draw.ellipse([wx - 14, y + h - 14, wx + 14, y + h + 14], fill=(20, 20, 20))
    for _ in range(rng.randint(0, 3)):
        x, y = rng.randint(20, width - 40), rng.randint(horizon - 60, height - 120)
        draw.ellipse([x, y, x + 22, y + 22], fill=(230, 190, 160))
        draw.rectangle([x + 2, y + 22, x + 20, y + 80], fill=rng.choice([(30, 120, 60), (120, 30, 120)]))
    return _png(image)


def skin_patch(seed: int, width: int = 640, height: int = 480) -> bytes:
    """Skin-coloured noise with one or two irregular darker lesions."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (224, 180, 150))
    draw = ImageDraw.Draw(image)
    for _ in range(400):
        x, y = rng.randint(0, width), rng.randint(0, height)
        shade = rng.randint(-12, 12)
        draw.point((x, y), fill=(224 + shade, 180 + shade, 150 + shade))
    for _ in range(rng.randint(1, 2)):
        cx, cy, r = rng.randint(120, width - 120), rng.randint(100, height - 100), rng.randint(30, 80)
        points = []
        for k in range(14):
            angle = 2 * 3.14159 * k / 14
            rr = r * rng.uniform(0.7, 1.2)
            points.append((cx + rr * math.cos(angle), cy + rr * math.sin(angle)))
        draw.polygon(points, fill=(rng.randint(90, 130), rng.randint(50, 70), rng.randint(40, 60)))
    return _png(image.filter(ImageFilter.GaussianBlur(1.5)))


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
