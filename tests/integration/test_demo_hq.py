"""`passline demo --hq`: the reference headquarters beside the demo; a price changed at HQ reaches the menu (issue 13)."""

from __future__ import annotations

import json
import re
import urllib.request

from tests.integration.test_demo import _ctrl_c, _get, _sign_in, _start_demo, _wait_for


def _espresso(http_port: int, cookie: str) -> int | None:
    menu = _get(f"http://127.0.0.1:{http_port}/api/v1/menu?channel=kiosk", cookie)
    found = [item for item in menu["items"] if item["sku"] == "ESPRESSO"]
    price = found[0]["price"] if found else None
    return price["amount"] if isinstance(price, dict) else price


def _hq(url: str, method: str, path: str, body: dict, token: str | None = None) -> dict:
    request = urllib.request.Request(f"{url}{path}", data=json.dumps(body).encode(), method=method,
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def test_the_demo_runs_hq_with_its_catalog_and_a_price_changed_there_reaches_the_menu(tmp_path):
    demo, log, http_port = _start_demo(tmp_path, "demo-hq", "--hq")
    try:
        def banner() -> str | None:
            log.seek(0)
            text = log.read()
            return text if "Headquarters" in text and "Owner sign-in" in text else None

        output = _wait_for(banner, "the banner with HQ's address", log)
        found = re.search(r"Headquarters +(http://\S+) +\(reference HQ; sign in as (\S+), password in (\S+)\)", output)
        assert found, output
        url, account, password_file = found.groups()
        assert "the store is linked to it" in output
        cookie = _wait_for(lambda: _sign_in(http_port, output), "the owner's sign-in", log)
        assert _wait_for(lambda: _espresso(http_port, cookie) == 250, "the demo's menu", log)
        token = _hq(url, "POST", "/api/v1/session",
                    {"name": account, "password": open(password_file).read().strip()})["token"]
        _hq(url, "PUT", "/api/v1/hq/prices", {"sku": "ESPRESSO", "price": {"amount": 270, "currency": "EUR"}}, token)
        assert _wait_for(lambda: _espresso(http_port, cookie) == 270, "HQ's new price on the menu", log, timeout=30)
        menu = _get(f"http://127.0.0.1:{http_port}/api/v1/menu?channel=kiosk", cookie)
        assert len(menu["items"]) == 24, "every item of the demo came back through HQ"
    finally:
        _ctrl_c(demo)
