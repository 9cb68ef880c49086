"""Rebuild the bundled Chinese font (maintainers only; not used at run time).

The shipped ``CRMLabSansSC-Regular.ttf`` is a subset of *Noto Sans CJK SC Regular*
(SIL Open Font License 1.1, see ``OFL.txt`` next to this file): ASCII, Latin-1,
general and CJK punctuation, full-width forms, all 6,763 GB2312 hanzi and every
other character used in crmlab's sources, notebooks and data dictionary, and in the
JupyterLab zh_CN language pack (the interface ``crmlab-lab`` starts in Chinese).  The CFF
outlines are converted to TrueType (quadratic) so every matplotlib backend,
PDF and SVG included, can embed it.  As a modified version it carries its own
family name, ``CRMLab Sans SC``.

Run from the repository root with the Debian package ``fonts-noto-cjk`` installed::

    uv run python crmlab/fonts/build_font.py [/path/to/NotoSansCJK-Regular.ttc]
"""

from __future__ import annotations

import contextlib
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = HERE / "CRMLabSansSC-Regular.ttf"
DEFAULT_SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FAMILY = "CRMLab Sans SC"


def gb2312_chars() -> set[str]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes([hi, lo]).decode("gb2312"))
    return chars


def project_chars() -> set[str]:
    chars: set[str] = set()
    patterns = ["crmlab/**/*.py", "notebooks/*.ipynb", "solutions/*.ipynb", "data/*.md", "README.md"]
    for pattern in patterns:
        for path in ROOT.glob(pattern):
            chars.update(path.read_text(encoding="utf-8"))
    chars.update(language_pack_chars())
    return {c for c in chars if ord(c) > 0x7F}


def language_pack_chars() -> set[str]:
    """Every character of the installed JupyterLab zh_CN language pack (crmlab-lab's interface, which
    falls back to this font on a computer without Chinese fonts; a few entries use traditional forms)."""
    import json

    try:
        import jupyterlab_language_pack_zh_CN as pack
    except ImportError:
        return set()
    chars: set[str] = set()
    for path in (Path(pack.__file__).parent / "locale").rglob("*.json"):
        chars.update(json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False))
    return chars


def wanted_codepoints() -> list[int]:
    cps = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180))
    ranges = [
        (0x2000, 0x206F),  # general punctuation
        (0x2100, 0x218F),  # letterlike, number forms
        (0x2190, 0x21FF),  # arrows
        (0x2200, 0x22FF),  # mathematical operators (minus sign U+2212)
        (0x2460, 0x24FF),  # enclosed numbers
        (0x2500, 0x25FF),  # box drawing, shapes
        (0x2600, 0x26FF),  # misc symbols (check marks etc.)
        (0x2700, 0x27BF),
        (0x3000, 0x303F),  # CJK punctuation
        (0xFF00, 0xFFEF),  # full-width forms
        (0x2E80, 0x2EFF),
    ]
    for a, b in ranges:
        cps.update(range(a, b + 1))
    cps.update(ord(c) for c in gb2312_chars())
    cps.update(ord(c) for c in project_chars())
    return sorted(cps)


def _subset(source: str):
    """Load Noto Sans CJK SC from ``source`` and keep only the wanted code points."""
    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont

    if source.endswith(".ttc"):
        collection = TTCollection(source)
        font = next(f for f in collection.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    else:
        font = TTFont(source)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = True
    sub = subset.Subsetter(options)
    sub.populate(unicodes=wanted_codepoints())
    sub.subset(font)
    return font


def _to_truetype(font) -> None:
    """CFF (cubic) -> glyf (quadratic), so that every backend can embed the font."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                 "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 2.0
    font["post"].extraNames = []
    font["post"].mapping = {}
    font.sfntVersion = "\x00\x01\x00\x00"


def _rename(font) -> None:
    """A modified version carries its own family name (OFL section 3 practice)."""
    name = font["name"]
    for rec in list(name.names):
        if rec.nameID in (1, 16):
            rec.string = FAMILY
        elif rec.nameID == 4:
            rec.string = f"{FAMILY} Regular"
        elif rec.nameID in (3, 6):
            rec.string = "CRMLabSansSC-Regular"
        elif rec.nameID == 5:
            rec.string = re.sub(r";.*", "", rec.toUnicode()) + "; crmlab subset"


def build(source: str = DEFAULT_SOURCE) -> Path:
    font = _subset(source)
    _to_truetype(font)
    _rename(font)
    font.save(OUT)
    return OUT


if __name__ == "__main__":
    out = build(*(sys.argv[1:2] or [DEFAULT_SOURCE]))
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB)")
