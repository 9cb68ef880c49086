"""Fast PNG rendering for live widget charts.

A widget redraws its chart every time a learner moves a control, so the chart must be
turned into pixels quickly.  Two things make matplotlib (3.11+) slow here, and this
module removes both without changing what the chart shows:

* Every draw lays out and rasterises every text glyph by glyph (tick labels, cell
  annotations, titles), although the same strings come back update after update.
  :class:`CachedTextRenderer` rasterises each (string, font, size, dpi) once into a
  grey-scale bitmap and stamps that bitmap on later draws, the way matplotlib drew text
  before 3.11.  The cache is bounded (least recently used strings are dropped).
* ``display(fig)`` in Jupyter saves with ``bbox_inches="tight"`` (two passes over the
  figure) and full PNG compression.  :func:`figure_png` draws once when the figure has
  fixed margins (``fig._crmlab_fixed_layout``), and compresses lightly: the image only
  travels from the kernel to the browser on the same machine or network.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.font_manager import fontManager, get_font

#: zlib level for widget images: 1 is about 5x faster than the default 6 and ~10 % larger
PNG_COMPRESS_LEVEL = 1


@lru_cache(maxsize=4096)
def _text_bitmap(text: str, paths: tuple[str, ...], size: float, dpi: float, antialiased: bool, flags):
    """Grey-scale bitmap of one line of text, its offset and descent (in pixels)."""
    font = get_font(list(paths))
    font.clear()
    font.set_size(size, dpi)
    font.set_text(text, 0.0, flags=flags)
    font.draw_glyphs_to_bitmap(antialiased=antialiased)
    image = np.array(font.get_image())  # a copy: the font object reuses its buffer
    xo, yo = font.get_bitmap_offset()
    return image, xo / 64.0, yo / 64.0, font.get_descent() / 64.0


class CachedTextRenderer(RendererAgg):
    """Agg renderer that draws each distinct line of plain text from a cached bitmap."""

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath or not s:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        paths = tuple(str(p) for p in fontManager._find_fonts_by_props(prop))
        image, xo, yo, descent = _text_bitmap(
            s, paths, prop.get_size_in_points(), self.dpi, bool(gc.get_antialiased()), get_hinting_flag()
        )
        if image.size == 0:
            return None
        x = round(x + xo + descent * math.sin(math.radians(angle)))
        y = round(y + yo + descent * math.cos(math.radians(angle)))
        self._renderer.draw_text_image(image, x, y + 1, angle, gc)
        return None


class FastCanvas(FigureCanvasAgg):
    """An Agg canvas whose renderer caches text bitmaps (see :class:`CachedTextRenderer`)."""

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = CachedTextRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer


def figure_png(fig) -> bytes:
    """The figure as PNG bytes, drawn once on a :class:`FastCanvas`.

    Figures made with fixed margins (``fig._crmlab_fixed_layout = True``) are saved as they
    are; others are cropped to their contents like Jupyter's inline display does.
    """
    if not isinstance(fig.canvas, FastCanvas):
        FastCanvas(fig)
    buf = io.BytesIO()
    tight = not getattr(fig, "_crmlab_fixed_layout", False)
    fig.savefig(buf, format="png", dpi=fig.dpi, bbox_inches="tight" if tight else None,
                pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
    return buf.getvalue()
