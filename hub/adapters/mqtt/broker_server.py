"""Serve MQTT 3.1.1 clients on one asyncio event loop: connect, authorize and route messages."""

from __future__ import annotations

import asyncio
import logging
import socket
import uuid
from collections.abc import Callable

from hub.adapters.mqtt.broker_codec import decode, encode, encode_id_packet, read_packet
from hub.adapters.mqtt.broker_connection import Connection
from hub.adapters.mqtt.broker_packets import (
    CONNECT, PUBACK, PUBCOMP, PUBREC, SUBSCRIPTION_FAILURE, Connack, Connect, Disconnect, Message,
    Pingreq, Pingresp, ProtocolError, Puback, Pubcomp, Publish, Pubrec, Pubrel, Suback, Subscribe,
    Unsuback, Unsubscribe, UnsupportedProtocol,
)
from hub.adapters.mqtt.broker_routing import Router
from hub.adapters.mqtt.broker_topics import is_valid_topic_filter, is_valid_topic_name

logger = logging.getLogger(__name__)

# A socket that has not sent CONNECT after this many seconds is closed (spec 3.1.4 allows it).
CONNECT_TIMEOUT = 10.0
# Largest packet body accepted: orders and device events are a few KiB, so anything near
# this is a bug or an attack, and refusing it bounds the memory one client can take.
MAX_PACKET_SIZE = 1024 * 1024
# Spec 3.1.2.10: a client silent for one and a half keepalive periods is gone.
KEEPALIVE_GRACE = 1.5
# QoS 2 is accepted inbound, but subscriptions are granted and messages delivered at QoS 1
# at most: the hub needs at-least-once and deduplicates by order id.
MAX_QOS = 1

Authenticate = Callable[[str, str | None, bytes | None], bool]
Authorize = Callable[[str | None, str, str, str], bool]

_PINGRESP = encode(Pingresp())


class BrokerServer:
    """Accept MQTT clients and route their messages; every method runs on the server's event loop."""

    def __init__(
        self,
        *,
        authenticate: Authenticate | None = None,
        authorize: Authorize | None = None,
        max_queued_messages: int = 100_000,
    ) -> None:
        self._authenticate = authenticate
        self._authorize = authorize
        self._router = Router(max_queued_messages=max_queued_messages)
        self._clients: dict[str, Connection] = {}
        self._connections: set[Connection] = set()
        self._tasks: set[asyncio.Task] = set()
        self._server: asyncio.Server | None = None
        self._closing = False
        self._handlers: dict[type, Callable] = {
            Publish: self._on_publish,
            Puback: self._on_puback,
            Pubrec: self._on_unexpected_ack,
            Pubrel: self._on_pubrel,
            Pubcomp: self._on_unexpected_ack,
            Subscribe: self._on_subscribe,
            Unsubscribe: self._on_unsubscribe,
            Pingreq: self._on_pingreq,
        }

    async def start(self, host: str, port: int) -> int:
        """Listen on host:port (0 picks a free port) and return the bound port."""
        self._server = await asyncio.start_server(self._serve, host, port)
        return self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        """Stop listening, close every connection and wait for their handlers to end."""
        self._closing = True
        if self._server is not None:
            self._server.close()
        for conn in list(self._connections):
            conn.abort("broker stopping")
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
        await asyncio.sleep(0)  # let aborted transports run connection_lost and close sockets

    def stats(self) -> dict:
        """Count connected clients, sessions, messages waiting for delivery and retained messages."""
        return {"clients": len(self._clients), **self._router.stats()}

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        conn = Connection(reader, writer)
        self._connections.add(conn)
        reason = "connection lost"
        try:
            sock = writer.get_extra_info("socket")
            if sock is not None:  # Nagle would hold every small packet ~40 ms for its ack
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if await self._handshake(conn):
                reason = await self._read_loop(conn)
        except (asyncio.IncompleteReadError, OSError):
            pass  # the reason is "connection lost" unless the broker closed it itself
        except ProtocolError as exc:
            reason = f"protocol error: {exc}"
            logger.warning("Closing connection %s of client %s: %s", conn.peer, conn.client_id, exc)
        except Exception:
            reason = "internal error"
            logger.exception("Closing connection %s of client %s after an error", conn.peer, conn.client_id)
        finally:
            self._finish(conn, conn.close_reason or reason)
            self._tasks.discard(task)

    async def _handshake(self, conn: Connection) -> bool:
        try:
            first, body = await asyncio.wait_for(read_packet(conn.reader, MAX_PACKET_SIZE), CONNECT_TIMEOUT)
        except TimeoutError:
            conn.close_reason = f"no CONNECT within {CONNECT_TIMEOUT}s"
            return False
        if first >> 4 != CONNECT:
            raise ProtocolError("the first packet is not CONNECT")
        try:
            connect: Connect = decode(first, body)  # type: ignore[assignment]
        except UnsupportedProtocol as exc:
            return self._refuse(conn, 1, str(exc))
        client_id = connect.client_id
        if not client_id:
            if not connect.clean_session or connect.protocol_level == 3:
                return self._refuse(conn, 2, "empty client id without a clean session")
            client_id = f"auto-{uuid.uuid4().hex}"
        if connect.will is not None and not is_valid_topic_name(connect.will.topic):
            raise ProtocolError(f"invalid will topic {connect.will.topic!r}")
        conn.username = connect.username
        if not self._authenticated(client_id, connect.username, connect.password):
            return self._refuse(conn, 5, f"client {client_id} not authorized")
        session_present = self._open_session(conn, client_id, connect.clean_session)
        conn.will = connect.will
        conn.send(encode(Connack(0, session_present)))
        logger.info(
            "Client %s connected from %s (username %s, clean session %s, keepalive %ss)",
            client_id, conn.peer, connect.username, connect.clean_session, connect.keepalive,
        )
        conn.session.attach(conn)
        if connect.keepalive:
            conn.watch_keepalive(connect.keepalive * KEEPALIVE_GRACE)
        return True

    async def _read_loop(self, conn: Connection) -> str:
        reader, handlers = conn.reader, self._handlers
        while True:
            first, body = await read_packet(reader, MAX_PACKET_SIZE)
            conn.touch()
            if first >> 4 == CONNECT:
                raise ProtocolError("a second CONNECT")
            packet = decode(first, body)
            handler = handlers.get(type(packet))
            if handler is not None:
                handler(conn, packet)
            elif type(packet) is Disconnect:
                conn.will = None
                return "client sent DISCONNECT"
            else:
                raise ProtocolError(f"{type(packet).__name__} is not sent by clients")

    def _refuse(self, conn: Connection, return_code: int, reason: str) -> bool:
        logger.info("Refused connection from %s (username %s): %s", conn.peer, conn.username, reason)
        conn.send(encode(Connack(return_code, False)))
        return False

    def _authenticated(self, client_id: str, username: str | None, password: bytes | None) -> bool:
        if self._authenticate is None:
            return True
        try:
            return bool(self._authenticate(client_id, username, password))
        except Exception:
            logger.exception("authenticate failed for client %s; refusing it", client_id)
            return False

    def _allowed(self, conn: Connection, action: str, topic: str) -> bool:
        if self._authorize is None:
            return True
        try:
            return bool(self._authorize(conn.username, conn.client_id, action, topic))
        except Exception:
            logger.exception(
                "authorize failed for client %s; refusing %s on %s", conn.client_id, action, topic,
            )
            return False

    def _open_session(self, conn: Connection, client_id: str, clean: bool) -> bool:
        previous = self._clients.get(client_id)
        if previous is not None:
            # Spec 3.1.4: the new connection wins; the old one is closed without DISCONNECT,
            # so its will is published (3.1.2.5).
            logger.info("Client %s connected again: closing its previous connection", client_id)
            self._release(previous, publish_will=True)
            previous.abort("taken over by a new connection")
        session, present = self._router.open_session(client_id, clean)
        conn.client_id, conn.session = client_id, session
        self._clients[client_id] = conn
        return present

    def _release(self, conn: Connection, *, publish_will: bool) -> None:
        """Detach a connection from its session, discard a clean session, publish the will if due."""
        session, will = conn.session, conn.will
        conn.session = conn.will = None
        if self._clients.get(conn.client_id) is conn:
            del self._clients[conn.client_id]
        if session is None:
            return
        session.detach()
        if session.clean:
            self._router.discard(session)
        if will is not None and publish_will:
            if self._allowed(conn, "publish", will.topic):
                logger.info("Publishing the will of client %s to %s", conn.client_id, will.topic)
                self._router.route(will)
            else:
                logger.warning(
                    "Dropped the will of client %s to %s: not authorized", conn.client_id, will.topic,
                )

    def _finish(self, conn: Connection, reason: str) -> None:
        self._connections.discard(conn)
        self._release(conn, publish_will=not self._closing)
        conn.close()
        if conn.client_id is not None:
            logger.info("Client %s disconnected (username %s): %s", conn.client_id, conn.username, reason)
        else:
            logger.debug("Connection %s closed before a session began: %s", conn.peer, reason)

    def _on_publish(self, conn: Connection, packet: Publish) -> None:
        if not is_valid_topic_name(packet.topic):
            raise ProtocolError(f"invalid topic name {packet.topic!r} in PUBLISH")
        qos, packet_id = packet.qos, packet.packet_id
        if qos == 2:
            released = conn.session.awaiting_release
            if packet_id in released:  # a resend before PUBREL: routed already
                conn.send(encode_id_packet(PUBREC, packet_id))
                return
            released.add(packet_id)
        if self._allowed(conn, "publish", packet.topic):
            self._router.route(Message(packet.topic, packet.payload, qos, packet.retain))
        else:
            logger.warning(
                "Dropped a message from client %s to %s: not authorized", conn.client_id, packet.topic,
            )
        # Refused messages are acknowledged too, or the client would resend them forever.
        if qos == 1:
            conn.send(encode_id_packet(PUBACK, packet_id))
        elif qos == 2:
            conn.send(encode_id_packet(PUBREC, packet_id))

    def _on_puback(self, conn: Connection, packet: Puback) -> None:
        conn.session.acknowledge(packet.packet_id)

    def _on_pubrel(self, conn: Connection, packet: Pubrel) -> None:
        conn.session.awaiting_release.discard(packet.packet_id)
        conn.send(encode_id_packet(PUBCOMP, packet.packet_id))

    def _on_unexpected_ack(self, conn: Connection, packet: Pubrec | Pubcomp) -> None:
        # Deliveries are at most QoS 1, so no PUBREC or PUBCOMP is owed to this broker.
        logger.debug("Ignored %s from client %s", type(packet).__name__, conn.client_id)

    def _on_subscribe(self, conn: Connection, packet: Subscribe) -> None:
        session = conn.session
        codes, granted = [], []
        for topic_filter, requested in packet.topics:
            if not is_valid_topic_filter(topic_filter):
                logger.info("Refused subscription of client %s to invalid filter %r",
                            conn.client_id, topic_filter)
                codes.append(SUBSCRIPTION_FAILURE)
            elif not self._allowed(conn, "subscribe", topic_filter):
                logger.warning("Refused subscription of client %s to %s: not authorized",
                               conn.client_id, topic_filter)
                codes.append(SUBSCRIPTION_FAILURE)
            else:
                qos = min(requested, MAX_QOS)
                self._router.subscribe(session, topic_filter, qos)
                codes.append(qos)
                granted.append((topic_filter, qos))
        conn.send(encode(Suback(packet.packet_id, tuple(codes))))
        for topic_filter, qos in granted:
            self._router.send_retained(session, topic_filter, qos)

    def _on_unsubscribe(self, conn: Connection, packet: Unsubscribe) -> None:
        for topic_filter in packet.filters:
            self._router.unsubscribe(conn.session, topic_filter)
        conn.send(encode(Unsuback(packet.packet_id)))

    def _on_pingreq(self, conn: Connection, packet: Pingreq) -> None:
        conn.send(_PINGRESP)
