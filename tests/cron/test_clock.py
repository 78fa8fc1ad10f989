"""The clock cron runs by (issue 11): the `timezone` setting decides what "today" is and
the time every mailed date is given in, whatever the server's own zone."""
from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime

from visitplan.api import Session
from visitplan.cron.send import Digest, digest_message


def test_a_digest_is_dated_in_the_offices_time_zone(tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")                       # a server kept in UTC
    config = tmp_path / "visitplan.yaml"
    config.write_text("timezone: Asia/Shanghai\ndepartments: {sales: s@example.com}\n")
    session = Session.open(str(config))
    msg = digest_message(session, Digest("sales", "en", "body\n", 1, 0, ["v"]),
                         dt.date(2026, 12, 4), "example.com")
    assert parsedate_to_datetime(msg["Date"]).utcoffset() == dt.timedelta(hours=8)
    assert session.now().utcoffset() == dt.timedelta(hours=8)
