"""A report as a PDF: its lines drawn on A4 pages with Pillow (already kept for the printers' images), one PDF file.

The pages are pictures of the text at 150 dpi: enough to read, print and archive a Z report, with no other
library. Lines are (left, right, bold, rule) as the printer gets them, so paper and PDF say the same.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

DPI = 150
PAGE = (1240, 1754)  # A4 at 150 dpi
MARGIN = 110
LINE_HEIGHT = 34
TEXT_SIZE = 22
TITLE_SIZE = 34


def report_pdf(title: str, lines: Sequence[dict], footer: str = "") -> bytes:
    """Return a PDF of a title and its lines, on as many A4 pages as they need."""
    text, bold_font, big = (ImageFont.load_default(size=TEXT_SIZE), ImageFont.load_default(size=TEXT_SIZE + 1),
                            ImageFont.load_default(size=TITLE_SIZE))
    per_page = (PAGE[1] - 2 * MARGIN - 2 * LINE_HEIGHT) // LINE_HEIGHT
    chunks = [list(lines[i:i + per_page]) for i in range(0, len(lines), per_page)] or [[]]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        page = Image.new("L", PAGE, 255)
        draw = ImageDraw.Draw(page)
        draw.text((MARGIN, MARGIN), title, font=big, fill=0)
        y = MARGIN + 2 * LINE_HEIGHT
        for line in chunk:
            if line.get("rule"):
                draw.line((MARGIN, y - 6, PAGE[0] - MARGIN, y - 6), fill=120, width=1)
            font = bold_font if line.get("bold") else text
            draw.text((MARGIN, y), line.get("left", ""), font=font, fill=0, stroke_width=1 if line.get("bold") else 0,
                      stroke_fill=0)
            right = line.get("right")
            if right:
                draw.text((PAGE[0] - MARGIN - font.getlength(right), y), right, font=font, fill=0)
            y += LINE_HEIGHT
        draw.text((MARGIN, PAGE[1] - MARGIN), f"{footer}  {number}/{len(chunks)}".strip(), font=text, fill=90)
        pages.append(page)
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=DPI, save_all=True, append_images=pages[1:], title=title, creator="Passline")
    return out.getvalue()
