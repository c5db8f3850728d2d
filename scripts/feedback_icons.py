"""Draws the citizen app's PNG icons (src/dxboard/feedback/static/feedback/icon-*.png) from the same
design as icon.svg: a speech bubble on the province blue. Run once when the design changes; the
PNGs are committed (installers on Android need PNGs; the SVG alone is not enough).

"any" icons have rounded corners; the maskable one fills the square and keeps the bubble inside
the central 80% circle that launchers never crop (https://www.w3.org/TR/appmanifest/#icon-masks).
"""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE, WHITE = (11, 83, 148, 255), (255, 255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "src/dxboard/feedback/static/feedback"
SCALE = 4  # drawn larger, then reduced: smooth edges


def bubble(draw, size: int, inset: float) -> None:
    """The bubble of icon.svg (path M14 16h36v24H30l-10 8v-8h-6z on a 64 grid), shrunk by `inset`."""
    def pt(x, y):
        c = 32
        return ((c + (x - c) * inset) * size / 64, (c + (y - c) * inset) * size / 64)

    draw.polygon([pt(14, 16), pt(50, 16), pt(50, 40), pt(30, 40), pt(20, 48), pt(20, 40), pt(14, 40)], fill=WHITE)


def icon(px: int, maskable: bool) -> Image.Image:
    big = px * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle([0, 0, big, big], fill=BLUE)
        bubble(draw, big, 0.75)
    else:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 12 // 64, fill=BLUE)
        bubble(draw, big, 1.0)
    return image.resize((px, px), Image.Resampling.LANCZOS)


if __name__ == "__main__":
    for name, px, maskable in (("icon-192.png", 192, False), ("icon-512.png", 512, False),
                               ("icon-maskable-512.png", 512, True)):
        icon(px, maskable).save(OUT / name, optimize=True)
        print(OUT / name)
