"""Own the embedded broker's sessions, subscriptions and retained messages, and route each message."""

from __future__ import annotations

from hub.adapters.mqtt.broker_packets import Message
from hub.adapters.mqtt.broker_sessions import Session
from hub.adapters.mqtt.broker_topics import RetainedMessages, SubscriptionIndex


class Router:
    """Deliver every published message to the sessions whose subscriptions match it."""

    def __init__(self, *, max_queued_messages: int) -> None:
        self._max_queued = max_queued_messages
        self._sessions: dict[str, Session] = {}
        self._subscriptions: SubscriptionIndex[Session] = SubscriptionIndex()
        self._retained = RetainedMessages()

    def open_session(self, client_id: str, clean: bool) -> tuple[Session, bool]:
        """Return the client's session and whether it existed; a clean start discards the old one."""
        session = self._sessions.get(client_id)
        if session is not None and (clean or session.clean):
            self.discard(session)
            session = None
        if session is not None:
            return session, True
        session = Session(client_id, clean=clean, max_queued=self._max_queued)
        self._sessions[client_id] = session
        return session, False

    def discard(self, session: Session) -> None:
        """Forget a session, its subscriptions and the messages it had not received."""
        for topic_filter in session.subscriptions:
            self._subscriptions.remove(topic_filter, session)
        session.subscriptions.clear()
        if self._sessions.get(session.client_id) is session:
            del self._sessions[session.client_id]

    def subscribe(self, session: Session, topic_filter: str, qos: int) -> None:
        """Add or replace the session's subscription to a valid filter."""
        session.subscriptions[topic_filter] = qos
        self._subscriptions.add(topic_filter, session, qos)

    def send_retained(self, session: Session, topic_filter: str, qos: int) -> None:
        """Deliver the retained messages a new subscription matches, with the retain flag set."""
        for message in self._retained.matching(topic_filter):
            session.deliver(message, min(message.qos, qos), retain=True)

    def unsubscribe(self, session: Session, topic_filter: str) -> None:
        """Remove the session's subscription to a filter, if it has one."""
        if session.subscriptions.pop(topic_filter, None) is not None:
            self._subscriptions.remove(topic_filter, session)

    def route(self, message: Message) -> None:
        """Retain the message if asked and deliver it once to each matching session."""
        if message.retain:
            self._retained.store(message)
        # Established subscriptions get the retain flag cleared (spec 3.3.1.3).
        for session, granted in self._subscriptions.match(message.topic).items():
            session.deliver(message, min(granted, message.qos))

    def stats(self) -> dict:
        """Count sessions, messages not yet acknowledged by their subscriber, and retained messages."""
        return {
            "sessions": len(self._sessions),
            "queued": sum(session.pending for session in self._sessions.values()),
            "retained": len(self._retained),
        }
