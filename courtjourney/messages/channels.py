"""The services that carry a message: the service's own mailbox (SMTP, with aiosmtplib) and GOV.UK
Notify (texts and email, with notifications-python-client). Each answers with the provider's reference,
or raises SendFailed saying whether trying again could help and, in plain words, what went wrong.

No address, text or key is ever logged or put into an error: the words are for the worker's page.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any
from urllib.parse import unquote, urlsplit

import aiosmtplib
import anyio
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from courtjourney.messages.models import OutboxMessage
from courtjourney.settings import Settings


class SendFailed(Exception):
    def __init__(self, words: str, *, permanent: bool) -> None:
        super().__init__(words)
        self.words = words
        self.permanent = permanent


def message_id(settings: Settings, reference: str) -> str:
    """The same Message-ID on every attempt of one message, so a copy sent twice shows once in a mailbox."""
    domain = (
        settings.mail_from.rsplit("@", 1)[-1].strip(" >")
        if "@" in settings.mail_from
        else "courtjourney.invalid"
    )
    return f"<{reference}@{domain}>"


def email_of(settings: Settings, message: OutboxMessage, text: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = settings.mail_from or "courtjourney@localhost"
    mail["To"] = message.to_address
    mail["Subject"] = message.subject or ""
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = message_id(settings, message.reference)
    mail.set_content(text)
    return mail


class Smtp:
    """One connection to the mailbox for a pass of the dispatcher, reused for every message it sends."""

    def __init__(self, settings: Settings) -> None:
        url = urlsplit(settings.smtp_url)
        if url.scheme not in {"smtp", "smtps"} or not url.hostname:
            raise SendFailed("COURTJOURNEY_SMTP_URL is not an smtp:// or smtps:// address.", permanent=False)
        self.settings = settings
        self.client = aiosmtplib.SMTP(
            hostname=url.hostname,
            port=url.port or (465 if url.scheme == "smtps" else 587),
            username=unquote(url.username) if url.username else None,
            password=unquote(url.password) if url.password else None,
            use_tls=url.scheme == "smtps",
            start_tls=None,  # STARTTLS when the server offers it
            timeout=30,
        )

    async def send(self, message: OutboxMessage, text: str) -> str:
        try:
            if not self.client.is_connected:
                await self.client.connect()
            await self.client.send_message(email_of(self.settings, message, text))
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise SendFailed(
                "The mail server refused this address: check it with the family.", permanent=True
            ) from exc
        except aiosmtplib.SMTPResponseException as exc:
            if 500 <= exc.code < 600:
                raise SendFailed(
                    f"The mail server refused the message ({exc.code}).", permanent=True
                ) from exc
            raise SendFailed(f"The mail server asked us to try later ({exc.code}).", permanent=False) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            with contextlib.suppress(Exception):
                self.client.close()
            raise SendFailed(
                "The mail server could not be reached. It will be tried again.", permanent=False
            ) from exc
        return message_id(self.settings, message.reference)

    async def close(self) -> None:
        if self.client.is_connected:
            with contextlib.suppress(Exception):
                await self.client.quit()


class Notify:
    """GOV.UK Notify. Its client is synchronous: every call runs in a worker thread, off the event loop."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client = NotificationsAPIClient(
            settings.notify_api_key, base_url=settings.notify_base_url, timeout=20
        )

    async def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await anyio.to_thread.run_sync(lambda: fn(*args, **kwargs))
        except APIError as exc:
            code = exc.status_code
            if code == 400:
                raise SendFailed(_notify_words(exc), permanent=True) from exc
            raise SendFailed(
                f"Notify could not take the message now ({code}). It will be tried again.", permanent=False
            ) from exc
        except Exception as exc:  # requests' connection errors, timeouts
            raise SendFailed("Notify could not be reached. It will be tried again.", permanent=False) from exc

    async def send(self, message: OutboxMessage, text: str) -> str:
        if message.channel == "sms":
            answer = await self._call(
                self.client.send_sms_notification,
                phone_number=message.to_address,
                template_id=self.settings.notify_sms_template_id,
                personalisation={"body": text},
                reference=message.reference,
            )
        else:
            answer = await self._call(
                self.client.send_email_notification,
                email_address=message.to_address,
                template_id=self.settings.notify_email_template_id,
                personalisation={"subject": message.subject or "", "body": text},
                reference=message.reference,
            )
        return str(answer.get("id", ""))

    async def already_sent(self, reference: str) -> str | None:
        """Notify's id for a message with this reference, if it already has one (a resend after a crash)."""
        answer = await self._call(self.client.get_all_notifications, reference=reference)
        found = answer.get("notifications") or []
        return str(found[0].get("id")) if found else None

    async def close(self) -> None:
        return None


def _notify_words(exc: APIError) -> str:
    text = str(exc.message).lower()
    if "phone" in text or "number" in text:
        return "Notify says this is not a mobile number it can text. Check it with the family."
    if "email" in text:
        return "Notify says this email address cannot be used. Check it with the family."
    return "Notify refused the message (400). Check the service's Notify templates."


@contextlib.asynccontextmanager
async def senders(settings: Settings) -> AsyncIterator[dict[str, Smtp | Notify]]:
    """The senders this service has, by name, for one pass; closed at its end."""
    made: dict[str, Smtp | Notify] = {}
    if settings.smtp_url:
        made["smtp"] = Smtp(settings)
    if settings.notify_api_key:
        made["notify"] = Notify(settings)
    try:
        yield made
    finally:
        for sender in made.values():
            await sender.close()
