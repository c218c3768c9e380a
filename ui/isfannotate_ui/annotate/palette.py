"""Label colours: the Okabe–Ito colour-blind-safe palette and the shades derived from it.

Pure functions over ``#rrggbb`` strings (no Qt), so the scheme, exports and tests can use
them too. The article view tints the background with a light blend of a label colour on
white and draws underlines in the colour itself (darkened where it is too light to read).
"""
from __future__ import annotations

from functools import lru_cache

__all__ = [
    "OKABE_ITO",
    "LABEL_COLORS",
    "color_for_label",
    "blend",
    "tint_color",
    "underline_color",
    "outline_color",
    "relative_luminance",
]

# Okabe & Ito (2008), "Color Universal Design". Black is part of the set but is kept out of
# the label cycle: a black tint is grey and a black underline reads as plain text decoration.
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}

# The order labels receive colours in: the first few are the most distinct from each other
# for all common colour-vision deficiencies (orange / blue / green / purple first; yellow,
# hard to read as a line on white, comes late).
LABEL_COLORS: tuple[str, ...] = (
    OKABE_ITO["orange"],
    OKABE_ITO["blue"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["yellow"],
)


def color_for_label(index: int) -> str:
    """Colour for the label at position ``index`` of the scheme (cycles after seven)."""
    if index < 0:
        raise ValueError(f"label index must be >= 0, got {index}")
    return LABEL_COLORS[index % len(LABEL_COLORS)]


def _parse(color: str) -> tuple[int, int, int]:
    c = color.strip()
    if not (len(c) == 7 and c[0] == "#"):
        raise ValueError(f"expected a colour like '#E69F00', got {color!r}")
    try:
        return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)
    except ValueError:
        raise ValueError(f"expected a colour like '#E69F00', got {color!r}") from None


def _fmt(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(v))):02X}" for v in rgb)


def blend(color: str, background: str = "#FFFFFF", alpha: float = 0.25) -> str:
    """Opaque colour of ``color`` laid over ``background`` at opacity ``alpha`` (0..1).

    Opaque results keep overlapping tints from muddying each other: the view paints one
    tint per character (the innermost span's), never a stack of translucent layers.
    """
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be within 0..1, got {alpha}")
    fr, fg, fb = _parse(color)
    br, bg, bb = _parse(background)
    return _fmt((br + (fr - br) * alpha, bg + (fg - bg) * alpha, bb + (fb - bb) * alpha))


def relative_luminance(color: str) -> float:
    """WCAG relative luminance of ``color`` (0 = black, 1 = white)."""

    def channel(v: int) -> float:
        s = v / 255.0
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = _parse(color)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


@lru_cache(maxsize=256)
def tint_color(color: str, *, selected: bool = False) -> str:
    """Background tint for text inside a span: light, or stronger for the selected span."""
    # Light colours (yellow, sky blue) need more opacity to be visible at all.
    light = relative_luminance(color) > 0.5
    if selected:
        return blend(color, alpha=0.55 if light else 0.42)
    return blend(color, alpha=0.32 if light else 0.20)


@lru_cache(maxsize=256)
def underline_color(color: str) -> str:
    """Colour of a span's underline: the label colour, darkened when too light to read.

    Targets a contrast of about 2.5:1 against white, enough for a 2 px line.
    """
    r, g, b = _parse(color)
    factor = 1.0
    while relative_luminance(_fmt((r * factor, g * factor, b * factor))) > 0.37 and factor > 0.3:
        factor -= 0.05
    return _fmt((r * factor, g * factor, b * factor))


@lru_cache(maxsize=256)
def outline_color(color: str) -> str:
    """Colour of the outline drawn around the selected span: a dark shade of ``color``."""
    r, g, b = _parse(color)
    return _fmt((r * 0.55, g * 0.55, b * 0.55))
