"""`passline demo --hq`: the reference headquarters beside the demo, holding the demo's catalog, the store linked to it.

HQ runs as its own process (`passline cloud serve`, SQLite in `<data>/hq`): the hub meets it over HTTP only.
"""

from __future__ import annotations

import atexit
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hub.adapters.child_process import die_with_parent
from hub.adapters.cloud.settings import load_cloud_settings
from hub.config import Settings
from hub.demo import DEMO_CATALOG

HQ_FOLDER = "hq"
HQ_ACCOUNT = "hq-demo"
PREFERRED_PORT = 8100
START_TIMEOUT_S = 30
PASSLINE = str(Path(sys.executable).with_name("passline"))


def start_demo_hq(settings: Settings) -> list[str]:
    """Start HQ, fill it with the demo catalog and link the store the first time; return the banner's lines."""
    folder = settings.data_dir / HQ_FOLDER
    env = {**os.environ, "PASSLINE_CLOUD_DATA_DIR": str(folder)}
    env.pop("PASSLINE_CLOUD_DATABASE_URL", None)
    first = not (folder / "cloud.db").exists()
    _cloud(env, "db", "upgrade")
    password_file = folder / "account"
    if first or not password_file.exists():
        password = secrets.token_urlsafe(18)
        _cloud(env, "accounts", "add", HQ_ACCOUNT, "--password-stdin", stdin=password + "\n")
        descriptor = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(password + "\n")
    password = password_file.read_text().strip()
    port = _free_port(PREFERRED_PORT)
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([PASSLINE, "cloud", "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=(folder / "hq.log").open("ab"),
                               preexec_fn=die_with_parent())
    atexit.register(_stop, process)
    _wait_up(url, process)
    lines = [f"  Headquarters      {url}  (reference HQ; sign in as {HQ_ACCOUNT}, password in {password_file})"]
    if not load_cloud_settings(settings.data_dir).linked:
        token = _sign_in(url, password)
        for collection, body in hq_objects(json.loads(DEMO_CATALOG.read_text()), settings.store):
            _call(url, "PUT", f"/api/v1/hq/{collection}", body, token)
        printed = _cloud(env, "stores", "add", settings.store, "--name", "Demo café", "--jurisdiction", "DE")
        code = printed.split("shown this once): ", 1)[1].split()[0]
        subprocess.run([PASSLINE, "cloud", "link", url, code], env=os.environ, check=True, capture_output=True)
        lines.append(f"                    the store is linked to it; its catalog now comes from HQ")
    else:
        lines.append("                    the store is linked to it (`passline cloud status`)")
    lines.append(f"  Change a price    PUT {url}/api/v1/hq/prices {{\"sku\": \"ESPRESSO\", \"price\": "
                 "{\"amount\": 270, \"currency\": \"EUR\"}} (with an HQ session: POST /api/v1/session)")
    return lines


def hq_objects(catalog: dict[str, Any], store: str) -> list[tuple[str, dict]]:
    """Return HQ's objects (collection, body) for a hub catalog file: what a chain's office would enter."""
    objects: list[tuple[str, dict]] = []
    texts = catalog.get("texts", {})
    for category, rates in catalog["taxes"]["categories"].items():
        objects.append(("taxes", {"jurisdiction": "DE", "tax_code": category, "rate_bp": rates[0]["rate_bp"],
                                  "inclusive": catalog["taxes"].get("inclusive", True)}))
    for code in sorted({item.get("category", "general") for item in catalog["items"]}):
        names = {"en": code.replace("-", " ").capitalize(),
                 **{lang: words["categories"][code] for lang, words in texts.items() if code in words.get("categories", {})}}
        objects.append(("categories", {"code": code, "names": names}))
    variants: dict[str, list[dict]] = {}
    for item in catalog["items"]:
        if item.get("variant_of"):
            variants.setdefault(item["variant_of"], []).append(item)
    for item in catalog["items"]:
        names = _names(item, texts)
        if item.get("variant_of"):
            pass  # sold as one of its product's variants, below
        elif item.get("parts"):
            objects.append(("bundles", {"sku": item["sku"], "names": names, "category": item.get("category", "general"),
                                        "parts": item["parts"]}))
        else:
            groups = _groups(item, texts)
            objects += [("modifier_groups", group) for group in groups]
            objects.append(("items", {
                "sku": item["sku"], "names": names, "category": item.get("category", "general"),
                "tax_code": item.get("tax_category") or "drink", "station": item["station"],
                "prep_seconds": item["prep_seconds"], "modifier_groups": [group["code"] for group in groups],
                "allergens": item.get("allergens", []), "dietary": item.get("dietary", []),
                **({"images": [{"url": item["image"]}]} if item.get("image") else {}),
                **({"gtin": item["gtin"]} if item.get("gtin") else {})}))
        objects.append(("prices", {"sku": item["sku"], "price": {"amount": item["price"], "currency": catalog["currency"]}}))
        if item.get("variant_of") and variants.get(item["variant_of"], [None])[0] is item:
            product = variants.pop(item["variant_of"])
            groups = _groups(item, texts)
            objects += [("modifier_groups", group) for group in groups]
            objects.append(("items", {
                "sku": item["variant_of"], "names": names, "category": item.get("category", "general"),
                "tax_code": item.get("tax_category") or "drink", "station": item["station"],
                "prep_seconds": item["prep_seconds"], "modifier_groups": [group["code"] for group in groups],
                "variants": [{"sku": v["sku"], "names": _names(v, texts), "variant": v.get("variant", {})} for v in product],
                "allergens": item.get("allergens", []), "dietary": item.get("dietary", []),
                **({"images": [{"url": item["image"]}]} if item.get("image") else {})}))
        for price in item.get("prices", []):
            objects.append(("prices", {"sku": item["sku"], "store": price.get("location"), "channel": price.get("channel"),
                                       "price": {"amount": price["amount"], "currency": catalog["currency"]}}))
    now = datetime.now(timezone.utc)
    for promotion in catalog.get("promotions", []):
        objects.append(("promotions", {"code": promotion["id"], "names": {"en": promotion["name"]},
                                       "starts_at": (now - timedelta(days=1)).isoformat(),
                                       "ends_at": (now + timedelta(days=365)).isoformat(), "rule": promotion}))
    for threshold, tier in enumerate(catalog["loyalty"].get("tiers", [])):
        objects.append(("tiers", {"code": tier["code"], "names": {"en": tier["name"]}, "threshold": threshold * 1000,
                                  "multiplier_bp": tier.get("multiplier_bp", 10_000)}))
    for member in catalog["loyalty"].get("members", []):
        objects.append(("members", {"member_id": member["member_id"], "name": member["name"], "tier": member["tier"],
                                    **({"phone": member["phone"]} if member.get("phone") else {})}))
    return objects


def _names(item: dict, texts: dict) -> dict[str, str]:
    """Return an item's name in every language the catalog has it in."""
    return {"en": item["name"], **{lang: words["items"][item["sku"]]["name"] for lang, words in texts.items()
                                   if words.get("items", {}).get(item["sku"], {}).get("name")}}


def _groups(item: dict, texts: dict) -> list[dict]:
    """Return an item's modifier groups as HQ's (codes made per item: HQ's groups are shared by the chain)."""
    declared = {group["code"]: group for group in item.get("modifier_groups", [])}
    grouped: dict[str, list[dict]] = {}
    for modifier in item.get("modifiers", []):
        grouped.setdefault(modifier.get("group") or "options", []).append(modifier)
    groups = []
    for code, modifiers in grouped.items():
        group = declared.get(code, {})
        groups.append({"code": f"{item['sku']}.{code}", "names": {"en": group.get("name") or code.capitalize()},
                       "min_choices": group.get("min", 0), "max_choices": group.get("max") or len(modifiers),
                       **({"default": group["default"]} if group.get("default") else {}),
                       "modifiers": [{"code": m["code"], "price_delta": m.get("price_delta", 0),
                                      "names": {"en": m["name"], **{lang: words["modifiers"][m["code"]]
                                                                    for lang, words in texts.items()
                                                                    if m["code"] in words.get("modifiers", {})}},
                                      **({"parent": m["parent"]} if m.get("parent") else {})} for m in modifiers]})
    return groups


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


def _cloud(env: dict, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([PASSLINE, "cloud", *args], env=env, input=stdin, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"passline cloud {args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def _free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free port for HQ")


def _wait_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("HQ did not start (see hq/hq.log in the data folder)")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"HQ did not answer at {url} within {START_TIMEOUT_S} s")


def _sign_in(url: str, password: str) -> str:
    return _call(url, "POST", "/api/v1/session", {"name": HQ_ACCOUNT, "password": password})["token"]


def _call(url: str, method: str, path: str, body: dict, token: str | None = None) -> dict:
    request = urllib.request.Request(f"{url}{path}", data=json.dumps(body).encode(), method=method,
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"HQ refused {method} {path}: {exc.read().decode(errors='replace')[:300]}") from None
