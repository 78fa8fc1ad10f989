"""The text a PDF gives back when it is searched, copied or extracted: a correction of the
map from glyphs to characters (ToUnicode) WeasyPrint writes.

WeasyPrint maps each glyph to the text of the first cluster it was drawn in. Where the
shaper splits one character into several glyphs, the map goes wrong for every later use of
those glyphs: Thai SARA AM (ำ) is drawn as NIKHAHIT + SARA AA, so the SARA AA glyph is
mapped to ำ and every า of the page reads as ำ, the NIKHAHIT to nothing; a tone mark
moved out of the way of a vowel (น้ำ) is a glyph of its own, mapped to nothing.

`finisher` (given to WeasyPrint's write_pdf) maps such glyphs back to the character the
font itself gives them: its cmap, or for an alternate form (a lowered tone mark) the glyph
it substitutes. Then ำ reads as ํา, its compatibility decomposition (the same text after
NFKC), and า as า.
"""
from __future__ import annotations

import io
import unicodedata


def finisher(document, pdf) -> None:
    """Correct the ToUnicode map of each embedded font whose map holds a glyph mapped to no
    text, to more than one character, or to a character the shaper may split into others
    (its compatibility decomposition, as ำ into ํ and า); see the module's docstring."""
    import pydyf

    streams = {}
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Dictionary) and obj.get("Subtype") == "/Type0" \
                and "ToUnicode" in obj:
            streams[obj["BaseFont"]] = pdf.objects[int(obj["ToUnicode"].split()[0])]
    for font in document.fonts.values():
        odd = {gid: text for gid, text in font.to_unicode.items()
               if len(text) != 1 or unicodedata.decomposition(text).startswith("<compat>")}
        stream = streams.get(font.name)
        if not odd or stream is None:
            continue
        fixed = _corrections(font, odd)
        if fixed:
            _rewrite(stream, fixed)


def _corrections(font, odd: dict[int, str]) -> dict[int, str]:
    """The character each glyph of `odd` stands for, where the font tells it and it agrees
    with the text WeasyPrint recorded (no text, or a text the character is part of)."""
    own = _glyph_characters(font)
    out = {}
    for gid, text in odd.items():
        ch = own.get(gid)
        if ch and (not text or ch in unicodedata.normalize("NFKD", text)):
            out[gid] = ch
    return out


def _glyph_characters(font) -> dict[int, str]:
    """Glyph id → character, from the font's cmap, and for a glyph without one from the
    glyph it replaces in a single substitution (an alternate form of a mark)."""
    from fontTools.ttLib import TTFont
    from weasyprint.text.ffi import ffi, harfbuzz

    blob = harfbuzz.hb_face_reference_blob(font.hb_face)
    try:
        length = ffi.new("unsigned int *")
        data = bytes(ffi.unpack(harfbuzz.hb_blob_get_data(blob, length), length[0]))
    finally:
        harfbuzz.hb_blob_destroy(blob)
    tt = TTFont(io.BytesIO(data), fontNumber=font.index or 0, lazy=True)
    order = tt.getGlyphOrder()
    ids = {name: i for i, name in enumerate(order)}
    chars: dict[int, str] = {}
    for code, name in sorted(tt.getBestCmap().items()):
        chars.setdefault(ids[name], chr(code))
    if "GSUB" in tt:
        for lookup in tt["GSUB"].table.LookupList.Lookup:
            for sub in lookup.SubTable:
                sub = getattr(sub, "ExtSubTable", sub)
                if type(sub).__name__ != "SingleSubst":
                    continue
                for source, target in sub.mapping.items():
                    if source in ids and target in ids and ids[source] in chars:
                        chars.setdefault(ids[target], chars[ids[source]])
    return chars


def _rewrite(stream, fixed: dict[int, str]) -> None:
    """Replace the `<glyph> <text>` lines of a ToUnicode stream for the glyphs in `fixed`."""
    for i, line in enumerate(stream.stream):
        if not isinstance(line, bytes) or not line.startswith(b"<") or b"> <" not in line:
            continue
        gid = int(line[1:line.index(b">")], 16)
        if gid in fixed:
            text = fixed[gid].encode("utf-16-be").hex()
            stream.stream[i] = f"<{gid:04x}> <{text}>".encode()
