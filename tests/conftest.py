"""Fixtures shared by every test.

Every test runs with its own HOME, XDG_* folders and working folder (all empty, under
tmp_path) and without any VISITPLAN_* variable from the machine, so no test can read the
developer's configuration, state or profiles, or depend on where pytest was started.

One variable is set: VISITPLAN_RENDER_CACHE, a folder shared by the whole session
(visitplan.documents.render_cache), so a document rendered by one test is read back by the
next test that renders the very same HTML with the same assets: the suite renders the
examples' itineraries, checklists and signs once, not in every test that prepares them.
A test about rendering itself (processes, timing, a failing renderer) is marked
`@pytest.mark.renders` and renders everything.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from places import EXAMPLES, REPO  # noqa: F401  (REPO: for tests that want it)

from visitplan.documents.render_cache import ENV as RENDER_CACHE

_XDG = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME",
        "XDG_RUNTIME_DIR")


@pytest.fixture(scope="session")
def render_cache_dir(tmp_path_factory) -> Path:
    """The session's render cache (see the module docstring)."""
    return tmp_path_factory.mktemp("render-cache")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory, monkeypatch, request, render_cache_dir):
    """A fresh HOME, XDG folders and working folder; no VISITPLAN_* variables.

    Returns the folders as a dict: home, cwd and the XDG variable names."""
    root = tmp_path_factory.mktemp("env")
    dirs = {"home": root / "home", "cwd": root / "cwd"}
    for name in _XDG:
        dirs[name] = root / name.lower()
    for path in dirs.values():
        path.mkdir(mode=0o700)
    monkeypatch.setenv("HOME", str(dirs["home"]))
    for name in _XDG:
        monkeypatch.setenv(name, str(dirs[name]))
    for name in list(os.environ):
        if name.startswith("VISITPLAN_"):
            monkeypatch.delenv(name)
    if request.node.get_closest_marker("renders") is None:
        monkeypatch.setenv(RENDER_CACHE, str(render_cache_dir))
    monkeypatch.chdir(dirs["cwd"])
    return dirs


@pytest.fixture
def runner() -> CliRunner:
    """click's CliRunner; since click 8.2 result.stderr is kept apart from result.stdout
    (result.output has both, interleaved as a terminal would show them)."""
    return CliRunner()


@pytest.fixture
def examples_dir() -> Path:
    """The repository's examples/ folder (absolute)."""
    return EXAMPLES


@pytest.fixture
def run(runner):
    """Invoke `visitplan ARGS...` and check it ended the way a user may see: an exit code,
    never a traceback or an internal error. Returns click's Result."""
    from visitplan.cli import main

    def invoke(*args, input=None, env=None):
        result = runner.invoke(main, [str(a) for a in args], input=input, env=env)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"visitplan {' '.join(map(str, args))} raised "
                                 f"{result.exception!r}\nstderr:\n{result.stderr}") \
                from result.exception
        assert "Traceback" not in result.output
        assert "internal error" not in result.stderr
        return result

    return invoke
