"""Helpers of the sign and welcome-screen tests: visit files, PDF inspection, Chromium."""
from __future__ import annotations

import html
import io
import json
import re
import subprocess
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
HOSTILE_IMG = '<img src="file:///etc/passwd">'
HOSTILE_LINK = '<link rel="attachment" href="file:///etc/passwd">'


def write_visit(folder: Path, guests: list[dict], *, language="ko", staff_language="zh",
                name="visit.yaml") -> Path:
    """A valid visit file with these guests (each a dict of guest fields)."""
    lines = [
        "title: Sign test visit", f"language: {language}",
        f"staff_language: {staff_language}", "timezone: Asia/Shanghai",
        "host:", "  company: Brightway Lighting Co., Ltd.",
        "  company_local: 深圳明辉照明有限公司", "  country: CN",
        "  contact: {name: 李伟, name_latin: Li Wei, email: li.wei@brightway.example}",
        "guests:",
    ]
    for guest in guests:
        lines.append("  - " + json.dumps(guest, ensure_ascii=False))
    lines += ["arrival: {by: flight, number: OZ369, at: 2026-12-08 10:35, pickup: true}",
              "departure: {by: flight, number: OZ370, at: 2026-12-10 11:40}"]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def korean_guest(name="김민준", latin="Kim Minjun", **more) -> dict:
    return {"name": name, "name_latin": latin, "title": "Purchasing Director",
            "company": "Hanbit Electronics", "country": "KR", **more}


# ---------------------------------------------------------------- PDF

def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_fonts(path: Path) -> list[dict]:
    """pdffonts' table: one dict per font with name, emb and sub."""
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                         text=True).stdout.splitlines()
    rows = []
    for line in out[2:]:
        cols = line.split()
        # name type... encoding emb sub uni object-id generation
        rows.append({"name": cols[0], "emb": cols[-5], "sub": cols[-4], "uni": cols[-3]})
    return rows


def one_line_texts(path: Path) -> list[str]:
    """Every line pdftotext reads in a PDF, stripped."""
    return [line.strip() for line in pdf_text(path).splitlines() if line.strip()]


def text_runs(path: Path, page: int = 0) -> list[dict]:
    """Every piece of text on a page with its font, printed size in points and baseline
    (`y`, points from the bottom of the page)."""
    from pypdf import PdfReader

    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None:
            runs.append({"text": text.strip(), "font": font,
                         "base": str(font.get("/BaseFont", "")),
                         "pt": abs(size * tm[3] * cm[3]),
                         "y": tm[4] * cm[1] + tm[5] * cm[3] + cm[5]})

    PdfReader(str(path)).pages[page].extract_text(visitor_text=visit)
    return runs


def embedded_cap_height(font) -> float:
    """capHeight / unitsPerEm from the OS/2 table of the font program embedded in the PDF."""
    from fontTools.ttLib import TTFont

    descendant = font["/DescendantFonts"][0].get_object()
    descriptor = descendant["/FontDescriptor"].get_object()
    data = descriptor["/FontFile2"].get_object().get_data()
    tt = TTFont(io.BytesIO(data))
    return tt["OS/2"].sCapHeight / tt["head"].unitsPerEm


def pdf_images(path: Path) -> list[dict]:
    """pdfimages -list: pixel size and resolution of every image drawn."""
    out = subprocess.run(["pdfimages", "-list", str(path)], check=True, capture_output=True,
                         text=True).stdout.splitlines()
    images = []
    for line in out[2:]:
        cols = line.split()
        images.append({"page": int(cols[0]), "width": int(cols[3]), "height": int(cols[4]),
                       "x_ppi": float(cols[12]), "y_ppi": float(cols[13])})
    return images

# ---------------------------------------------------------------- Chromium

_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--hide-scrollbars", "--mute-audio"]

# Records, once the fonts are in, every fitted text's widths and box and every resource the
# page loaded, into a <pre id="probe"> that --dump-dom prints.
PROBE = """<script>
document.fonts.ready.then(function () {
  var out = {fits: [], resources: [], linked: [],
             viewport: [window.innerWidth, window.innerHeight]};
  document.querySelectorAll('.fit').forEach(function (el) {
    var r = el.getBoundingClientRect();
    var range = document.createRange();
    range.selectNodeContents(el);
    var t = range.getBoundingClientRect();
    out.fits.push({cls: el.className, text: el.innerText.trim(), lang: el.lang,
                   scrollWidth: el.scrollWidth, clientWidth: el.clientWidth,
                   left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                   textLeft: t.left, textRight: t.right, textTop: t.top,
                   textBottom: t.bottom});
  });
  performance.getEntriesByType('resource').forEach(function (e) { out.resources.push(e.name); });
  document.querySelectorAll('[src], [href]').forEach(function (el) {
    out.linked.push(el.tagName + ' ' + (el.getAttribute('src') || el.getAttribute('href')));
  });
  var pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def chromium(args: list[str], profile: Path, timeout=90) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=timeout)


_WINDOWS: dict[tuple[int, int], tuple[int, int]] = {}


def window_for(size: tuple[int, int], workdir: Path) -> tuple[int, int]:
    """The --window-size that gives a page a viewport of exactly `size` under --dump-dom.
    Headless Chromium takes room for browser chrome it emulates off the window (1080 →
    937 in Chromium 156), so measure that once instead of trusting a number."""
    if size not in _WINDOWS:
        page = workdir / "viewport.html"
        page.write_text("<body><script>document.body.textContent = 'VIEWPORT ' + "
                        "innerWidth + 'x' + innerHeight;</script></body>")
        done = chromium([f"--window-size={size[0]},{size[1]}", "--dump-dom", page.as_uri()],
                        workdir / "profile-viewport")
        m = re.search(r"VIEWPORT (\d+)x(\d+)", done.stdout)
        assert m, f"chromium did not load a page:\n{done.stderr[-2000:]}"
        inner = int(m.group(1)), int(m.group(2))
        _WINDOWS[size] = (2 * size[0] - inner[0], 2 * size[1] - inner[1])
    return _WINDOWS[size]


def probe(page: Path, workdir: Path, size=(1920, 1080)) -> dict:
    """Open a copy of `page` with the probe script in headless Chromium with a viewport of
    `size` and return what the probe recorded. The copy's Content-Security-Policy is
    dropped (it forbids scripts, the probe's too); the page is otherwise unchanged."""
    text = page.read_text(encoding="utf-8")
    text, n = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
    assert n == 1, "welcome.html should carry a Content-Security-Policy"
    assert text.count("</body>") == 1
    copy = workdir / f"probe-{page.stem}.html"
    copy.write_text(text.replace("</body>", PROBE + "\n</body>"), encoding="utf-8")
    window = window_for(size, workdir)
    done = chromium(["--virtual-time-budget=10000", f"--window-size={window[0]},{window[1]}",
                     "--dump-dom", copy.as_uri()], workdir / "profile-probe")
    m = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert m, f"the probe recorded nothing; chromium said:\n{done.stderr[-2000:]}"
    return json.loads(html.unescape(m.group(1)))


def assert_fits(found: dict, size: tuple[int, int]):
    """Every fitted text inside its own box, and every box inside the screen."""
    assert found["viewport"] == list(size)
    assert found["fits"]
    for fit in found["fits"]:
        what = f"{fit['cls']} {fit['text']!r}"
        assert fit["scrollWidth"] <= fit["clientWidth"], f"{what} overflows its box"
        assert fit["textLeft"] >= fit["left"] - 1 and fit["textRight"] <= fit["right"] + 1, \
            f"{what} runs out of its box"
        assert fit["textLeft"] >= 0 and fit["textRight"] <= size[0], f"{what} leaves the screen"
        assert fit["top"] >= 0 and fit["bottom"] <= size[1], f"{what} leaves the screen"


def screenshot(page: Path, png: Path, workdir: Path, size=(1920, 1080)) -> Path:
    done = chromium([f"--window-size={size[0]},{size[1]}", f"--screenshot={png}",
                     page.as_uri()], workdir / "profile-shot")
    assert png.is_file(), f"no screenshot; chromium said:\n{done.stderr[-2000:]}"
    return png
