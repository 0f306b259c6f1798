"""The running link to headquarters: pull feeds every few seconds, send the outbox, know whether HQ answers."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from hub.adapters.cloud.client import HqClient, HqError, HqRefused, HttpTransport
from hub.adapters.cloud.outbox import SqlOutbox, read_state, summary, write_state
from hub.adapters.cloud.puller import FEEDS, FeedPuller
from hub.adapters.cloud.sender import OutboxSender
from hub.adapters.cloud.settings import CloudSettings
from hub.adapters.db.catalog_store import catalog_version
from hub.domain.moments import iso_time

logger = logging.getLogger(__name__)

IDLE_WAIT_S = 5.0  # while not linked, look again this often whether `passline cloud link` has run
BANNER_REPEAT_S = 15.0  # while offline, staff screens are told again this often (one that connected meanwhile)


@dataclass
class LinkHealth:
    """Whether HQ answers, since when, and why not."""

    online: bool | None = None  # None until the first attempt
    since: datetime | None = None
    last_error: str | None = None

    def changed_to(self, online: bool, now: datetime, error: str | None = None) -> bool:
        """Note an attempt's outcome; `since` moves only when online/offline flips (then return True)."""
        flipped = self.online is not online or self.last_error != error
        if self.online is not online:
            self.online, self.since = online, now
            logger.warning("headquarters is %s", "reachable again" if online else f"unreachable: {error}")
        self.last_error = error
        return flipped

    def as_state(self) -> dict[str, Any]:
        """Return what `passline doctor` reads from the database (it cannot ask the running hub)."""
        return {"online": self.online, "since": self.since.isoformat() if self.since else None,
                "last_error": self.last_error}

    @classmethod
    def from_state(cls, state: dict | None) -> LinkHealth:
        """Return the health the running hub last kept."""
        state = state or {}
        since = state.get("since")
        return cls(state.get("online"), datetime.fromisoformat(since) if since else None, state.get("last_error"))


class CloudLink:
    """Pull and push in one background thread; `wake()` asks for a round now (a new outbox entry, an admin)."""

    def __init__(self, settings: CloudSettings, engine: Engine, store: str, clock: Callable[[], datetime], *,
                 submit: Callable[[object], Any] | None = None,
                 catalog_changed: Callable[[int], None] | None = None,
                 notify: Callable[[str, dict], None] | None = None,
                 transport: Any = None, language: str = "en") -> None:
        self.settings = settings
        self._engine = engine
        self._store = store
        self._clock = clock
        self._submit = submit
        self._catalog_changed = catalog_changed or (lambda version: None)
        self._notify = notify or (lambda event, data: None)  # staff screens: the quiet offline banner
        self._banner_told: tuple[bool, float] | None = None  # (banner shown, when staff screens were last told)
        self._transport = transport
        self._language = language
        self.health = LinkHealth()
        self._bell = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_pull: float | None = None
        self._seen_version: int | None = None  # the catalog's version when kiosks were last told

    # --- what the unit of work asks -------------------------------------------------------------------------------

    def outbox_for(self, connection: Connection) -> SqlOutbox | None:
        """Return the outbox on a unit of work's connection, or None while the store is not linked."""
        if not self.settings.linked:
            return None
        return SqlOutbox(connection, self._store, self._clock)

    # --- running --------------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the background thread (it idles until the store is linked)."""
        self._thread = threading.Thread(target=self._run, name="cloud-link", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the current round."""
        self._stopping.set()
        self._bell.set()
        if self._thread is not None:
            self._thread.join(timeout=15)

    def wake(self) -> None:
        """Pull and push now rather than at the next tick."""
        self._last_pull = None
        self._bell.set()

    def _run(self) -> None:
        client = None
        while not self._stopping.is_set():
            if not self.settings.linked:
                self._bell.wait(IDLE_WAIT_S)
                self._bell.clear()
                continue
            if client is None:
                client = self.make_client()
            try:
                self.round(client, pull=self._last_pull is None
                           or time.monotonic() - self._last_pull >= self.settings.pull_seconds)
            except Exception:  # noqa: BLE001 - the link must outlive any one bad round
                logger.exception("a round of the link to HQ failed")
            if self._last_pull is None or time.monotonic() - self._last_pull >= self.settings.pull_seconds:
                self._last_pull = time.monotonic()
            self._bell.wait(self.settings.push_seconds)
            self._bell.clear()
        if client is not None:
            client.close()

    def make_client(self) -> HqClient:
        """Return a client of HQ with the store token."""
        transport = self._transport or HttpTransport(self.settings.url, timeout_s=self.settings.timeout_seconds)
        return HqClient(transport, self._store, self.settings.token())

    def round(self, client: HqClient, *, pull: bool = True) -> None:
        """Send what waits, then (when due) read every feed; note whether HQ answered."""
        if self._seen_version is None:
            self._watch_catalog()  # the version kiosks have now: a change in this round is then told
        try:
            sent = OutboxSender(self._engine, client, self._clock).send_waiting()
            if not sent.reached_hq:
                raise HqError(sent.error or "HQ did not take the outbox")
            if pull:
                FeedPuller(self._engine, client, self._store, self._clock, language=self._language,
                           submit=self._submit).pull()
        except HqRefused as exc:
            self._note(False, f"HQ refused the store: {exc.message}")
            return
        except HqError as exc:
            self._note(False, str(exc))
            return
        finally:
            self._watch_catalog()
        self._note(True)

    def _watch_catalog(self) -> None:
        """Tell kiosks when the catalog changed: pulled here, or by `passline cloud sync` in another process."""
        with self._engine.connect() as connection:
            version = catalog_version(connection)
        if self._seen_version is not None and version != self._seen_version:
            try:
                self._catalog_changed(version)
            except Exception:  # noqa: BLE001 - kiosks read the menu again on their next connect anyway
                logger.exception("telling kiosks of catalog version %s failed", version)
        self._seen_version = version

    def _note(self, online: bool, error: str | None = None) -> None:
        if self.health.changed_to(online, self._clock(), error):
            with self._engine.begin() as connection:
                write_state(connection, "health", self.health.as_state())
        self._tell_staff_screens()

    def _tell_staff_screens(self) -> None:
        """Send staff screens whether to show the offline banner: when it changes, and again now and then
        while it shows, so a screen that connected meanwhile hears it too."""
        health = self.health
        banner = bool(health.online is False and health.since is not None
                      and (self._clock() - health.since).total_seconds() >= self.settings.offline_banner_seconds)
        told = self._banner_told
        if told is None and not banner:
            return
        if told is not None and told[0] == banner and not (banner and time.monotonic() - told[1] >= BANNER_REPEAT_S):
            return
        self._banner_told = (banner, time.monotonic())
        self._notify("cloud.status", {"banner": banner, "online": health.online,
                                      "since": iso_time(health.since, utc_as_z=False)})

    # --- what people see ------------------------------------------------------------------------------------------

    def offline_since(self) -> datetime | None:
        """Return since when HQ has not answered, or None while it answers (or the store has no link)."""
        if not self.settings.linked or self.health.online is not False:
            return None
        return self.health.since

    def status(self) -> dict[str, Any]:
        """Return the link's state for /admin and `passline doctor`."""
        return link_status(self.settings, self._engine, self.health, self._clock())


def link_status(settings: CloudSettings, engine: Engine, health: LinkHealth | None, now: datetime) -> dict[str, Any]:
    """Return online/offline since when, the outbox's size and oldest entry's age, and the last pull per feed."""
    if not settings.linked:
        return {"linked": False}
    with engine.connect() as connection:
        box = summary(connection)
        pulled = {feed: read_state(connection, f"pulled:{feed}") for feed in FEEDS}
        catalog_error = read_state(connection, "catalog_error")
        not_taken = read_state(connection, "web_orders_not_taken", {})
        if health is None:  # another process (the doctor): what the running hub last kept
            health = LinkHealth.from_state(read_state(connection, "health"))
    offline_s = None
    if health is not None and health.online is False and health.since is not None:
        offline_s = round((now - health.since).total_seconds())
    return {
        "linked": True, "url": settings.url,
        "online": None if health is None else health.online,
        "since": None if health is None or health.since is None else health.since.isoformat(),
        "offline_s": offline_s,
        "banner": offline_s is not None and offline_s >= settings.offline_banner_seconds,
        "last_error": None if health is None else health.last_error,
        "outbox": {"waiting": box.waiting,
                   "oldest_age_s": None if box.oldest_at is None else round((now - box.oldest_at).total_seconds()),
                   "parked": box.parked},
        "last_pull": pulled,
        "catalog_error": catalog_error,
        "web_orders_not_taken": not_taken,
    }
