"""The identity of a message: Message-IDs and Content-IDs derived from what a message is,
under one domain that never follows the sender setting.

A message's Message-ID is `<kind.HASH@DOMAIN>`, HASH taken from what the message is (the
follow-up of a visit; the digest of a department for a day). DOMAIN is, in this order:

1. `message_id_domain` of the configuration, when set;
2. else the domain fixed in the state store the first time a message was sent (the domain
   of smtp.from then, else of the host contact's address, else `localhost`), kept in its
   `settings` table from then on.

So changing smtp.from (a new sender address, a new domain) changes no Message-ID, and a
message already sent is not sent again. Deleting the state store forgets the fixed domain
together with the record of what was sent; set `message_id_domain` to make the IDs
independent of the store too.
"""
from __future__ import annotations

import hashlib
import re
from email.utils import parseaddr

from visitplan.errors import InputError

SETTING = "message_id_domain"
FALLBACK_DOMAIN = "localhost"

_KIND = re.compile(r"[a-z][a-z0-9-]{0,30}")
_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                     r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")


def message_id(kind: str, *parts: str, domain: str) -> str:
    """A Message-ID derived from what the message is, e.g. ("followup", visit id) or
    ("digest", department, day): the same message always gets the same Message-ID, so a
    resend after a crash is recognisably the same message."""
    if not _KIND.fullmatch(kind):
        raise ValueError(f"message kind {kind!r}: lower-case letters, digits and '-' only")
    if not _DOMAIN.fullmatch(domain or ""):
        raise InputError(f"{domain!r} is not a mail domain to put in a Message-ID; set "
                         "message_id_domain in the configuration")
    digest = hashlib.sha256("\x1f".join((kind, *parts)).encode("utf-8")).hexdigest()
    return f"<{kind}.{digest[:32]}@{domain}>"


def content_id(message_id_: str, name: str) -> str:
    """A stable Content-ID for a part of a message (an inline photo)."""
    domain = message_id_.strip("<>").rpartition("@")[2]
    digest = hashlib.sha256(f"{message_id_}\x1f{name}".encode("utf-8")).hexdigest()
    return f"<part.{digest[:24]}@{domain}>"


def first_domain(config, fallback: str | None = None) -> str:
    """The domain to fix at first use: that of smtp.from, else of the configured host
    contact's address, else `fallback` (the domain of the sender a message has), else
    `localhost`."""
    contact = (config.host or {}).get("contact") or {}
    for text in ((config.smtp or {}).get("from"),
                 contact.get("email") if isinstance(contact, dict) else None,
                 f"x@{fallback}" if fallback else None):
        domain = parseaddr(text or "")[1].rpartition("@")[2].lower()
        if domain and _DOMAIN.fullmatch(domain):
            return domain
    return FALLBACK_DOMAIN


def id_domain(config, state=None, fix: bool = True, fallback: str | None = None) -> str:
    """The domain of every Message-ID (see the module docstring). With a state store and
    `fix`, the domain is fixed in it at first use; without (a draft, a dry run), the one
    already fixed is used, else the one that would be. `fallback`: see first_domain."""
    if getattr(config, "message_id_domain", None):
        return config.message_id_domain
    if state is None:
        return first_domain(config, fallback)
    if fix:
        return state.fix_setting(SETTING, first_domain(config, fallback))
    return state.setting(SETTING) or first_domain(config, fallback)
