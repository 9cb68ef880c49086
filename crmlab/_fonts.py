"""Register the bundled Simplified Chinese font with matplotlib.

Called once by ``import crmlab``.  Uses ``fontManager.addfont`` only: nothing is
downloaded and nothing is written outside matplotlib's own user cache.
"""

from __future__ import annotations

from pathlib import Path

FONT_DIR = Path(__file__).with_name("fonts")
FONT_FILE = FONT_DIR / "CRMLabSansSC-Regular.ttf"
FONT_FAMILY = "CRMLab Sans SC"

# Fallbacks after the bundled font: common system CJK fonts, then DejaVu for symbols.
FALLBACK_FAMILIES = [
    "Noto Sans CJK SC",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "WenQuanYi Micro Hei",
    "DejaVu Sans",
]

_done = False


def setup_fonts() -> str | None:
    """Register the bundled font and put it first in ``font.sans-serif``.

    Returns the family name registered, or ``None`` when the font file is absent.
    Safe to call many times.
    """
    global _done
    import matplotlib as mpl
    from matplotlib import font_manager

    family = None
    if FONT_FILE.exists():
        if not _done:
            font_manager.fontManager.addfont(str(FONT_FILE))
        family = font_manager.FontProperties(fname=str(FONT_FILE)).get_name()
    names = ([family] if family else []) + [
        f for f in FALLBACK_FAMILIES if f != family
    ]
    current = [f for f in mpl.rcParams["font.sans-serif"] if f not in names]
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["font.sans-serif"] = names + current
    # The bundled font has U+2212, so the true minus sign renders; without it, fall back to "-".
    mpl.rcParams["axes.unicode_minus"] = family is not None
    _done = True
    return family
