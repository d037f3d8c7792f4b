"""Small page helpers shared by the browser tests."""
from __future__ import annotations

import io

CHAR_RECT_JS = """([field, cp]) => {
  const box = document.querySelector(`[data-field="${field}"] .span-text`);
  for (const seg of box.querySelectorAll('[data-cp]')) {
    const start = Number(seg.dataset.cp);
    const node = [...seg.childNodes].find((n) => n.nodeType === Node.TEXT_NODE);
    if (!node) continue;
    const chars = [...node.textContent];
    if (cp >= start && cp < start + chars.length) {
      const from = chars.slice(0, cp - start).join('').length;
      const r = document.createRange();
      r.setStart(node, from);
      r.setEnd(node, from + chars[cp - start].length);
      const b = r.getBoundingClientRect();
      return {x: b.x, y: b.y, w: b.width, h: b.height};
    }
  }
  return null;
}"""

VIEWPORT_JS = """(field) => {
  const svg = document.querySelector(`[data-field="${field}"] svg`);
  const r = svg.getBoundingClientRect();
  return {left: r.left, top: r.top, scale: Number(svg.dataset.scale), ox: Number(svg.dataset.ox), oy: Number(svg.dataset.oy)};
}"""


def select_characters(page, field: str, start: int, end: int) -> None:
    """Drag the mouse over characters [start, end) (code-point offsets) of a spans field."""
    first = page.evaluate(CHAR_RECT_JS, [field, start])
    last = page.evaluate(CHAR_RECT_JS, [field, end - 1])
    y = first["y"] + first["h"] / 2
    page.mouse.move(first["x"] + 1, y)
    page.mouse.down()
    page.mouse.move((first["x"] + last["x"]) / 2, y, steps=3)
    page.mouse.move(last["x"] + last["w"] - 1, last["y"] + last["h"] / 2, steps=3)
    page.mouse.up()


def to_screen(page, field: str, x: float, y: float) -> tuple[float, float]:
    v = page.evaluate(VIEWPORT_JS, field)
    return v["left"] + v["ox"] + x * v["scale"], v["top"] + v["oy"] + y * v["scale"]


def drag_image(page, field: str, start: tuple[float, float], end: tuple[float, float]) -> None:
    """Drag between two points given in image pixels."""
    sx, sy = to_screen(page, field, *start)
    ex, ey = to_screen(page, field, *end)
    page.mouse.move(sx, sy)
    page.mouse.down()
    page.mouse.move((sx + ex) / 2, (sy + ey) / 2, steps=4)
    page.mouse.move(ex, ey, steps=4)
    page.mouse.up()


def click_image(page, field: str, x: float, y: float) -> None:
    sx, sy = to_screen(page, field, x, y)
    page.mouse.click(sx, sy)


def png_bytes(width: int, height: int) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), (150, 180, 220))
    draw = ImageDraw.Draw(img)
    draw.rectangle([60, 60, 160, 130], fill=(200, 40, 40))
    draw.ellipse([220, 140, 320, 240], fill=(40, 160, 60))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()
