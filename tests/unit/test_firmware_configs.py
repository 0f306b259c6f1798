"""Shipped device configs speak Passline's topics and payloads, checked against the contracts."""

from __future__ import annotations

import json
import re
import tomllib
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from devices.agent.config import parse_config
from devices.agent.registry import hardware_class
from devices.printers.profiles import PROFILES_DIR, load_profile
from hub.contracts import topics
from hub.contracts.device_events import BUMP_KEYS, KeyPressed
from hub.contracts.envelope import Envelope
from hub.contracts.presence import DeviceStatus

FIRMWARE = Path(__file__).resolve().parents[2] / "firmware_configs"
ESPHOME = sorted((FIRMWARE / "esphome").glob("*.yaml"))


class _EsphomeLoader(yaml.SafeLoader):
    """Read ESPHome YAML: its !secret and !lambda tags become plain strings."""


_EsphomeLoader.add_multi_constructor("!", lambda loader, tag, node: loader.construct_scalar(node))


def esphome(path: Path) -> dict:
    text = path.read_text()
    subs = yaml.load(text, Loader=_EsphomeLoader)["substitutions"]
    for key, value in subs.items():
        text = text.replace("${%s}" % key, str(value))
    config = yaml.load(text, Loader=_EsphomeLoader)
    config["_subs"] = subs
    return config


def lambda_json(code: str) -> dict:
    """Rebuild the JSON a publish_json lambda writes, with a UUID from its format string and a time."""
    fmt = re.search(r'"(%08x-[^"]+)"', code).group(1)
    made_id = fmt % (0xDEADBEEF, 0xBEEF, 0x123, 0x456, 0xCAFEBABE, 0xF00D)
    values = {"uuid": made_id, "nullptr": None}
    message: dict = {"data": {}}
    for target, key, value in re.findall(r'(root|data)\["(\w+)"\] = ([^;]+);', code):
        if value.startswith("id(sntp_time)"):
            parsed = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        elif value in values:
            parsed = values[value]
        else:
            parsed = json.loads(value)
        (message if target == "root" else message["data"])[key] = parsed
    return message


@pytest.mark.parametrize("path", ESPHOME, ids=lambda p: p.name)
def test_esphome_status_is_retained_with_an_offline_will_on_its_status_topic(path):
    config = esphome(path)
    store, device_id = config["_subs"]["store"], config["_subs"]["device_id"]
    mqtt = config["mqtt"]
    assert mqtt["username"] == device_id  # a device logs in as its device id (the ACL's %u)
    for key, state in (("birth_message", "online"), ("will_message", "offline")):
        message = mqtt[key]
        assert message["topic"] == topics.device_status(store, device_id) and message["retain"] is True
        envelope = Envelope.model_validate_json(message["payload"])
        assert envelope.type == "device.status"
        assert DeviceStatus.model_validate(envelope.data).state == state


def test_ready_light_listens_to_the_ready_broadcast():
    config = esphome(FIRMWARE / "esphome" / "order-ready-light.yaml")
    [listener] = config["mqtt"]["on_json_message"]
    assert listener["topic"] == topics.broadcast(config["_subs"]["store"], "ready")
    assert 'x["type"] == "ready"' in listener["then"][0]["if"]["condition"]["lambda"]


@pytest.mark.parametrize("name, key", [("pager-call-button.yaml", "call"), ("bump-box.yaml", "bump")])
def test_buttons_send_key_pressed_envelopes_the_hub_accepts(name, key):
    config = esphome(FIRMWARE / "esphome" / name)
    [sensor] = config["binary_sensor"]
    [action] = sensor["on_press"]
    publish = action["mqtt.publish_json"]
    assert publish["topic"] == topics.device_out(config["_subs"]["store"], config["_subs"]["device_id"], "event")
    envelope = Envelope.model_validate(lambda_json(publish["payload"]))
    assert envelope.type == "key.pressed" and uuid.UUID(str(envelope.id)).version == 4
    pressed = KeyPressed.model_validate(envelope.data)
    assert pressed.key == key and pressed.key in BUMP_KEYS


@pytest.mark.parametrize("path", sorted(PROFILES_DIR.glob("*.toml")), ids=lambda p: p.stem)
def test_printer_profiles_name_a_python_escpos_model_that_has_their_code_page(path):
    from escpos.printer import Dummy

    profile = load_profile(path.stem)
    printer = Dummy(profile=profile.escpos_profile)
    assert profile.code_page in printer.profile.profile_data["codePages"].values()
    assert printer.profile.profile_data["fonts"]["0"]["columns"] == profile.columns


def test_agent_template_loads_and_every_hardware_type_builds(tmp_path):
    data = tomllib.loads((FIRMWARE / "agent" / "agent.toml.template").read_text())
    config = parse_config(data, tmp_path)
    assert config.device_id == "printers-1"
    for hw in config.hardware:
        hardware_class(hw.type)(hw.name, {**hw.options, "state_dir": str(tmp_path / hw.name)}, lambda *_: None)
    commented = re.findall(r'^# type = "(\w+)"', (FIRMWARE / "agent" / "agent.toml.template").read_text(), re.M)
    assert {hardware_class(t).kind for t in commented} == {"bumpbar", "scanner", "display"}
