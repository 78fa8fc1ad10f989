"""The digest email as a department receives it, against its golden file (one helper,
tests/golden.py): the sales digest of the Korean example on the last working day before
the weekend before arrival, sent through a real SMTP server by the sending half of `run`."""
from __future__ import annotations

import datetime as dt
import re

from cron_helpers import Site
from golden import check_golden

FRIDAY = dt.date(2026, 12, 4)       # hanbit arrives on Tuesday 8 December


def readable(msg) -> str:
    """Headers (the Date, which is the moment of sending, as a mark) and the text."""
    head = "".join(f"{k}: {'<when sent>' if k == 'Date' else v}\n" for k, v in msg.items())
    body = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    return head + "\n" + body


def test_the_sales_digest_matches_its_golden_file(tmp_path, smtp):
    site = Site(tmp_path, smtp.port)
    site.configure(smtp.port, extra="message_id_domain: brightway.example\n")
    site.send(FRIDAY)
    sales = [m for m in smtp.messages if m["To"] == "sales@brightway.example"]
    assert len(sales) == 1
    text = readable(sales[0]).replace(str(site.visits), "VISITS")
    assert re.search(r"^Auto-Submitted: auto-generated$", text, re.M)
    check_golden("digest/hanbit-sales-2026-12-04.txt", text)
