"""The README's examples work when copied: its configuration loads, and the visit it
describes passes `check`."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def _block_after(heading: str) -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index(heading):]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


def test_the_configuration_example_works_when_copied(run, tmp_path, examples_dir):
    config = tmp_path / "visitplan.yaml"
    config.write_text(_block_after("## Configuration"), encoding="utf-8")
    shutil.copy(examples_dir / "sakura-vip.yaml", tmp_path / "sakura-vip.yaml")
    result = run("--config", config, "check", "--date", "2026-01-05",
                 tmp_path / "sakura-vip.yaml")
    assert result.exit_code == 0, result.stderr


def test_the_visit_file_example_passes_check(run, tmp_path, examples_dir):
    visit = tmp_path / "hanbit.yaml"
    visit.write_text(_block_after("## The visit file"), encoding="utf-8")
    shutil.copytree(examples_dir / "photos", tmp_path / "photos")
    result = run("check", "--date", "2026-11-01", "--lang", "en", visit)
    assert result.exit_code == 0, result.stderr
