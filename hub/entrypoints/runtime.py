"""Start the hub's moving parts: its Mosquitto, the broker connection, the consumer, the relay, the scheduler, the HQ link.

bootstrap() wires the hub and connects nothing; a server (gunicorn's worker, the demo) calls
start_messaging() once, and Hub.stop() stops whatever was started, in reverse order.
"""

from __future__ import annotations

import logging

from hub.adapters.db.dead_letters import SqlDeadLetters
from hub.adapters.mqtt.connection import HubConnection
from hub.adapters.mqtt.dynsec import DynamicSecurityError
from hub.adapters.mqtt.mosquitto_supervisor import MosquittoSupervisor
from hub.bootstrap import Hub
from hub.entrypoints.device_relay import DeviceRelay
from hub.entrypoints.mqtt_consumer import MqttConsumer
from hub.entrypoints.scheduler import Scheduler

logger = logging.getLogger(__name__)


def start_messaging(hub: Hub) -> None:
    """Start the supervised Mosquitto if no broker is configured, then connect, consume, relay and schedule."""
    settings = hub.settings
    if settings.supervised_broker:
        hub.broker = MosquittoSupervisor(settings.data_dir, store=settings.store, host=settings.broker_host,
                                         port=settings.broker_port, tls_port=settings.broker_tls_port,
                                         plain_on_network=lambda: bool(hub.devices_on_plain_mqtt()))
        hub.broker.start()
    try:
        hub.device_logins.ensure_roles()
    except DynamicSecurityError as exc:
        logger.warning("cannot check the broker's device roles: %s", exc)
    hub.consumer = MqttConsumer(hub.bus, hub.presence, settings.store, dead_letters=SqlDeadLetters(hub.engine))
    hub.connection = HubConnection(hub.mqtt_target(), store=settings.store, version=hub.version,
                                   on_message=hub.consumer.receive)
    hub.consumer.start(hub.connection)
    hub.connection.start()
    hub.broadcaster.attach(hub.connection)
    hub.publish_availability()
    hub.relay = DeviceRelay(hub.bus, settings.store, hub.connection.publish, hub.relay_bell)
    hub.relay.start()
    hub.scheduler = Scheduler(hub.bus)
    hub.scheduler.start()
    if hub.cloud is not None:  # the link to headquarters runs beside messaging (idle until the store is linked)
        hub.cloud.start()
