"""The command line over the one facade: visits named by id, `status`, --strict and -q/-v
after the subcommand, duplicate ids, the command table, today in the office's time zone."""
from __future__ import annotations

import ast
import datetime as dt
import shutil
from pathlib import Path

import pytest

from visitplan import api
from visitplan.cli import COMMANDS, main

PACKAGE = Path(api.__file__).parent.parent


@pytest.fixture
def site(tmp_path, examples_dir):
    """A visits folder with the Korean example and a configuration naming it."""
    visits = tmp_path / "visits"
    visits.mkdir()
    shutil.copy(examples_dir / "hanbit-korean.yaml", visits / "hanbit-korean.yaml")
    shutil.copytree(examples_dir / "photos", visits / "photos")
    config = tmp_path / "visitplan.yaml"
    config.write_text(f"visits: {visits}\nstate: {tmp_path / 'state.sqlite3'}\n"
                      f"output: {tmp_path / 'out'}\n", encoding="utf-8")
    return {"visits": visits, "config": config, "root": tmp_path}


def test_done_takes_the_visit_id_that_due_prints(run, site):
    result = run("--config", site["config"], "done", "hanbit-2026-12", "std-day-before-call")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "ticked: std-day-before-call\n"
    status = run("--config", site["config"], "status", "hanbit-2026-12", "--json")
    tasks = {t["task"]: t for t in __import__("json").loads(status.stdout)["tasks"]}
    assert tasks["std-day-before-call"]["state"] == "done"
    assert tasks["std-day-before-call"]["done_by"]


def test_an_unknown_visit_id_is_one_plain_line(run, site):
    result = run("--config", site["config"], "done", "hanbit-2027-01", "x")
    assert result.exit_code == 2
    assert result.stderr == (f"visitplan: hanbit-2027-01: no such file, and no visit with "
                             f"that id in {site['visits']}\n")


def test_status_lists_every_department_with_done_open_and_late(run, site):
    run("--config", site["config"], "done", "hanbit-2026-12", "std-day-before-call")
    result = run("--config", site["config"], "status", "hanbit-2026-12", "--lang", "en",
                 "--date", "2026-12-07")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Hanbit Electronics — LED driver sourcing visit [hanbit-2026-12]"
    assert lines[1].endswith("late") and lines[1].startswith("1 done")
    assert "Sales" in lines and "Admin office" in lines
    done = [line for line in lines if "[std-day-before-call]" in line]
    assert len(done) == 1 and done[0].lstrip().startswith("[x]")
    # the day before arrival: the 5-day tasks are late, the hour-before ones still open
    assert any(line.lstrip().startswith("[!]") for line in lines)
    assert any(line.lstrip().startswith("[ ]") for line in lines)


def test_quiet_and_verbose_work_after_the_subcommand(run, site):
    loud = run("--config", site["config"], "done", "hanbit-2026-12", "std-day-before-call")
    quiet = run("--config", site["config"], "done", "hanbit-2026-12", "std-day-before-call",
                "-q")
    assert loud.stdout and quiet.exit_code == 0 and quiet.stdout == ""


def test_prepare_strict_stops_on_warnings_and_writes_nothing(run, site):
    out = site["root"] / "strict-out"
    result = run("--config", site["config"], "prepare", "hanbit-2026-12", "--format", "md",
                 "--date", "2026-12-07", "--lang", "en", "--strict", "-o", out)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert any(": warning: " in line for line in lines)
    assert lines[-1].startswith("visitplan: --strict: ") and lines[-1].endswith(
        "; nothing was written")
    assert not out.exists() or not any(out.iterdir())


def test_warnings_come_in_the_staff_language_unless_lang_says(run, site):
    visit = site["visits"] / "hanbit-korean.yaml"
    zh = run("check", "--date", "2026-12-07", visit)          # the example's staff is zh
    en = run("check", "--date", "2026-12-07", "--lang", "en", visit)
    assert "项准备工作已过期" in zh.stderr
    assert "preparation tasks were due before" in en.stderr


def test_two_files_with_one_visit_id_are_an_error_naming_both(run, tmp_path, examples_dir):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        text = (examples_dir / "sakura-vip.yaml").read_text(encoding="utf-8")
        (tmp_path / folder / "visit.yaml").write_text(
            "\n".join(line for line in text.splitlines() if not line.startswith("id:")),
            encoding="utf-8")
    result = run("check", "--date", "2026-01-01", tmp_path)
    assert result.exit_code == 2
    assert (f"{tmp_path / 'b' / 'visit.yaml'}: id: the visit id 'visit' is also the id of "
            f"{tmp_path / 'a' / 'visit.yaml'}") in result.stderr


def test_today_is_the_offices_day(tmp_path):
    config = tmp_path / "visitplan.yaml"
    config.write_text("timezone: Pacific/Kiritimati\n")     # UTC+14: always a day ahead
    ahead = api.Session.open(str(config)).today()
    config.write_text("timezone: Pacific/Niue\n")           # UTC-11
    behind = api.Session.open(str(config)).today()
    assert (ahead - behind).days in (1, 2)
    assert api.Session.open(str(config)).today(dt.date(2026, 1, 2)) == dt.date(2026, 1, 2)


def test_the_command_table_matches_each_commands_own_help():
    for name, (_, summary) in COMMANDS.items():
        command = main.get_command(None, name)
        first = command.help.strip().split("\n\n")[0].replace("\n", " ")
        assert first == summary, name


def _own_imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                "visitplan"):
            yield node, [node.module + "." + a.name for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.startswith("visitplan")]
            if names:
                yield node, names


def test_the_cli_reaches_the_core_only_through_api_and_errors():
    allowed = ("visitplan.api", "visitplan.errors", "visitplan.cli", "visitplan.__version__")
    for path in (PACKAGE / "cli").glob("*.py"):
        for _, names in _own_imports(ast.parse(path.read_text(encoding="utf-8"))):
            for name in names:
                assert name.startswith(allowed), f"{path.name} imports {name}"


def test_task_ids_complete_in_the_shell(runner, site):
    env = {"_VISITPLAN_COMPLETE": "bash_complete", "VISITPLAN_CONFIG": str(site["config"]),
           "COMP_WORDS": "visitplan done hanbit-2026-12 std-day", "COMP_CWORD": "3"}
    result = runner.invoke(main, [], env=env, prog_name="visitplan")
    assert result.exit_code == 0
    assert "plain,std-day-before-call" in result.output.splitlines()


def test_languages_lists_every_language_with_what_it_covers(run):
    result = run("languages", "--json")
    assert result.exit_code == 0
    rows = {row["code"]: row for row in __import__("json").loads(result.stdout)}
    assert set(rows) >= {"zh", "en", "ko", "ja", "zh-Hant", "vi", "th", "id", "ms", "ar",
                         "de", "fr", "es", "pt", "ru"}
    assert rows["ja"]["own_name"] == "日本語" and rows["ja"]["documents"] == "guest"
    assert rows["zh"]["documents"] == "guest and staff"
    assert rows["ar"]["direction"] == "rtl" and "SA" in rows["ar"]["countries"]
    assert all(row["guest_wording"] == 100 for row in rows.values())
    text = run("languages").stdout.splitlines()
    assert text[0].startswith("en ") and any(line.startswith("ru ") for line in text)


@pytest.mark.parametrize("country, config, expected", [
    ("JP", "", "ja"), ("DE", "", "de"), ("SA", "", "ar"), ("TW", "", "zh-Hant"),
    ("CH", "", "en"), ("CH", "guest_languages: {CH: fr}\n", "fr"),
    ("CH", "language: de\n", "de"), ("KR", "language: de\n", "ko")])
def test_the_guest_language_follows_the_senior_guests_country(tmp_path, examples_dir,
                                                              country, config, expected):
    text = (examples_dir / "sakura-vip.yaml").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("language:")]
    visit = tmp_path / "v.yaml"
    visit.write_text("\n".join(lines).replace("country: JP", f"country: {country}") + "\n",
                     encoding="utf-8")
    (tmp_path / "visitplan.yaml").write_text(config or "output: out\n", encoding="utf-8")
    session = api.Session.open(str(tmp_path / "visitplan.yaml"))
    assert session.load_visit(visit).language == expected


def test_guest_languages_names_countries(run, tmp_path):
    (tmp_path / "visitplan.yaml").write_text("guest_languages: {XX: fr}\n")
    result = run("--config", tmp_path / "visitplan.yaml", "profiles")
    assert result.exit_code == 2
    assert "guest_languages.XX: 'XX' is not an ISO 3166 country code" in result.stderr


def test_check_reads_a_visit_from_standard_input(run, examples_dir):
    text = (examples_dir / "sakura-vip.yaml").read_bytes()
    good = run("check", "-", "--date", "2027-01-01", "--lang", "en", input=text)
    assert good.exit_code == 0 and good.stdout.startswith("-: ok")
    bad = run("check", "-", input=b"title: x\n")
    assert bad.exit_code == 2 and bad.stderr.startswith("<stdin>:1:1: timezone: is required")
    big = run("check", "-", input=b"#" * (2 * 1024 * 1024))
    assert big.exit_code == 2
    assert big.stderr == "<stdin>: is over 1 MiB; a visit or configuration file may be at most 1 MiB\n"
