"""Wire the hub: real adapters for production, replaceable pieces for tests."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version as package_version
from typing import Any

from sqlalchemy import Engine

from hub.adapters.db.catalog_store import CatalogCache
from hub.adapters.db.engine import make_engine
from hub.adapters.db.unit_of_work import SqlUnitOfWork
from hub.adapters.frontdesk_config import load_frontdesk_settings
from hub.adapters.kitchen_config import load_kitchen_settings
from hub.adapters.receipt_secret import load_secret
from hub.config import Settings
from hub.contracts import topics
from hub.contracts.envelope import envelope
from hub.domain.presence import Presence
from hub.services import access as access_service
from hub.services import cloud_outbox
from hub.services import commerce_actions, device_jobs, handlers, kitchen
from hub.services import printing as printing_service
from hub.services import payments as payments_service
from hub.services import order_holds as order_holds_service
from hub.services import staff as staff_service
from hub.services import till as till_service
from hub.services.handlers import StoreDay
from hub.services.messagebus import HandlerTables, MessageBus
from hub.services.ports import Clock, UnitOfWork

logger = logging.getLogger(__name__)

# Each service module lists its handlers in COMMAND_HANDLERS, WITHIN_TRANSACTION and EVENT_HANDLERS.
SERVICE_MODULES = (handlers, device_jobs, kitchen, printing_service, commerce_actions, payments_service)
SERVICE_MODULES += (order_holds_service,)  # issue 6: held orders, remote order confirmation
SERVICE_MODULES += (staff_service, till_service)  # issue 6: staff, approvals, held baskets, drawers, receipts
SERVICE_MODULES += (access_service,)  # issue 12: accounts, claim-code enrolment, revocation
SERVICE_MODULES += (cloud_outbox,)  # issue 13: sales into the outbox for HQ; last, after what writes them


def hub_version() -> str:
    """Return the installed Passline version."""
    try:
        return package_version("passline")
    except PackageNotFoundError:
        return "0+unknown"


def utc_now() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(timezone.utc)


class Notifier:
    """Forward events to live screens once the web layer has plugged in a sender."""

    def __init__(self) -> None:
        self.send: Callable[[str, dict[str, Any]], None] | None = None

    def __call__(self, event: str, data: dict[str, Any]) -> None:
        if self.send is not None:
            self.send(event, data)


class Broadcaster:
    """Publish to `passline/<store>/broadcast/<kind>` once the hub is connected to its broker.

    Retained broadcasts (availability) are also kept here and published again on every
    start, so a broker that lost its retained messages (a fresh data folder) hears the truth.
    """

    def __init__(self, store: str) -> None:
        self._store = store
        self._retained: dict[str, dict[str, Any]] = {}
        self.connection: Any = None

    def __call__(self, kind: str, data: dict[str, Any], *, retain: bool = False) -> None:
        message = envelope(kind, data)
        if retain:
            self._retained[kind] = message
        if self.connection is not None:
            self.connection.publish(topics.broadcast(self._store, kind), message, retain=retain)

    def attach(self, connection: Any) -> None:
        """Publish through this connection from now on, starting with the retained messages."""
        self.connection = connection
        for kind, message in self._retained.items():
            connection.publish(topics.broadcast(self._store, kind), message, retain=True)


class DeviceReplier:
    """Publish a message to `passline/<store>/device/<id>/in/reply` on the broadcaster's connection, once connected."""

    def __init__(self, store: str, broadcaster: Broadcaster) -> None:
        self._store = store
        self._broadcaster = broadcaster

    def __call__(self, device_id: str, kind: str, data: dict[str, Any]) -> None:
        connection = self._broadcaster.connection
        if connection is None:
            logger.warning("no broker connection: %s for device %s not sent (the order's state is in the API)",
                           kind, device_id)
            return
        connection.publish(topics.device_in(self._store, device_id, "reply"), envelope(kind, data))


@dataclass
class Hub:
    """The running hub: its database, bus, broker connection and device presence."""

    settings: Settings
    engine: Engine
    bus: MessageBus
    uow_factory: Callable[[], UnitOfWork]
    presence: Presence
    notifier: Notifier
    broadcaster: Broadcaster
    version: str
    relay_bell: threading.Event = field(default_factory=threading.Event)
    broker: Any = None  # the supervised Mosquitto, when no broker is configured
    device_logins: Any = None  # DynamicSecurityLogins: devices' broker logins
    connection: Any = None
    consumer: Any = None
    relay: Any = None
    started_at: datetime = field(default_factory=utc_now)
    display_feed: Notifier = field(default_factory=Notifier)  # numbered display changes, sent by the web layer
    kitchen_settings: Any = None
    frontdesk: Any = None  # FrontdeskSettings: kiosks' and counters' behaviour
    cloud: Any = None  # issue 13: CloudLink to headquarters (idle until `passline cloud link`)

    def start_messaging(self) -> None:
        """Start the supervised Mosquitto if no broker is configured, then connect and consume."""
        from hub.adapters.db.dead_letters import SqlDeadLetters
        from hub.adapters.mqtt.connection import HubConnection
        from hub.adapters.mqtt.dynsec import DynamicSecurityError
        from hub.entrypoints.device_relay import DeviceRelay
        from hub.entrypoints.mqtt_consumer import MqttConsumer

        if self.settings.supervised_broker:
            from hub.adapters.mqtt.mosquitto_supervisor import MosquittoSupervisor

            self.broker = MosquittoSupervisor(self.settings.data_dir, store=self.settings.store,
                                              host=self.settings.broker_host, port=self.settings.broker_port,
                                              tls_port=self.settings.broker_tls_port)
            self.broker.start()
        try:
            self.device_logins.ensure_roles()
        except DynamicSecurityError as exc:
            logger.warning("cannot check the broker's device roles: %s", exc)
        target = self.mqtt_target()
        self.consumer = MqttConsumer(self.bus, self.presence, self.settings.store, dead_letters=SqlDeadLetters(self.engine))
        self.connection = HubConnection(
            target, store=self.settings.store, version=self.version, on_message=self.consumer.receive
        )
        self.consumer.start(self.connection)
        self.connection.start()
        self.broadcaster.attach(self.connection)
        self.publish_availability()
        self.relay = DeviceRelay(self.bus, self.settings.store, self.connection.publish, self.relay_bell)
        self.relay.start()
        if self.cloud is not None:  # issue 13: the link to headquarters runs beside messaging
            self.cloud.start()

    def publish_availability(self) -> None:
        """Send what is sold out now, retained, so every device starts from the truth."""
        from hub.services.commerce import availability_snapshot

        with self.uow_factory() as uow:
            self.broadcaster("availability", availability_snapshot(uow), retain=True)

    def catalog_changed(self, version: int) -> None:
        """Tell devices and live pages that the catalog changed (issue 13: pulled from HQ); kiosks read the menu again."""
        from hub.services.commerce import availability_snapshot

        with self.uow_factory() as uow:
            snapshot = availability_snapshot(uow)
        self.broadcaster("availability", snapshot, retain=True)
        self.notifier("availability", {**snapshot, "catalog_version": version})

    def mqtt_target(self):
        """Return where and as whom the hub's MQTT connection goes (the supervised broker's real port if any)."""
        if self.broker is not None:
            return self.broker.target()
        return self.settings.mqtt

    def stop(self) -> None:
        """Stop consuming, say offline, stop the supervised broker, close the database."""
        if self.cloud is not None:
            self.cloud.stop()
        if self.relay is not None:
            self.relay.stop()
        if self.connection is not None:
            self.connection.stop()
        if self.consumer is not None:
            self.consumer.stop()
        if self.broker is not None:
            self.broker.stop()
        self.display_feed.send = None  # the displays' ticker sees this and ends
        self.engine.dispose()


def bootstrap(settings: Settings, *, clock: Clock = utc_now, engine: Engine | None = None,
              device_logins: Any = None, password_hasher: Any = None) -> Hub:
    """Build the hub from settings; nothing connects until start_messaging()."""
    engine = engine or make_engine(settings.database_url)
    cache = CatalogCache()
    presence = Presence()
    notifier = Notifier()
    broadcaster = Broadcaster(settings.store)
    hub_holder: list[Hub] = []
    device_logins = device_logins or make_device_logins(settings, lambda: hub_holder[0].broker)
    relay_bell = threading.Event()
    display_feed = Notifier()
    kitchen_settings = load_kitchen_settings(settings.data_dir / "displays.toml")
    frontdesk = load_frontdesk_settings(settings.data_dir / "frontdesk.toml")

    # --- issue 13: the link to headquarters ---
    from hub.adapters.cloud.link import CloudLink
    from hub.adapters.cloud.settings import load_cloud_settings

    cloud = CloudLink(load_cloud_settings(settings.data_dir), engine, settings.store, clock,
                      submit=lambda command: hub_holder[0].bus.handle(command),
                      catalog_changed=lambda version: hub_holder[0].catalog_changed(version),
                      notify=notifier,
                      language=getattr(frontdesk, "default_language", None) or "en")
    # --- end issue 13 ---

    def uow_factory() -> UnitOfWork:
        return SqlUnitOfWork(engine, cache, outbox=cloud.outbox_for)

    bus = MessageBus(
        uow_factory,
        HandlerTables.from_modules(SERVICE_MODULES),
        {
            "clock": clock,
            "notify": notifier,
            "broadcast": broadcaster,
            "wake_relay": relay_bell.set,
            "display_feed": display_feed,
            "kitchen_settings": kitchen_settings,
            "frontdesk": frontdesk,
            "reply_to_device": DeviceReplier(settings.store, broadcaster),
            "store_day": StoreDay(settings.zone, settings.day_starts_at_hour),
            # one hub secret (the receipt links' file), used for claim codes under its own "claim:" label
            **access_service.dependencies(lambda: load_secret(settings.data_dir), device_logins, password_hasher),
        },
    )
    hub = Hub(
        settings=settings,
        engine=engine,
        bus=bus,
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
