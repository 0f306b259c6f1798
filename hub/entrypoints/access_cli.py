"""`passline accounts add|passwd|list|disable` and `passline devices add|list|revoke`."""

from __future__ import annotations

import io
import json
import socket
import sys
from datetime import datetime, timedelta

from hub.config import Settings
from hub.domain.access import MQTT_ROLES, SCREEN_ROLES, Role
from hub.domain.moments import iso_time
from hub.domain.enrolment import (
    AccessRefused,
    AddAccount,
    ChangePassword,
    CreateClaim,
    DisableAccount,
    RevokeDevice,
    new_password,
    pairing_url,
    seen_lately,
)


def add_commands(commands) -> None:
    """Add the `accounts` and `devices` commands to the `passline` parser."""
    accounts = commands.add_parser("accounts", help="owner and store IT accounts").add_subparsers(
        required=True, metavar="ACTION", dest="action")
    add = accounts.add_parser("add", help="open an account (a strong password is made and shown once)")
    add.add_argument("name")
    add.add_argument("--role", choices=("owner", "store_it"), required=True)
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    passwd = accounts.add_parser("passwd", help="set a new password (made and shown once); signs the account out")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    listing = accounts.add_parser("list", help="show every account (never a password)")
    listing.add_argument("--json", action="store_true")
    accounts.add_parser("disable", help="stop an account signing in; its sessions end").add_argument("name")
    for command in accounts.choices.values():
        command.set_defaults(run=run_accounts)

    devices = commands.add_parser("devices", help="enrol devices with claim codes, list and revoke them").add_subparsers(
        required=True, metavar="ACTION", dest="action")
    enrol = devices.add_parser("add", help="make a one-time claim code that enrols a device")
    enrol.add_argument("device_id", metavar="ID")
    enrol.add_argument("--role", required=True, help="kiosk, counter, display, board, agent, gateway or gadget")
    enrol.add_argument("--ttl-minutes", type=int, default=30, help="how long the code is good for (default 30)")
    enrol.add_argument("--hub-url", help="the hub's address as devices reach it (default: this machine, HTTP port)")
    enrol.add_argument("--json", action="store_true", help='print {"device_id","role","claim_code","expires_at"}')
    shown = devices.add_parser("list", help="show every device: role, state, enrolled, last seen, online")
    shown.add_argument("--json", action="store_true")
    devices.add_parser("revoke", help="end a device's cookie, token and broker login now").add_argument(
        "device_id", metavar="ID")
    for command in devices.choices.values():
        command.set_defaults(run=run_devices)


def run_accounts(settings: Settings, args) -> int:
    """Run one `passline accounts` action against the store's database."""
    from hub.bootstrap import bootstrap

    hub = bootstrap(settings)
    try:
        if args.action == "list":
            with hub.uow_factory() as uow:
                accounts = uow.access.accounts()
            rows = [{"username": a.username, "role": a.role.value, "state": "active" if a.active else "disabled",
                     "created_at": iso_time(a.created_at)} for a in accounts]
            if args.json:
                print(json.dumps(rows))
            for row in [] if args.json else rows:
                print(f"{row['username']:32} {row['role']:9} {row['state']:9} since {row['created_at']}")
            if not rows and not args.json:
                print("no accounts yet: add one with `passline accounts add NAME --role owner`")
            return 0
        if args.action == "disable":
            changed = hub.bus.handle(DisableAccount(args.name))
            print(f"{args.name} is disabled{'' if changed else ' (it was already)'}; its sessions ended")
            return 0
        password, made = _password(args)
        command = AddAccount(args.name, args.role, password) if args.action == "add" else ChangePassword(args.name, password)
        account = hub.bus.handle(command)
        print(f"{'added' if args.action == 'add' else 'changed the password of'} {account.username} ({account.role.value})")
        if made:
            print(f"password (shown this once, keep it somewhere safe): {password}")
        return 0
    except AccessRefused as refusal:
        print(f"passline: {refusal.message}", file=sys.stderr)
        return 2
    finally:
        hub.stop()


def _password(args) -> tuple[str, bool]:
    """Return (password, whether it was made here)."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    return new_password(), True


def run_devices(settings: Settings, args) -> int:
    """Run one `passline devices` action against the store's database."""
    from hub.bootstrap import bootstrap

    hub = bootstrap(settings, device_logins=device_logins_for(settings) if args.action == "revoke" else None)
    try:
        if args.action == "add":
            issued = hub.bus.handle(CreateClaim(args.device_id, args.role, timedelta(minutes=args.ttl_minutes)))
            _show_claim(issued, args.hub_url or default_hub_url(settings), args.json)
        elif args.action == "list":
            with hub.uow_factory() as uow:
                devices = uow.access.devices()
            _show_devices(devices, args.json, datetime.now().astimezone())
        else:
            revoked = hub.bus.handle(RevokeDevice(args.device_id))
            print(f"{revoked.device_id} is revoked: its cookie and token stopped working")
            if revoked.broker == "removed":
                print("its broker login is deleted and the device was disconnected")
            elif revoked.broker != "none":
                print(f"passline: the broker login of {revoked.device_id} was NOT removed ({revoked.broker}): "
                      "it is removed when the hub runs with its broker; run this again then", file=sys.stderr)
                return 1
        return 0
    except AccessRefused as refusal:
        print(f"passline: {refusal.message}", file=sys.stderr)
        return 2
    finally:
        hub.stop()


def device_logins_for(settings: Settings):
    """Return the broker's device-login adapter for a CLI run outside the hub, or None if this hub has none."""
    try:
        from hub.bootstrap import make_device_logins  # the broker part's wiring of DynamicSecurityLogins
    except ImportError:
        return None
    return make_device_logins(settings)


def default_hub_url(settings: Settings) -> str:
    """Return this machine's address on the store's network (the one a route out would use), with the HTTP port."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET: nothing is sent, the kernel just picks the interface
        host = probe.getsockname()[0]
    except OSError:
        host = socket.gethostname()
    finally:
        probe.close()
    from hub.entrypoints.https import serves_https

    if serves_https(settings):
        return f"https://{host}:{settings.https_port}"
    return f"http://{host}:{settings.http_port}"


def _show_claim(issued, hub_url: str, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"device_id": issued.device_id, "role": issued.role.value, "claim_code": issued.code,
                          "expires_at": iso_time(issued.expires_at)}))
        return
    import segno

    code, role = issued.code, issued.role
    print(f"claim code for {issued.device_id} ({role.value}): {code[:5]}-{code[5:]}")
    print(f"good once, until {iso_time(issued.expires_at)}")
    target = pairing_url(hub_url, code) if role in SCREEN_ROLES else code
    qr = io.StringIO()
    segno.make(target, error="m").terminal(out=qr, compact=True)
    print(qr.getvalue())
    if role in SCREEN_ROLES:
        print(f"On the screen, open any Passline page (e.g. {hub_url}/kiosk/{issued.device_id}): it shows the pairing "
              f"page; type the code there, or scan the QR code to open {hub_url}/pair with it filled in.")
    elif role is Role.AGENT:
        ca = " --ca store-ca.pem" if hub_url.startswith("https:") else ""
        print(f"On the agent's machine: passline agent --claim {code} --hub {hub_url}{ca} --config /etc/passline/agent.toml")
        if ca:
            print("(store-ca.pem: a copy of the hub's tls/ca.crt, so the agent can check it is talking to this hub)")
    elif role is Role.GATEWAY:
        ca = "--cacert store-ca.pem " if hub_url.startswith("https:") else ""
        print(f"The gateway exchanges it once for its bearer token: curl {ca}-X POST {hub_url}/api/v1/devices/claim "
              f"-H 'Content-Type: application/json' -d '{{\"code\": \"{code}\"}}' (add \"mqtt\": true for a broker login)")
    else:
        print(f"The device exchanges it once for its broker login: POST {hub_url}/api/v1/devices/claim "
              f"{{\"code\": \"{code}\"}}")


def _show_devices(devices, as_json: bool, now: datetime) -> None:
    rows = [{"device_id": d.device_id, "role": d.role.value, "state": d.state, "enrolled_at": iso_time(d.enrolled_at),
             "last_seen_at": iso_time(d.last_seen_at), "online": _online(d, now)} for d in devices]
    if as_json:
        print(json.dumps(rows))
        return
    if not rows:
        print("no devices yet: enrol one with `passline devices add ID --role kiosk`")
    for row in rows:
        online = {True: "online", False: "offline", None: "see /admin"}[row["online"]]
        print(f"{row['device_id']:24} {row['role']:8} {row['state']:9} enrolled {row['enrolled_at'] or '-':27} "
              f"last seen {row['last_seen_at'] or '-':27} {online}")


def _online(device, now: datetime) -> bool | None:
    """Return whether an HTTP device called lately; None for broker devices, whose presence only the hub sees."""
    if device.role in MQTT_ROLES and device.role is not Role.GATEWAY:
        return None
    return seen_lately(device, now)


