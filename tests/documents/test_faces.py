"""The faces the PDFs embed (issue 12, Faces): bold Chinese in a font program that is
bold itself (not a regular face emboldened), and Chinese punctuation drawn by the Chinese
face, read back from the PDF with pypdf."""
from __future__ import annotations

import io
import re

import pytest

from sign_helpers import text_runs

HAN = re.compile(r"[\u4e00-\u9fff]")


def font_program(font):
    """The TrueType/OpenType font program a PDF font embeds, opened with fontTools."""
    from fontTools.ttLib import TTFont

    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    stream = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
    return TTFont(io.BytesIO(stream.get_object().get_data()))


@pytest.fixture(scope="module")
def checklist_runs(tmp_path_factory):
    from click.testing import CliRunner

    from places import EXAMPLES
    from visitplan.cli import main

    out = tmp_path_factory.mktemp("faces")
    (out / "config.yaml").write_text(f"state: {out / 'state.sqlite3'}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(out / "config.yaml"), "prepare",
                                       str(EXAMPLES / "mueller-foreign-trade.yaml"),
                                       "--lang", "zh", "--date", "2026-12-04",
                                       "-o", str(out / "pdf")])
    assert result.exit_code == 0, result.output
    return text_runs(out / "pdf" / "checklist.pdf")


def test_a_bold_chinese_heading_is_drawn_with_a_bold_font_program(checklist_runs):
    heading = [r for r in checklist_runs if r["text"] == "来宾"]
    assert heading, [r["text"] for r in checklist_runs][:20]
    program = font_program(heading[0]["font"])
    assert program["OS/2"].usWeightClass >= 700, heading[0]["base"]
    assert "Bold" in heading[0]["base"]
    body = [r for r in checklist_runs if HAN.search(r["text"]) and r["pt"] < 10
            and "Bold" not in r["base"]]
    assert body and font_program(body[0]["font"])["OS/2"].usWeightClass < 700


def test_chinese_punctuation_comes_from_the_chinese_face(checklist_runs):
    punctuated = [r for r in checklist_runs if re.search("[，：；（）“”…]", r["text"])]
    assert punctuated
    for run in punctuated:
        assert "Visitplan-Sans-SC" in run["base"], (run["text"], run["base"])
