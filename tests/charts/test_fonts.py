"""Chinese text in charts: the bundled font covers every string crmlab draws."""

from __future__ import annotations

import ast
import json
import unicodedata
import warnings
from pathlib import Path

import crmlab

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "crmlab"


def _cjk_strings_in_package() -> list[str]:
    strings = set()
    for path in PKG.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and any(ord(c) > 0x2E7F for c in node.value)):
                strings.add(node.value)
    return sorted(strings)


def _notebook_chars() -> set[str]:
    chars: set[str] = set()
    for folder in ("notebooks", "solutions", "exercises"):
        for nb in (ROOT / folder).glob("*.ipynb"):
            data = json.loads(nb.read_text(encoding="utf-8"))
            for cell in data["cells"]:
                if cell["cell_type"] == "code":
                    chars.update("".join(cell["source"]))
    return chars


def _cmap() -> set[int]:
    from fontTools.ttLib import TTFont

    return set(TTFont(crmlab.FONT_FILE)["cmap"].getBestCmap())


def test_bundled_font_is_first_choice():
    from matplotlib import font_manager as fm

    assert crmlab.FONT_FILE.exists()
    assert crmlab.setup_fonts() == crmlab.FONT_FAMILY
    found = fm.findfont(fm.FontProperties(family=["sans-serif"]), fallback_to_default=False)
    assert Path(found).resolve() == crmlab.FONT_FILE.resolve()


def test_font_covers_gb2312_and_every_char_crmlab_uses():
    cmap = _cmap()
    from crmlab.fonts.build_font import gb2312_chars

    missing_gb = [c for c in gb2312_chars() if ord(c) not in cmap]
    assert not missing_gb[:20], f"GB2312 characters missing: {''.join(missing_gb[:20])}"
    used = set("".join(_cjk_strings_in_package())) | _notebook_chars()
    missing = sorted(c for c in used if ord(c) > 0x7F and ord(c) not in cmap and not c.isspace()
                     and unicodedata.category(c) != "Cf"  # zero-width and BOM: never drawn
                     and not (0x1F000 <= ord(c) <= 0x1FAFF))  # emoji: drawn by the browser, never in charts
    assert not missing, (
        "characters used by crmlab are missing from the bundled font: "
        + "".join(missing)
        + " — rerun `uv run python crmlab/fonts/build_font.py`"
    )


def test_drawing_every_chinese_string_raises_no_glyph_warning(monkeypatch):
    """Draw every CJK string literal of the package with only the bundled font."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    strings = [s for s in _cjk_strings_in_package() if not any(0x1F000 <= ord(c) <= 0x1FAFF for c in s)]
    assert len(strings) > 20  # the package really has Chinese labels and messages
    monkeypatch.setitem(matplotlib.rcParams, "font.sans-serif", [crmlab.FONT_FAMILY])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.set_title("客户生命周期价值 −1,200 元")
        ax.plot([-2, -1, 0], [-3, 1, 2])
        for i in range(0, len(strings), 40):
            for j, s in enumerate(strings[i:i + 40]):
                ax.text(0, j, s.replace("$", r"\$")[:200], usetex=False)
            fig.canvas.draw()
            for t in list(ax.texts):
                t.remove()
        plt.close(fig)


def test_package_stays_small():
    size = sum(p.stat().st_size for p in PKG.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert size < 10 * 1024 * 1024, f"crmlab package is {size / 1e6:.1f} MB"


def test_license_shipped():
    text = (PKG / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in text
