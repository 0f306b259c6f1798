"""`passline tls init`: the store CA and the hub's certificate, for HTTPS and MQTT over TLS."""

from __future__ import annotations

import sys

from hub.config import Settings


def add_commands(commands) -> None:
    """Add the `tls` command to the `passline` parser."""
    tls = commands.add_parser("tls", help="HTTPS and MQTT over TLS: the store CA and the hub's certificate")
    actions = tls.add_subparsers(required=True, metavar="ACTION")
    init = actions.add_parser(
        "init", help="make the store CA (once) and issue the hub's certificate under it; again to renew it")
    init.add_argument("--name", action="append", default=[], metavar="NAME",
                      help="another host name devices reach the hub by (repeat for more; added to this machine's)")
    init.add_argument("--address", action="append", default=[], metavar="IP",
                      help="another address devices reach the hub by (repeat for more; added to this machine's)")
    init.add_argument("--only", action="store_true",
                      help="use only the names and addresses given, not this machine's own")
    init.add_argument("--new-ca", action="store_true",
                      help="replace the store CA too (every device and browser must trust the new one)")
    init.set_defaults(run=run_init, needs_store_database=False)


def run_init(settings: Settings, args) -> int:
    """Issue the certificate and say, in words, what was made and what to do next."""
    from hub.adapters.store_tls import default_addresses, default_names, init_tls

    names = list(args.name) if args.only else [*default_names(), *args.name]
    addresses = list(args.address) if args.only else [*default_addresses(), *args.address]
    try:
        issued = init_tls(settings.data_dir, list(dict.fromkeys(names)), list(dict.fromkeys(addresses)),
                          store=settings.store, new_ca=args.new_ca)
    except ValueError as exc:
        print(f"passline tls init: {exc}", file=sys.stderr)
        return 2
    files = issued.files
    ca_line = "made a new store CA" if issued.new_ca else "kept the store CA"
    print(f"{ca_line}: {files.ca_cert}  (its key {files.ca_key} stays on this machine, mode 0600)")
    print(f"  fingerprint SHA-256 {issued.ca_fingerprint}")
    print(f"issued the hub's certificate {files.cert}, valid until {issued.not_after:%Y-%m-%d}, for")
    print(f"  names      {', '.join(issued.names) or '-'}")
    print(f"  addresses  {', '.join(issued.addresses) or '-'}")
    print(f"Restart the hub: it serves HTTPS on port {settings.https_port} (HTTP port {settings.http_port} "
          f"redirects there) and MQTT over TLS on port {settings.broker_tls_port}.")
    if issued.new_ca:
        print(f"Make kiosk browsers trust {files.ca_cert} (docs/deployment.md); devices enrolled from now on get it "
              "with their claim code. Agents enrolled before keep using plain MQTT (port "
              f"{settings.broker_port} stays open) until they are enrolled again.")
    return 0
