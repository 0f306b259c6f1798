"""Wire the hub: real adapters for production, replaceable pieces for tests."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version as package_version
from typing import Any, Protocol

from sqlalchemy import Engine

from hub.adapters.cloud.link import CloudLink
from hub.adapters.cloud.settings import load_cloud_settings
from hub.adapters.db.catalog_store import CatalogCache
from hub.adapters.db.engine import make_engine
from hub.adapters.db.unit_of_work import SqlUnitOfWork
from hub.adapters.frontdesk_config import load_frontdesk_settings
from hub.adapters.kitchen_config import load_kitchen_settings
from hub.adapters.clock import utc_now
from hub.adapters.mqtt.connection import HubConnection
from hub.adapters.mqtt.mosquitto_supervisor import MosquittoSupervisor
from hub.adapters.outlets import Broadcaster, DeviceReplier, Notifier
from hub.adapters.receipt_secret import load_secret
from hub.adapters.store_tls import TlsFiles, ca_made_at
from hub.config import MqttTarget, Settings
from hub.domain.access import on_plain_mqtt
from hub.domain.frontdesk_settings import FrontdeskSettings
from hub.domain.kitchen import KitchenSettings
from hub.domain.numbering import StoreDay
from hub.domain.presence import Presence
from hub.services import access as access_service
from hub.services.access_ports import DeviceLogins
from hub.services.commerce import availability_snapshot
from hub.services.handler_table import HANDLERS
from hub.services.messagebus import HandlerTables, MessageBus
from hub.services.ports import Clock, UnitOfWork

logger = logging.getLogger(__name__)


class Running(Protocol):
    """A part hub.entrypoints.runtime starts and Hub.stop() stops."""

    def stop(self) -> None: ...


class Consumer(Running, Protocol):
    """The consumer of device messages, as health reports read it."""

    processed: int

    def oldest_waiting_s(self) -> float: ...


class Relay(Running, Protocol):
    """The relay of device jobs."""

    def sweep(self) -> int: ...


def hub_version() -> str:
    """Return the installed Passline version."""
    try:
        return package_version("passline")
    except PackageNotFoundError:
        return "0+unknown"


@dataclass
class Hub:
    """The hub as bootstrap() wired it: its bus and the adapters behind it, and the parts runtime starts."""

    settings: Settings
    engine: Engine | None  # None when a test gave its own unit of work
    bus: MessageBus
    uow_factory: Callable[[], UnitOfWork]
    presence: Presence
    notifier: Notifier
    broadcaster: Broadcaster
    version: str
    device_logins: DeviceLogins
    kitchen_settings: KitchenSettings
    frontdesk: FrontdeskSettings
    relay_bell: threading.Event = field(default_factory=threading.Event)
    display_feed: Notifier = field(default_factory=Notifier)  # numbered display changes, sent by the web layer
    started_at: datetime = field(default_factory=utc_now)
    # Started by hub.entrypoints.runtime.start_messaging(), stopped by stop():
    broker: MosquittoSupervisor | None = None  # the supervised Mosquitto, when no broker is configured
    connection: HubConnection | None = None
    consumer: Consumer | None = None
    relay: Relay | None = None
    scheduler: Running | None = None
    cloud: CloudLink | None = None  # the link to headquarters (idle until `passline cloud link`); started with messaging

    def devices_on_plain_mqtt(self) -> list[str]:
        """Return the enrolled devices whose broker login is for unencrypted MQTT (all of them without TLS)."""
        files = TlsFiles.in_data_dir(self.settings.data_dir)
        with self.uow_factory() as uow:
            devices = uow.access.devices()
        return on_plain_mqtt(devices, ca_made_at(files.ca_cert) if files.ready else None)

    def publish_availability(self) -> None:
        """Send what is sold out now, retained, so every device starts from the truth."""
        with self.uow_factory() as uow:
            self.broadcaster("availability", availability_snapshot(uow), retain=True)

    def catalog_changed(self, version: int) -> None:
        """Tell devices and live pages that the catalog changed (pulled from HQ); kiosks read the menu again."""
        with self.uow_factory() as uow:
            snapshot = availability_snapshot(uow)
        self.broadcaster("availability", snapshot, retain=True)
        self.notifier("availability", {**snapshot, "catalog_version": version})

    def mqtt_target(self) -> MqttTarget:
        """Return where and as whom the hub's MQTT connection goes (the supervised broker's real port if any)."""
        if self.broker is not None:
            return self.broker.target()
        return self.settings.mqtt

    def stop(self) -> None:
        """Stop what hub.entrypoints.runtime started, in reverse order, then close the database."""
        for part in (self.cloud, self.scheduler, self.relay, self.connection, self.consumer, self.broker):
            if part is not None:
                part.stop()
        self.display_feed.send = None  # the displays' ticker sees this and ends
        if self.engine is not None:
            self.engine.dispose()


def bootstrap(settings: Settings, *, clock: Clock = utc_now, engine: Engine | None = None,
              uow_factory: Callable[[], UnitOfWork] | None = None, handlers: HandlerTables = HANDLERS,
              device_logins: DeviceLogins | None = None, password_hasher: Any = None,
              fakes: dict[str, Any] | None = None) -> Hub:
    """Build the hub from settings; nothing connects until hub.entrypoints.runtime.start_messaging().

    Tests replace what they must: `uow_factory` (a fake unit of work: then no database is opened),
    `handlers` (only the capabilities a test exercises), `clock`, and `fakes` for any dependency a
    handler asks for by name (`notify`, `broadcast`, `wake_relay`, ...).
    """
    presence = Presence()
    notifier = Notifier()
    broadcaster = Broadcaster(settings.store)
    hub_holder: list[Hub] = []
    device_logins = device_logins or make_device_logins(settings, lambda: hub_holder[0].broker)
    relay_bell = threading.Event()
    display_feed = Notifier()
    kitchen_settings = load_kitchen_settings(settings.data_dir / "displays.toml")
    frontdesk = load_frontdesk_settings(settings.data_dir / "frontdesk.toml")
    cloud: CloudLink | None = None  # with a fake unit of work there is no database to sync
    if uow_factory is None:
        engine = engine or make_engine(settings.database_url)
        cloud = CloudLink(load_cloud_settings(settings.data_dir), engine, settings.store, clock,
                          submit=lambda command: hub_holder[0].bus.handle(command),
                          catalog_changed=lambda version: hub_holder[0].catalog_changed(version),
                          notify=notifier, language=frontdesk.default_language or "en")
        uow_factory = partial(SqlUnitOfWork, engine, CatalogCache(), outbox=cloud.outbox_for)

    dependencies = {
        "clock": clock,
        "notify": notifier,
        "broadcast": broadcaster,
        "wake_relay": relay_bell.set,
        "display_feed": display_feed,
        "kitchen_settings": kitchen_settings,
        "frontdesk": frontdesk,
        "hq_offline_since": cloud.offline_since if cloud is not None else (lambda: None),
        "reply_to_device": DeviceReplier(settings.store, broadcaster),
        "store_day": StoreDay(settings.zone, settings.day_starts_at_hour),
        "presence": presence,  # held prints go out when their printer's status says ready
        # one hub secret (the receipt links' file), used for claim codes under its own "claim:" label
        **access_service.dependencies(lambda: load_secret(settings.data_dir), device_logins, password_hasher),
        **(fakes or {}),
    }
    hub = Hub(
        settings=settings,
        engine=engine,
        bus=MessageBus(uow_factory, handlers, dependencies),
        uow_factory=uow_factory,
        presence=presence,
        notifier=notifier,
        broadcaster=broadcaster,
        relay_bell=relay_bell,
        version=hub_version(),
        display_feed=display_feed,
        kitchen_settings=kitchen_settings,
        frontdesk=frontdesk,
        device_logins=device_logins,
        cloud=cloud,
    )
    hub_holder.append(hub)
    return hub


def make_device_logins(settings: Settings, running_broker: Callable[[], Any] = lambda: None):
    """Return the devices' broker logins, as the hub's admin login on whichever broker serves the store."""
    from hub.adapters.mqtt.dynsec import DynamicSecurityLogins
    from hub.adapters.mqtt.mosquitto_supervisor import supervised_admin_target
    from hub.config import parse_mqtt_url

    def admin() -> Any:
        if settings.mqtt_admin_url:
            return settings.with_store_ca(parse_mqtt_url(settings.mqtt_admin_url, "PASSLINE_MQTT_ADMIN_URL"))
        if settings.mqtt_url:
            from hub.adapters.mqtt.dynsec import DynamicSecurityError

            raise DynamicSecurityError("PASSLINE_MQTT_ADMIN_URL is not set: the hub cannot make devices' logins "
                                       "on the configured broker (see `passline broker config`)")
        broker = running_broker()
        return broker.admin_target() if broker is not None else supervised_admin_target(settings)

    device_host = None if settings.broker_host in ("0.0.0.0", "::", "") else settings.broker_host
    return DynamicSecurityLogins(admin, store=settings.store, device_host=device_host)
