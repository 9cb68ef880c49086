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
  figure, three with constrained layout) and full PNG compression.  :func:`figure_png`
  draws once when the figure has fixed margins (``fig._crmlab_fixed_layout``) or
  constrained layout (which lays the figure out inside the same draw), and compresses
  lightly: the image only travels from the kernel to the browser.
"""

from __future__ import annotations

import contextlib
import io
import math
import struct
import zlib
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


@lru_cache(maxsize=4096)
def _text_extent(text: str, paths: tuple[str, ...], size: float, dpi: float, flags) -> tuple[float, float, float]:
    """Width, height and descent (pixels) of one line of text, as ``RendererAgg`` measures it."""
    font = get_font(list(paths))
    font.clear()
    font.set_size(size, dpi)
    font.set_text(text, 0.0, flags=flags)
    w, h = font.get_width_height()
    return w / 64.0, h / 64.0, font.get_descent() / 64.0


_FONT_PATHS: dict = {}  # font properties (as a tuple) -> the font files matplotlib picks for them


def _font_paths(prop) -> tuple[str, ...]:
    """``fontManager._find_fonts_by_props(prop)`` as text, looked up once per distinct font."""
    key = (tuple(prop.get_family()), prop.get_slant(), prop.get_variant(), prop.get_weight(), prop.get_stretch(),
           prop.get_size_in_points(), prop.get_file(), prop.get_math_fontfamily())
    paths = _FONT_PATHS.get(key)
    if paths is None:
        if len(_FONT_PATHS) > 512:
            _FONT_PATHS.clear()
        paths = _FONT_PATHS[key] = tuple(str(p) for p in fontManager._find_fonts_by_props(prop))
    return paths


@lru_cache(maxsize=256)
def _height_metrics(paths: tuple[str, ...], size: float, dpi: float):
    """(ascent, descent, line gap) of a font as ``matplotlib.text.Text._get_layout`` reads them, or Nones."""
    font = get_font(list(paths))
    for table_name, gap_key, ascent_key, descent_key in (
        ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
        ("hhea", "lineGap", "ascent", "descent"),
    ):
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * size * dpi / 72
        return table[ascent_key] * scale, -table[descent_key] * scale, table[gap_key] * scale
    return None, None, None


class CachedTextRenderer(RendererAgg):
    """Agg renderer that measures and draws each distinct line of plain text once, then from caches.

    matplotlib caches text metrics per renderer; a widget makes a new figure (and renderer)
    on every update, so these caches are per process instead.  The font's line metrics, which
    matplotlib reads from the font file for every text at every draw, are cached too.
    """

    def _get_font_height_metrics(self, prop):
        """Read by ``Text._get_layout`` (matplotlib 3.11) instead of the font's tables: same numbers, cached."""
        return _height_metrics(_font_paths(prop), prop.get_size_in_points(), self.dpi)

    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)
        return _text_extent(s, _font_paths(prop), prop.get_size_in_points(), self.dpi, get_hinting_flag())

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath or not s:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        image, xo, yo, descent = _text_bitmap(
            s, _font_paths(prop), prop.get_size_in_points(), self.dpi, bool(gc.get_antialiased()), get_hinting_flag()
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


_inline = []  # non-empty inside inline_png(): figure_png works like Jupyter's inline display


@contextlib.contextmanager
def inline_png():
    """Within this block, :func:`figure_png` renders like Jupyter's inline display of a figure.

    That is matplotlib's own Agg canvas, ``bbox_inches="tight"`` and default PNG compression:
    the way widget charts were shown before this module, kept as the same-run baseline of
    ``tests/benchmarks/bench_widgets.py``.
    """
    _inline.append(True)
    try:
        yield
    finally:
        _inline.pop()


def _inline_png(fig) -> bytes:
    buf = io.BytesIO()
    FigureCanvasAgg(fig)
    fig.savefig(buf, format="png", dpi=fig.dpi, bbox_inches="tight")
    return buf.getvalue()


def figure_png(fig) -> bytes:
    """The figure as PNG bytes, drawn once on a :class:`FastCanvas`.

    Figures with fixed margins (``fig._crmlab_fixed_layout = True``) or a layout engine
    (constrained layout keeps every label inside the figure) are drawn once and encoded as
    they are; others are cropped to their contents like Jupyter's inline display does.
    """
    if _inline:
        return _inline_png(fig)
    if not isinstance(fig.canvas, FastCanvas):
        FastCanvas(fig)
    buf = io.BytesIO()
    if not getattr(fig, "_crmlab_fixed_layout", False) and fig.get_layout_engine() is None:
        fig.savefig(buf, format="png", dpi=fig.dpi, bbox_inches="tight",
                    pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
        return buf.getvalue()
    fig.canvas.draw()  # runs the layout engine, if any, then draws: one pass
    return encode_png(np.asarray(fig.canvas.buffer_rgba()))


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(rgba: np.ndarray, level: int = PNG_COMPRESS_LEVEL) -> bytes:
    """An RGBA pixel array (height x width x 4, uint8) as PNG bytes.

    Every row uses PNG's "Up" filter (the byte difference to the row above), computed by numpy
    in one step.  Pillow tries all five filters on every row, which costs about 9 ms for a
    920x400 chart; this takes about 3 ms and the file is within a few per cent of the size.
    Any PNG reader decodes it to exactly the same pixels.
    """
    height, width, _ = rgba.shape
    flat = rgba.reshape(height, width * 4)
    rows = np.empty((height, width * 4 + 1), dtype=np.uint8)
    rows[:, 0] = 2  # filter type Up
    rows[0, 1:] = flat[0]
    np.subtract(flat[1:], flat[:-1], out=rows[1:, 1:])  # uint8 arithmetic wraps modulo 256, as PNG wants
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), level)) + _png_chunk(b"IEND", b""))
