"""`send_email`: SMTP with the `smtp.*` settings; the password from the keychain."""

from __future__ import annotations

import email.policy
import smtplib
import ssl
from collections.abc import Mapping
from email import errors
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from app.actions.spec import (
    CAPTURED,
    FAMILY_EMAIL,
    LONG_TEXT,
    TEXT,
    TEXT_OR_LIST,
    YES_NO,
    ActionSpec,
    InputSpec,
    StepContext,
    plain,
)
from app.errors import StepFailed

PASSWORD_SECRET = "smtp.password"


ADDRESS_HINT = 'write a name with a comma in quotes: "Doe, Jane" <jane@example.com>'


def _addresses(value: Any, what: str) -> list[Address]:
    """The addresses of an input: a text of one or more (comma-separated), or a list.

    Parsed as a header is (RFC 5322), so a display name may hold commas,
    quotes or any language. A line break or control character is refused,
    whatever it is for: it could end the header and start another.
    """
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    out: list[Address] = []
    for item in items:
        text = "" if item is None else str(item).strip()
        if not text:
            continue
        if any((ord(c) < 32 and c != "\t") or c == "\x7f" for c in text):
            raise StepFailed(f"'{what}': {text!r} contains a line break or a control character")
        out += _parse_addresses(text, what)
    unique: dict[tuple[str, str], Address] = {}
    for address in out:  # once each, in order
        unique.setdefault((address.display_name, address.addr_spec), address)
    return list(unique.values())


def _parse_addresses(text: str, what: str) -> list[Address]:
    try:
        header = email.policy.default.header_factory("to", text)
        addresses = list(header.addresses)
        invalid = any(isinstance(d, errors.InvalidHeaderDefect) for d in header.defects)
    except Exception:  # the parser has its own bugs (IndexError on 'a@b@c')
        addresses, invalid = [], True
    if (
        invalid
        or not addresses
        or any(
            not a.username or not a.domain or any(c.isspace() for c in a.domain) for a in addresses
        )
    ):
        raise StepFailed(f"'{what}': '{text}' is not an email address ({ADDRESS_HINT})")
    return [Address(a.display_name, addr_spec=a.addr_spec) for a in addresses]


def _sender(value: str) -> Address:
    try:
        [address] = _addresses(value, "smtp.from")
    except (StepFailed, ValueError):
        raise StepFailed(
            f"the setting smtp.from ('{value}') is not one email address "
            "(cueflow settings set smtp.from 'Name <you@example.com>')"
        ) from None
    return address


def build_message(sender: str, inputs: Mapping[str, Any]) -> EmailMessage:
    message = EmailMessage()
    to = _addresses(inputs.get("to"), "to")
    if not to:
        raise StepFailed(
            "no recipient: To is empty (a field hidden by privacy rules "
            "reads as none: run as a user who may see it, or ignore privacy rules)"
        )
    subject = str(inputs.get("subject") or "")
    if any(c in subject for c in "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"):
        subject = " ".join(subject.split())  # a line break could start another header
    source = _sender(sender)
    message["From"] = source
    message["To"] = to
    cc = _addresses(inputs.get("cc"), "cc")
    if cc:
        message["Cc"] = cc
    reply_to = _addresses(inputs.get("reply_to"), "reply_to")
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=source.domain.strip("[]") or "cueflow.local")
    body = str(inputs.get("body") or "")
    if inputs.get("html"):
        message.set_content("This message is in HTML.")
        message.add_alternative(body, subtype="html")
    else:
        message.set_content(body)
    return message


def envelope_recipients(inputs: Mapping[str, Any]) -> list[str]:
    """Who the server delivers to: to, cc and bcc (bcc is in no header)."""
    found = [
        address.addr_spec
        for key in ("to", "cc", "bcc")
        for address in _addresses(inputs.get(key), key)
    ]
    return list(dict.fromkeys(found))


def _password(ctx: StepContext, username: str) -> str | None:
    if not username:
        return None
    password = ctx.secret(PASSWORD_SECRET)
    if password is None:
        raise StepFailed(
            "smtp.username is set but no password is in the keychain "
            "(cueflow secret set smtp.password)"
        )
    return password


def capture_email(ctx: StepContext, inputs: dict[str, Any]) -> dict[str, Any]:
    """A test run's send_email: the message exactly as it would be sent, not sent.

    The same checks as a real send (addresses, the sender setting, a password
    when a login is set); no connection to the SMTP server.
    """
    sender = str(ctx.setting("smtp.from"))
    _password(ctx, str(ctx.setting("smtp.username") or ""))
    message = build_message(sender, inputs)
    recipients = envelope_recipients(inputs)
    bcc = ", ".join(str(a) for a in _addresses(inputs.get("bcc"), "bcc"))
    preview: dict[str, Any] = {CAPTURED: True, "from": str(message["From"])}
    preview["to"] = str(message["To"])
    for key, header in (("cc", "Cc"), ("reply_to", "Reply-To")):
        if message[header] is not None:
            preview[key] = str(message[header])
    if bcc:
        preview["bcc"] = bcc
    preview["subject"] = str(message["Subject"])
    preview["body"] = str(inputs.get("body") or "")
    preview["html"] = bool(inputs.get("html"))
    ctx.log(f"Email to {', '.join(recipients)} captured (not sent): {message['Subject']}")
    return preview


def send_email(ctx: StepContext, inputs: dict[str, Any]) -> str:
    host = str(ctx.setting("smtp.host"))
    port = int(ctx.setting("smtp.port"))
    security = str(ctx.setting("smtp.security"))
    username = str(ctx.setting("smtp.username") or "")
    sender = str(ctx.setting("smtp.from"))
    timeout = max(1.0, min(float(ctx.setting("smtp.timeout")), ctx.remaining()))
    message = build_message(sender, inputs)
    recipients = envelope_recipients(inputs)
    try:
        smtp: smtplib.SMTP
        if security == "tls":
            smtp = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            if security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            password = _password(ctx, username)
            if password is not None:
                try:
                    smtp.login(username, password)
                except UnicodeEncodeError:
                    raise StepFailed(
                        "SMTP login sends the user name and password as ASCII, and one of "
                        "them has other characters (smtp.username, or the smtp.password secret)"
                    ) from None
            smtp.send_message(message, to_addrs=recipients)
    except smtplib.SMTPAuthenticationError as exc:
        raise StepFailed(
            f"SMTP server {host}:{port} refused the login: {_smtp_text(exc)}"
        ) from None
    except smtplib.SMTPException as exc:
        raise StepFailed(f"SMTP server {host}:{port}: {_smtp_text(exc)}") from None
    except (OSError, TimeoutError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise StepFailed(f"cannot reach SMTP server {host}:{port}: {reason}") from None
    ctx.log(f"email sent to {', '.join(recipients)}: {message['Subject']}")
    return str(message["Message-ID"])


def _smtp_text(exc: smtplib.SMTPException) -> str:
    error = getattr(exc, "smtp_error", None)
    code = getattr(exc, "smtp_code", None)
    if isinstance(error, bytes):
        return f"{code} {error.decode(errors='replace')}"
    return str(exc) or type(exc).__name__


# Collected by app.actions.registry.
SPECS: list[ActionSpec] = []

SPECS.append(
    ActionSpec(
        name="send_email",
        family=FAMILY_EMAIL,
        icon="mail",
        label="Send email",
        inputs=(
            InputSpec("to", TEXT_OR_LIST, True, "Recipient address, or a list of them", label="To"),
            InputSpec("subject", TEXT, True, "Subject line", label="Subject"),
            InputSpec(
                "body",
                LONG_TEXT,
                True,
                "The message (HTML when Send as HTML is ticked)",
                label="Body",
            ),
            InputSpec("html", YES_NO, False, "Send the body as HTML", False, label="Send as HTML"),
            InputSpec("cc", TEXT_OR_LIST, False, "Copy to", label="Cc"),
            InputSpec("bcc", TEXT_OR_LIST, False, "Blind copy to", label="Bcc"),
            InputSpec("reply_to", TEXT_OR_LIST, False, "Address for replies", label="Reply to"),
        ),
        perform=send_email,
        capture=capture_email,
        result="the message's ID",
        outside_effect=True,
        describe=lambda i: (
            f"Send email to {plain(i['to']) if i.get('to') else '(no recipient yet)'}"
            + (f": {plain(i['subject'])}" if i.get("subject") else "")
        ),
    )
)
