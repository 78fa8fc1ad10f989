"""Build "Visitplan Sans SC" Regular and Bold, the Simplified Chinese face of the documents,
from Noto Sans CJK SC (Debian's fonts-noto-cjk), and install them for fontconfig.

Why: WenQuanYi Micro Hei has no bold, so bold Chinese printed beside true-bold Latin
digits. Noto Sans CJK SC has a real Regular and Bold, but WeasyPrint subsets a font keeping
every glyph id up to the highest one used, and a Han character of the full face sits at a
glyph id up to 65 000: each weight then costs about 75 KB in a PDF even for a sign of ten
characters (a CFF face has no cheap empty glyph). This copy keeps only the characters of
GB 2312 (the 6 763 common Han characters, the Chinese punctuation, full-width forms,
kana-free symbols) and the Latin letters of European and Vietnamese names, numbered from 1, so the highest glyph id is
about 7 500 and the cost falls to a few KB a weight plus the glyphs used. A character
outside it (a rare name) is drawn by the full Noto Sans CJK SC, next in the font stack.

Noto Sans CJK is under the SIL Open Font License 1.1 with no reserved font name; the copy
is renamed as the licence asks of a modified version, and carries the licence text in
its name table.

    python3 scripts/make_fonts.py [--out DIR]     (default /usr/local/share/fonts/visitplan)
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc"
FAMILY = "Visitplan Sans SC"
WEIGHTS = ("Regular", "Bold")


def characters() -> set[int]:
    """GB 2312 (every two-byte sequence the codec decodes), the Latin letters of European
    and Vietnamese names ("Nguyễn Văn An" in a Chinese checklist keeps one design) and the
    punctuation of Chinese text."""
    chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x250))     # Latin-1, Extended A/B
    chars |= set(range(0x1E00, 0x1F00))          # Latin Extended Additional: Vietnamese
    chars |= set(range(0x300, 0x370))            # combining accents
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    chars |= set(range(0x2010, 0x2070))          # general punctuation: – — ‘ ’ “ ” … ‰
    chars |= set(range(0x3000, 0x3040))          # CJK symbols: 、。〈〉《》「」【】〔〕～
    chars |= set(range(0xFF01, 0xFF5F))          # full-width forms: ，：；（）！？
    chars |= {0x00B7, 0x30FB, 0x2116, 0x2103, 0x00D7, 0x00F7, 0x2192, 0x2190}
    return chars


def build(weight: str, out: Path) -> Path:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    collection = TTCollection(SOURCE.format(weight=weight))
    font = next(f for f in collection.fonts
                if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    options = subset.Options(retain_gids=False, notdef_outline=True, name_IDs=["*"],
                             name_languages=["*"], layout_features=["*"],
                             drop_tables=["vhea", "vmtx", "VORG", "BASE"])
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters())
    subsetter.subset(font)
    name = font["name"]
    full, postscript = f"{FAMILY} {weight}", f"VisitplanSansSC-{weight}"
    for record in list(name.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 21, 22):
            name.removeNames(nameID=record.nameID)
    for name_id, value in ((1, FAMILY), (2, weight), (3, f"visitplan:{postscript}"),
                           (4, full), (6, postscript), (16, FAMILY), (17, weight)):
        name.setName(value, name_id, 3, 1, 0x409)
    to_truetype(font)
    path = out / f"{postscript}.ttf"
    font.save(str(path))
    return path


def to_truetype(font) -> None:
    """Replace the CFF outlines by TrueType ones (quadratic curves within a thousandth of
    an em): a PDF subset of a TrueType face keeps its unused glyph ids as empty entries of
    a table that compresses to nothing, where CFF keeps an offset for each."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    upem = font["head"].unitsPerEm
    outlines = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyphs[name].draw(Cu2QuPen(pen, upem / 1000, reverse_direction=True))
        outlines[name] = pen.glyph()
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = outlines
    font["loca"] = newTable("loca")
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                  "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                  "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["head"].indexToLocFormat = 0
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    post.glyphOrder = order
    font.sfntVersion = "\0\1\0\0"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/usr/local/share/fonts/visitplan"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for weight in WEIGHTS:
        path = build(weight, args.out)
        print(f"{path}: {path.stat().st_size // 1024} KB")
    subprocess.run(["fc-cache", "-f", str(args.out)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
