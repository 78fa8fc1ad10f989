"""The host's logo on the sign and the welcome screen, under the photos' rule: a real image
inside its brand folder.

The logo is `logo.svg`, `logo.png`, `logo.jpg` or `logo.jpeg` in the user's templates
folder or its `assets/` folder. It is refused, with one sentence naming the file and the
reason, when it is a link that leads out of that folder (`logo.svg -> /etc/passwd`), is
not a regular file, is larger than LOGO_MAX_BYTES, or is not an image of the kind its name
says (a PNG that Pillow cannot read, an SVG without an <svg> root).
"""
from __future__ import annotations

import base64
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from visitplan.errors import InputError

LOGO_NAMES = ("logo.svg", "logo.png", "logo.jpg", "logo.jpeg")
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
              ".jpeg": "image/jpeg"}
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 40_000_000
_SVG_ROOT = re.compile(rb"<svg[\s>]")


@dataclass(frozen=True)
class Logo:
    """A checked logo: its file (links resolved) and its bytes."""

    path: Path
    data: bytes
    mime: str

    def __fspath__(self) -> str:     # a Logo goes where a path to the file is expected
        return str(self.path)

    def as_uri(self) -> str:
        return self.path.as_uri()

    def data_url(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode()}"


def _refuse(path: Path, reason: str) -> InputError:
    return InputError(f"{path}: the logo is refused: {reason}")


def _check_image(path: Path, data: bytes, suffix: str) -> str:
    """The MIME type of the logo's bytes; raises InputError when they are no image."""
    if suffix == ".svg":
        head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith(b"<") or not _SVG_ROOT.search(data[:65536]):
            raise _refuse(path, "it is not an SVG image (no <svg> element)")
        return LOGO_TYPES[".svg"]
    from PIL import Image, UnidentifiedImageError

    expected = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}[suffix]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        with image:
            kind, (width, height) = image.format, image.size
            if width * height > LOGO_MAX_PIXELS:
                raise _refuse(path, f"it is {width}×{height} pixels; a logo may have at most "
                              f"{LOGO_MAX_PIXELS // 1_000_000} million")
            image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(path, f"it has more than {LOGO_MAX_PIXELS // 1_000_000} million "
                      "pixels") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise _refuse(path, f"it is not a {expected} image") from None
    if kind not in ("PNG", "JPEG"):
        raise _refuse(path, f"it is a {kind} image; use SVG, PNG or JPEG")
    return "image/png" if kind == "PNG" else "image/jpeg"


def find_logo(user_dir: Path | None) -> Logo | None:
    """The host's logo from the user's templates folder (or its assets/), checked; None
    when there is none (the built-in templates have none: the sign then shows the host
    company's name alone). Raises InputError naming the file and the reason."""
    if user_dir is None:
        return None
    brand = Path(user_dir).resolve()
    for folder in (Path(user_dir), Path(user_dir) / "assets"):
        for name in LOGO_NAMES:
            path = folder / name
            if not (path.exists() or path.is_symlink()):
                continue
            real = path.resolve()
            if not real.is_relative_to(brand):
                raise _refuse(path, f"it leads to {real}, outside the brand folder {brand}")
            if not real.is_file():
                raise _refuse(path, "it is not a regular file")
            suffix = real.suffix.lower()
            if suffix not in LOGO_TYPES:
                raise _refuse(path, f"it leads to {real.name}, which is not named as an "
                              "image (.svg, .png, .jpg)")
            if real.stat().st_size > LOGO_MAX_BYTES:
                raise _refuse(path, f"it is larger than {LOGO_MAX_BYTES // 1024 // 1024} MiB")
            try:
                data = real.read_bytes()
            except OSError as exc:
                raise _refuse(path, exc.strerror or str(exc)) from None
            return Logo(real, data, _check_image(path, data, suffix))
    return None
