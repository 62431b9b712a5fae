"""One Settings object, read once from COURTJOURNEY_* environment variables, and held here for every part.

Everything reads the settings in use through `get_settings()` when it needs them; `use_settings(s)`
(create_app, the tests) makes `s` the settings in use, so one call is all a test needs.

Every setting is listed in the README's configuration table; `SETTINGS_DOC` below is
the source of that table, and a test checks the two agree.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

#: name -> (default shown to people, what it does). Kept beside the code that reads it.
SETTINGS_DOC: dict[str, tuple[str, str]] = {
    "COURTJOURNEY_DATABASE_URL": (
        "sqlite+aiosqlite:///var/courtjourney.db",
        "Where the data lives. SQLite for one machine; `postgresql+asyncpg://user@host/db` for larger services and several workers.",
    ),
    "COURTJOURNEY_SECRET_KEY": (
        "(read from the key file)",
        "The key that encrypts names, notes and narratives at rest and signs forms. Losing it makes encrypted data unreadable.",
    ),
    "COURTJOURNEY_KEY_FILE": (
        "var/secret.key",
        "File holding the secret key when COURTJOURNEY_SECRET_KEY is not set. `courtjourney init` creates it with mode 0600.",
    ),
    "COURTJOURNEY_HOST": ("127.0.0.1", "Address `courtjourney serve` listens on."),
    "COURTJOURNEY_PORT": ("8000", "Port `courtjourney serve` listens on."),
    "COURTJOURNEY_WORKERS": (
        "1",
        "Worker processes for `courtjourney serve`. Use PostgreSQL when more than one.",
    ),
    "COURTJOURNEY_SECURE_COOKIES": (
        "auto",
        "`true` marks cookies Secure always; `auto` does so when the request came over https; `false` never (local use only).",
    ),
    "COURTJOURNEY_SESSION_IDLE_MINUTES": ("30", "A signed-in session ends after this long without use."),
    "COURTJOURNEY_SESSION_MAX_HOURS": (
        "12",
        "A signed-in session ends this long after sign-in, however busy.",
    ),
    "COURTJOURNEY_LOGIN_MAX_FAILURES": (
        "5",
        "Failed sign-ins naming one email before it is paused; counted alike whether an account has that email or not.",
    ),
    "COURTJOURNEY_LOGIN_LOCK_MINUTES": (
        "15",
        "The window those failures count in, and how long the pause lasts (429 with Retry-After).",
    ),
    "COURTJOURNEY_LOGIN_ADDRESS_MAX_FAILURES": (
        "30",
        "Failed sign-ins from one network address (any accounts) before that address must wait COURTJOURNEY_RATE_LIMIT_MINUTES.",
    ),
    "COURTJOURNEY_UNKNOWN_TOKEN_MAX": (
        "20",
        "Calendar or download addresses with an unknown token asked for by one network address before it must wait (stops guessing).",
    ),
    "COURTJOURNEY_RATE_LIMIT_MINUTES": (
        "15",
        "The window those two limits count in, and how long a limited address waits (429 with Retry-After).",
    ),
    "COURTJOURNEY_MAX_BODY_BYTES": ("1048576", "Largest request body accepted (bytes); bigger ones get 413."),
    "COURTJOURNEY_DEBUG": ("false", "Show tracebacks in responses. Never in production."),
    "COURTJOURNEY_PUBLIC_URL": (
        "",
        "The address families reach the service at (e.g. https://courtjourney.example.org), used in calendar and shared-document links; requests naming another host get 400. Empty: http://COURTJOURNEY_HOST:COURTJOURNEY_PORT.",
    ),
    "COURTJOURNEY_ADMIN_SEES_ALL_REPORTS": (
        "false",
        "`true` lets admins make, download and submit the quarterly report for any team or all teams; `false`: an admin's report covers only cases they are assigned to, as for a worker.",
    ),
    "COURTJOURNEY_TRUSTED_PROXIES": (
        "",
        "Addresses of reverse proxies (comma-separated) whose X-Forwarded-For and X-Forwarded-Proto are believed. Empty: none, so the limits and the audit see the address that connected.",
    ),
    "COURTJOURNEY_SMTP_URL": (
        "",
        "Email to families through the service's own mailbox: `smtp://user:password@mail.example.org:587` (STARTTLS when the server offers it) or `smtps://...:465`. Empty: email goes through Notify if that is set, else is kept for the worker to send herself.",
    ),
    "COURTJOURNEY_MAIL_FROM": (
        "",
        "The From address of email to families, e.g. `Support team <support@example.org>`.",
    ),
    "COURTJOURNEY_NOTIFY_API_KEY": (
        "",
        "A GOV.UK Notify API key: text messages (and email, when no SMTP is set) go through Notify. Empty: texts are kept for the worker to send herself.",
    ),
    "COURTJOURNEY_NOTIFY_BASE_URL": ("https://api.notifications.service.gov.uk", "Where Notify's API is."),
    "COURTJOURNEY_NOTIFY_SMS_TEMPLATE_ID": (
        "",
        "The Notify text message template whose whole content is `((body))`: our words go in its `body`.",
    ),
    "COURTJOURNEY_NOTIFY_EMAIL_TEMPLATE_ID": (
        "",
        "The Notify email template with subject `((subject))` and content `((body))`.",
    ),
    "COURTJOURNEY_NOTIFY_CALLBACK_TOKEN": (
        "",
        "The bearer token Notify sends with delivery receipts to /notify/receipts (set the same in Notify). Empty: receipts are refused.",
    ),
    "COURTJOURNEY_DISPATCH_SECONDS": (
        "10",
        "How often each `courtjourney serve` worker sends the messages that are due. 0: never (send with `courtjourney messages send` from cron).",
    ),
    "COURTJOURNEY_MESSAGE_LEASE_SECONDS": (
        "120",
        "A message being sent by a process that stopped answering (it died mid-send) is taken up again after this long.",
    ),
}


def _env(name: str) -> str:
    return os.environ.get(name, SETTINGS_DOC[name][0])


def _flag(name: str) -> bool:
    return _env(name).strip().lower() in {"1", "true", "yes", "on"}


def _at_least(name: str, low: int) -> int:
    value = _env(name).strip()
    if not value.isdigit() or int(value) < low:
        raise SystemExit(f"{name} must be a whole number, at least {low} (it is {value!r}).")
    return int(value)


@dataclass(frozen=True)
class Settings:
    """What the service needs to know about where and how it runs."""

    database_url: str
    key_file: Path
    secret_key_env: str | None
    host: str
    port: int
    workers: int
    secure_cookies: str
    session_idle_minutes: int
    session_max_hours: int
    login_max_failures: int
    login_lock_minutes: int
    max_body_bytes: int
    debug: bool
    public_url: str = ""
    login_address_max_failures: int = 30
    unknown_token_max: int = 20
    rate_limit_minutes: int = 15
    trusted_proxies: tuple[str, ...] = ()
    smtp_url: str = field(default="", repr=False)  # may hold a password
    mail_from: str = ""
    notify_api_key: str = field(default="", repr=False)
    notify_base_url: str = "https://api.notifications.service.gov.uk"
    notify_sms_template_id: str = ""
    notify_email_template_id: str = ""
    notify_callback_token: str = field(default="", repr=False)
    dispatch_seconds: int = 10
    message_lease_seconds: int = 120
    admin_sees_all_reports: bool = False
    _key_cache: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _derived: dict[tuple[str, str], bytes] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_env(cls) -> Settings:
        secure = _env("COURTJOURNEY_SECURE_COOKIES").strip().lower()
        if secure not in {"auto", "true", "false"}:
            raise SystemExit("COURTJOURNEY_SECURE_COOKIES must be auto, true or false")
        return cls(
            database_url=_env("COURTJOURNEY_DATABASE_URL"),
            key_file=Path(_env("COURTJOURNEY_KEY_FILE")),
            secret_key_env=os.environ.get("COURTJOURNEY_SECRET_KEY") or None,
            host=_env("COURTJOURNEY_HOST"),
            port=int(_env("COURTJOURNEY_PORT")),
            workers=int(_env("COURTJOURNEY_WORKERS")),
            secure_cookies=secure,
            session_idle_minutes=int(_env("COURTJOURNEY_SESSION_IDLE_MINUTES")),
            session_max_hours=int(_env("COURTJOURNEY_SESSION_MAX_HOURS")),
            login_max_failures=int(_env("COURTJOURNEY_LOGIN_MAX_FAILURES")),
            login_lock_minutes=int(_env("COURTJOURNEY_LOGIN_LOCK_MINUTES")),
            max_body_bytes=int(_env("COURTJOURNEY_MAX_BODY_BYTES")),
            debug=_flag("COURTJOURNEY_DEBUG"),
            public_url=_env("COURTJOURNEY_PUBLIC_URL").strip().rstrip("/"),
            login_address_max_failures=_at_least("COURTJOURNEY_LOGIN_ADDRESS_MAX_FAILURES", 2),
            unknown_token_max=_at_least("COURTJOURNEY_UNKNOWN_TOKEN_MAX", 2),
            rate_limit_minutes=_at_least("COURTJOURNEY_RATE_LIMIT_MINUTES", 1),
            trusted_proxies=tuple(
                a.strip() for a in _env("COURTJOURNEY_TRUSTED_PROXIES").split(",") if a.strip()
            ),
            smtp_url=_env("COURTJOURNEY_SMTP_URL").strip(),
            mail_from=_env("COURTJOURNEY_MAIL_FROM").strip(),
            notify_api_key=_env("COURTJOURNEY_NOTIFY_API_KEY").strip(),
            notify_base_url=_env("COURTJOURNEY_NOTIFY_BASE_URL").strip().rstrip("/"),
            notify_sms_template_id=_env("COURTJOURNEY_NOTIFY_SMS_TEMPLATE_ID").strip(),
            notify_email_template_id=_env("COURTJOURNEY_NOTIFY_EMAIL_TEMPLATE_ID").strip(),
            notify_callback_token=_env("COURTJOURNEY_NOTIFY_CALLBACK_TOKEN").strip(),
            dispatch_seconds=_at_least("COURTJOURNEY_DISPATCH_SECONDS", 0),
            message_lease_seconds=_at_least("COURTJOURNEY_MESSAGE_LEASE_SECONDS", 1),
            admin_sees_all_reports=_flag("COURTJOURNEY_ADMIN_SEES_ALL_REPORTS"),
        )

    @property
    def link_base(self) -> str:
        """Where links we send (calendars, shared documents) point: the public URL, else where we listen.

        Never the request's Host header: a forged host would go into a link that is then sent to a family.
        """
        return self.public_url or f"http://{self.host}:{self.port}"

    def channel_for(self, channel: str) -> str | None:
        """Which service sends a message on `channel` (sms, email): smtp, notify, or None (kept to copy)."""
        if channel == "email" and self.smtp_url:
            return "smtp"
        if self.notify_api_key:
            return "notify"
        return None

    @property
    def allowed_hosts(self) -> list[str]:
        """The Host headers we answer (anything else gets 400): the public URL's, and this machine's names."""
        names = {"127.0.0.1", "localhost", self.host}
        public = urlsplit(self.public_url).netloc if self.public_url else ""
        hosts = names | {f"{name}:{self.port}" for name in names}
        if public:
            hosts |= {public, public.split(":", 1)[0]}
        return sorted(hosts)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def secret_key(self) -> str:
        """The service secret: from the environment, else the key file (never generated silently here)."""
        if self.secret_key_env:
            return self.secret_key_env
        if "key" not in self._key_cache:
            try:
                self._key_cache["key"] = self.key_file.read_text(encoding="utf-8").strip()
            except FileNotFoundError:
                raise SystemExit(
                    f"No secret key: set COURTJOURNEY_SECRET_KEY or run `courtjourney init` to create {self.key_file}."
                ) from None
        return self._key_cache["key"]

    def derived_key(self, purpose: str) -> bytes:
        """A 32-byte key for one purpose (the incident chain's HMAC, evidence files), derived from the secret.

        HKDF keeps each purpose's key independent of the others and of the column encryption, and
        nothing derived is ever stored: a copy of the database alone cannot forge or read them.
        """
        # Kept once derived, by purpose and the secret it came from (a Settings copied with another secret
        # shares this dict, and must not be given the first one's keys): the guessing limit asks for its
        # key on every calendar poll.
        secret = self.secret_key
        found = self._derived.get((purpose, secret))
        if found is None:
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.kdf.hkdf import HKDF

            hkdf = HKDF(
                algorithm=hashes.SHA256(), length=32, salt=None, info=f"courtjourney/{purpose}".encode()
            )
            found = self._derived[purpose, secret] = hkdf.derive(secret.encode("utf-8"))
        return found

    def ensure_key_file(self) -> bool:
        """Create the key file with 0600 permissions if no key is configured. True if one was made."""
        if self.secret_key_env or self.key_file.exists():
            return False
        self.key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_urlsafe(48) + "\n")
        return True


#: The settings in use: those handed to use_settings, else read from the environment at first use.
_in_use: Settings | None = None


def use_settings(settings: Settings | None) -> None:
    """Make `settings` the ones every part reads from now on; None reads the environment again at next use."""
    global _in_use
    _in_use = settings


def get_settings() -> Settings:
    """The settings in use (read from the environment once, unless use_settings gave others)."""
    global _in_use
    if _in_use is None:
        _in_use = Settings.from_env()
    return _in_use


def encryption_key() -> str:
    """Key callable handed to Advanced Alchemy's encrypted column types (resolved at use, not import)."""
    return get_settings().secret_key


def derived_key(purpose: str) -> bytes:
    """The current settings' key for one purpose (resolved at use, like `encryption_key`)."""
    return get_settings().derived_key(purpose)
