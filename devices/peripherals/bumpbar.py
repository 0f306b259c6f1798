"""A serial bump bar: each key press becomes a `key.pressed` event for the station's display."""

from __future__ import annotations

from devices.agent.hardware_interface import Report
from devices.peripherals.serial_reader import SerialInput
from hub.contracts.device_events import BUMP_KEYS, KEY_PRESSED

# What most serial bump bars send out of the box: one ASCII character per key.
# Override per model with a [hardware.keys] table, e.g. keys = { "1" = "bump" }.
DEFAULT_KEYS = {"B": "bump", "R": "recall", "U": "up", "D": "down", "L": "left", "G": "right", "\r": "enter",
                "S": "start", "P": "rush", "C": "clear"}


class SerialBumpBar(SerialInput):
    """A bump bar on a serial port."""

    kind = "bumpbar"
    what = "bump bar"

    def __init__(self, name: str, options: dict, report: Report) -> None:
        super().__init__(name, options, report)
        keys = options.get("keys") or DEFAULT_KEYS
        for key in keys.values():
            if key not in BUMP_KEYS:
                raise ValueError(f"hardware {name!r}: key {key!r} must be one of {', '.join(BUMP_KEYS)}")
        self.keys = {str(char): key for char, key in keys.items()}
        self.station = options.get("station")

    def feed(self, data: bytes) -> None:
        """Report one key.pressed per byte."""
        for byte in data:
            char = chr(byte)
            if char == "\n":
                continue  # some bars send CR LF after each key
            key = self.keys.get(char, f"key{byte}")
            self.report(KEY_PRESSED, {"hardware": self.name, "key": key, "station": self.station})
