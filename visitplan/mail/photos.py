"""The photos of a follow-up: each shrunk for mail (long side at most PHOTO_LONG_SIDE),
turned as its EXIF orientation says, stripped of every piece of metadata (EXIF with GPS,
XMP, comments), with a stable Content-ID and an attachment name unique in the message."""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from visitplan.errors import ValidationFailed
from visitplan.mail.ids import content_id

PHOTO_LONG_SIDE = 1600
JPEG_QUALITY = 85


@dataclass
class Photo:
    label: str        # the path as given in the visit, relative to its folder
    filename: str     # the attachment's name
    data: bytes
    subtype: str      # jpeg | png
    width: int
    height: int
    cid: str          # Content-ID, with its angle brackets


# the SHA-256 of a photo file -> (data, subtype, width, height)
_shrunk: dict[bytes, tuple] = {}
SHRUNK_KEPT = 32


def photo(visit, index: int, path: Path, msg_id: str) -> Photo:
    """A photo shrunk for mail: long side at most PHOTO_LONG_SIDE, turned as its EXIF
    orientation says, and every piece of metadata (EXIF with GPS, XMP, comments) left out.
    A process shrinks the same content once (the last SHRUNK_KEPT kept, by digest):
    resampling a camera photo takes a tenth of a second, which a process that builds the
    same follow-up again (the test suite does, dozens of times) need not pay twice."""
    label = path.relative_to(visit.folder.resolve()).as_posix() \
        if path.is_relative_to(visit.folder.resolve()) else path.name
    dotted = f"minutes.photos[{index}]"
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationFailed([visit.problem(dotted, f"cannot read {label!r} as a photo "
                                              f"({exc.strerror or exc})", "error")]) from None
    digest = hashlib.sha256(raw).digest()
    shrunk = _shrunk.get(digest)
    if shrunk is None:
        shrunk = _shrink(visit, dotted, label, raw)
        while len(_shrunk) >= SHRUNK_KEPT:
            _shrunk.pop(next(iter(_shrunk)))
        _shrunk[digest] = shrunk
    data, subtype, width, height = shrunk
    suffix = ".png" if subtype == "png" else ".jpg"
    return Photo(label=label, filename=path.stem + suffix, data=data, subtype=subtype,
                 width=width, height=height, cid=content_id(msg_id, f"{index}:{label}"))


def _shrink(visit, dotted: str, label: str, raw: bytes) -> tuple[bytes, str, int, int]:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(raw)) as original:
            image = ImageOps.exif_transpose(original)
            alpha = image.mode in ("RGBA", "LA", "PA") or (
                image.mode == "P" and "transparency" in image.info)
            image = image.convert("RGBA" if alpha else "RGB")
            image.thumbnail((PHOTO_LONG_SIDE, PHOTO_LONG_SIDE), Image.Resampling.LANCZOS)
            # a fresh image from the pixels alone: nothing of the file's metadata survives
            clean = Image.frombytes(image.mode, image.size, image.tobytes())
    except UnidentifiedImageError:
        raise ValidationFailed([visit.problem(dotted, f"cannot read {label!r} as a photo: it "
                                              "is not a JPEG, PNG, GIF or WebP image",
                                              "error")]) from None
    except (Image.DecompressionBombError, OSError, ValueError) as exc:
        raise ValidationFailed([visit.problem(dotted, f"cannot read {label!r} as a photo "
                                              f"({exc})", "error")]) from None
    buffer = io.BytesIO()
    if alpha:
        clean.save(buffer, "PNG", optimize=True)
        return buffer.getvalue(), "png", clean.width, clean.height
    clean.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue(), "jpeg", clean.width, clean.height


def unique_filenames(photos: list[Photo]) -> None:
    seen: set[str] = set()
    for p in photos:
        name, n = p.filename, 1
        stem, _, suffix = p.filename.rpartition(".")
        while name.lower() in seen:
            n += 1
            name = f"{stem}-{n}.{suffix}"
        seen.add(name.lower())
        p.filename = name


