"""`pip install .` into a fresh virtual environment, then the commands from another folder.

The environment is made without pip and sees the test run's own site-packages through a
.pth file, so the dependencies (and pip, setuptools, wheel) come from the machine and the
test needs no network. Only visitplan itself is installed into it, non-editable, so a
template, profile or locale file missing from the package shows up here.
"""
from __future__ import annotations

import os
import subprocess
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh virtual environment with visitplan installed from the repository."""
    root = tmp_path_factory.mktemp("install")
    env_dir = root / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path("
                              "'purelib'))"], capture_output=True, text=True,
                             check=True).stdout.strip()
    # the test run's packages (click, PyYAML, ... and pip itself), after the venv's own
    outer = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    Path(purelib, "_outer_site.pth").write_text("\n".join(sorted(outer)) + "\n")
    build_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [python, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "-q", str(REPO)],
        capture_output=True, text=True, cwd=root, env=build_env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return {"bin": env_dir / "bin", "python": python, "purelib": Path(purelib)}


def sh(installed, *args, cwd):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PATH"] = f"{installed['bin']}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=120)


@pytest.fixture
def elsewhere(tmp_path):
    """A working folder that is neither the repository nor inside it."""
    folder = tmp_path / "somewhere" / "else"
    folder.mkdir(parents=True)
    assert REPO not in folder.parents
    return folder


def test_the_package_comes_from_the_environment(installed, elsewhere):
    result = sh(installed, installed["python"], "-c",
                "import visitplan, visitplan.documents.resources as r; print(visitplan.__file__); "
                "print(r.templates_dir())", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    package_file, templates = result.stdout.splitlines()
    assert Path(package_file).is_relative_to(installed["purelib"])
    assert Path(templates) == installed["purelib"] / "visitplan" / "templates"
    package = installed["purelib"] / "visitplan"
    assert (package / "templates" / "visit.yaml.j2").is_file()
    assert {p.name for p in (package / "rules" / "packs").glob("*.yaml")} >= {
        "standard.yaml", "foreign-trade.yaml", "vip.yaml", "korean.yaml", "halal.yaml"}
    assert {p.name for p in (package / "text" / "locales").glob("*.yaml")} >= {
        "en.yaml", "zh.yaml", "ko.yaml", "ja.yaml", "ar.yaml"}
    assert (package / "text" / "languages.yaml").is_file()
    assert (package / "rules" / "greetings.yaml").is_file()


def test_version_and_help_from_any_folder(installed, elsewhere):
    import visitplan
    from visitplan.cli import COMMANDS

    version = sh(installed, "visitplan", "--version", cwd=elsewhere)
    assert version.returncode == 0, version.stderr
    assert version.stdout == f"visitplan, version {visitplan.__version__}\n"
    for command in (["visitplan", "--help"],
                    [installed["python"], "-m", "visitplan", "--help"]):
        result = sh(installed, *command, cwd=elsewhere)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        for name in COMMANDS:
            assert f"\n  {name} " in result.stdout, name
    module = sh(installed, installed["python"], "-m", "visitplan", "--version", cwd=elsewhere)
    assert module.stdout == version.stdout


def test_new_check_profiles_and_schema_from_any_folder(installed, elsewhere, examples_dir):
    new = sh(installed, "visitplan", "new", "--profile", "korean", "-o", "visits/hanbit.yaml",
             cwd=elsewhere)
    assert new.returncode == 0, new.stderr
    assert (elsewhere / "visits" / "visit.schema.json").is_file()
    placeholders = sh(installed, "visitplan", "check", "visits/hanbit.yaml", cwd=elsewhere)
    assert placeholders.returncode == 2
    assert "still holds the placeholder" in placeholders.stderr
    assert "Traceback" not in placeholders.stderr

    visits = elsewhere / "examples"
    visits.mkdir()
    for path in examples_dir.glob("*.yaml"):
        (visits / path.name).write_bytes(path.read_bytes())
    (visits / "photos").mkdir()
    for path in (examples_dir / "photos").iterdir():
        (visits / "photos" / path.name).write_bytes(path.read_bytes())
    check = sh(installed, "visitplan", "check", "--date", "2026-10-01", "examples",
               cwd=elsewhere)
    assert check.returncode == 0, check.stderr
    assert len(check.stdout.splitlines()) == len(list(examples_dir.glob("*.yaml")))

    korean = sh(installed, "visitplan", "profiles", "korean", "--lang", "ko", cwd=elsewhere)
    assert korean.returncode == 0 and korean.stdout.startswith("한국 손님 (korean)")
    schema = sh(installed, "visitplan", "schema", cwd=elsewhere)
    assert schema.returncode == 0 and '"$schema"' in schema.stdout


def test_running_from_home_like_cron(installed):
    home = Path(os.environ["HOME"])
    result = sh(installed, "visitplan", "profiles", cwd=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("standard")
