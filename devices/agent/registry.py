"""Map the `type` of a [[hardware]] table in the agent config to its Hardware class."""

from __future__ import annotations

import importlib

from devices.agent.hardware_interface import Hardware

# "module:Class", imported only when a config uses the type, so one driver's missing
# library (e.g. libusb) never stops the agent from driving the others.
HARDWARE_TYPES: dict[str, str] = {
    "escpos": "devices.printers.escpos_printer:EscposPrinter",
    "bumpbar": "devices.peripherals.bumpbar:SerialBumpBar",
    "scanner": "devices.peripherals.scanner:SerialScanner",
    "keyboard_scanner": "devices.peripherals.scanner:KeyboardScanner",
    "pole": "devices.peripherals.pole:PoleDisplay",
    "zvt": "devices.agent.terminal:ZvtTerminal",
}


class UnknownHardwareType(ValueError):
    """The config names a hardware type the agent does not know."""


def hardware_class(type_name: str) -> type[Hardware]:
    """Return the Hardware class for a config `type`."""
    try:
        target = HARDWARE_TYPES[type_name]
    except KeyError:
        known = ", ".join(sorted(HARDWARE_TYPES))
        raise UnknownHardwareType(f"unknown hardware type {type_name!r} (known: {known})") from None
    module_name, _, class_name = target.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    if not (isinstance(cls, type) and issubclass(cls, Hardware)):
        raise UnknownHardwareType(f"{target} is not a Hardware class")
    return cls
