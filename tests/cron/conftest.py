"""Fixtures of the cron tests: a real SMTP server on localhost for each test."""
from __future__ import annotations

import pytest
from mail_helpers import Server


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on 127.0.0.1; `.messages` holds what it received."""
    with Server() as box:
        yield box
