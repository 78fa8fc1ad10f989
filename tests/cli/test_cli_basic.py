"""The first commands as a user runs them: --version, --help, new, check, profiles, schema,
and the folder of invalid visits, each with the exact lines `check` must print."""
from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest

import visitplan
from visitplan.cli import COMMANDS, main
from visitplan.text.i18n import lead_time, t
from visitplan.visit.model import json_schema
from visitplan.rules.engine import load_registry

INVALID = Path(__file__).resolve().parents[1] / "invalid"
# the command table of DESIGN.md
DESIGN_COMMANDS = ["new", "check", "profiles", "schema", "templates", "prepare", "sign",
                   "followup", "due", "done", "run", "status", "prearrival", "calendar",
                   "agenda", "register", "print", "languages"]
BEFORE_EVERYTHING = "2026-10-01"   # a --date before any example's preparation starts


# ---------------------------------------------------------------- --version and --help

def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"visitplan, version {visitplan.__version__}\n"


def test_help_lists_every_registered_command(run):
    assert {"new", "check", "profiles", "schema"} <= set(COMMANDS)
    result = run("--help")
    assert result.exit_code == 0 and result.stderr == ""
    listed = re.findall(r"^  ([a-z-]+)  ", result.stdout.split("Commands:")[1], re.M)
    assert listed == list(COMMANDS)
    assert set(DESIGN_COMMANDS) <= set(listed)
    design_order = [c for c in _design_table_commands() if c in listed]
    assert design_order == [c for c in listed if c in design_order]   # the work's order
    assert "Example:" in result.stdout


def _design_table_commands() -> list[str]:
    """The commands of DESIGN.md's table, in its order."""
    design = Path(__file__).resolve().parents[3] / "shared" / "DESIGN.md"
    if not design.is_file():        # a checkout without shared/: the README's table
        design = Path(__file__).resolve().parents[2] / "README.md"
    return re.findall(r"^\| `visitplan ([a-z-]+)", design.read_text(encoding="utf-8"), re.M)


def _commands(group: click.Group, ctx: click.Context, prefix: tuple = ()):
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from _commands(command, click.Context(command, parent=ctx), prefix + (name,))


def all_commands():
    ctx = click.Context(main)
    return list(_commands(main, ctx))


@pytest.mark.parametrize("words, command", all_commands(), ids=lambda v: " ".join(v)
                         if isinstance(v, tuple) else "")
def test_every_command_help_ends_with_an_example(run, words, command):
    doc = (command.help or "").rstrip()
    lines = doc.splitlines()
    heading = re.compile(r"Examples?( \([^)]*\))?:")   # Example: or Example (crontab):
    starts = [i for i, line in enumerate(lines) if heading.fullmatch(line.strip())]
    assert starts, f"{' '.join(words)}: its help does not end with an Example: block"
    examples = [line.strip() for line in lines[starts[-1] + 1:] if line.strip()]
    assert examples, f"{' '.join(words)}: empty Example block"
    assert all("visitplan " in e for e in examples), examples
    used = [e[e.index("visitplan "):].split() for e in examples]
    assert any([w for w in u[1:] if not w.startswith("-") and "/" not in w][:len(words)]
               == list(words) for u in used), examples
    result = run(*words, "--help")
    assert result.exit_code == 0 and result.stderr == ""
    assert lines[starts[-1]].strip() in result.stdout
    assert examples[0] in result.stdout


def test_unknown_command_is_a_usage_error(run):
    result = run("chekc")
    assert result.exit_code == 2
    assert "No such command 'chekc'" in result.stderr


# ---------------------------------------------------------------- new

def test_new_prints_the_commented_file(run):
    result = run("new", "--profile", "korean")
    assert result.exit_code == 0 and result.stderr == ""
    text = result.stdout
    assert text.startswith("# yaml-language-server: $schema=visit.schema.json\n")
    assert "profiles: [korean]" in text and "country: KR" in text
    assert "<YYYY-MM-DD HH:MM>" in text


# realistic values for every placeholder of the file `new --profile korean` writes; a list
# is used in order, for a placeholder written several times
FILLING = {
    "<what the visit is, e.g. Hanbit Electronics — LED driver sourcing visit>":
        "Hanbit Electronics — LED driver sourcing visit",
    "<what both sides want from it>": "Audit the SMT line and agree the Q1 2027 order",
    "<your company, in Latin letters>": '"Brightway Lighting Co., Ltd."',
    "<your company, in your own script>": "深圳明辉照明有限公司",
    "<sales rep>": "李伟",
    "<in Latin letters>": "Li Wei",
    "<rep@your-company.example>": "li.wei@brightway.example",
    "<+86 ...>": '"+86 138 0000 0000"',
    "<general manager>": "王建国",
    "<name in Hangul, surname first>": "김민준",
    "<as in the passport, e.g. Kim Minjun>": "Kim Minjun",
    "<job title>": "Purchasing Director",
    "<guest company>": "Hanbit Electronics",
    "<male or female>": "male",
    "<guest@their-company.example>": "minjun.kim@hanbit.example",
    "<flight>": ["OZ369", "OZ370"],
    "<city (airport)>": "Seoul Incheon (ICN)",
    "<YYYY-MM-DD HH:MM>": ["2026-12-08 10:35", "2026-12-10 11:40",
                           "2026-12-08 14:00", "2026-12-08 17:00",
                           "2026-12-09 09:00", "2026-12-09 12:00",
                           "2026-12-09 12:30"],
    "<airport or station>": ["Shenzhen Bao'an Airport T3", "Shenzhen Bao'an Airport T3"],
    "<hotel>": "Hilton Shenzhen Shekou Nanhai",
    "<address>": '"1177 Wanghai Road, Shekou, Shenzhen"',
    "<welcome and showroom>": '"Welcome, presentation and showroom"',
    "<HQ 3F>": "HQ 3F",
    "<Factory tour>": "Factory tour — SMT line and QC lab",
    "<plant>": "Plant 2",
    "<Lunch>": "Lunch",
    "<restaurant>": "Plant 2 canteen",
}


def fill(text: str) -> str:
    """Replace every <...> placeholder outside comments, in order of appearance."""
    pending = {k: list(v) if isinstance(v, list) else v for k, v in FILLING.items()}
    out = []
    for line in text.splitlines(keepends=True):
        code, hash_, comment = line.partition(" #") if not line.lstrip().startswith("#") \
            else ("", "", line)
        if line.lstrip().startswith("#"):
            out.append(line)
            continue
        for found in re.findall(r"<[^<>]*>", code):
            assert found in pending, f"the test has no value for the placeholder {found}"
            value = pending[found]
            if isinstance(value, list):
                value = value.pop(0)
            code = code.replace(found, value, 1)
        out.append(code + hash_ + comment)
    return "".join(out)


def test_new_then_check_then_fill_then_check(run, tmp_path):
    target = tmp_path / "visits" / "hanbit.yaml"
    result = run("new", "--profile", "korean", "-o", target)
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout == (f"wrote {target} (and visit.schema.json); fill in every <...> "
                             f"value, then run: visitplan check {target}\n")
    text = target.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=visit.schema.json"
    assert text == run("new", "--profile", "korean").stdout
    schema_file = target.parent / "visit.schema.json"
    assert json.loads(schema_file.read_text(encoding="utf-8")) == json_schema()

    # as written: every problem is a placeholder still to fill in, one line each
    result = run("check", "--date", BEFORE_EVERYTHING, target)
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) >= 20
    assert all(re.fullmatch(rf"{re.escape(str(target))}:\d+:\d+: [\w\[\].]+: still holds the "
                            r"placeholder <[^<>]+>; fill in .+", line) for line in lines), lines
    first = text.splitlines().index(next(ln for ln in text.splitlines()
                                         if ln.startswith("title:"))) + 1
    assert lines[0] == (f"{target}:{first}:8: title: still holds the placeholder <what the "
                        "visit is, e.g. Hanbit Electronics — LED driver sourcing visit>; fill "
                        "in text")
    assert ("guests[0].gender: still holds the placeholder <male or female>; fill in one of "
            "male, female") in result.stderr
    assert ("arrival.at: still holds the placeholder <YYYY-MM-DD HH:MM>; fill in a date and "
            "time like 2026-12-08 10:35") in result.stderr

    target.write_text(fill(text), encoding="utf-8")
    result = run("check", "--date", BEFORE_EVERYTHING, target)
    assert result.stderr == ""
    assert result.exit_code == 0
    assert result.stdout == f"{target}: ok\n"


def test_new_without_profiles_asks_for_the_country(run, tmp_path):
    target = tmp_path / "v.yaml"
    assert run("new", "-o", target).exit_code == 0
    result = run("check", target)
    assert result.exit_code == 2
    assert ("guests[0].country: still holds the placeholder <two-letter ISO country code, "
            "e.g. DE>; fill in an ISO 3166 country code") in result.stderr


def test_new_refuses_to_overwrite_without_force(run, tmp_path):
    target = tmp_path / "v.yaml"
    target.write_text("title: mine\n")
    result = run("new", "-o", target)
    assert result.exit_code == 2
    assert result.stderr == f"visitplan: {target}: already exists; choose another name or " \
                            "pass --force\n"
    assert target.read_text() == "title: mine\n"
    assert run("new", "-o", target, "--force").exit_code == 0
    assert target.read_text().startswith("# yaml-language-server")


def test_new_with_an_unknown_profile(run, tmp_path):
    result = run("new", "--profile", "koreen", "-o", tmp_path / "v.yaml")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == ("visitplan: --profile: unknown profile 'koreen'; did you mean "
                             "'korean'?; `visitplan profiles` lists them\n")
    assert not (tmp_path / "v.yaml").exists()


def test_new_quiet(run, tmp_path):
    result = run("-q", "new", "-o", tmp_path / "v.yaml")
    assert result.exit_code == 0 and result.output == ""


# ---------------------------------------------------------------- check

def test_every_example_passes(run, examples_dir):
    examples = sorted(examples_dir.glob("*.yaml"))
    assert len(examples) >= 4
    result = run("check", "--date", BEFORE_EVERYTHING, *examples)
    assert result.exit_code == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if ": warning: " not in line] == []
    assert result.stdout.splitlines() == [
        f"{path}: ok" + (re.search(r" \(\d+ warnings?\)$", line).group(0)
                         if line.endswith(")") else "")
        for path, line in zip(examples, result.stdout.splitlines())]


def test_check_a_folder(run, examples_dir):
    result = run("check", "--date", BEFORE_EVERYTHING, examples_dir)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == len(list(examples_dir.glob("*.yaml")))


def test_check_reports_every_file_and_every_problem(run, examples_dir, tmp_path):
    good = examples_dir / "hanbit-korean.yaml"
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text(encoding="utf-8")
                   .replace("country: KR\n    gender: female", "country: XX\n    gender: femal")
                   .replace("gifts: true", "gifts: ture")
                   .replace("  - name: 김민준", "  - naem: 김민준"), encoding="utf-8")
    result = run("check", "--date", BEFORE_EVERYTHING, good, bad)
    assert result.exit_code == 2
    assert result.stdout == f"{good}: ok\n"
    assert result.stderr == (
        f"{bad}:20:5: guests[0].naem: unknown key 'naem'; did you mean 'name'?\n"
        f"{bad}:33:14: guests[1].country: 'XX' is not an ISO 3166 country code (two letters, "
        "like KR, CN, DE or NO)\n"
        f"{bad}:34:13: guests[1].gender: 'femal' is not one of male, female; did you mean "
        "'female'?\n"
        f"{bad}:51:8: gifts: 'ture' is not true or false\n")


def test_check_json(run, examples_dir, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\n")
    good = examples_dir / "sakura-vip.yaml"
    result = run("check", "--json", "--date", BEFORE_EVERYTHING, good, bad)
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert [d["file"] for d in data] == [str(good), str(bad)]
    assert data[0]["ok"] is True and data[1]["ok"] is False
    assert {"file": str(bad), "line": 1, "column": 1, "field": "timezone",
            "severity": "error", "message": "is required"} in data[1]["problems"]


def test_check_json_answers_for_a_missing_file_too(run, tmp_path):
    missing = tmp_path / "nowhere.yaml"
    result = run("check", "--json", missing)
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data == [{"file": str(missing), "ok": False, "problems": [
        {"file": str(missing), "line": 0, "column": 0, "field": "", "severity": "error",
         "message": "no such file or folder"}]}]


def test_check_warnings_and_strict(run, examples_dir):
    visit = examples_dir / "hanbit-korean.yaml"
    late = run("check", "--date", "2026-12-07", visit)
    assert late.exit_code == 0
    warnings = late.stderr.splitlines()
    assert warnings and all(line.startswith(f"{visit}:") and ": warning: " in line
                            for line in warnings)
    assert late.stdout.startswith(f"{visit}: ok (")
    strict = run("check", "--strict", "--date", "2026-12-07", visit)
    assert strict.exit_code == 2 and strict.stderr == late.stderr and strict.stdout == ""


def test_check_missing_path_and_no_argument(run, tmp_path):
    result = run("check", tmp_path / "nope.yaml")
    assert result.exit_code == 2
    assert result.stderr == f"{tmp_path / 'nope.yaml'}: no such file or folder\n"
    result = run("check")
    assert result.exit_code == 2 and "Missing argument 'VISITS...'" in result.stderr


def test_check_bad_date_option(run, examples_dir):
    result = run("check", "--date", "08/12/2026", examples_dir / "sakura-vip.yaml")
    assert result.exit_code == 2
    assert "'08/12/2026' is not a date written as YYYY-MM-DD" in result.stderr


def test_check_quiet_says_only_problems(run, examples_dir):
    result = run("-q", "check", "--date", BEFORE_EVERYTHING, examples_dir)
    assert result.exit_code == 0 and result.stdout == ""


def invalid_files():
    return sorted(INVALID.glob("*.yaml"))


def expected_lines(path: Path) -> list[str]:
    lines = []
    for line in path.read_bytes().decode("utf-8", "replace").splitlines():
        if not line.startswith("# expect: "):
            break
        lines.append(line[len("# expect: "):].replace("{file}", str(path)))
    return lines


def test_the_invalid_folder_is_complete():
    names = {p.stem for p in invalid_files()}
    assert len(names) >= 20
    for path in invalid_files():
        assert expected_lines(path), f"{path.name} has no '# expect: ' line"


@pytest.mark.parametrize("path", invalid_files(), ids=lambda p: p.stem)
def test_invalid_visit(run, path):
    marker = Path("/tmp/visitplan-pwned")
    marker.unlink(missing_ok=True)
    result = run("check", "--date", BEFORE_EVERYTHING, path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == expected_lines(path)
    assert not marker.exists()


# ---------------------------------------------------------------- profiles

@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.mark.parametrize("lang", ["zh", "en", "ko"])
def test_profiles_lists_names_and_titles(run, registry, lang):
    result = run("profiles", "--lang", lang)
    assert result.exit_code == 0 and result.stderr == ""
    width = max(len(name) for name in registry)
    assert result.stdout.splitlines() == [f"{name:<{width}}  {pack.title[lang]}"
                                          for name, pack in registry.items()]


@pytest.mark.parametrize("lang", ["zh", "en", "ko"])
def test_profiles_korean_shows_notes_and_tasks(run, registry, lang):
    pack = registry["korean"]
    result = run("profiles", "korean", "--lang", lang)
    assert result.exit_code == 0 and result.stderr == ""
    out = result.stdout
    heading, source, applies = {
        "zh": ("韩国客户（korean）", "出处：", "自动适用条件：guest.country: [KR]"),
        "en": ("Korean guests (korean)", "Source: ", "Applies automatically when: "
               "guest.country: [KR]"),
        "ko": ("한국 손님 (korean)", "출처: ", "자동 적용 조건: guest.country: [KR]"),
    }[lang]
    assert out.splitlines()[0] == heading
    assert pack.summary[lang] in out
    assert f"{source}{pack.source}" in out
    assert applies in out
    assert t("label.notes", lang) in out and t("label.tasks", lang) in out
    for note in pack.notes:
        assert note.text[lang] in out and t("topic." + note.topic, lang) in out
    assert pack.tasks
    for task in pack.tasks:
        assert (f"{task.id}{'：' if lang == 'zh' else ': '}"
                f"{t('department.' + task.department, lang)} · "
                f"{t('place.' + task.place, lang)} · "
                f"{lead_time(task.anchor, task.offset, lang)}\n") in out
        assert task.text[lang] in out


def test_profiles_foreign_trade_lead_times_in_english(run):
    out = run("profiles", "foreign-trade", "--lang", "en").stdout
    assert "Showroom · 5 days before the first showroom visit" in out
    assert "1 hour before the first showroom visit" in out
    assert "Company · 3 days before arrival" in out


def test_profiles_language_defaults_to_the_staff_language(run, tmp_path):
    config = tmp_path / "visitplan.yaml"
    config.write_text("staff_language: zh\n")
    out = run("--config", config, "profiles", "korean").stdout
    assert out.splitlines()[0] == "韩国客户（korean）"


def test_profiles_unknown_name(run):
    result = run("profiles", "koreen")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == ("visitplan: unknown profile 'koreen'; did you mean 'korean'?; "
                             "`visitplan profiles` lists them\n")


def test_profiles_json(run, registry):
    listing = json.loads(run("profiles", "--json", "--lang", "en").stdout)
    assert [p["name"] for p in listing] == list(registry)
    detail = json.loads(run("profiles", "halal", "--json", "--lang", "ko").stdout)
    assert detail["name"] == "halal" and detail["title"] == registry["halal"].title["ko"]
    assert [k["id"] for k in detail["tasks"]] == [k.id for k in registry["halal"].tasks]
    assert all(k["lead_time"] and k["text"] for k in detail["tasks"])


PACK = """\
name: {name}
title: {{zh: 展会客户, en: Trade fair guests, ko: 박람회 손님}}
summary: {{zh: 展会后来访, en: Visits after a trade fair, ko: 박람회 후 방문}}
source: our own
tasks:
  - id: {name}-samples
    department: sales
    place: showroom
    anchor: showroom
    offset: -4d
    text: {{zh: 准备展会样品, en: Bring the trade fair samples, ko: 박람회 샘플 준비}}
"""


def test_user_profiles_folder_adds_and_overrides(run, tmp_path, examples_dir):
    packs = tmp_path / "brand" / "profiles"
    packs.mkdir(parents=True)
    (packs / "trade-fair.yaml").write_text(PACK.format(name="trade-fair"), encoding="utf-8")
    (packs / "korean.yaml").write_text(PACK.format(name="korean").replace(
        "title: {zh: 展会客户, en: Trade fair guests", "title: {zh: 我们的韩国规范, "
        "en: Our Korean rules").replace("korean-samples", "kr-ours"), encoding="utf-8")
    config = tmp_path / "brand" / "visitplan.yaml"
    config.write_text("profiles: profiles\n", encoding="utf-8")
    listing = run("--config", config, "profiles", "--lang", "en").stdout.splitlines()
    assert "korean         Our Korean rules  (your own)" in listing
    assert "trade-fair     Trade fair guests  (your own)" in listing
    assert listing[0] == "standard       Standard reception"
    shown = run("--config", config, "profiles", "korean", "--lang", "en").stdout
    assert "kr-ours: Sales · Showroom · 4 days before the first showroom visit" in shown
    assert "kr-titles" not in shown
    # a visit may now list the user's profile
    visit = tmp_path / "v.yaml"
    visit.write_text((examples_dir / "mueller-foreign-trade.yaml").read_text(encoding="utf-8")
                     .replace("title: Müller", "profiles: [trade-fair]\ntitle: Müller"),
                     encoding="utf-8")
    assert run("--config", config, "check", "--date", BEFORE_EVERYTHING,
               visit).exit_code == 0
    assert run("check", "--date", BEFORE_EVERYTHING, visit).exit_code == 2


def test_invalid_user_pack_through_the_cli(run, tmp_path):
    packs = tmp_path / "packs"
    packs.mkdir()
    bad = packs / "fair.yaml"
    bad.write_text(PACK.format(name="fair").replace("offset: -4d", "offset: four days"),
                   encoding="utf-8")
    config = tmp_path / "visitplan.yaml"
    config.write_text("profiles: packs\n")
    result = run("--config", config, "profiles")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (f"{bad}:10:13: tasks[0].offset: 'four days' is not an offset "
                             "like -5d, -1h, -30m or +1d\n")


# ---------------------------------------------------------------- schema

def test_schema_prints_json_schema(run, tmp_path):
    result = run("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json_schema()
    target = tmp_path / "s" / "visit.schema.json"
    assert run("schema", "-o", target).exit_code == 0
    assert target.read_text(encoding="utf-8") == result.stdout


# ---------------------------------------------------------------- never a traceback

@pytest.mark.parametrize("args", [
    ["check", "/dev/null"],
    ["profiles", ""],
    ["--config", "/nonexistent/visitplan.yaml", "profiles"],
    ["--config", "/", "profiles"],
])
def test_odd_input_never_shows_a_traceback(run, args):
    result = run(*args)
    assert result.exit_code in (1, 2)
    assert result.stderr.strip()


def test_output_under_a_file_is_a_plain_message(run, tmp_path):
    blocker = tmp_path / "visits"
    blocker.write_text("a file where a folder should be")
    for args in (["new", "-o", blocker / "hanbit.yaml"],
                 ["schema", "-o", blocker / "visit.schema.json"]):
        result = run(*args)
        assert result.exit_code == 1
        assert result.stderr == (f"visitplan: {blocker}: is a file, so no folder can be made "
                                 "there\n")
