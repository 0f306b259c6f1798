"""Live connections are limited per source address and in all; a closed or refused one stops counting."""

from __future__ import annotations

from hub.entrypoints.web.socket_limits import SocketLimits


class FakeEngineIO:
    """The two Engine.IO handlers Socket.IO registers, and how Engine.IO calls them."""

    def __init__(self, accept: bool = True) -> None:
        self.handlers = {"connect": lambda sid, environ: None if accept else False,
                         "disconnect": lambda sid, reason: None}
        self.disconnected: list[str] = []

    def on(self, event, handler):
        self.handlers[event] = handler

    def connect(self, sid: str, address: str):
        return self.handlers["connect"](sid, {"REMOTE_ADDR": address})

    def disconnect(self, sid: str):
        return self.handlers["disconnect"](sid, "transport close")


def test_an_address_over_its_limit_is_refused_in_words_while_others_connect():
    eio = FakeEngineIO()
    limits = SocketLimits(per_address=2, total=10).install(eio)

    answers = [eio.connect(f"s{k}", "10.0.0.7") for k in range(3)]

    assert answers[:2] == [None, None]
    assert answers[2] == {"code": "too_many_connections",
                          "message": "Too many live connections from 10.0.0.7: it already has 2 open. "
                                     "Close a screen there, or wait a minute for closed ones to time out."}
    assert eio.connect("s9", "10.0.0.8") is None
    assert limits.open_from("10.0.0.7") == 2


def test_the_hub_refuses_past_its_total_whoever_asks():
    eio = FakeEngineIO()
    SocketLimits(per_address=5, total=3).install(eio)

    answers = [eio.connect(f"s{k}", f"10.0.0.{k}") for k in range(4)]

    assert answers[:3] == [None, None, None]
    assert answers[3]["message"].startswith("The hub already serves 3 live connections, its limit.")


def test_a_closed_connection_frees_its_place():
    eio = FakeEngineIO()
    limits = SocketLimits(per_address=1, total=10).install(eio)
    eio.connect("a", "10.0.0.7")

    eio.disconnect("a")

    assert limits.open_from("10.0.0.7") == 0
    assert eio.connect("b", "10.0.0.7") is None


def test_a_connection_the_app_refuses_does_not_count():
    eio = FakeEngineIO(accept=False)
    limits = SocketLimits(per_address=1, total=10).install(eio)

    assert eio.connect("a", "10.0.0.7") is False
    assert limits.open_from("10.0.0.7") == 0
