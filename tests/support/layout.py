"""Layout checks on a page as a person sees it: what is drawn where, what is on top, what a tap reaches.

Every check reads bounding boxes in the browser, clipped by the scrolling boxes around each element, and asks
`document.elementFromPoint` what is really on top. Each returns a list of problems in words (empty when the
page is right), so a test can assert `== []` and a failure names the elements.
"""

from __future__ import annotations

from dataclasses import dataclass

TAPPABLE = "button, a[href], input, select, textarea, [role=button], [onclick]"

# The page script shared by the checks: an element's visible box (clipped by every scrolling or clipping
# ancestor and the viewport), whether a point on it reaches it, and a short name for messages.
_SCRIPT = """
(() => {
  const visibleBox = (el) => {
    let r = el.getBoundingClientRect();
    let box = {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none" || Number(style.opacity) === 0) return null;
    for (let up = el.parentElement; up; up = up.parentElement) {
      const s = getComputedStyle(up);
      if (s.overflowX !== "visible" || s.overflowY !== "visible") {
        const c = up.getBoundingClientRect();
        box = {left: Math.max(box.left, c.left), top: Math.max(box.top, c.top),
               right: Math.min(box.right, c.right), bottom: Math.min(box.bottom, c.bottom)};
      }
      if (s.position === "fixed") break;
    }
    box = {left: Math.max(box.left, 0), top: Math.max(box.top, 0),
           right: Math.min(box.right, innerWidth), bottom: Math.min(box.bottom, innerHeight)};
    return box.right - box.left >= 1 && box.bottom - box.top >= 1 ? box : null;
  };
  const rect = (el) => { const r = el.getBoundingClientRect(); return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
  const name = (el) => {
    const id = el.id ? "#" + el.id : "";
    const cls = typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    return `<${el.tagName.toLowerCase()}${id}${cls}> "${text}"`;
  };
  const centre = (b) => [(b.left + b.right) / 2, (b.top + b.bottom) / 2];
  const reaches = (el, box) => { const hit = document.elementFromPoint(...centre(box)); return !!hit && (hit === el || el.contains(hit)); };
  const inside = (inner, outer, slack = 0.5) => inner.left >= outer.left - slack && inner.top >= outer.top - slack &&
                                                inner.right <= outer.right + slack && inner.bottom <= outer.bottom + slack;
  const overlap = (a, b) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) *
                            Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
  // An open modal dialog is all a person can tap: the page under it is not checked.
  const scope = () => [...document.querySelectorAll("[aria-modal='true']")].filter((d) => visibleBox(d)).pop() || document.body;
  return {visibleBox, rect, name, centre, reaches, inside, overlap, scope};
})()
"""


@dataclass(frozen=True)
class Tiles:
    """Where a screen's tiles are: each tile, and its name and price inside it."""

    tile: str
    name: str
    price: str | None = None


def overlapping_tappables(page, selector: str = TAPPABLE, min_area: float = 4.0) -> list[str]:
    """Return every pair of tappable elements whose visible boxes overlap (nested ones are one target)."""
    return page.evaluate(
        """([script, selector, minArea]) => {
          const L = eval(script);
          const root = L.scope();
          const els = [...root.querySelectorAll(selector)].map((el) => [el, L.visibleBox(el)]).filter(([, b]) => b);
          const problems = [];
          for (let i = 0; i < els.length; i++) for (let j = i + 1; j < els.length; j++) {
            const [a, ab] = els[i], [b, bb] = els[j];
            if (a.contains(b) || b.contains(a)) continue;
            const area = L.overlap(ab, bb);
            if (area >= minArea) problems.push(`${L.name(a)} overlaps ${L.name(b)} by ${Math.round(area)} px²`);
          }
          return problems;
        }""",
        [_SCRIPT, selector, min_area],
    )


def tile_problems(page, tiles: Tiles) -> list[str]:
    """Return each tile whose name or price is not fully drawn inside it and on top at its centre.

    Every tile is scrolled into view first (a long menu scrolls), then its boxes are read.
    """
    problems: list[str] = []
    count = page.locator(tiles.tile).count()
    if count == 0:
        return [f"no tile {tiles.tile} on the screen"]
    for index in range(count):
        tile = page.locator(tiles.tile).nth(index)
        tile.scroll_into_view_if_needed()
        problems += page.evaluate(
            """([script, tileSel, index, nameSel, priceSel]) => {
              const L = eval(script);
              const tile = document.querySelectorAll(tileSel)[index];
              const box = L.rect(tile);
              const problems = [];
              for (const [what, sel] of [["name", nameSel], ["price", priceSel]]) {
                if (!sel) continue;
                const part = tile.querySelector(sel);
                if (!part) { problems.push(`${L.name(tile)} has no ${what}`); continue; }
                const partBox = L.rect(part);
                const seen = L.visibleBox(part);
                if (!part.innerText.trim()) problems.push(`${L.name(tile)}: its ${what} is empty`);
                if (!L.inside(partBox, box)) problems.push(`${L.name(tile)}: its ${what} "${part.innerText}" sticks out of the tile`);
                if (!seen || !L.inside(partBox, seen)) problems.push(`${L.name(tile)}: its ${what} "${part.innerText}" is cut off or off screen`);
                else if (!L.reaches(tile, seen)) {
                  const hit = document.elementFromPoint(...L.centre(seen));
                  problems.push(`${L.name(tile)}: its ${what} "${part.innerText}" is covered by ${hit ? L.name(hit) : "nothing"}`);
                }
              }
              return problems;
            }""",
            [_SCRIPT, tiles.tile, index, tiles.name, tiles.price],
        )
    return problems


def tap_names(page, tiles: Tiles, opened, close) -> list[str]:
    """Tap the middle of each tile's name; `opened(page)` returns the name of what the tap opened (or added),
    `close(page)` goes back. Returns each tile whose name opened something else."""
    problems = []
    for index in range(page.locator(tiles.tile).count()):
        tile = page.locator(tiles.tile).nth(index)
        if tile.is_disabled() or tile.get_attribute("aria-disabled") == "true":
            continue  # a sold-out tile opens nothing, by design
        name = tile.locator(tiles.name)
        name.scroll_into_view_if_needed()
        box = name.bounding_box()
        text = name.inner_text().strip()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        got = opened(page)
        if got != text:
            problems.append(f"tapping the name {text!r} opened {got!r}")
        close(page)
    return problems


def off_screen(page, selector: str) -> list[str]:
    """Return why the element is not fully on screen and tappable as the page stands (no scrolling done)."""
    return page.evaluate(
        """([script, selector]) => {
          const L = eval(script);
          const el = document.querySelector(selector);
          if (!el) return [`${selector} is not on the page`];
          const box = L.rect(el);
          const seen = L.visibleBox(el);
          const screen = {left: 0, top: 0, right: innerWidth, bottom: innerHeight};
          if (!seen) return [`${L.name(el)} is not visible without scrolling`];
          if (!L.inside(box, screen) || !L.inside(box, seen))
            return [`${L.name(el)} is partly outside the screen (top ${Math.round(box.top)}, bottom ${Math.round(box.bottom)} of ${innerHeight})`];
          if (!L.reaches(el, seen)) {
            const hit = document.elementFromPoint(...L.centre(seen));
            return [`${L.name(el)} is covered by ${hit ? L.name(hit) : "nothing"}`];
          }
          return [];
        }""",
        [_SCRIPT, selector],
    )


def text_cut(page, selector: str, *, on_screen: bool = True) -> list[str]:
    """Return each matching element whose content is cut off: wider or taller than its own box, or (with
    `on_screen`) not fully on the screen as it stands."""
    return page.evaluate(
        """([script, selector, onScreen]) => {
          const L = eval(script);
          const problems = [];
          for (const el of document.querySelectorAll(selector)) {
            if (!el.getClientRects().length) continue;  // not drawn at all (display: none)
            if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)
              problems.push(`${L.name(el)} is cut off (${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight})`);
            const seen = L.visibleBox(el);
            if (onScreen && (!seen || !L.inside(L.rect(el), seen))) problems.push(`${L.name(el)} is not fully on screen`);
          }
          return problems;
        }""",
        [_SCRIPT, selector, on_screen],
    )


def layout_problems(page, *, main_action: str | None = None, tiles: Tiles | None = None,
                    tappable: str = TAPPABLE) -> list[str]:
    """Return every layout problem of the screen as it stands: overlapping targets, tiles, its main action."""
    problems = overlapping_tappables(page, tappable)
    if main_action:
        problems += off_screen(page, main_action)
    if tiles:
        problems += tile_problems(page, tiles)
        page.evaluate("() => document.querySelectorAll('*').forEach((el) => { if (el.scrollTop) el.scrollTop = 0; })")
    return problems
