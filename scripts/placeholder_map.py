"""Draw the example site's placeholder graphic: where the five pacts of the Halle meeting sit.

Run once: `.venv/bin/python scripts/placeholder_map.py`; the PNG is committed. It is a
schematic, not a map, and is marked as a placeholder in its alt text.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

TARGET = Path(__file__).parent.parent / "content/pacts/halle/news/pakte-karte.png"
PLACES = {  # longitude, latitude of the pacts' towns
    "Altmark (Stendal)": (11.86, 52.60),
    "Magdeburg": (11.63, 52.13),
    "IHK Halle-Dessau (Dessau)": (12.24, 51.83),
    "Halle (Saale)": (11.97, 51.48),
    "Merseburg-Querfurt": (11.90, 51.32),
}
WIDTH, HEIGHT = 1200, 900


def main() -> None:
    """Write the PNG."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (243, 245, 247))
    draw = ImageDraw.Draw(image)
    title = ImageFont.load_default(size=40)
    label = ImageFont.load_default(size=30)
    draw.text(
        (40, 30),
        "Platzhalter-Grafik: die Pakte beim Treffen in Halle",
        fill=(27, 31, 36),
        font=title,
    )
    draw.rectangle((40, 100, WIDTH - 40, HEIGHT - 40), outline=(201, 209, 217), width=4)
    for name, (lon, lat) in PLACES.items():
        x = 120 + (lon - 11.3) / 1.2 * (WIDTH - 500)
        y = 140 + (52.75 - lat) / 1.55 * (HEIGHT - 220)
        draw.ellipse((x - 14, y - 14, x + 14, y + 14), fill=(23, 74, 124))
        draw.text((x + 26, y - 18), name, fill=(27, 31, 36), font=label)
    image.save(TARGET, optimize=True)


if __name__ == "__main__":
    main()
