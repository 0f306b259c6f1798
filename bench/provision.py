"""Enrol N device agents at once through the claim exchange, then revoke them; print how long each step took.

    .venv/bin/python bench/provision.py [--agents 50]

Starts the hub as store IT runs it (`passline serve`, its supervised Mosquitto), makes one claim code per
agent as the owner, and lets every agent at once: claim its code over HTTP (each from its own loopback
address, as agents on their own boards would, so the per-address claim limit does not count them as one),
log in to the broker with what it got, submit an order on its own topic and wait for the hub's reply.
Then revokes every agent and times until the broker drops its connection. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hub.contracts import topics  # noqa: E402
from hub.contracts.envelope import envelope  # noqa: E402
from tests.support.devices import order_data  # noqa: E402
from tests.support.hub_process import HubProcess  # noqa: E402

WAIT_S = 30.0  # upper bound for any one step; a run that needs it has failed


class Agent:
    """One enrolling agent: claims, logs in, sends an order, and notices when the broker drops it."""

    def __init__(self, hub: HubProcess, index: int, code: str) -> None:
        self.hub, self.device_id, self.code = hub, f"bench-agent-{index}", code
        self.source = f"127.0.0.{2 + index % 250}"
        self.replied = threading.Event()
        self.dropped = threading.Event()
        self.claim_to_reply_s: float | None = None
        self.client: mqtt.Client | None = None

    def enrol(self) -> None:
        """Claim the code, log in with the login it brings, submit one order and wait for the reply."""
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.hub.http_port, timeout=WAIT_S,
                                                source_address=(self.source, 0))
        connection.request("POST", "/api/v1/devices/claim", json.dumps({"code": self.code}),
                           {"Content-Type": "application/json"})
        reply = connection.getresponse()
        body = json.loads(reply.read())
        connection.close()
        if reply.status != 200:
            raise RuntimeError(f"{self.device_id}: claim answered {reply.status}: {body}")
        login = urlsplit(body["mqtt"]["url"])
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=self.device_id)
        client.username_pw_set(body["mqtt"]["username"], body["mqtt"]["password"])
        client.on_message = lambda *_: self.replied.set()
        client.on_disconnect = lambda *_: self.dropped.set()
        subscribed = threading.Event()
        client.on_subscribe = lambda *_: subscribed.set()
        client.on_connect = lambda c, *_: c.subscribe(topics.device_in(self.hub.store, self.device_id, "reply"), 1)
        client.connect(login.hostname, login.port)
        client.loop_start()
        self.client = client
        if not subscribed.wait(WAIT_S):
            raise RuntimeError(f"{self.device_id}: could not subscribe to its replies")
        order = order_data(origin="kiosk")
        client.publish(topics.device_out(self.hub.store, self.device_id, "order"),
                       json.dumps(envelope("order.submit", order)), qos=1)
        if not self.replied.wait(WAIT_S):
            raise RuntimeError(f"{self.device_id}: no reply to its order")
        self.claim_to_reply_s = time.monotonic() - started


def run(agents: int) -> dict:
    """Enrol and revoke the agents on a fresh hub; return the figures."""
    with tempfile.TemporaryDirectory() as folder:
        hub = HubProcess(Path(folder) / "hub", store="bench")
        hub.prepare()
        hub.start()
        try:
            fleet = []
            for index in range(agents):
                status, made = hub.api("POST", "/api/v1/devices", {"device_id": f"bench-agent-{index}", "role": "agent"})
                assert status == 201, made
                fleet.append(Agent(hub, index, made["claim_code"]))
            failures: list[str] = []

            def enrol(agent: Agent) -> None:
                try:
                    agent.enrol()
                except Exception as exc:  # noqa: BLE001 - counted and shown, the others go on
                    failures.append(str(exc))

            threads = [threading.Thread(target=enrol, args=(agent,)) for agent in fleet]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(WAIT_S * 3)
            enrolled = [a for a in fleet if a.claim_to_reply_s is not None]
            revoke_s = []
            for agent in enrolled:
                started = time.monotonic()
                status, answer = hub.api("POST", f"/api/v1/devices/{agent.device_id}/revoke")
                assert status == 200, answer
                if agent.dropped.wait(WAIT_S):
                    revoke_s.append(time.monotonic() - started)
                agent.client.loop_stop()
            firsts = [a.claim_to_reply_s for a in enrolled]
            for problem in failures[:5]:
                print(problem, file=sys.stderr)
            return {
                "agents": agents,
                "enrolled": len(enrolled),
                "claim_to_first_message_p50_s": round(statistics.median(firsts), 3) if firsts else None,
                "claim_to_first_message_max_s": round(max(firsts), 3) if firsts else None,
                "revoked_and_disconnected": len(revoke_s),
                "revoke_to_disconnect_p50_s": round(statistics.median(revoke_s), 3) if revoke_s else None,
                "revoke_to_disconnect_max_s": round(max(revoke_s), 3) if revoke_s else None,
            }
        finally:
            hub.stop()


def main() -> None:
    """Parse the options, run, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=50)
    figures = run(parser.parse_args().agents)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
