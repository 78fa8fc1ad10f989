"""`prepare: {printables: true}` in the configuration: `visitplan prepare` also writes the
badges, table tents and seating plans (issue 14, part 5), read back as text; without the
key it writes the three documents only; a bad value is one line naming the key."""
from __future__ import annotations

import shutil

from sign_helpers import pdf_text

from visitplan.cli import main

PREPARED = {"itinerary.pdf", "checklist.pdf", "itinerary.ics"}
PRINTABLES = {"badges.pdf", "tents.pdf", "seating.pdf"}


def _setup(tmp_path, examples_dir, config: str):
    shutil.copy(examples_dir / "hanbit-korean.yaml", tmp_path / "hanbit.yaml")
    shutil.copytree(examples_dir / "photos", tmp_path / "photos")
    (tmp_path / "visitplan.yaml").write_text(config, encoding="utf-8")
    return ["--config", str(tmp_path / "visitplan.yaml"), "prepare",
            str(tmp_path / "hanbit.yaml"), "-o", str(tmp_path / "out")]


def test_prepare_writes_the_printables_when_configured(runner, tmp_path, examples_dir):
    args = _setup(tmp_path, examples_dir, "prepare: {printables: true}\n")
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.stderr
    written = {p.name for p in (tmp_path / "out").iterdir()}
    assert written == PREPARED | PRINTABLES
    for name in PRINTABLES:
        assert f"wrote {tmp_path / 'out' / name}" in result.stdout
    assert "김민준" in pdf_text(tmp_path / "out" / "badges.pdf")
    assert "Welcome dinner" in pdf_text(tmp_path / "out" / "seating.pdf")


def test_prepare_without_the_key_writes_its_three_documents(runner, tmp_path, examples_dir):
    args = _setup(tmp_path, examples_dir, "prepare: {printables: false}\n")
    result = runner.invoke(main, [*args, "--format", "md"])
    assert result.exit_code == 0, result.stderr
    assert {p.name for p in (tmp_path / "out").iterdir()} == {"itinerary.md",
                                                              "checklist.md",
                                                              "itinerary.ics"}


def test_a_bad_value_of_the_key_is_one_line(runner, tmp_path, examples_dir):
    args = _setup(tmp_path, examples_dir, "prepare: {printables: sometimes}\n")
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{tmp_path / 'visitplan.yaml'}:1:")
    assert "prepare.printables" in result.stderr and len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "out").exists()
