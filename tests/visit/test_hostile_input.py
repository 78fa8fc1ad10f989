"""Hostile visit and configuration files: each is one plain problem of that file at its line
(exit 2 from `check`), never an internal error, a hang or a machine's worth of memory.

Every case goes through the command line as a user would run it, and the whole of stderr
is compared: one line naming file:line:col: field.
"""
from __future__ import annotations

import os
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[2]

BASE = """\
title: Hostile visit
timezone: Asia/Shanghai
host:
  company: Brightway Lighting
  contact: {name: Li Wei, email: li.wei@brightway.example}
guests:
  - {name: Ola Nordmann, country: NO, email: ola@nordlys.example}
arrival: {at: 2026-12-08 10:35}
departure: {at: 2026-12-10 11:40}
hotel: {name: Grand Hotel}
"""


def visit(folder: Path, extra: str = "", replace: dict | None = None,
          name: str = "visit.yaml") -> Path:
    text = BASE
    for old, new in (replace or {}).items():
        assert old in text
        text = text.replace(old, new)
    path = folder / name
    path.write_text(text + extra, encoding="utf-8")
    return path


def check_fails(run, path: Path, *args) -> str:
    """`visitplan check PATH` exits 2 with exactly one line on stderr; that line without
    the file name."""
    result = run(*args, "check", path)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{path}")
    return line[len(str(path)):]


# ---------------------------------------------------------------- YAML that never ends

@pytest.mark.parametrize("extra, expected", [
    ("purpose: &a [*a]\n", ":11:10: purpose[0]: an alias (*name) refers to the value that "
     "contains it, which would never end; repeat the values instead"),
    ("gifts: &g {a: [1, {b: *g}]}\n", ":11:8: gifts.a[1].b: an alias (*name) refers to the value "
     "that contains it, which would never end; repeat the values instead"),
])
def test_an_alias_inside_itself(run, tmp_path, extra, expected):
    assert check_fails(run, visit(tmp_path, extra)) == expected


def test_a_mapping_that_merges_itself(run, tmp_path):
    path = visit(tmp_path, replace={"hotel: {name: Grand Hotel}": "hotel: &h {<<: *h}"})
    assert check_fails(run, path) == (":10:8: hotel: an alias (*name) refers to the value "
                                      "that contains it, which would never end; repeat the "
                                      "values instead")


@pytest.mark.parametrize("depth", [150, 999])
def test_deep_flow_nesting(run, tmp_path, depth):
    path = visit(tmp_path, "purpose: " + "[" * depth + "]" * depth + "\n")
    assert check_fails(run, path) == ":11:109: purpose: values nest more than 100 levels deep"


def test_deep_block_nesting(run, tmp_path):
    path = visit(tmp_path, "purpose:\n" + "- " * 1100 + "x\n")
    assert check_fails(run, path) == ":12:1999: invalid YAML: exceeded maximum nesting depth"


def test_the_billion_laughs_stay_a_problem(run, tmp_path):
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
        for i in range(8))
    started = time.monotonic()
    message = check_fails(run, visit(tmp_path, laughs))
    assert "the file expands to more than 100000 values" in message
    assert time.monotonic() - started < 10

# ---------------------------------------------------------------- characters


def test_a_raw_nul_byte_gives_line_and_column(run, tmp_path):
    path = tmp_path / "visit.yaml"
    path.write_bytes(BASE.replace("Grand Hotel", "Grand\0Hotel").encode())
    assert check_fails(run, path) == (":10:20: invalid YAML: a NUL character (U+0000) is not "
                                      "allowed in a YAML file")


@pytest.mark.parametrize("value, code", [("\\0", "0000"), ("\\e", "001B"), ("\\a", "0007"),
                                         ("\\x7f", "007F"), ("\\x9b", "009B"),
                                         ("\\b", "0008")])
def test_control_characters_are_refused_at_their_field(run, tmp_path, value, code):
    path = visit(tmp_path, replace={
        "  company: Brightway Lighting\n":
        f'  company: Brightway Lighting\n  company_local: "光明{value}照明"\n'})
    assert check_fails(run, path) == (f":5:18: host.company_local: contains a control "
                                      f"character (U+{code}); remove it")


def test_a_control_character_in_multi_line_text(run, tmp_path):
    path = visit(tmp_path, 'purpose: "Agree the order.\\nBring samples\\a"\n')
    assert check_fails(run, path) == (":11:10: purpose: contains a control character "
                                      "(U+0007); remove it")


def test_a_nul_in_a_photo_path(run, tmp_path):
    path = visit(tmp_path, 'minutes: {summary: Done., photos: ["photos/a\\0.jpg"]}\n')
    assert check_fails(run, path) == (":11:36: minutes.photos[0]: contains a control "
                                      "character (U+0000); remove it")


def test_tabs_and_line_breaks_in_multi_line_text_are_text(run, tmp_path):
    path = visit(tmp_path, 'purpose: "Agree\\tthe order.\\r\\nBring samples."\n')
    assert run("check", path).exit_code == 0

# ---------------------------------------------------------------- dates far away


@pytest.mark.parametrize("arrival, departure, field, col, bad", [
    ("9999-12-31 23:00", "9999-12-31 23:30", "arrival.at", 15, "9999-12-31 23:00"),
    ("0001-01-01 00:10", "2026-12-10 11:40", "arrival.at", 15, "0001-01-01 00:10"),
    ("2026-12-08 10:35", "2201-01-01 10:00", "departure.at", 17, "2201-01-01 10:00"),
    ("1899-12-31 10:00", "2026-12-10 11:40", "arrival.at", 15, "1899-12-31 10:00"),
])
def test_years_outside_1900_to_2200(run, tmp_path, arrival, departure, field, col, bad):
    path = visit(tmp_path, replace={"2026-12-08 10:35": arrival, "2026-12-10 11:40": departure})
    result = run("check", path)
    assert result.exit_code == 2
    line = 8 if field == "arrival.at" else 9
    assert f"{path}:{line}:{col}: {field}: '{bad}' is not in the years 1900 to 2200; check " \
        "the year" in result.stderr.splitlines()


@pytest.mark.parametrize("extra", [
    "followup: {send_on: 9999-12-31}\n",
    "minutes: {summary: Done., next_steps: [{what: Call, due: 0001-01-01}]}\n"])
def test_other_dates_far_away(run, tmp_path, extra):
    assert "is not in the years 1900 to 2200" in check_fails(run, visit(tmp_path, extra))


def test_the_edges_of_the_range_plan_without_overflow(run, tmp_path):
    for arrival, departure in (("1900-01-01 10:00", "1900-01-02 10:00"),
                               ("2200-12-30 10:00", "2200-12-31 23:00")):
        path = visit(tmp_path, replace={"2026-12-08 10:35": arrival,
                                        "2026-12-10 11:40": departure})
        result = run("check", path)   # check plans every task and gives all advice
        assert result.exit_code == 0, result.stderr
        assert run("due", path, "--json").exit_code == 0

# ---------------------------------------------------------------- resources


def test_a_device_is_refused_without_reading(run):
    assert check_fails(run, Path("/dev/zero")) == (": is not a regular file (a device, a "
                                                   "pipe or a socket); give a YAML file")


def test_a_fifo_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "visit.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "visitplan", "check", str(fifo)],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 2
    assert result.stderr == (f"{fifo}: is not a regular file (a device, a pipe or a socket); "
                             "give a YAML file\n")
    assert time.monotonic() - started < 30


def test_a_huge_file_is_refused_by_its_size(run, tmp_path):
    path = tmp_path / "visit.yaml"
    with open(path, "wb") as handle:      # sparse: 1.5 GB claimed, nothing written
        handle.truncate(1536 * 1024 * 1024)
    started = time.monotonic()
    assert check_fails(run, path) == (": is 1572864 KiB; a visit or configuration file may "
                                      "be at most 1 MiB")
    assert time.monotonic() - started < 5


def test_a_stay_longer_than_max_stay_days(run, tmp_path):
    path = visit(tmp_path, replace={"2026-12-10 11:40": "2036-12-10 11:40"})
    assert check_fails(run, path) == (":9:17: departure.at: the stay lasts 3655 days; at "
                                      "most 60 (the configuration's max_stay_days); check "
                                      "the dates")
    config = tmp_path / "visitplan.yaml"
    config.write_text("max_stay_days: 90\n", encoding="utf-8")
    path = visit(tmp_path, replace={"2026-12-10 11:40": "2027-02-08 11:40"})
    assert run("--config", config, "check", path).exit_code == 0
    config.write_text("max_stay_days: 30\n", encoding="utf-8")
    assert check_fails(run, path, "--config", config).startswith(
        ":9:17: departure.at: the stay lasts 62 days; at most 30")


def test_a_schedule_of_more_than_200_items(run, tmp_path):
    items = "".join(f"  - {{at: 2026-12-09 {9 + i // 60:02d}:{i % 60:02d}, kind: meeting, "
                    f"what: Talk {i}}}\n" for i in range(201))
    assert check_fails(run, visit(tmp_path, "schedule:\n" + items)) == \
        ":12:3: schedule: has 201 entries; at most 200"

# ---------------------------------------------------------------- images


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height pixels, with almost no data behind it."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def photo_visit(folder: Path, *photos: str) -> Path:
    return visit(folder, "minutes:\n  summary: Done.\n  photos: [" + ", ".join(photos) + "]\n")


@pytest.mark.parametrize("width, height, size", [(12000, 12000, " (12000 × 12000 pixels)"),
                                                 (30000, 30000, "")])
def test_an_image_of_too_many_pixels(run, tmp_path, width, height, size):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "big.png").write_bytes(png_header(width, height))
    result = run("check", photo_visit(tmp_path, "photos/big.png"))
    assert result.exit_code == 2
    assert result.stderr == (f"{tmp_path / 'visit.yaml'}:13:12: minutes.photos[0]: "
                             f"'photos/big.png' is too large an image{size}; at most 40 "
                             "megapixels, so shrink it first\n")
    assert "DecompressionBomb" not in result.output


def test_a_photo_is_a_real_image_inside_the_folder(run, tmp_path):
    (tmp_path / "visit").mkdir()
    folder = tmp_path / "visit"
    Image.new("RGB", (40, 30)).save(tmp_path / "outside.jpg")
    Image.new("RGB", (40, 30)).save(folder / "good.jpg")
    os.symlink(tmp_path / "outside.jpg", folder / "link.jpg")
    os.symlink("/etc/passwd", folder / "passwd.jpg")
    (folder / "text.jpg").write_text("not an image", encoding="utf-8")
    (folder / "dir.jpg").mkdir()
    os.mkfifo(folder / "pipe.jpg")
    path = photo_visit(folder, "good.jpg", "link.jpg", "passwd.jpg", "text.jpg", "dir.jpg",
                       "pipe.jpg")
    result = run("check", path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{path}:13:22: minutes.photos[1]: 'link.jpg' lies outside the visit file's folder; "
        "photos must be in that folder or below it",
        f"{path}:13:32: minutes.photos[2]: 'passwd.jpg' lies outside the visit file's "
        "folder; photos must be in that folder or below it",
        f"{path}:13:44: minutes.photos[3]: cannot read 'text.jpg' as a photo: it is not a "
        "JPEG, PNG, GIF or WebP image",
        f"{path}:13:54: minutes.photos[4]: 'dir.jpg' is not a regular file",
        f"{path}:13:63: minutes.photos[5]: 'pipe.jpg' is not a regular file",
    ]

# ---------------------------------------------------------------- placeholders


def test_a_scaffold_placeholder_left_in_is_an_error(run, tmp_path):
    path = visit(tmp_path, replace={"{name: Ola Nordmann,": "{name: <name in the guest's own "
                                                           "script>,"})
    assert check_fails(run, path) == (":7:12: guests[0].name: still holds the placeholder "
                                      "<name in the guest's own script>; fill in text")


def test_a_placeholder_inside_a_value(run, tmp_path):
    path = visit(tmp_path, replace={"{name: Ola Nordmann,": "{name: Ola <as in the passport>,"})
    assert check_fails(run, path) == (":7:12: guests[0].name: still holds the placeholder "
                                      "<as in the passport>; fill in text")


def test_the_scaffold_of_new_fails_check_at_every_placeholder(run, tmp_path):
    """`visitplan new` writes placeholders; `check` names each field still holding one."""
    result = run("new", "-o", tmp_path / "fresh.yaml")
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "fresh.yaml").read_text(encoding="utf-8")
    checked = run("check", tmp_path / "fresh.yaml")
    assert checked.exit_code == 2
    held = [line for line in checked.stderr.splitlines() if "still holds the placeholder" in line]
    assert len(held) >= 10
    for field in ("title", "guests[0].name", "guests[0].name_latin", "arrival.at",
                  "departure.at", "hotel.name", "schedule[0].what"):
        assert any(f": {field}: still holds the placeholder" in line for line in held), field
    assert text.count("<") >= len(held)

# ---------------------------------------------------------------- the configuration too


@pytest.mark.parametrize("text, expected", [
    ("host: &h {<<: *h}\n", ":1:7: host: an alias (*name) refers to the value that contains "
     "it, which would never end; repeat the values instead"),
    ("departments: {sales: &s [*s]}\n", ":1:22: departments.sales[0]: an alias (*name) refers "
     "to the value that contains it, which would never end; repeat the values instead"),
    ("output: " + "[" * 500 + "]" * 500 + "\n", ":1:108: output: values nest more than 100 "
     "levels deep"),
    ("host: {company: \"Bright\\0way\"}\n", ":1:17: host.company: contains a control "
     "character (U+0000); remove it"),
    ("host: {company_local: \"光明\\e\"}\n", ":1:23: host.company_local: contains a control "
     "character (U+001B); remove it"),
    ("output: out\0\n", ":1:12: invalid YAML: a NUL character (U+0000) is not allowed in a "
     "YAML file"),
])
def test_a_hostile_configuration_is_a_problem_of_its_file(run, tmp_path, examples_dir, text,
                                                          expected):
    config = tmp_path / "visitplan.yaml"
    config.write_bytes(text.encode())
    result = run("--config", config, "check", examples_dir / "hanbit-korean.yaml")
    assert result.exit_code == 2
    assert result.stderr == f"{config}{expected}\n"


def test_a_configuration_that_is_a_device(run, examples_dir):
    result = run("--config", "/dev/zero", "check", examples_dir / "hanbit-korean.yaml")
    assert result.exit_code == 2
    assert result.stderr == ("/dev/zero: is not a regular file (a device, a pipe or a "
                             "socket); give a YAML file\n")


@pytest.mark.parametrize("zone", ["Asia", "x" * 5000])
def test_a_time_zone_that_is_a_folder_or_too_long(run, tmp_path, zone):
    path = visit(tmp_path, replace={"timezone: Asia/Shanghai": f"timezone: {zone}"})
    assert check_fails(run, path).startswith(f":2:11: timezone: {zone[:100]!r} is not an IANA "
                                             "time zone")


def test_a_port_of_five_thousand_digits(run, tmp_path, examples_dir):
    config = tmp_path / "visitplan.yaml"
    config.write_text("smtp: {port: " + "9" * 5000 + "}\n", encoding="utf-8")
    result = run("--config", config, "check", examples_dir / "hanbit-korean.yaml")
    assert result.exit_code == 2
    assert result.stderr == f"{config}:1:14: smtp.port: {'9' * 30}… is out of range 1 to 65535\n"


def test_check_of_a_folder_reports_each_hostile_file_and_passes_the_good_one(run, tmp_path):
    folder = tmp_path / "visits"
    folder.mkdir()
    good = visit(folder, name="good.yaml")
    bad = {
        "alias.yaml": "purpose: &a [*a]\n",
        "merge.yaml": "value: &v {<<: *v}\n",
        "deep.yaml": "purpose: " + "[" * 999 + "]" * 999 + "\n",
        "nul.yaml": 'minutes: {summary: Done., photos: ["a\\0.jpg"]}\n',
    }
    for name, extra in bad.items():
        visit(folder, extra, name=name)
    visit(folder, replace={"2026-12-08 10:35": "9999-12-31 23:00",
                           "2026-12-10 11:40": "9999-12-31 23:30"}, name="year.yaml")
    result = run("check", folder)
    assert result.exit_code == 2
    assert f"{good}: ok" in result.stdout
    lines = result.stderr.splitlines()
    for name in (*bad, "year.yaml"):
        assert any(line.startswith(f"{folder / name}:") for line in lines), name
    assert len(lines) == len(bad) + 2    # the year file has two: arrival and departure
