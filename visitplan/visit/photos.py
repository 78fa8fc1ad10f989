"""Images a visit points at: a real image file inside the visit's folder, of sane size.

`find_image` resolves a relative path (symlinks included) and refuses what lies outside the
folder, what is not a regular file, and what is not a JPEG, PNG, GIF or WebP image. Only the
header is read (Pillow's `Image.open` learns the format and the size without decoding), so a
small file that claims 144 megapixels costs nothing and is refused with one plain sentence.
"""
from __future__ import annotations

import os
import stat
import warnings
from pathlib import Path

PHOTO_TYPES = (".jpg", ".jpeg", ".png", ".gif", ".webp")
IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "MPO"}   # MPO: a phone's JPEG with a preview
MAX_PIXELS = 40_000_000   # 40 megapixels; a phone photo has 12 to 50, a mail needs 1
MAX_IMAGE_BYTES = 50 * 1024 * 1024


class ImageRefused(Exception):
    """Why an image cannot be used, as one sentence (the caller adds file and field)."""


def find_image(folder: Path, rel: str) -> Path:
    """The resolved path of image `rel` (relative to `folder`), or ImageRefused."""
    p = Path(rel)
    if p.is_absolute():
        raise ImageRefused(f"{rel!r} is an absolute path; give it relative to the visit "
                           "file's folder")
    try:
        base = folder.resolve()
        full = (base / p).resolve()
    except (OSError, RuntimeError, ValueError):   # a loop of symlinks, a NUL
        raise ImageRefused(f"{rel!r} cannot be followed to a file") from None
    if not full.is_relative_to(base):
        raise ImageRefused(f"{rel!r} lies outside the visit file's folder; photos must be "
                           "in that folder or below it")
    if full.suffix.lower() not in PHOTO_TYPES:
        raise ImageRefused(f"{rel!r} is not a photo ({', '.join(PHOTO_TYPES)})")
    try:
        check_image(full, rel)
    except FileNotFoundError:
        raise ImageRefused(f"photo {rel!r} not found next to the visit file") from None
    return full


def check_image(path: Path, label: str) -> tuple[int, int]:
    """Width and height of a JPEG, PNG, GIF or WebP image of at most MAX_PIXELS, read from
    its header; ImageRefused otherwise (FileNotFoundError when there is no such file).

    The file is opened without waiting (a pipe would block) and checked through the open
    descriptor, so what is checked is what is read. Pillow's decompression-bomb warning
    never shows."""
    from PIL import Image, UnidentifiedImageError

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ImageRefused(f"cannot read {label!r}: {exc.strerror}") from None
    not_image = (f"cannot read {label!r} as a photo: it is not a JPEG, PNG, GIF or WebP "
                 "image")
    try:
        mode = os.fstat(fd)   # before fdopen, which refuses a folder with its own error
        if not stat.S_ISREG(mode.st_mode):
            raise ImageRefused(f"{label!r} is not a regular file")
        if mode.st_size > MAX_IMAGE_BYTES:
            raise ImageRefused(f"{label!r} is {mode.st_size // (1024 * 1024)} MiB; an image "
                               f"may be at most {MAX_IMAGE_BYTES // (1024 * 1024)} MiB")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with os.fdopen(fd, "rb", closefd=False) as handle, Image.open(handle) as image:
                fmt, (width, height) = image.format, image.size
    except Image.DecompressionBombError:
        raise ImageRefused(_too_many(label)) from None
    except UnidentifiedImageError:
        raise ImageRefused(not_image) from None
    except (OSError, ValueError, SyntaxError) as exc:   # a broken header
        raise ImageRefused(f"cannot read {label!r} as a photo ({exc})") from None
    finally:
        os.close(fd)
    if fmt not in IMAGE_FORMATS:
        raise ImageRefused(not_image)
    if width * height > MAX_PIXELS:
        raise ImageRefused(_too_many(label, width, height))
    return width, height


def _too_many(label: str, width: int = 0, height: int = 0) -> str:
    size = f" ({width} × {height} pixels)" if width else ""
    return (f"{label!r} is too large an image{size}; at most {MAX_PIXELS // 1_000_000} "
            "megapixels, so shrink it first")
