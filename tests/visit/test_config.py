"""Configuration: where it is found, paths, environment overrides, and its error messages."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from visitplan.visit.config import find_config, load_config
from visitplan.errors import ValidationFailed


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def places(tmp_path, isolated_env):
    """A configuration file in each of the four places; `output` tells which was read."""
    user = Path(isolated_env["XDG_CONFIG_HOME"]) / "visitplan" / "config.yaml"
    cwd = isolated_env["cwd"]
    return {
        "flag": write(tmp_path / "flag" / "flag.yaml", "output: from-flag\n"),
        "env": write(tmp_path / "env" / "env.yaml", "output: from-env\n"),
        "cwd": write(cwd / "visitplan.yaml", "output: from-cwd\n"),
        "user": write(user, "output: from-user\n"),
    }


def test_discovery_order(places):
    env = {"VISITPLAN_CONFIG": str(places["env"])}
    assert load_config(str(places["flag"]), env).output.name == "from-flag"
    assert load_config(None, env).output.name == "from-env"
    assert load_config(None, {}).output.name == "from-cwd"
    places["cwd"].unlink()
    assert load_config(None, {}).output.name == "from-user"
    assert find_config(None) == places["user"]
    places["user"].unlink()
    config = load_config(None, {})
    assert config.path is None and config.output is None


def test_user_config_folder_follows_xdg(isolated_env):
    path = write(Path(isolated_env["XDG_CONFIG_HOME"]) / "visitplan" / "config.yaml",
                 "staff_language: ko\n")
    config = load_config(None, {})
    assert config.path == path and config.staff_language == "ko"


def test_paths_are_relative_to_the_config_file(tmp_path, isolated_env):
    path = write(tmp_path / "brand" / "visitplan.yaml",
                 "output: out\ntemplates: templates\nprofiles: ../packs\n"
                 "state: /var/lib/visitplan/state.sqlite3\n")
    config = load_config(str(path), {})
    base = path.parent.resolve()
    assert config.output == base / "out"
    assert config.templates == base / "templates"
    assert config.profiles == base / "../packs"
    assert config.state == Path("/var/lib/visitplan/state.sqlite3")
    assert config.output_dir("hanbit-2026-12") == base / "out" / "hanbit-2026-12"
    assert Path.cwd() == isolated_env["cwd"] != base


def test_defaults(isolated_env):
    config = load_config(None, {})
    assert config.day_start == "09:00"
    assert config.office_hours == {"start": "08:00", "end": "19:00"}
    assert config.output_dir("v") == Path("out") / "v"
    assert config.state_path == (Path(isolated_env["XDG_STATE_HOME"]) / "visitplan"
                                 / "state.sqlite3")


def test_a_full_configuration(tmp_path):
    path = write(tmp_path / "visitplan.yaml", """\
language: en
staff_language: zh
host: {company: Brightway, country: CN, contact: {name: 李伟, email: li.wei@brightway.example}}
departments:
  sales: sales@brightway.example
  admin: [admin@brightway.example, office@brightway.example]
smtp:
  host: localhost
  port: 2525
  security: starttls
  username: visits
  password_env: VISITS_PASSWORD
  from: "Brightway Visits <visits@brightway.example>"
  timeout: 30
office_hours: {start: "8:30", end: "18:00"}
day_start: "08:30"
""")
    config = load_config(str(path), {})
    assert config.departments == {"sales": ["sales@brightway.example"],
                                  "admin": ["admin@brightway.example",
                                            "office@brightway.example"]}
    assert config.smtp == {"host": "localhost", "port": 2525, "security": "starttls",
                           "username": "visits", "password_env": "VISITS_PASSWORD",
                           "from": "Brightway Visits <visits@brightway.example>",
                           "timeout": 30}
    assert config.office_hours == {"start": "08:30", "end": "18:00"}
    assert config.day_start == "08:30"
    assert config.host["contact"]["name"] == "李伟"


# ---------------------------------------------------------------- the environment

def test_environment_wins_over_the_file(tmp_path):
    path = write(tmp_path / "visitplan.yaml",
                 "smtp: {host: mail.example, port: 25, password_env: FROM_FILE}\n"
                 "departments: {sales: file@brightway.example}\nstaff_language: zh\n")
    env = {"VISITPLAN_SMTP_PORT": "2525",
           "VISITPLAN_SMTP_PASSWORD_ENV": "MY_SECRET",
           "VISITPLAN_DEPARTMENTS_SALES": "a@brightway.example, b@brightway.example",
           "VISITPLAN_STAFF_LANGUAGE": "ko",
           "VISITPLAN_HOST_CONTACT_NAME": "Chen Jing"}
    config = load_config(str(path), env)
    assert config.smtp == {"host": "mail.example", "port": 2525, "password_env": "MY_SECRET"}
    assert config.departments == {"sales": ["a@brightway.example", "b@brightway.example"]}
    assert config.staff_language == "ko"
    assert config.host == {"contact": {"name": "Chen Jing"}}


def test_environment_alone_without_a_file(isolated_env):
    config = load_config(None, {"VISITPLAN_SMTP_HOST": "localhost",
                                "VISITPLAN_STATE": "/srv/visits/state.sqlite3",
                                "VISITPLAN_DAY_START": "8:00"})
    assert config.path is None
    assert config.smtp == {"host": "localhost"}
    assert config.state == Path("/srv/visits/state.sqlite3")
    assert config.day_start == "08:00"


def test_process_environment_is_read_by_default(monkeypatch, tmp_path):
    monkeypatch.setenv("VISITPLAN_SMTP_PORT", "587")
    monkeypatch.setenv("VISITPLAN_CONFIG", str(write(tmp_path / "c.yaml", "smtp: {port: 25}\n")))
    assert load_config().smtp == {"port": 587}


def test_a_bad_environment_value_names_the_variable(tmp_path):
    path = write(tmp_path / "visitplan.yaml", "smtp: {port: 25}\n")
    with pytest.raises(ValidationFailed) as info:
        load_config(str(path), {"VISITPLAN_SMTP_PORT": "twenty-five",
                                "VISITPLAN_DEPARTMENTS_SALES": "ok@brightway.example, nope",
                                "VISITPLAN_SMTP_SECURITY": "tls"})
    assert [str(p) for p in info.value.problems] == [
        "environment variable VISITPLAN_SMTP_PORT: smtp.port: 'twenty-five' is not a whole "
        "number",
        "environment variable VISITPLAN_SMTP_SECURITY: smtp.security: 'tls' is not one of "
        "none, starttls, ssl",
        "environment variable VISITPLAN_DEPARTMENTS_SALES: departments.sales[1]: 'nope' is not "
        "a valid email address (like name@example.com)",
    ]


# ---------------------------------------------------------------- bad files

def test_bad_config_file_gets_file_line_column_messages(tmp_path):
    path = write(tmp_path / "visitplan.yaml", """\
language: kr
smtp:
  port: 99999
  securty: ssl
  from: visits@localhost
departments:
  sales: [a@brightway.example, bad]
  marketing: m@brightway.example
day_start: 9am
""")
    with pytest.raises(ValidationFailed) as info:
        load_config(str(path), {})
    assert [str(p) for p in info.value.problems] == [
        f"{path}:1:11: language: 'kr' is not one of zh, en, ko, ja, zh-Hant, vi, th, id, "
        "ms, ar, de, fr, es, pt, ru",
        f"{path}:3:9: smtp.port: 99999 is out of range 1 to 65535",
        f"{path}:4:3: smtp.securty: unknown key 'securty'; did you mean 'security'?",
        f"{path}:5:9: smtp.from: 'visits@localhost' is not a valid sender; write it like "
        "'Name <name@example.com>' or name@example.com",
        f"{path}:7:32: departments.sales[1]: 'bad' is not a valid email address (like "
        "name@example.com)",
        f"{path}:8:3: departments.marketing: unknown key 'marketing'",
        f"{path}:9:12: day_start: '9am' is not a time of day like 08:00",
    ]


@pytest.mark.parametrize("text, message", [
    ("- a\n", "1:1: the top level must be a mapping of keys such as `host:`, `departments:` "
              "and `smtp:`"),
    ("smtp: {port: 25\n", "2:1: invalid YAML: did not find expected ',' or '}'"),
    ("output: a\noutput: b\n", "2:1: output: duplicate key 'output' (first given at line 1)"),
])
def test_unreadable_config_files(tmp_path, text, message):
    path = write(tmp_path / "visitplan.yaml", text)
    with pytest.raises(ValidationFailed) as info:
        load_config(str(path), {})
    sep = "" if message[0].isdigit() else " "
    assert str(info.value) == f"{path}:{sep}{message}"


def test_missing_config_file_named_by_flag_or_environment(tmp_path):
    with pytest.raises(ValidationFailed, match=r"nope\.yaml: no such file"):
        load_config(str(tmp_path / "nope.yaml"), {})
    with pytest.raises(ValidationFailed, match=r"gone\.yaml: no such file"):
        load_config(None, {"VISITPLAN_CONFIG": str(tmp_path / "gone.yaml")})


# ---------------------------------------------------------------- through the command line

def test_cli_bad_config_exits_2_with_the_same_messages(run, tmp_path, examples_dir):
    path = write(tmp_path / "visitplan.yaml", "smtp:\n  port: 0\n")
    result = run("--config", path, "check", examples_dir / "hanbit-korean.yaml")
    assert result.exit_code == 2
    assert result.stderr == f"{path}:2:9: smtp.port: 0 is out of range 1 to 65535\n"
    assert result.stdout == ""


def test_cli_reads_the_config_of_the_working_folder(run, isolated_env, tmp_path):
    write(isolated_env["cwd"] / "visitplan.yaml", "staff_language: zh\n")
    result = run("profiles")
    assert result.exit_code == 0
    assert "标准接待" in result.stdout or "standard" in result.stdout
    assert "外贸" in result.stdout


def test_cli_bad_environment_value(run, examples_dir):
    result = run("check", examples_dir / "hanbit-korean.yaml",
                 env={"VISITPLAN_SMTP_PORT": "abc"})
    assert result.exit_code == 2
    assert result.stderr == ("environment variable VISITPLAN_SMTP_PORT: smtp.port: 'abc' is "
                             "not a whole number\n")


def test_relative_paths_from_the_environment_are_relative_to_the_working_folder(
        tmp_path, isolated_env):
    path = write(tmp_path / "etc" / "visitplan.yaml", "output: out\nprofiles: packs\n")
    config = load_config(str(path), {"VISITPLAN_OUTPUT": "documents",
                                     "VISITPLAN_STATE": "~/visits.sqlite3"})
    assert config.output == isolated_env["cwd"].resolve() / "documents"
    assert config.profiles == path.parent.resolve() / "packs"
    assert config.state == isolated_env["home"] / "visits.sqlite3"


def test_a_configuration_file_with_only_comments_means_no_settings(tmp_path):
    from visitplan.visit.config import load_config

    path = tmp_path / "visitplan.yaml"
    path.write_text("# to be filled in later\n---\n", encoding="utf-8")
    config = load_config(str(path), environ={})
    assert config.path == path and config.departments == {} and config.smtp == {}


# ---------------------------------------------------------------- bad settings that used to pass

def problems(tmp_path, text: str, environ=None) -> list[str]:
    path = write(tmp_path / "visitplan.yaml", text)
    with pytest.raises(ValidationFailed) as info:
        load_config(str(path), environ or {})
    return [str(p).replace(f"{path}:", "") for p in info.value.problems]


@pytest.mark.parametrize("sender, message", [
    ('"a@brightway.example, b@brightway.example"',
     "'a@brightway.example, b@brightway.example' gives more than one address; give one "
     "sender like 'Name <name@example.com>'"),
    ('"Visits <a@brightway.example> <b@x.example>"',
     "'Visits <a@brightway.example> <b@x.example>' gives more than one address; give one "
     "sender like 'Name <name@example.com>'"),
    ('"Visits\\u2028Bcc: all@x.example <a@brightway.example>"',
     "a sender may not contain a line break"),
    ('"Visits\\e[31m <a@brightway.example>"', "contains a control character (U+001B); "
     "remove it"),
    ('"Visits\\0 <a@brightway.example>"', "contains a control character (U+0000); remove it"),
    ("not an address", "'not an address' is not a valid sender; write it like "
     "'Name <name@example.com>' or name@example.com"),
    ("Brightway Co., Ltd. <a@brightway.example>", "'Brightway Co., Ltd. <a@brightway.example>' "
     "is not a valid sender; write it like 'Name <name@example.com>' or name@example.com (a "
     "name with a comma goes in double quotes: '\"Name, Ltd.\" <...>')"),
])
def test_a_sender_is_one_address_on_one_line(tmp_path, sender, message):
    assert problems(tmp_path, f"smtp:\n  from: {sender}\n") == [f"2:9: smtp.from: {message}"]


@pytest.mark.parametrize("sender", ['"Brightway Visits <visits@brightway.example>"',
                                    "visits@brightway.example",
                                    '"\\"Brightway Co., Ltd.\\" <visits@brightway.example>"'])
def test_good_senders_pass(tmp_path, sender):
    path = write(tmp_path / "visitplan.yaml", f"smtp: {{from: {sender}}}\n")
    assert "@brightway.example" in load_config(str(path), {}).smtp["from"]


@pytest.mark.parametrize("hours", ["{start: '19:00', end: '08:00'}",
                                   "{start: '09:00', end: '09:00'}", "{start: '20:00'}"])
def test_office_hours_must_start_before_they_end(tmp_path, hours):
    [message] = problems(tmp_path, f"office_hours: {hours}\n")
    assert "office_hours.end: office hours end at" in message
    assert message.endswith("give start before end")


def test_office_hours_in_order_pass(tmp_path):
    path = write(tmp_path / "visitplan.yaml", "office_hours: {start: '7:30', end: '18:00'}\n")
    assert load_config(str(path), {}).office_hours == {"start": "07:30", "end": "18:00"}


def test_the_state_store_must_be_a_regular_file(tmp_path):
    assert problems(tmp_path, "state: /dev/null\n") == [
        "1:8: state: '/dev/null' is not a regular file (a device, a pipe or a socket); give "
        "the path of the state file"]
    (tmp_path / "folder").mkdir()
    assert problems(tmp_path, "state: folder\n") == [
        f"1:8: state: '{tmp_path.resolve() / 'folder'}' is a folder; give the path of the "
        f"state file, like '{tmp_path.resolve() / 'folder' / 'state.sqlite3'}'"]
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert problems(tmp_path, f"state: {fifo}\n")[0].startswith(f"1:8: state: '{fifo}' is "
                                                                "not a regular file")
    # a file that does not exist yet is made at first use; an existing one is fine
    write(tmp_path / "visitplan.yaml", "state: new/state.sqlite3\n")
    assert load_config(str(tmp_path / "visitplan.yaml"), {}).state.name == "state.sqlite3"


def test_a_misspelt_variable_is_an_error_with_a_suggestion(tmp_path):
    assert problems(tmp_path, "smtp: {port: 25}\n", {"VISITPLAN_SMTP_HOTS": "mail.example"}) \
        == ["environment: unknown variable VISITPLAN_SMTP_HOTS; did you mean "
            "VISITPLAN_SMTP_HOST?"]
    assert problems(tmp_path, "", {"VISITPLAN_NOT_A_KEY": "x"}) == [
        "environment: unknown variable VISITPLAN_NOT_A_KEY; settings are VISITPLAN_ and the "
        "key in capitals, like VISITPLAN_SMTP_HOST"]


def test_variables_read_on_purpose_are_not_unknown(tmp_path):
    path = write(tmp_path / "visitplan.yaml", "smtp: {password_env: VISITPLAN_MAIL_SECRET}\n")
    environ = {"VISITPLAN_CONFIG": str(path), "VISITPLAN_UPDATE_GOLDEN": "1",
               "VISITPLAN_MAIL_SECRET": "s3cret", "VISITPLAN_SMTP_PASSWORD": "old",
               "OTHER_PROGRAM_SETTING": "x"}
    assert load_config(None, environ).smtp == {"password_env": "VISITPLAN_MAIL_SECRET"}
    # the password variable may also be named by the environment
    environ = {"VISITPLAN_SMTP_PASSWORD_ENV": "VISITPLAN_PW", "VISITPLAN_PW": "s3cret"}
    assert load_config(None, environ).smtp == {"password_env": "VISITPLAN_PW"}


def test_every_variable_the_code_and_tests_read_is_known(tmp_path):
    """A VISITPLAN_* name read anywhere in the package, the scripts or the tests is either a
    setting or on the allow-list; otherwise every run with it set would stop."""
    import re

    from visitplan.visit.config import CONFIG, DEFAULT_PASSWORD_ENV, OTHER_VARIABLES, _env_keys

    repo = Path(__file__).resolve().parents[2]
    known = set(_env_keys(CONFIG)) | OTHER_VARIABLES | {DEFAULT_PASSWORD_ENV}
    read = set()
    for folder in ("visitplan", "scripts", "tests", "benchmarks"):
        for path in (repo / folder).rglob("*.py"):
            read |= set(re.findall(r"(?<![A-Za-z0-9_])VISITPLAN_[A-Z][A-Z0-9_]*[A-Z0-9]",
                                   path.read_text(encoding="utf-8")))
    # named in this file as misspellings on purpose
    read -= {"VISITPLAN_SMTP_HOTS", "VISITPLAN_NOT_A_KEY", "VISITPLAN_MAIL_SECRET",
             "VISITPLAN_PW"}
    assert read - known == set()


@pytest.mark.parametrize("text, message", [
    ("visits: \"a\\0b\"\n", "1:9: visits: contains a control character (U+0000); remove it"),
    ("timezone: Mars/Base\n", "1:11: timezone: 'Mars/Base' is not an IANA time zone (like "
                              "Asia/Shanghai)"),
    ("work_week: [mon, fun]\n", "1:18: work_week[1]: 'fun' is not one of mon, tue, wed, thu, "
                                "fri, sat, sun; did you mean 'sun'?"),
    ("holidays: XY\n", "1:11: holidays: 'XY' is neither a country code (two letters, like CN) "
                       "nor 'none'"),
    ("pre_arrival_days: 31\n", "1:19: pre_arrival_days: 31 is out of range 0 to 30"),
    ("cars: 0\n", "1:7: cars: 0 is out of range 1 to 100"),
    ("max_tasks_per_day: many\n", "1:20: max_tasks_per_day: 'many' is not a whole number"),
    ("sign: {size: a5}\n", "1:14: sign.size: 'a5' is not one of a4, a3"),
    ("sign: {group: maybe}\n", "1:15: sign.group: 'maybe' is not true or false"),
    ("max_stay_days: 0\n", "1:16: max_stay_days: 0 is out of range 1 to 366"),
    ("message_id_domain: 'a b'\n", "1:20: message_id_domain: 'a b' is not a domain like "
                                   "brightway.example"),
])
def test_each_new_key_is_validated(tmp_path, text, message):
    assert problems(tmp_path, text) == [message]


def test_the_new_keys_read_well(tmp_path):
    path = write(tmp_path / "visitplan.yaml", """\
visits: visits
timezone: Asia/Shanghai
work_week: [sun, mon, tue, wed, thu]
holidays: none
pre_arrival_days: 5
cars: 2
max_tasks_per_day: 12
sign: {size: a3}
max_stay_days: 30
message_id_domain: Brightway.Example
""")
    config = load_config(str(path), {})
    assert config.visits == tmp_path.resolve() / "visits"
    assert config.timezone == "Asia/Shanghai"
    assert config.work_week == ("mon", "tue", "wed", "thu", "sun")
    assert config.holidays == "none" and config.holiday_country is None
    assert (config.pre_arrival_days, config.cars, config.max_tasks_per_day) == (5, 2, 12)
    assert config.sign == {"size": "a3", "group": False}
    assert config.max_stay_days == 30
    assert config.message_id_domain == "brightway.example"


@pytest.mark.parametrize("text, environ, message", [
    ("smtp: {from: 'a@brightway.example, b@brightway.example'}\n", {},
     "{path}:1:14: smtp.from: 'a@brightway.example, b@brightway.example' gives more than one "
     "address; give one sender like 'Name <name@example.com>'"),
    ("office_hours: {start: '19:00', end: '08:00'}\n", {},
     "{path}:1:37: office_hours.end: office hours end at 08:00, not after they start at "
     "19:00; give start before end"),
    ("state: /dev/null\n", {}, "{path}:1:8: state: '/dev/null' is not a regular file (a "
     "device, a pipe or a socket); give the path of the state file"),
    ("smtp: {from: not an address}\n", {}, "{path}:1:14: smtp.from: 'not an address' is not "
     "a valid sender; write it like 'Name <name@example.com>' or name@example.com"),
    ("smtp: {port: 25}\n", {"VISITPLAN_SMTP_HOTS": "mail.example"},
     "environment: unknown variable VISITPLAN_SMTP_HOTS; did you mean VISITPLAN_SMTP_HOST?"),
])
def test_cli_bad_settings_stop_at_load_time(run, tmp_path, examples_dir, text, environ,
                                            message):
    path = write(tmp_path / "visitplan.yaml", text)
    result = run("--config", path, "check", examples_dir / "hanbit-korean.yaml", env=environ)
    assert result.exit_code == 2
    assert result.stderr == message.format(path=path) + "\n"
    assert result.stdout == ""
