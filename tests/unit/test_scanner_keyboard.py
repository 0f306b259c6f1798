"""A keyboard-wedge scanner read as Linux input events (fed through a FIFO in place of /dev/input)."""

from __future__ import annotations

import os
import queue
import struct

from devices.peripherals.scanner import KeyboardScanner

EVENT = struct.Struct("llHHi")
KEYS = {"4": 5, "0": 11, "6": 7, "A": 30, "B": 48}


def press(code: int, shift: bool = False) -> bytes:
    out = b""
    if shift:
        out += EVENT.pack(0, 0, 1, 42, 1)
    out += EVENT.pack(0, 0, 1, code, 1) + EVENT.pack(0, 0, 1, code, 0) + EVENT.pack(0, 0, 0, 0, 0)
    if shift:
        out += EVENT.pack(0, 0, 1, 42, 0)
    return out


def test_keystrokes_up_to_enter_become_one_scan(tmp_path):
    fifo = tmp_path / "event-kbd"
    os.mkfifo(fifo)
    scans: queue.Queue = queue.Queue()
    scanner = KeyboardScanner("door", {"device": str(fifo)}, lambda t, d: scans.put((t, d)))
    scanner.start()
    writer = os.open(fifo, os.O_WRONLY)
    try:
        os.write(writer, press(KEYS["4"]) + press(KEYS["0"]) + press(KEYS["6"]) + press(KEYS["A"], shift=True)
                 + press(KEYS["B"]) + press(28))
        assert scans.get(timeout=5) == ("scan", {"hardware": "door", "code": "406Ab"})
        assert scanner.health()["online"] is True
    finally:
        scanner.stop()
        os.close(writer)
