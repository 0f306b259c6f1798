"""Run the agent: python -m devices.agent --config agent.toml [--claim CODE --hub URL]."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import ssl
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

from devices.agent.config import AgentConfigError, load_config, write_enrolment

CLAIM_TIMEOUT_S = 15.0  # the hub makes a broker login while we wait: seconds, not minutes
CA_FILE_NAME = "store-ca.pem"  # the store CA from the claim answer, kept next to the config file
LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0", "::"}


class ClaimFailed(Exception):
    """The claim exchange did not give this agent a login; the message says why in words."""


def main(argv: list[str] | None = None) -> int:
    """Enrol with a claim code if given, then run the agent until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(prog="passline agent", description="Run a Passline device agent.")
    parser.add_argument("--config", type=Path, default=Path("agent.toml"), help="agent TOML (default ./agent.toml)")
    parser.add_argument("--claim", metavar="CODE", help="enrol first: exchange this claim code with the hub")
    parser.add_argument("--hub", metavar="URL", help="the hub's address for --claim, e.g. http://hub.local:8000")
    parser.add_argument("--ca", type=Path, metavar="FILE",
                        help="the store CA (the hub's tls/ca.crt) to check an https:// hub against for --claim")
    args = parser.parse_args(argv)
    return claim_and_run(args.config, args.claim, args.hub, args.ca)


def claim_and_run(config_path: Path, code: str | None, hub_url: str | None, ca_file: Path | None = None) -> int:
    """Exchange a claim code (when given) and keep the login in the config file, then run the agent."""
    if code is not None:
        if not hub_url:
            print("passline agent: --hub is required with --claim (the hub's address, e.g. http://hub.local:8000)",
                  file=sys.stderr)
            return 2
        try:
            enrol(config_path, code, hub_url, ca_file)
        except (ClaimFailed, AgentConfigError, OSError) as exc:
            print(f"passline agent: not enrolled: {exc}", file=sys.stderr)
            return 2
        print(f"enrolled: the broker login is kept in {config_path} (mode 0600)")
    return run_agent(config_path)


def enrol(config_path: Path, code: str, hub_url: str, ca_file: Path | None = None) -> dict:
    """POST the claim to the hub, write what came back into the config file (0600); return the reply.

    When the hub serves TLS the answer carries the store CA: it is kept next to the config file and
    the broker's certificate is verified against it from then on.
    """
    reply = exchange_claim(code, hub_url, ca_file)
    mqtt, config = reply.get("mqtt"), reply.get("config") or {}
    if not isinstance(mqtt, dict) or not config.get("store"):
        raise ClaimFailed(f"the hub enrolled {reply.get('device_id')} as {reply.get('role')}, which has no broker login: "
                          "this code is not for an agent")
    kept_ca = None
    if isinstance(mqtt.get("ca"), str) and "BEGIN CERTIFICATE" in mqtt["ca"]:
        ca_path = Path(config_path).resolve().parent / CA_FILE_NAME
        descriptor = os.open(ca_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)  # a certificate is public
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(mqtt["ca"])
        kept_ca = CA_FILE_NAME
    write_enrolment(config_path, reply["device_id"], config["store"], login_url(mqtt, hub_url), kept_ca)
    return reply


def exchange_claim(code: str, hub_url: str, ca_file: Path | None = None) -> dict:
    """Return the hub's JSON answer to a claim, or raise ClaimFailed with its message."""
    request = urllib.request.Request(f"{hub_url.rstrip('/')}/api/v1/devices/claim", method="POST",
                                     data=json.dumps({"code": code}).encode(),
                                     headers={"Content-Type": "application/json"})
    # An https:// hub is checked against the store CA given (or the system's): the answer holds a password.
    context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    try:
        with urllib.request.urlopen(request, timeout=CLAIM_TIMEOUT_S, context=context) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        if exc.code in (301, 302, 307, 308) and exc.headers.get("Location", "").startswith("https://"):
            where = exc.headers["Location"].split("/api/v1/")[0]
            raise ClaimFailed(f"the hub answers over HTTPS only: run again with --hub {where} --ca <the store CA: "
                              "the hub's tls/ca.crt, copied here>") from None
        try:
            message = json.loads(exc.read()).get("message")
        except ValueError:
            message = None
        raise ClaimFailed(f"the hub refused the claim ({exc.code}): {message or exc.reason}") from None
    except (urllib.error.URLError, TimeoutError) as exc:
        if isinstance(getattr(exc, "reason", None), ssl.SSLCertVerificationError):
            raise ClaimFailed(f"the hub at {hub_url} did not prove who it is ({exc.reason.verify_message}): "
                              "give the store CA with --ca (the hub's tls/ca.crt)") from None
        raise ClaimFailed(f"cannot reach the hub at {hub_url}: {getattr(exc, 'reason', exc)}") from None


def login_url(mqtt: dict, hub_url: str) -> str:
    """Return mqtt://login:password@host:port; a loopback broker address becomes the hub's own host."""
    broker = urlsplit(mqtt["url"])
    host = broker.hostname or ""
    if host in LOOPBACK:
        host = urlsplit(hub_url).hostname or host
    if ":" in host:
        host = f"[{host}]"
    credentials = f"{quote(mqtt['username'], safe='')}:{quote(mqtt['password'], safe='')}"
    return f"{broker.scheme or 'mqtt'}://{credentials}@{host}:{broker.port or 1883}"


def run_agent(config_path: Path) -> int:
    """Run the agent described by config_path; return the exit code."""
    from devices.agent.registry import UnknownHardwareType
    from devices.agent.runner import Agent
    from devices.printers.profiles import ProfileError

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        agent = Agent(load_config(config_path))
    except (AgentConfigError, UnknownHardwareType, ProfileError, ValueError) as exc:
        print(f"passline agent: {exc}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: agent.request_stop())
    signal.signal(signal.SIGINT, lambda *_: agent.request_stop())
    agent.start()
    agent.wait()
    agent.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
