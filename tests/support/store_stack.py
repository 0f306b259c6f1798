"""A whole store for browser tests: the hub under gunicorn with its supervised Mosquitto, printers,
payment terminals and the device agents driving them, wired up the way store IT would."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from devices.simulators.escpos_decoder import decode
from devices.simulators.printer import PrinterSimulator
from devices.simulators.zvt_terminal import TcpTerminal, ZvtTerminalSimulator
from tests.support.agent_process import AgentProcess, write_agent_config
from tests.support.hub_process import PASSLINE, HubProcess, prepared_hub

KIOSK = "kiosk-1"
COUNTER = "counter-1"
DEMO_STAFF = (("Sam", "cashier", "1111"), ("Morgan", "manager", "9999"))


@dataclass
class Till:
    """A kiosk or counter's own hardware: a receipt printer (with the cash drawer) and a card terminal."""

    device_id: str
    printer: PrinterSimulator
    terminal: ZvtTerminalSimulator
    line: TcpTerminal
    agent: AgentProcess | None = None

    @property
    def agent_id(self) -> str:
        """Return the device id of the agent next to this till."""
        return f"{self.device_id}-agent"

    def receipt_text(self) -> str:
        """Return the text of everything this till's printer put on paper."""
        return "\n".join(doc.text for doc in decode(bytes(self.printer.printed)))

    def drawer_kicks(self) -> list:
        """Return every drawer kick the printer got."""
        return [kick for doc in decode(bytes(self.printer.printed)) for kick in doc.drawer_kicks]


@dataclass
class StoreStack:
    """The hub, a kitchen printer, a kiosk and a counter with their hardware, and their agents."""

    root: Path
    frontdesk_toml: str = ""
    hub: HubProcess = field(init=False)
    kitchen_printer: PrinterSimulator = field(init=False)
    tills: dict[str, Till] = field(default_factory=dict)
    agents: list[AgentProcess] = field(default_factory=list)

    def start(self) -> StoreStack:
        """Start everything and wire it up; raise naming the step that failed."""
        self.hub = prepared_hub(self.root / "hub", frontdesk_toml=self.frontdesk_toml)
        for name, role, pin in DEMO_STAFF:
            self.passline("staff", "add", name, "--role", role, "--pin", pin)
        self.hub.start()
        self.kitchen_printer = PrinterSimulator(port=0, name="kitchen").start()
        self._agent("kitchen-agent", [{"name": "kitchen", "type": "escpos", "connection": self.kitchen_printer.url,
                                                 "poll_s": 5}])
        for number, device_id in enumerate((KIOSK, COUNTER), start=1):
            terminal = ZvtTerminalSimulator(terminal_id=f"5250000{number}")  # each terminal has its own id, as in a store
            till = Till(device_id, PrinterSimulator(port=0, name=f"{device_id}-receipt").start(), terminal,
                        TcpTerminal(terminal, port=0).start())
            till.agent = self._agent(till.agent_id, [
                {"name": "receipt", "type": "escpos", "connection": till.printer.url, "poll_s": 5},
                {"name": "terminal", "type": "zvt", "connection": till.line.url, "completion_timeout_s": 20.0,
                 "recovery_window_s": 10.0, "health_interval_s": 0, "state_file": str(self.root / f"{device_id}-zvt.json")},
            ])
            self.tills[device_id] = till
        self.wait_online([agent_id for agent_id in ("kitchen-agent", *(t.agent_id for t in self.tills.values()))])
        self._wire()
        return self

    def _agent(self, device_id: str, hardware: list[dict]) -> AgentProcess:
        config = write_agent_config(self.root / f"{device_id}.toml", device_id=device_id, store=self.hub.store,
                                    mqtt_url=self.hub.device_url(device_id), spool_dir=self.root / f"{device_id}-spool", hardware=hardware)
        agent = AgentProcess(config).start()
        self.agents.append(agent)
        return agent

    def _wire(self) -> None:
        printer = {"device_id": "kitchen-agent", "hardware": "kitchen"}
        self.call("PUT", "/api/v1/printing/routes/kitchen_ticket/*", {"printer": printer})
        for till in self.tills.values():
            mine = {"device_id": till.agent_id, "hardware": "receipt"}
            self.call("PUT", f"/api/v1/payment-terminals/{till.device_id}",
                      {"agent_device_id": till.agent_id, "hardware": "terminal"})
            self.call("PUT", f"/api/v1/printing/routes/receipt/{till.device_id}", {"printer": mine})
        self.call("PUT", f"/api/v1/cash-drawers/{COUNTER}", {"printer": {"device_id": self.tills[COUNTER].agent_id,
                                                                          "hardware": "receipt"}, "pin": 2})

    def passline(self, *args: str) -> str:
        """Run a `passline` command against this store's hub, as store IT would; raise with its output."""
        done = subprocess.run([PASSLINE, *args], env=self.hub.env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"passline {' '.join(args[:2])} failed ({done.returncode}): {done.stdout}{done.stderr}")
        return done.stdout

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        """Call the hub's HTTP API; raise naming the call and the hub's answer when it is not a success."""
        status, answer = self.hub.api(method, path, body)
        if status >= 300:
            raise RuntimeError(f"{method} {path} answered {status}: {answer}")
        return answer

    def wait_online(self, device_ids: list[str], timeout: float = 30) -> None:
        """Wait until the hub sees every device online."""
        deadline = time.monotonic() + timeout
        missing = set(device_ids)
        while time.monotonic() < deadline:
            online = {d["device_id"] for d in self.call("GET", "/api/v1/devices")["devices"] if d["online"]}
            missing = set(device_ids) - online
            if not missing:
                return
            time.sleep(0.2)
        raise TimeoutError(f"devices never came online: {sorted(missing)}")

    def kitchen_text(self) -> str:
        """Return the text of every kitchen ticket printed."""
        return "\n".join(doc.text for doc in decode(bytes(self.kitchen_printer.printed)))

    def stop(self) -> None:
        """Stop agents, simulators and the hub."""
        for agent in self.agents:
            agent.stop()
        for till in self.tills.values():
            till.line.stop()
            till.printer.stop()
        self.kitchen_printer.stop()
        self.hub.stop()

    def logs(self) -> str:
        """Return the tail of the hub's and the agents' logs, for a failing test's report."""
        parts = [f"--- hub ---\n{self.hub.log()[-3000:]}"]
        parts += [f"--- {agent.config_path.stem} ---\n{agent.log()[-1500:]}" for agent in self.agents]
        return "\n".join(parts)


@contextmanager
def running_store(root: Path, frontdesk_toml: str = "") -> Iterator[StoreStack]:
    """Start a StoreStack; at the end, or when it fails to start, print its logs and stop what it started."""
    stack = StoreStack(root, frontdesk_toml)
    try:
        stack.start()
        yield stack
    finally:
        with suppress(AttributeError):  # it failed before the hub existed
            print(stack.logs())
        with suppress(AttributeError):  # or before its kitchen printer did
            stack.stop()
