"""After the guests left, a visit without minutes holds its follow-up back; the sales
digest says so, with the file to write them in (issue 11), until the follow-up's time is
over."""
from __future__ import annotations

import datetime as dt

import pytest
from cron_helpers import HANBIT, Site

DEPARTED = dt.date(2026, 12, 10)      # hanbit's guests leave on Thursday 10 December


@pytest.fixture
def site(tmp_path, smtp):
    site = Site(tmp_path, smtp.port)
    visit = site.visits / "hanbit.yaml"
    text = visit.read_text(encoding="utf-8")
    head, _, tail = text.partition("\nminutes:\n")
    rest = tail.split("\nfollowup:", 1)[1] if "\nfollowup:" in tail else ""
    visit.write_text(head + ("\nfollowup:" + rest if rest else "\n"), encoding="utf-8")
    return site


def _sales(smtp):
    return [m for m in smtp.messages if "sales@brightway.example" in m["To"]]


def test_the_sales_digest_asks_for_the_minutes_after_departure(site, smtp):
    report = site.send(DEPARTED + dt.timedelta(days=1))          # Friday 11 December
    assert not report.followups_sent
    sales = _sales(smtp)
    assert len(sales) == 1
    body = sales[0].get_body(("plain",)).get_content()
    assert (f"Write the minutes of Hanbit Electronics — LED driver sourcing visit ({HANBIT}): "
            f"add `minutes:` to {site.visits / 'hanbit.yaml'}; the follow-up goes out with "
            "the next run.") in body


def test_no_reminder_before_departure_or_once_the_time_is_over(site, smtp):
    site.send(DEPARTED - dt.timedelta(days=2))                     # Tuesday, arrival day
    site.send(DEPARTED + dt.timedelta(days=20))                    # long after
    assert not any("Write the minutes" in m.get_body(("plain",)).get_content()
                   for m in smtp.messages)
