"""Validate MQTT topic names and filters, and find the subscriptions and retained messages that match."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Generic, TypeVar

from hub.adapters.mqtt.broker_packets import Message

Subscriber = TypeVar("Subscriber", bound=Hashable)


def is_valid_topic_name(topic: str) -> bool:
    """Tell whether a PUBLISH may use this topic: not empty, no wildcards, no NUL."""
    return bool(topic) and "+" not in topic and "#" not in topic and "\x00" not in topic


def is_valid_topic_filter(topic_filter: str) -> bool:
    """Tell whether a SUBSCRIBE may use this filter: wildcards only as whole levels, '#' last."""
    if not topic_filter or "\x00" in topic_filter:
        return False
    levels = topic_filter.split("/")
    for index, level in enumerate(levels):
        if "#" in level and (level != "#" or index != len(levels) - 1):
            return False
        if "+" in level and level != "+":
            return False
    return True


def has_wildcard(topic_filter: str) -> bool:
    """Tell whether a filter can match more than the one topic it spells."""
    return "+" in topic_filter or "#" in topic_filter


def topic_matches(topic_filter: str, topic: str) -> bool:
    """Tell whether a valid filter matches a valid topic name."""
    return levels_match(topic_filter.split("/"), topic.split("/"))


def levels_match(filter_levels: Sequence[str], topic_levels: Sequence[str]) -> bool:
    """Match split filter levels against split topic levels."""
    # Spec 4.7.2: '$' topics are for the server, so a leading wildcard must not reach them.
    if topic_levels[0].startswith("$") and filter_levels[0] in ("+", "#"):
        return False
    for index, level in enumerate(filter_levels):
        if level == "#":
            return True  # also matches the parent level: "a/#" matches "a"
        if index >= len(topic_levels) or (level != "+" and level != topic_levels[index]):
            return False
    return len(filter_levels) == len(topic_levels)


class SubscriptionIndex(Generic[Subscriber]):
    """Map topic filters to subscribers and their granted QoS."""

    def __init__(self) -> None:
        # Filters without wildcards are found by a dict lookup; only the rest are scanned.
        self._exact: dict[str, dict[Subscriber, int]] = {}
        self._wild: dict[str, tuple[list[str], dict[Subscriber, int]]] = {}

    def add(self, topic_filter: str, subscriber: Subscriber, qos: int) -> None:
        """Subscribe, replacing any earlier subscription of this subscriber to the filter."""
        if has_wildcard(topic_filter):
            entry = self._wild.setdefault(topic_filter, (topic_filter.split("/"), {}))
            entry[1][subscriber] = qos
        else:
            self._exact.setdefault(topic_filter, {})[subscriber] = qos

    def remove(self, topic_filter: str, subscriber: Subscriber) -> None:
        """Unsubscribe; unknown filters are ignored."""
        if has_wildcard(topic_filter):
            entry = self._wild.get(topic_filter)
            subscribers = entry[1] if entry else None
            table: dict = self._wild
        else:
            subscribers = self._exact.get(topic_filter)
            table = self._exact
        if subscribers is not None:
            subscribers.pop(subscriber, None)
            if not subscribers:
                del table[topic_filter]

    def match(self, topic: str) -> dict[Subscriber, int]:
        """Return each subscriber whose filters match the topic, with its highest granted QoS."""
        exact = self._exact.get(topic)
        found = dict(exact) if exact else {}
        if self._wild:
            topic_levels = topic.split("/")
            for filter_levels, subscribers in self._wild.values():
                if levels_match(filter_levels, topic_levels):
                    for subscriber, qos in subscribers.items():
                        if qos > found.get(subscriber, -1):
                            found[subscriber] = qos
        return found

    def __len__(self) -> int:
        return sum(len(s) for s in self._exact.values()) + sum(len(s) for _, s in self._wild.values())


class RetainedMessages:
    """Keep the last retained message of each topic."""

    def __init__(self) -> None:
        self._messages: dict[str, Message] = {}

    def store(self, message: Message) -> None:
        """Retain the message, or forget the topic's message if the payload is empty."""
        if message.payload:
            self._messages[message.topic] = message
        else:
            self._messages.pop(message.topic, None)

    def matching(self, topic_filter: str) -> list[Message]:
        """Return the retained messages a new subscription to the filter should receive."""
        if not has_wildcard(topic_filter):
            found = self._messages.get(topic_filter)
            return [found] if found else []
        filter_levels = topic_filter.split("/")
        return [m for t, m in self._messages.items() if levels_match(filter_levels, t.split("/"))]

    def __len__(self) -> int:
        return len(self._messages)
