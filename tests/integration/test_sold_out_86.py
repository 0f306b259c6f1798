"""Sold out (86) by one tap: from a kitchen display, from a counter with staff signed in, from the back office.

Every path runs the same MarkSoldOut command and records who did it; kiosks and customers cannot 86.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from hub.adapters.db import commerce_tables as ct
from hub.contracts.displays import NAMESPACE
from hub.domain.access import Account, Role
from hub.domain.enrolment import AccountSession, new_token
from hub.entrypoints.web.access import ACCOUNT_COOKIE
from tests.support.identities import FAR, screen_client, screen_socket
from tests.support.staff import sign_in


def who_marked(hub, sku: str) -> str | None:
    with hub.engine.connect() as db:
        return db.execute(select(ct.sold_out.c.by).where(ct.sold_out.c.sku == sku)).scalar()


def display(app, device_id: str = "kds-bar-1", role: Role = Role.DISPLAY):
    client = screen_socket(app, NAMESPACE, screen_client(app, device_id, role))
    assert client.emit("join", {"view": "kds:bar"}, namespace=NAMESPACE, callback=True)["ok"]
    return client


def sold_out(client, sku: str, out: bool) -> dict:
    action = {"action_id": str(uuid.uuid4()), "kind": "sold_out", "sku": sku, "sold_out": out}
    return client.emit("action", action, namespace=NAMESPACE, callback=True)


def availability_events(client) -> list[dict]:
    return [e["args"][0] for e in client.get_received(NAMESPACE) if e["name"] == "availability"]


def test_a_kitchen_display_86es_an_item_and_every_display_hears_it(app, client, hub):
    bar, other = display(app), display(app, "kds-bar-2")
    assert sold_out(bar, "CAPPUCCINO", True) == {"ok": True}
    assert "CAPPUCCINO" in client.get("/api/v1/availability").get_json()["by_hand"]
    assert who_marked(hub, "CAPPUCCINO") == "device:kds-bar-1"
    assert availability_events(other)[-1]["sold_out"].count("CAPPUCCINO") == 1
    joined = screen_socket(app, NAMESPACE, screen_client(app, "kds-bar-3", Role.DISPLAY))
    snapshot = joined.emit("join", {"view": "kds:bar"}, namespace=NAMESPACE, callback=True)
    assert "CAPPUCCINO" in snapshot["sold_out"] and "CAPPUCCINO" in snapshot["by_hand"]
    assert sold_out(bar, "CAPPUCCINO", True) == {"ok": True}  # a second tap that crossed the first changes nothing
    assert sold_out(other, "CAPPUCCINO", False) == {"ok": True}
    assert "CAPPUCCINO" not in client.get("/api/v1/availability").get_json()["sold_out"]
    assert who_marked(hub, "CAPPUCCINO") is None


def test_a_display_86_needs_a_known_sku_and_says_why_in_words(app):
    bar = display(app)
    unknown = sold_out(bar, "NOPE", True)
    assert (unknown["ok"], unknown["code"], unknown["words"]["key"]) == (False, "unknown_sku", "unknown_sku")
    missing = bar.emit("action", {"action_id": str(uuid.uuid4()), "kind": "sold_out", "sku": "COLA"},
                       namespace=NAMESPACE, callback=True)
    assert (missing["ok"], missing["code"]) == (False, "invalid_payload")
    assert "sold_out" in missing["reason"]
    no_order = bar.emit("action", {"action_id": str(uuid.uuid4()), "kind": "bump"}, namespace=NAMESPACE, callback=True)
    assert (no_order["ok"], no_order["code"]) == (False, "invalid_payload")
    assert "order_id" in no_order["reason"]


def test_a_board_cannot_86(app, client):
    board = screen_socket(app, NAMESPACE, screen_client(app, "board-1", Role.BOARD))
    refused = sold_out(board, "COLA", True)
    assert (refused["ok"], refused["code"]) == (False, "forbidden")
    assert "COLA" not in client.get("/api/v1/availability").get_json()["sold_out"]


def test_a_kiosk_or_a_customer_cannot_86(app, anonymous, client):
    kiosk = screen_client(app, "kiosk-1", Role.KIOSK)
    assert kiosk.put("/api/v1/items/COLA/sold-out", json={"sold_out": True}).status_code == 403
    assert anonymous.put("/api/v1/items/COLA/sold-out", json={"sold_out": True}).status_code == 401
    kiosk_socket = screen_socket(app, NAMESPACE, kiosk)
    assert not kiosk_socket.is_connected(NAMESPACE)  # a kiosk is no display: it cannot even join
    assert "COLA" not in client.get("/api/v1/availability").get_json()["sold_out"]


def test_a_counter_86es_only_with_staff_signed_in_and_records_who(app, hub):
    counter = screen_client(app, "counter-1", Role.COUNTER)
    assert counter.put("/api/v1/items/COLA/sold-out", json={"sold_out": True}).status_code == 403
    token = sign_in(counter, hub)
    staff = {"Authorization": f"Bearer {token}"}
    reply = counter.put("/api/v1/items/COLA/sold-out", json={"sold_out": True, "by": "someone else"}, headers=staff)
    assert reply.status_code == 200 and "COLA" in reply.get_json()["sold_out"]
    assert who_marked(hub, "COLA") == "staff:staff-sam"  # who is signed in, not what the body claims
    back = counter.put("/api/v1/items/COLA/sold-out", json={"sold_out": False}, headers=staff)
    assert back.status_code == 200 and "COLA" not in back.get_json()["sold_out"]


def test_the_owner_86es_from_the_back_office_as_themself(client, hub):
    assert client.put("/api/v1/items/SOUP-DAY/sold-out", json={"sold_out": True}).status_code == 200
    assert who_marked(hub, "SOUP-DAY") == "account:owner"


def store_it_client(app):
    """A test client signed in as store IT (an account, like the owner's)."""
    hub = app.config["PASSLINE_HUB"]
    now = hub.bus.now()
    token, token_hash = new_token()
    with hub.uow_factory() as uow:
        uow.access.add_account(Account("it-alex", Role.STORE_IT, "not-a-real-hash", now - FAR))
        uow.access.add_session(AccountSession(token_hash, "it-alex", now - FAR, now + FAR))
        uow.commit()
    client = app.test_client()
    client.set_cookie(ACCOUNT_COOKIE, token)
    return client


def menu_row(page: str, sku: str) -> str:
    start = page.index(f'id="item-{sku}"')
    return page[start:page.index("</tr>", start)]


def test_the_back_office_menu_86es_an_item_with_one_tap_and_brings_it_back(client, hub):
    page = client.get("/admin/menu").get_data(as_text=True)
    assert "Menu: sold out (86)" in page and ">86</button>" in menu_row(page, "FRIES")
    assert 'href="/admin/menu"' in client.get("/admin").get_data(as_text=True)
    tapped = client.post("/admin/menu/FRIES/sold-out", data={"sold_out": "1"})
    assert tapped.status_code == 303
    page = client.get(tapped.headers["Location"]).get_data(as_text=True)
    assert "Fries is sold out (86)." in page
    row = menu_row(page, "FRIES")
    assert "Sold out (86)" in row and "Back on sale</button>" in row and 'value="0"' in row
    assert who_marked(hub, "FRIES") == "account:owner"
    assert "FRIES" in client.get("/api/v1/availability").get_json()["by_hand"]
    client.post("/admin/menu/FRIES/sold-out", data={"sold_out": "0"})
    assert "FRIES" not in client.get("/api/v1/availability").get_json()["sold_out"]


def test_store_it_86es_from_the_back_office_and_the_page_speaks_german(app, hub):
    it = store_it_client(app)
    assert it.post("/admin/menu/COOKIE/sold-out", data={"sold_out": "1"}).status_code == 303
    assert who_marked(hub, "COOKIE") == "account:it-alex"
    page = it.get("/admin/menu?lang=de").get_data(as_text=True)
    assert "Speisekarte: ausverkauft (86)" in page and "Wieder verfügbar</button>" in menu_row(page, "COOKIE")


def test_a_kiosk_or_a_customer_cannot_86_from_the_back_office(app, anonymous, client):
    kiosk = screen_client(app, "kiosk-1", Role.KIOSK)
    assert kiosk.post("/admin/menu/COLA/sold-out", data={"sold_out": "1"}).status_code == 403
    assert anonymous.post("/admin/menu/COLA/sold-out", data={"sold_out": "1"}).status_code in (302, 303, 401)
    assert "COLA" not in client.get("/api/v1/availability").get_json()["sold_out"]
