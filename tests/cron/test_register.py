"""The visitor register: a row per guest per visit in the days asked, a CSV that Excel
opens with Chinese and Korean intact (UTF-8 with BOM), written whole or not at all."""
from __future__ import annotations

import csv
import io
import json

from team_helpers import site, visit_text


def _site(tmp_path):
    return site(tmp_path, {
        "a.yaml": visit_text("hanbit-a"),
        "c.yaml": visit_text("huanan-c", "2026-12-14", guests="cn", title="华南灯具来访"),
        "d.yaml": visit_text("lumen-d", "2027-01-20", guests="de"),
    })


def test_the_csv_starts_with_the_bom_and_parses_back_intact(run, tmp_path):
    s = _site(tmp_path)
    out = tmp_path / "reg" / "register.csv"
    result = run("--config", s["config"], "register", "--from", "2026-12-01", "--to",
                 "2026-12-31", "-o", out, "--lang", "zh")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"wrote {out} (3 rows)\n"
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0][:6] == ["来访日期", "离开日期", "来访编号", "来访事由", "姓名",
                           "姓名（拉丁字母）"]
    assert [r[4] for r in rows[1:]] == ["김민준", "이서연", "陈静"]
    assert [r[5] for r in rows[1:]] == ["KIM Minjun", "LEE Seoyeon", "CHEN Jing"]
    assert rows[3][3] == "华南灯具来访" and rows[3][7] == "华南灯具"
    assert rows[1][0:3] == ["2026-12-08", "2026-12-09", "hanbit-a"]
    assert rows[1][8] == "KR 韩国"
    assert rows[1][9] == "李伟 (Li Wei), +86 138 0000 0000"
    assert rows[1][10] == "Audit the SMT line"
    assert rows[1][11] == "2026-12-08 10:30 OZ369 Bao'an T3"
    assert data.count(b"\r\n") == 4 and b"\n" not in data.replace(b"\r\n", b"")


def test_a_stay_touching_the_range_counts_and_stdout_gets_the_same_bytes(run, tmp_path):
    s = _site(tmp_path)
    # the Korean visit departs on the 9th: a range starting that day still has it
    result = run("--config", s["config"], "register", "--from", "2026-12-09", "--to",
                 "2026-12-09")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    assert [r["Name"] for r in rows] == ["김민준", "이서연"]


def test_json_has_fixed_keys(run, tmp_path):
    s = _site(tmp_path)
    result = run("--config", s["config"], "register", "--from", "2027-01-01", "--to",
                 "2027-01-31", "--json", "--lang", "zh")
    rows = json.loads(result.stdout)
    assert rows == [{
        "from": "2027-01-20", "to": "2027-01-21", "visit": "lumen-d",
        "visit_title": "lumen-d visit", "name": "Jonas Müller", "name_latin": "Jonas Müller",
        "title": "Head of Purchasing", "company": "Lumen GmbH", "country": "DE 德国",
        "host_contact": "李伟 (Li Wei), +86 138 0000 0000", "purpose": "Audit the SMT line",
        "arrival": "2027-01-20 10:30 OZ369 Bao'an T3",
        "departure": "2027-01-21 16:00 OZ370 Bao'an T3"}]


def test_from_and_to_are_required_and_ordered(run, tmp_path):
    s = _site(tmp_path)
    missing = run("--config", s["config"], "register", "--from", "2026-12-01")
    assert missing.exit_code == 2 and "--to" in missing.stderr
    backwards = run("--config", s["config"], "register", "--from", "2026-12-31", "--to",
                    "2026-12-01", "-o", tmp_path / "r.csv")
    assert backwards.exit_code == 2
    assert backwards.stderr == "visitplan: --to 2026-12-01 is before --from 2026-12-31\n"
    assert not (tmp_path / "r.csv").exists()


def test_a_broken_visit_is_reported_and_the_others_are_registered(run, tmp_path):
    s = _site(tmp_path)
    (s["visits"] / "broken.yaml").write_text("title: x\n", encoding="utf-8")
    result = run("--config", s["config"], "register", "--from", "2026-12-01", "--to",
                 "2026-12-31", "-o", tmp_path / "r.csv")
    assert result.exit_code == 0
    assert str(s["visits"] / "broken.yaml") in result.stderr
    assert (tmp_path / "r.csv").read_bytes().decode("utf-8-sig").count("\r\n") == 4
