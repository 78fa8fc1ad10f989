"""`visitplan profiles NAME` (visitplan.rules.describe): a task shows the duty it shares with
another pack (same_as) and an entry what it stands in for (replaces), in each staff
language and in the JSON; a pickup task whose condition names the mode reads 接机/接站/接车."""
from __future__ import annotations

import dataclasses
import json

import pytest

from visitplan.cli import main
from visitplan.rules.describe import pack_data, pack_text
from visitplan.rules.engine import load_registry


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.mark.parametrize("lang, same_as, replaces", [
    ("zh", "与standard/std-brief是同一项任务：两者都适用时只列一次",
     "适用时取代foreign-trade/ft-drinks-order、foreign-trade/ft-drinks-fruit、"
     "halal/halal-refreshments"),
    ("en", "The same duty as standard/std-brief: listed once when both apply",
     "Stands instead of foreign-trade/ft-drinks-order, foreign-trade/ft-drinks-fruit, "
     "halal/halal-refreshments when it applies"),
    ("ko", "standard/std-brief 업무와 같은 업무: 둘 다 적용되면 한 번만 나옵니다",
     "적용되면 다음 항목을 대신합니다: foreign-trade/ft-drinks-order, "
     "foreign-trade/ft-drinks-fruit, halal/halal-refreshments"),
])
def test_a_pack_shows_its_links(registry, lang, same_as, replaces):
    trade = pack_text(registry["foreign-trade"], lang).splitlines()
    i = next(n for n, line in enumerate(trade) if "ft-guest-facts" in line)
    assert trade[i + 2].strip() == same_as         # under the task and its wording
    halal = [line.strip() for line in pack_text(registry["halal"], lang).splitlines()]
    assert replaces in halal


def test_the_json_carries_the_links(registry):
    data = pack_data(registry["foreign-trade"], "en")
    task = next(k for k in data["tasks"] if k["id"] == "ft-guest-facts")
    assert task["same_as"] == "standard/std-brief" and task["replaces"] == []
    halal = pack_data(registry["halal"], "en")
    assert any(n["replaces"] for n in halal["notes"])
    assert json.dumps(data)                         # plain data


@pytest.mark.parametrize("by, zh", [("flight", "接机"), ("train", "接站"), ("car", "接车"),
                                    (None, "接机/接站")])
def test_a_pickup_task_is_named_by_the_mode_its_condition_names(registry, by, zh):
    pack = registry["foreign-trade"]
    sign = next(k for k in pack.tasks if k.id == "ft-pickup-sign")
    when = dict(sign.when or {})
    if by:
        when["arrival.by"] = by
    pack = dataclasses.replace(pack, tasks=[dataclasses.replace(sign, when=when)])
    line = next(line for line in pack_text(pack, "zh").splitlines() if "ft-pickup-sign" in line)
    assert line.split(" · ")[1] == zh


def test_the_command_prints_them(runner):
    result = runner.invoke(main, ["profiles", "foreign-trade", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "The same duty as standard/std-brief" in result.stdout
