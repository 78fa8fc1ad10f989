"""The follow-up email as written (`visitplan followup VISIT`): golden .eml files for the
examples, the greeting of each guest in each language, the minutes, the photos (shrunk,
turned upright, stripped of EXIF, once, inline and named), the 10 MB limit, and the refusals
(no minutes, nobody to write to).

Golden files: tests/golden/followup/<visit id>.eml, with the clock fixed and the MIME
boundaries and image data normalised. Rewrite them after a deliberate change with
    VISITPLAN_UPDATE_GOLDEN=1 python3 -m pytest tests/test_followup.py
and read the diff before committing.
"""
from __future__ import annotations

import base64
import datetime as dt
import email
import io
import random
import re
import shutil
from email import policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from golden import check_golden

from visitplan.mail import smtp as mail
from visitplan.api import Session
from visitplan.errors import InputError, ValidationFailed
from visitplan.mail.followup import build_followup, write_followup

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "followup"
# read at import: the autouse fixture of conftest.py clears VISITPLAN_* for each test
SHANGHAI = ZoneInfo("Asia/Shanghai")
CONFIG = 'smtp: {from: "Brightway Visits <visits@brightway.example>"}\noutput: out\n'


@pytest.fixture
def folder(tmp_path):
    """A folder with the example photos and a configuration; visits are copied into it."""
    shutil.copytree(REPO / "examples" / "photos", tmp_path / "photos")
    (tmp_path / "visitplan.yaml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def session(folder: Path, text: str = CONFIG) -> Session:
    (folder / "visitplan.yaml").write_text(text, encoding="utf-8")
    return Session.open(str(folder / "visitplan.yaml"))


def place(folder: Path, source: Path, edit=None) -> Path:
    text = source.read_text(encoding="utf-8")
    if edit:
        text = edit(text)
    target = folder / source.name
    target.write_text(text, encoding="utf-8")
    return target


def hanbit(folder: Path, edit=None) -> Path:
    return place(folder, REPO / "examples" / "hanbit-korean.yaml", edit)


def parse(data: bytes):
    return email.message_from_bytes(data, policy=policy.default)


def body(msg, kind: str) -> str:
    return msg.get_body((kind,)).get_content().replace("\r\n", "\n")


# ---------------------------------------------------------------- golden files

CASES = {
    "hanbit-2026-12": (REPO / "examples" / "hanbit-korean.yaml",
                       dt.datetime(2026, 12, 11, 9, 0, tzinfo=SHANGHAI)),
    "mueller-2027-01": (GOLDEN / "inputs" / "mueller-en.yaml",
                        dt.datetime(2027, 1, 15, 10, 30, tzinfo=SHANGHAI)),
    "lin-2027-04": (GOLDEN / "inputs" / "lin-zh.yaml",
                    dt.datetime(2027, 4, 14, 9, 15, tzinfo=SHANGHAI)),
}


@pytest.mark.parametrize("visit_id", sorted(CASES))
def test_golden_eml(folder, visit_id):
    source, now = CASES[visit_id]
    s = session(folder)
    visit = s.load_visit(place(folder, source))
    assert visit.id == visit_id
    path = write_followup(s, visit, folder / "out", now=now)
    data = path.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")      # CRLF throughout, as on the wire
    check_golden(f"followup/{visit_id}.eml", normalise(data))


def normalise(data: bytes) -> str:
    """The .eml with LF line ends, boundaries numbered in order of appearance, and each
    image's base64 replaced by what the image is."""
    text = data.decode("ascii").replace("\r\n", "\n")
    for n, boundary in enumerate(dict.fromkeys(re.findall(r'boundary="([^"]+)"', text)), 1):
        text = text.replace(boundary, f"BOUNDARY-{n}")
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        out.append(lines[i])
        if lines[i].startswith("Content-Type: image/"):
            i += 1
            while lines[i]:                    # the rest of the part's headers
                out.append(lines[i])
                i += 1
            out.append("")
            start = i = i + 1
            while not lines[i].startswith("--BOUNDARY-"):
                i += 1
            image = base64.b64decode("".join(lines[start:i]))
            with Image.open(io.BytesIO(image)) as im:
                out.append(f"[{im.format} {im.width}x{im.height}, EXIF: "
                           f"{'yes' if im.getexif() else 'none'}]")
            out.append("")
            continue
        i += 1
    return "\n".join(out)


@pytest.mark.parametrize("example", ["mueller-foreign-trade.yaml", "sakura-vip.yaml",
                                     "alnoor-halal.yaml"])
def test_examples_without_minutes_exit_2_naming_the_section(run, examples_dir, example):
    result = run("--config", _config(), "followup", examples_dir / example)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"visitplan: {examples_dir / example}: minutes: the visit has no `minutes:` section; "
        "the follow-up is built from it, so add `minutes:` with at least `summary:` (and "
        "decisions, next_steps, photos as you have them)\n")


def _config() -> Path:
    path = Path.cwd() / "visitplan.yaml"          # the isolated working folder
    path.write_text(CONFIG, encoding="utf-8")
    return path


# ---------------------------------------------------------------- the command


def test_the_command_writes_followup_eml_into_the_output_folder(run, folder):
    visit = hanbit(folder)
    result = run("--config", folder / "visitplan.yaml", "followup", visit)
    target = folder / "out" / "hanbit-2026-12" / "followup.eml"
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == f"wrote {target}; to send it: visitplan followup {visit} --send\n"
    msg = parse(target.read_bytes())
    assert msg["Message-ID"] == mail.message_id("followup", "hanbit-2026-12",
                                                domain="brightway.example")
    quiet = run("--config", folder / "visitplan.yaml", "-q", "followup", visit, "-o",
                folder / "elsewhere")
    assert quiet.exit_code == 0 and quiet.stdout == ""
    assert (folder / "elsewhere" / "followup.eml").is_file()


def test_a_failed_build_leaves_the_previous_file_alone(run, folder):
    visit = hanbit(folder)
    assert run("--config", folder / "visitplan.yaml", "followup", visit).exit_code == 0
    target = folder / "out" / "hanbit-2026-12" / "followup.eml"
    before = target.read_bytes()
    (folder / "photos" / "smt-line.jpg").write_bytes(b"not a jpeg at all")
    result = run("--config", folder / "visitplan.yaml", "followup", visit)
    assert result.exit_code == 2
    assert result.stderr == (f"{visit}:64:33: minutes.photos[1]: cannot read "
                             "'photos/smt-line.jpg' as a photo: it is not a JPEG, PNG, GIF or "
                             "WebP image\n")
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["followup.eml"]


def test_no_recipient_exits_2(run, folder):
    def no_emails(text):
        return re.sub(r"\n    email: .*", "", text)
    visit = hanbit(folder, no_emails)
    result = run("--config", folder / "visitplan.yaml", "followup", visit)
    assert result.exit_code == 2
    assert result.stderr == (f"visitplan: {visit}: followup.to: nobody to send the follow-up "
                             "to; give the guests an `email:` or list addresses under "
                             "`followup: to:`\n")


# ---------------------------------------------------------------- headers


def test_headers(folder):
    s = session(folder)
    visit = s.load_visit(hanbit(folder))
    now = dt.datetime(2026, 12, 11, 9, 0, tzinfo=SHANGHAI)
    msg = parse(build_followup(s, visit, now).as_bytes())
    assert msg["From"] == "Brightway Visits <visits@brightway.example>"
    assert msg["Reply-To"] == "Li Wei <li.wei@brightway.example>"
    assert [(a.display_name, a.addr_spec) for a in msg["To"].addresses] == [
        ("김민준", "minjun.kim@hanbit.example"), ("이서연", "seoyeon.lee@hanbit.example")]
    assert msg["Cc"] is None
    assert msg["Date"] == "Fri, 11 Dec 2026 09:00:00 +0800"
    assert msg["Subject"] == "Brightway Lighting Co., Ltd. 방문에 감사드립니다: 회의록 및 사진"


def test_the_message_id_is_stable_for_the_visit(folder):
    s = session(folder)
    visit = s.load_visit(hanbit(folder))
    one = build_followup(s, visit, dt.datetime(2026, 12, 11, 9, 0, tzinfo=SHANGHAI))
    two = build_followup(s, visit, dt.datetime(2026, 12, 20, 17, 0, tzinfo=SHANGHAI))
    assert one["Message-ID"] == two["Message-ID"]
    assert re.fullmatch(r"<followup\.[0-9a-f]{32}@brightway\.example>", one["Message-ID"])
    other = s.load_visit(hanbit(folder, lambda t: t.replace("id: hanbit-2026-12",
                                                            "id: hanbit-2027-06")))
    assert build_followup(s, other)["Message-ID"] != one["Message-ID"]


def test_message_id_is_derived_from_what_the_message_is():
    a = mail.message_id("digest", "sales", "2026-12-07", domain="brightway.example")
    assert a == mail.message_id("digest", "sales", "2026-12-07", domain="brightway.example")
    assert a != mail.message_id("digest", "sales", "2026-12-08", domain="brightway.example")
    assert a != mail.message_id("digest", "sales2026-12-07", domain="brightway.example")
    with pytest.raises(InputError):
        mail.message_id("digest", "x", domain="bad domain>")
    with pytest.raises(ValueError):
        mail.message_id("Digest\r\n", "x", domain="brightway.example")


def test_without_smtp_from_the_host_contact_sends(folder):
    s = session(folder, "output: out\n")
    visit = s.load_visit(hanbit(folder))
    msg = build_followup(s, visit)
    assert msg["From"] == "Li Wei <li.wei@brightway.example>"
    assert msg["Message-ID"].endswith("@brightway.example>")


def test_followup_to_and_cc_are_used_and_only_those_greeted(folder):
    def only_kim(text):
        return text.replace("followup:\n  send_on: 2026-12-11",
                            "followup:\n  to: [minjun.kim@hanbit.example]\n"
                            "  cc: [li.wei@brightway.example, gm@brightway.example]")
    s = session(folder)
    msg = parse(build_followup(s, s.load_visit(hanbit(folder, only_kim))).as_bytes())
    assert msg["To"] == "김민준 <minjun.kim@hanbit.example>"
    assert msg["Cc"] == "li.wei@brightway.example, gm@brightway.example"
    assert body(msg, "plain").startswith("김민준 님, 안녕하십니까.\n")


def test_a_line_break_reaching_a_header_is_refused(folder):
    s = session(folder)
    visit = s.load_visit(hanbit(folder))
    visit.host.contact.name_latin = "Li Wei\r\nBcc: spy@evil.example"
    with pytest.raises(InputError) as caught:
        build_followup(s, visit)
    assert str(caught.value) == (
        f"{visit.path}:15:12: host.contact: 'Li Wei\\r\\nBcc: spy@evil.example' contains a "
        "line break or control character, which may not reach a mail header")


# ---------------------------------------------------------------- the body


@pytest.mark.parametrize("language, greeting", [
    ("ko", "김민준 님, 이서연 님, 안녕하십니까."),
    ("en", "Dear Mr Kim and Ms Lee,"),
    ("zh", "尊敬的Kim先生、Lee女士："),  # issue 12: no Hangul before 先生/女士
])
def test_each_guest_is_greeted_as_their_language_wants(folder, language, greeting):
    s = session(folder)
    visit = s.load_visit(hanbit(folder, lambda t: t.replace("language: ko",
                                                            f"language: {language}")))
    msg = parse(build_followup(s, visit).as_bytes())
    assert body(msg, "plain").split("\n")[0] == greeting
    assert f"<p>{greeting}</p>" in body(msg, "html")


def test_the_senior_guest_is_greeted_first(folder):
    s = session(folder)
    visit = s.load_visit(place(folder, GOLDEN / "inputs" / "lin-zh.yaml"))
    assert visit.guests[0].name == "陈美玲" and visit.guests[1].senior
    assert body(parse(build_followup(s, visit).as_bytes()), "plain").startswith(
        "尊敬的林先生、陈女士：\n")


def test_the_body_carries_the_minutes_and_the_invitation_to_complete_them(folder):
    s = session(folder)
    msg = parse(build_followup(s, s.load_visit(hanbit(folder))).as_bytes())
    text, html = body(msg, "plain"), body(msg, "html")
    for part in (text, html):
        assert "2026년 12월 8일~10일, 저희 Brightway Lighting Co., Ltd.에 방문해 주셔서" in part
        assert "Hanbit audited the SMT line and the QC lab" in part
        assert "Payment 30 % on order, 70 % against the bill of lading." in part
        assert "Send revised quotation for 50k units (담당: Li Wei, 기한: 2026년 12월 15일(화))" \
            in part
        assert ("Send the burn-in test report of lot 2611 (담당: QC lab, 기한: 2026년 12월 18일"
                "(금))") in part
        assert "빠진 내용이 있거나 기억하시는 내용과 다른 부분이 있으면 알려 주십시오." in part
        assert "편하신 시간을 알려 주십시오" in part        # 篇4: offer a time that suits them
        assert "Li Wei (李伟)" in part and "+86 138 0000 0000" in part
    assert 'href="mailto:li.wei@brightway.example"' in html
    assert '<html lang="ko" dir="ltr">' in html


def test_html_escapes_what_the_visit_says(folder):
    def script(text):
        return text.replace("- Q1 2027 order of 50,000 units",
                            "- <script>alert(1)</script> & Q1 2027 order of 50,000 units")
    s = session(folder)
    msg = parse(build_followup(s, s.load_visit(hanbit(folder, script))).as_bytes())
    assert "<script>" not in body(msg, "html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Q1 2027" in body(msg, "html")
    assert "<script>alert(1)</script> & Q1 2027" in body(msg, "plain")


def test_english_fills_a_gap_in_the_guests_language(folder, monkeypatch):
    from visitplan.text.i18n import strings

    monkeypatch.delitem(strings()["mail.call_offer"], "ko")
    s = session(folder)
    text = body(parse(build_followup(s, s.load_visit(hanbit(folder))).as_bytes()), "plain")
    assert "If you would rather go through any point by phone" in text


def test_a_brand_template_overrides_one_block(folder):
    brand = folder / "brand" / "mail"
    brand.mkdir(parents=True)
    (brand / "followup.txt.j2").write_text(
        '{% extends "builtin/mail/followup.txt.j2" %}\n'
        "{% block signature %}\n-- \nThe Brightway export team\n{% endblock %}\n",
        encoding="utf-8")
    s = session(folder, CONFIG + "templates: brand\n")
    text = body(parse(build_followup(s, s.load_visit(hanbit(folder))).as_bytes()), "plain")
    assert text.startswith("김민준 님, 이서연 님, 안녕하십니까.\n")
    assert text.endswith("\n-- \nThe Brightway export team\n")
    assert "+86 138 0000 0000" not in text


def test_a_visit_without_photos_says_nothing_of_photos(folder):
    s = session(folder)
    visit = s.load_visit(hanbit(folder, lambda t: t.replace(
        "  photos: [photos/showroom.jpg, photos/smt-line.jpg]\n", "")))
    msg = parse(build_followup(s, visit).as_bytes())
    assert [p.get_content_type() for p in msg.walk()] == [
        "multipart/alternative", "text/plain", "text/html"]
    assert msg["Subject"] == "Brightway Lighting Co., Ltd. 방문에 감사드립니다: 회의록"
    assert "사진" not in body(msg, "plain")


def test_a_brand_template_replaces_the_built_in_one(folder):
    brand = folder / "brand" / "mail"
    brand.mkdir(parents=True)
    (brand / "followup.html.j2").write_text(
        "<p>{{ greeting }}</p><p>{{ t('mail.missing') }}</p>"
        "{% for p in photos %}<img src=\"cid:{{ p.cid }}\">{% endfor %}\n", encoding="utf-8")
    s = session(folder, CONFIG + "templates: brand\n")
    msg = parse(build_followup(s, s.load_visit(hanbit(folder))).as_bytes())
    html = body(msg, "html")
    assert html.startswith("<p>김민준 님, 이서연 님, 안녕하십니까.</p><p>빠진 내용이")
    assert html.count('<img src="cid:') == 2
    assert body(msg, "plain").startswith("김민준 님")          # the text part is built in


# ---------------------------------------------------------------- photos


def _jpeg_with_exif(path: Path, size=(3000, 1500), orientation=6) -> None:
    """Left half red, right half blue; EXIF says turn it (6: 90° clockwise) and where it
    was taken."""
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (22.0, 32.0, 1.5), 3: "E", 4: (113.0, 56.0, 2.5)})
    image.save(path, "JPEG", exif=exif, quality=90)


def _photos_visit(folder: Path, names: list[str]) -> Path:
    listed = ", ".join(f"photos/{n}" for n in names)
    return hanbit(folder, lambda t: t.replace(
        "photos: [photos/showroom.jpg, photos/smt-line.jpg]", f"photos: [{listed}]"))


def test_photos_are_shrunk_turned_upright_and_stripped_of_exif(folder):
    original = folder / "photos" / "phone.jpg"
    _jpeg_with_exif(original)
    with Image.open(original) as check:                       # the input really has both
        assert check.getexif()[0x0112] == 6 and check.getexif().get_ifd(0x8825)
    s = session(folder)
    msg = parse(build_followup(s, s.load_visit(_photos_visit(folder, ["phone.jpg"])))
                .as_bytes())
    parts = [p for p in msg.walk() if p.get_content_maintype() == "image"]
    assert len(parts) == 1                      # once: inline, named (issue 11: not twice)
    assert parts[0]["Content-ID"] and parts[0].get_filename() == "phone.jpg"
    for part in parts:
        data = part.get_content()
        assert b"Exif" not in data and b"PhoneMaker" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (800, 1600)    # upright: portrait, long side 1600
            assert not image.getexif()
            assert "exif" not in image.info
            top = image.getpixel((400, 200))
            bottom = image.getpixel((400, 1400))
        assert top[0] > 150 and top[2] < 100           # the red half is on top now
        assert bottom[2] > 150 and bottom[0] < 100


def test_small_photos_stay_small_and_transparent_ones_stay_png(folder):
    Image.new("RGB", (640, 480), (10, 120, 10)).save(folder / "photos" / "small.jpg")
    Image.new("RGBA", (2000, 1000), (10, 10, 10, 128)).save(folder / "photos" / "logo.png")
    s = session(folder)
    msg = parse(build_followup(s, s.load_visit(_photos_visit(folder, ["small.jpg",
                                                                      "logo.png"])))
                .as_bytes())
    attached = {p.get_filename(): p for p in (q for q in msg.walk() if q.get_filename())}
    assert set(attached) == {"small.jpg", "logo.png"}
    assert attached["logo.png"].get_content_type() == "image/png"
    with Image.open(io.BytesIO(attached["small.jpg"].get_content())) as im:
        assert im.size == (640, 480)
    with Image.open(io.BytesIO(attached["logo.png"].get_content())) as im:
        assert im.size == (1600, 800) and im.mode == "RGBA"


def test_a_photo_replaced_under_the_same_name_is_shrunk_again(folder):
    """Shrunk photos are kept per process by the digest of the file: a new file under the
    old name is shrunk anew, never served the old one's pixels."""
    path = folder / "photos" / "small.jpg"
    Image.new("RGB", (640, 480), (10, 120, 10)).save(path)
    s = session(folder)
    visit_path = _photos_visit(folder, ["small.jpg"])

    def attached_size():
        msg = parse(build_followup(s, s.load_visit(visit_path)).as_bytes())
        (part,) = [p for p in msg.walk() if p.get_filename()]
        with Image.open(io.BytesIO(part.get_content())) as im:
            return im.size, im.getpixel((5, 5))

    first = attached_size()
    assert attached_size() == first
    Image.new("RGB", (300, 200), (200, 10, 10)).save(path)
    size, pixel = attached_size()
    assert first[0] == (640, 480) and size == (300, 200) and pixel[0] > 150


def test_photos_with_the_same_name_get_distinct_attachment_names(folder):
    (folder / "photos" / "day2").mkdir()
    shutil.copy(folder / "photos" / "showroom.jpg", folder / "photos" / "day2" / "showroom.jpg")
    s = session(folder)
    msg = parse(build_followup(s, s.load_visit(_photos_visit(
        folder, ["showroom.jpg", "day2/showroom.jpg"]))).as_bytes())
    assert [p.get_filename() for p in (q for q in msg.walk() if q.get_filename())] == ["showroom.jpg",
                                                                  "showroom-2.jpg"]
    cids = [p["Content-ID"].strip("<>") for p in msg.walk()
            if p.get_content_disposition() == "inline"]
    assert len(set(cids)) == 2
    for cid in cids:
        assert f"cid:{cid}" in body(msg, "html")


def test_a_message_over_10_mb_names_the_photos_to_drop(folder):
    """Noise does not compress: each 1600 px photo of noise costs about 1.5 MB, and a third
    more in base64 (each photo goes once, inline)."""
    rng = random.Random(7)
    names = []
    for n, side in enumerate((1600, 1590, 1580, 1500, 1490, 1200, 700)):
        image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
        name = f"noise-{n}.jpg"
        image.save(folder / "photos" / name, quality=95)
        names.append(name)
    s = session(folder)
    visit = s.load_visit(_photos_visit(folder, names))
    with pytest.raises(ValidationFailed) as caught:
        build_followup(s, visit)
    [problem] = caught.value.problems
    message = str(problem)
    assert re.fullmatch(
        rf"{re.escape(str(visit.path))}:64:11: minutes\.photos: the follow-up would be "
        r"\d+\.\d MB, over the 10\.0 MB mail servers accept even with photos shrunk to "
        r"1600 px; drop (photos/noise-\d\.jpg(, )?)+ from minutes\.photos \(the largest "
        r"after shrinking\) or replace (it|them) with smaller photos", message), message
    named = re.findall(r"photos/noise-\d\.jpg", message)
    assert named[0] == "photos/noise-0.jpg"           # the largest goes first
    kept = [n for n in names if f"photos/{n}" not in named]
    assert kept                                       # only as many as needed
    # and the advice is right: without them the message fits
    lighter = s.load_visit(_photos_visit(folder, kept))
    assert len(build_followup(s, lighter).as_bytes()) <= mail.MAX_MESSAGE_BYTES
