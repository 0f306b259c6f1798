"""Bar charts drawn on the hub as SVG: no script, no chart library, nothing fetched from the internet."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

WIDTH = 760
LABEL_WIDTH = 200  # room for an item's name on the left
VALUE_WIDTH = 90  # room for the figure on the right of its bar
ROW = 30  # one label: its bar (this period) and a thinner one under it (the comparison period)
TOP = 28  # the legend
NOW_COLOUR = "#2f6fb3"
BEFORE_COLOUR = "#b9cde4"
MARK_COLOUR = "#c0392b"


def bar_chart(rows: Sequence[tuple[str, int, int | None]], write: Callable[[int], str], title: str,
              legend: tuple[str, str | None], marks: Sequence[int | None] = (), mark_label: str = "") -> Markup:
    """Return one horizontal bar per label for this period, with the comparison period's bar beneath it.

    `marks` draws a red line across each row at a value (a station's target time), named `mark_label`."""
    biggest = max([abs(v) for _, now, before in rows for v in (now or 0, before or 0)] + [m or 0 for m in marks] + [1])
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = TOP + ROW * len(rows) + 6
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" font-family="system-ui, sans-serif" font-size="12">',
             f"<title>{escape(title)}</title>",
             f'<rect x="{LABEL_WIDTH}" y="6" width="12" height="12" fill="{NOW_COLOUR}"/>',
             f'<text x="{LABEL_WIDTH + 18}" y="16">{escape(legend[0])}</text>']
    if legend[1]:
        parts += [f'<rect x="{LABEL_WIDTH + 200}" y="6" width="12" height="12" fill="{BEFORE_COLOUR}"/>',
                  f'<text x="{LABEL_WIDTH + 218}" y="16">{escape(legend[1])}</text>']
    if any(m is not None for m in marks):
        parts += [f'<rect x="{LABEL_WIDTH + 400}" y="6" width="3" height="12" fill="{MARK_COLOUR}"/>',
                  f'<text x="{LABEL_WIDTH + 409}" y="16">{escape(mark_label)}</text>']
    for i, (label, now, before) in enumerate(rows):
        y = TOP + i * ROW
        short = label if len(label) <= 30 else label[:29] + "…"
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 13}" text-anchor="end">{escape(short)}</text>')
        parts.append(_bar(y, now, biggest, room, 16, NOW_COLOUR, write(now), label))
        if before is not None:
            parts.append(_bar(y + 17, before, biggest, room, 7, BEFORE_COLOUR, write(before), label, small=True))
        mark = marks[i] if i < len(marks) else None
        if mark is not None:
            x = LABEL_WIDTH + round(room * mark / biggest)
            parts.append(f'<line class="mark" x1="{x}" y1="{y - 2}" x2="{x}" y2="{y + ROW - 4}" stroke="{MARK_COLOUR}" '
                         f'stroke-width="2"><title>{escape(mark_label)}: {escape(write(mark))}</title></line>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _bar(y: int, value: int, biggest: int, room: int, thick: int, colour: str, text: str, label: str,
         small: bool = False) -> str:
    value = value or 0
    length = max(1, round(room * abs(value) / biggest)) if value else 0
    size = ' font-size="10" fill="#555"' if small else ""
    return (f'<rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{thick}" fill="{colour}">'
            f"<title>{escape(label)}: {escape(text)}</title></rect>"
            f'<text x="{LABEL_WIDTH + length + 4}" y="{y + thick - 3 if not small else y + 7}"{size}>{escape(text)}</text>')
