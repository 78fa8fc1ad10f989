"""The one Jinja environment factory (visitplan.documents.render): user templates first,
`builtin/` reaches the built-ins, undefined names fail, HTML is escaped and text is not,
one translator bound to the language, dates through visitplan.text.dates."""
from __future__ import annotations

import datetime as dt

import jinja2
import pytest

from visitplan.documents.context import Text
from visitplan.documents.render import Phrase, environment, page_language


def test_user_templates_come_first_and_builtin_reaches_the_original(tmp_path):
    (tmp_path / "visit.yaml.j2").write_text('{% extends "builtin/visit.yaml.j2" %}'
                                            '{% block x %}{% endblock %}mine\n')
    env = environment(tmp_path, "text")
    source, filename, _ = env.loader.get_source(env, "visit.yaml.j2")
    assert filename == str(tmp_path / "visit.yaml.j2")
    _, builtin, _ = env.loader.get_source(env, "builtin/visit.yaml.j2")
    assert builtin.endswith("templates/visit.yaml.j2") and builtin != filename


def test_one_environment_per_folder_kind_and_language(tmp_path):
    assert environment(tmp_path, "html", "ko") is environment(tmp_path, "html", "ko")
    assert environment(tmp_path, "html", "ko") is not environment(tmp_path, "html", "zh")
    assert environment(tmp_path, "text", "ko") is not environment(tmp_path, "html", "ko")
    with pytest.raises(ValueError):
        environment(tmp_path, "pdf")


def test_undefined_fails_html_escapes_text_does_not():
    html = environment(None, "html", "en")
    text = environment(None, "text", "en")
    with pytest.raises(jinja2.UndefinedError):
        html.from_string("{{ missing }}").render()
    assert html.from_string("{{ v }}").render(v="<b>&") == "&lt;b&gt;&amp;"
    assert text.from_string("{{ v }}").render(v="<b>&") == "<b>&"
    md = environment(None, "md", "en")
    assert md.from_string("{{ v }}").render(v="*a*") == r"\*a\*"


def test_t_is_bound_to_the_language_and_keeps_the_slots_markup():
    template = "{{ t('doc.it.met_by', name=name) }}"
    name = Text("李伟", "zh-Hans")
    assert environment(None, "text", "ko").from_string(template).render(name=name) == \
        "마중: 李伟"
    html = environment(None, "html", "en").from_string(template)
    with page_language("en"):
        assert html.render(name=name) == 'Met by <span lang="zh-Hans">李伟</span>'
    with page_language("zh"):                      # the page's own language: no tag
        assert environment(None, "html", "zh").from_string(template).render(
            name=name) == "由李伟迎接"
    assert str(Phrase("doc.it.day", "en", n=2)) == "Day 2"


def test_facts_and_dates_come_from_the_language_table_and_text_dates():
    env = environment(None, "html", "zh")
    assert env.from_string('<html lang="{{ html_lang }}" dir="{{ dir }}">').render() == \
        '<html lang="zh-Hans" dir="ltr">'
    day = dt.date(2026, 12, 10)
    assert env.from_string("{{ d|date }}").render(d=day) == \
        '<span class="nobreak">2026年12月10日（周四）</span>'
    ko = environment(None, "text", "ko")
    assert ko.from_string("{{ d|date('short') }}").render(d=day) == "12월 10일(목)"
