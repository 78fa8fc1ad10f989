"""A real SMTP server for the mail tests: aiosmtpd on 127.0.0.1, optionally with STARTTLS,
implicit TLS and a login, and a CA made on the spot (cryptography) to sign its certificate.
"""
from __future__ import annotations

import datetime as dt
import email
import ipaddress
import socket
import ssl
import time
from email import policy
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

USER, PASSWORD = "visits", "s3cret-pass"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """The aiosmtpd handler: keeps what it accepts; refuses when told to."""

    def __init__(self):
        self.received: list[dict] = []
        self.refuse_rcpt: dict[str, str] = {}   # address -> reply, e.g. "550 5.1.1 ..."
        self.refuse_data: str | None = None      # reply to DATA, e.g. "451 4.3.0 ..."
        self.delay = 0.0                         # seconds to think before accepting DATA
        self.logins: list[str] = []
        self.port = 0                            # set by the Server it belongs to

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        if self.refuse_data:
            return self.refuse_data
        self.received.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                              "data": envelope.original_content or envelope.content})
        return "250 2.0.0 Message accepted for delivery"

    @property
    def messages(self):
        return [email.message_from_bytes(r["data"], policy=policy.default)
                for r in self.received]

    def ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


class Server:
    """An SMTP server on 127.0.0.1:port. security: none | starttls | ssl."""

    def __init__(self, port: int | None = None, security: str = "none", tls=None,
                 login: bool = False, mailbox: Mailbox | None = None):
        self.port = port or free_port()
        self.mailbox = mailbox or Mailbox()
        self.mailbox.port = self.port
        kwargs = {}
        if security == "starttls":
            kwargs.update(tls_context=tls.server_context(), require_starttls=True)
        elif security == "ssl":
            kwargs.update(ssl_context=tls.server_context())
        if login:
            # aiosmtpd sees only STARTTLS as encryption; with implicit TLS the connection is
            # encrypted from the start, so it must not ask for it again
            kwargs.update(authenticator=self._authenticate,
                          auth_require_tls=security == "starttls")
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port,
                                     server_hostname="mail.test", **kwargs)

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        login = auth_data.login.decode()
        ok = login == USER and auth_data.password.decode() == PASSWORD
        if ok:
            self.mailbox.logins.append(login)
        return AuthResult(success=ok, handled=False)

    def __enter__(self) -> Mailbox:
        self.controller.start()
        return self.mailbox

    def __exit__(self, *exc):
        self.controller.stop()


class TestCA:
    """A certificate authority made for one test, and a server certificate it signed for
    127.0.0.1 and localhost."""

    __test__ = False

    def __init__(self, folder: Path):
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

        now = dt.datetime.now(dt.timezone.utc)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "visitplan test CA")])
        ca_cert = (
            x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
            .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True,
                                         crl_sign=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"),
                x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
        folder.mkdir(parents=True, exist_ok=True)
        self.ca_file = folder / "ca.pem"
        self.cert_file = folder / "server.pem"
        self.key_file = folder / "server.key"
        self.ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
        self.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        self.key_file.write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def wait_until(check, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)
