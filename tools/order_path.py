"""Follow one kiosk order from the MQTT callback to the screens and count the parts it passes through.

    .venv/bin/python tools/order_path.py

Builds a hub on a throwaway SQLite database with the demo catalog (no broker: the consumer's
connection is a recorder), sends one order through the consumer as a kiosk would, and watches every
call inside hub/ while the second order runs (the first warms the catalog cache). Prints the modules
in the order the order reached them, then one JSON line:

- `parts`: modules of hub/ the order passed through;
- `hops`: calls from one module into another;
- `calls_up`: calls from a lower layer into a higher one (entrypoints 4 > bootstrap 3 > adapters 2 >
  services 1 > domain and contracts 0); `calls_up_to_ports` of them reach an adapter through a port
  the service was given (a repository, the clock), which is what ports are for, and
  `calls_up` from the live-screen outlet into the Socket.IO server are where the path ends; the rest,
  `callbacks_up`, are callbacks that turn the flow back up.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hub.adapters.db.migrate import upgrade  # noqa: E402
from hub.adapters.mqtt.connection import ReceivedMessage  # noqa: E402
from hub.bootstrap import bootstrap  # noqa: E402
from hub.config import load_settings  # noqa: E402
from hub.contracts.envelope import envelope  # noqa: E402
from hub.demo import DEMO_CATALOG  # noqa: E402
from hub.entrypoints.catalog_import import import_catalog  # noqa: E402
from hub.entrypoints.mqtt_consumer import MqttConsumer  # noqa: E402
from hub.entrypoints.web.app import create_app  # noqa: E402

LAYERS = {"entrypoints": 4, "bootstrap": 3, "adapters": 2, "services": 1, "domain": 0, "contracts": 0}
HUB = ROOT / "hub"
SCREENS = "hub.entrypoints.web."  # where the order's path ends: the live screens' sockets


class Recorder:
    """Stands in for the broker connection: keeps what the consumer publishes and acknowledges."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def publish(self, topic: str, message: dict, *, retain: bool = False) -> None:
        self.sent.append((topic, message.get("type", "")))

    def ack(self, message: ReceivedMessage) -> None:
        self.sent.append(("ack", str(message.mid)))


def module_of(filename: str) -> str | None:
    """hub/services/kitchen.py -> hub.services.kitchen; None outside hub/."""
    path = Path(filename)
    if path.suffix != ".py" or HUB not in path.parents:
        return None
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    """The layer a hub module belongs to."""
    return LAYERS.get(module.split(".")[1], 0)


def order_message(mid: int) -> ReceivedMessage:
    """A kiosk's order for a medium latte, as it arrives on the broker."""
    request = envelope("order.submit", {"order_id": str(uuid.uuid4()), "origin": "kiosk", "fulfilment": "takeaway",
                                        "lines": [{"sku": "LATTE-M", "qty": 1}]})
    return ReceivedMessage("passline/path/device/kiosk-1/out/order", json.dumps(request).encode(), mid, 1, False)


def follow(consumer: MqttConsumer) -> tuple[list[str], list[tuple[str, str, str]]]:
    """Run one order through the consumer; return modules in first-reached order and every cross-module call."""
    reached: list[str] = []
    calls: list[tuple[str, str, str]] = []
    lock = threading.Lock()

    def watch(frame, event, arg):
        if event != "call":
            return
        callee = module_of(frame.f_code.co_filename)
        if callee is None or frame.f_code.co_name == "<genexpr>":
            return  # a generator handed to a function resumes there: a lazy argument, not a call back
        caller_frame = frame.f_back
        while caller_frame is not None and module_of(caller_frame.f_code.co_filename) is None:
            caller_frame = caller_frame.f_back  # through a library (SQLAlchemy, the stdlib) back to our code
        caller = module_of(caller_frame.f_code.co_filename) if caller_frame is not None else None
        with lock:
            if callee not in reached:
                reached.append(callee)
            if caller is not None and caller != callee:
                calls.append((caller, callee, frame.f_code.co_name))

    threading.setprofile(watch)
    sys.setprofile(watch)
    try:
        consumer._handle([order_message(2)])
    finally:
        sys.setprofile(None)
        threading.setprofile(None)
    return reached, calls


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="passline-path-") as folder:
        settings = load_settings({"PASSLINE_STORE": "path", "PASSLINE_DATA_DIR": str(Path(folder) / "data"),
                                  "PASSLINE_BROKER_PORT": "0"})
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        upgrade(settings.database_url)
        import_catalog(settings, DEMO_CATALOG)
        hub = bootstrap(settings)
        create_app(hub=hub)  # the screens' side: live updates go out through its Socket.IO server
        try:
            consumer = MqttConsumer(hub.bus, hub.presence, settings.store)
            recorder = Recorder()
            consumer.connection = recorder
            consumer._handle([order_message(1)])  # warm: imports, the catalog cache
            recorder.sent.clear()
            reached, calls = follow(consumer)
        finally:
            hub.stop()
    if ("ack", "2") not in recorder.sent:
        print("the order was not acknowledged: the path below is not the order's", file=sys.stderr)
        return 1
    hops = len(calls)
    up = [(a, b, name) for a, b, name in calls if layer_of(b) > layer_of(a)]
    up_to_ports = [call for call in up if call[1].startswith("hub.adapters.")]
    to_screens = [call for call in up if call[0].startswith("hub.adapters.") and call[1].startswith(SCREENS)]
    callbacks = sorted({f"{a} -> {b}.{name}" for a, b, name in up
                        if not b.startswith("hub.adapters.") and (a, b, name) not in to_screens})
    print(f"An order from a kiosk reached {len(reached)} modules of hub/, in this order:")
    for module in reached:
        print(f"  {layer_of(module)}  {module}")
    print(f"{hops} calls crossed from one module into another; {len(up)} went up a layer, "
          f"{len(up_to_ports)} of them into an adapter through a port, "
          f"{len(to_screens)} from the outlet to the screens' sockets.")
    if callbacks:
        print("Callbacks that turn the flow back up:")
        for line in callbacks:
            print(f"  {line}")
    print(json.dumps({"parts": len(reached), "hops": hops, "calls_up": len(up),
                      "calls_up_to_ports": len(up_to_ports), "callbacks_up": len(callbacks)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
