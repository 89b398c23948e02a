"""`send_email`: SMTP with the `smtp.*` settings; the password from the keychain."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from app.actions.registry import (
    LONG_TEXT,
    TEXT,
    TEXT_OR_LIST,
    YES_NO,
    ActionSpec,
    InputSpec,
    StepContext,
    plain,
    register,
)
from app.errors import StepFailed

PASSWORD_SECRET = "smtp.password"


def _addresses(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    out = [str(item).strip() for item in items if str(item).strip()]
    for address in out:
        if "@" not in address or any(c in address for c in "\r\n"):
            raise StepFailed(f"'{address}' is not an email address")
    return out


def build_message(sender: str, inputs: Mapping[str, Any]) -> EmailMessage:
    message = EmailMessage()
    to = _addresses(inputs.get("to"))
    if not to:
        raise StepFailed(
            "no recipient: 'to' is empty (a field hidden by privacy rules "
            "reads as none: run as a user who may see it, or ignore privacy rules)"
        )
    subject = str(inputs.get("subject") or "")
    if "\n" in subject or "\r" in subject:
        subject = " ".join(subject.split())
    message["From"] = sender
    message["To"] = ", ".join(to)
    cc = _addresses(inputs.get("cc"))
    if cc:
        message["Cc"] = ", ".join(cc)
    reply_to = _addresses(inputs.get("reply_to"))
    if reply_to:
        message["Reply-To"] = ", ".join(reply_to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    domain = sender.rpartition("@")[2] or "cueflow.local"
    message["Message-ID"] = make_msgid(domain=domain)
    body = str(inputs.get("body") or "")
    if inputs.get("html"):
        message.set_content("This message is in HTML.")
        message.add_alternative(body, subtype="html")
    else:
        message.set_content(body)
    return message


def send_email(ctx: StepContext, inputs: dict[str, Any]) -> str:
    host = str(ctx.setting("smtp.host"))
    port = int(ctx.setting("smtp.port"))
    security = str(ctx.setting("smtp.security"))
    username = str(ctx.setting("smtp.username") or "")
    sender = str(ctx.setting("smtp.from"))
    timeout = max(1.0, min(float(ctx.setting("smtp.timeout")), ctx.remaining()))
    message = build_message(sender, inputs)
    recipients = (
        _addresses(inputs.get("to")) + _addresses(inputs.get("cc")) + _addresses(inputs.get("bcc"))
    )
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
            if username:
                password = ctx.secret(PASSWORD_SECRET)
                if password is None:
                    raise StepFailed(
                        "smtp.username is set but no password is in the keychain "
                        "(cueflow secret set smtp.password)"
                    )
                smtp.login(username, password)
            smtp.send_message(message, to_addrs=recipients)
    except smtplib.SMTPAuthenticationError as exc:
        raise StepFailed(
            f"SMTP server {host}:{port} refused the login: {_smtp_text(exc)}"
        ) from None
    except smtplib.SMTPException as exc:
        raise StepFailed(f"SMTP server {host}:{port}: {_smtp_text(exc)}") from None
    except (OSError, TimeoutError) as exc:
        raise StepFailed(f"cannot reach SMTP server {host}:{port}: {exc}") from None
    ctx.log(f"email sent to {', '.join(recipients)}: {message['Subject']}")
    return str(message["Message-ID"])


def _smtp_text(exc: smtplib.SMTPException) -> str:
    error = getattr(exc, "smtp_error", None)
    code = getattr(exc, "smtp_code", None)
    if isinstance(error, bytes):
        return f"{code} {error.decode(errors='replace')}"
    return str(exc) or type(exc).__name__


register(
    ActionSpec(
        name="send_email",
        family="Email",
        label="Send email",
        inputs=(
            InputSpec("to", TEXT_OR_LIST, True, "Recipient address, or a list of them"),
            InputSpec("subject", TEXT, True, "Subject line"),
            InputSpec("body", LONG_TEXT, True, "Message text (or HTML when 'html' is yes)"),
            InputSpec("html", YES_NO, False, "Send the body as HTML", False),
            InputSpec("cc", TEXT_OR_LIST, False, "Copy to"),
            InputSpec("bcc", TEXT_OR_LIST, False, "Blind copy to"),
            InputSpec("reply_to", TEXT, False, "Address for replies"),
        ),
        perform=send_email,
        result="message id",
        external=True,
        describe=lambda i: (
            f"Send email to {plain(i.get('to', '…'))}: {plain(i.get('subject', ''))}"
        ),
    )
)
