"""Many open screens: the HTTP API still answers, and one address cannot take every live connection.

Against the real hub (`passline serve`, its gevent worker and supervised Mosquitto), with real
websockets from several loopback addresses, as screens on their own network ports.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
from pathlib import Path

import pytest
import websocket

from hub.entrypoints.web.socket_limits import PER_ADDRESS
from tests.conftest import require_mosquitto
from tests.support.devices import order_data
from tests.support.hub_process import HubProcess

pytestmark = pytest.mark.mosquitto

IDLE_SCREENS = 150  # more than twice the 64 threads that froze the API before (issue 15)
WAIT_S = 10.0


@pytest.fixture
def served(tmp_path: Path):
    require_mosquitto()
    hub = HubProcess(tmp_path / "hub")
    hub.prepare()
    hub.start()
    yield hub
    hub.stop()


def live_socket(hub: HubProcess, address: str, cookie: str | None = None) -> websocket.WebSocket:
    """Open an Engine.IO websocket from a loopback address and read its open packet."""
    sock = socket.create_connection(("127.0.0.1", hub.http_port), timeout=WAIT_S, source_address=(address, 0))
    ws = websocket.create_connection(f"ws://127.0.0.1:{hub.http_port}/socket.io/?EIO=4&transport=websocket",
                                     socket=sock, timeout=WAIT_S, cookie=cookie)
    assert ws.recv().startswith("0"), "the hub did not open an Engine.IO session"
    return ws


def new_connection(hub: HubProcess, address: str) -> tuple[int, dict | str]:
    """Ask for a new live connection from an address, as a browser's first polling request does."""
    connection = http.client.HTTPConnection("127.0.0.1", hub.http_port, timeout=WAIT_S, source_address=(address, 0))
    connection.request("GET", "/socket.io/?EIO=4&transport=polling")
    reply = connection.getresponse()
    body = reply.read().decode()
    connection.close()
    return reply.status, json.loads(body) if reply.getheader("Content-Type") == "application/json" else body


def screen_cookie(hub: HubProcess, device_id: str, role: str, address: str) -> str:
    """Enrol a screen with a claim code, claimed from its own address; return its device cookie."""
    connection = http.client.HTTPConnection("127.0.0.1", hub.http_port, timeout=WAIT_S, source_address=(address, 0))
    connection.request("POST", "/api/v1/devices/claim", json.dumps({"code": hub.claim_code(device_id, role)}),
                       {"Content-Type": "application/json"})
    reply = connection.getresponse()
    reply.read()
    assert reply.status == 200
    return reply.getheader("Set-Cookie").split(";")[0]


def join(ws: websocket.WebSocket, view: str) -> None:
    """Connect the `/displays` namespace and join a view, reading up to the snapshot."""
    ws.send("40/displays,")
    while not ws.recv().startswith("40/displays,"):
        pass
    ws.send('42/displays,1["join",{"view":"%s"}]' % view)
    while not (frame := ws.recv()).startswith("43/displays,1"):
        pass
    assert json.loads(frame[len("43/displays,1"):])[0]["ok"]


def change_for(ws: websocket.WebSocket, order_id: str) -> dict:
    """Read a display's frames until the change that shows an order."""
    while True:
        frame = ws.recv()
        if frame == "2":
            ws.send("3")
        elif frame.startswith('42/displays,["change"'):
            change = json.loads(frame[len("42/displays,"):])[1]
            if change["order_id"] == order_id:
                return change


def test_one_address_cannot_take_every_live_connection(served):
    crowd = [live_socket(served, "127.0.0.7") for _ in range(PER_ADDRESS)]

    status, refusal = new_connection(served, "127.0.0.7")

    assert status == 401
    assert refusal["code"] == "too_many_connections"
    assert refusal["message"].startswith(f"Too many live connections from 127.0.0.7: it already has {PER_ADDRESS} open.")
    assert f"refused a live connection: Too many live connections from 127.0.0.7" in served.log()
    other = live_socket(served, "127.0.0.8")  # the screens at other addresses are not shut out
    crowd[0].close()
    deadline = time.monotonic() + WAIT_S
    while (status := new_connection(served, "127.0.0.7")[0]) != 200 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert status == 200, "a closed connection still counted against its address"
    for ws in [*crowd[1:], other]:
        ws.close()


def test_api_answers_while_many_idle_screens_are_open(served):
    cookie = screen_cookie(served, "kds-bar", "display", "127.0.1.1")
    addresses = [f"127.0.2.{1 + k // PER_ADDRESS}" for k in range(IDLE_SCREENS)]
    screens = [live_socket(served, address, cookie) for address in addresses]
    for ws in screens:
        join(ws, "kds:bar")

    status, health = served.api("GET", "/api/v1/health")
    order = order_data()
    created, accepted = served.api("POST", "/api/v1/orders", order)

    assert status in (200, 503) and health["checks"], "no health report while the screens were open"
    assert created == 201 and accepted["number"] == "A001"
    for ws in screens:  # and every idle screen shows the new order
        assert change_for(ws, order["order_id"])["view"] == "kds:bar"
        ws.close()
