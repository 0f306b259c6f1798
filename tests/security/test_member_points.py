"""A member's points are spent only with the member's card proof or by signed-in staff."""

from __future__ import annotations

import uuid

import pytest

from hub.domain.loyalty import MemberProofRequired, member_proof, proof_ok
from hub.domain.tenders import AddTender
from hub.services.points import require_member_proof
from tests.support.devices import order_data
from tests.support.identities import screen_client
from tests.support.staff import sign_in

MEMBER = "L-1001"  # Ada, 500 points in the demo catalog


def points(client, member=MEMBER) -> int:
    return client.get(f"/api/v1/loyalty/{member}").get_json()["points"]


def place(client, **extra) -> str:
    data = order_data(lines=[{"sku": "LATTE-M", "qty": 2}], customer={"loyalty_id": MEMBER}, **extra)
    reply = client.post("/api/v1/orders", json=data)
    assert reply.status_code == 201, reply.get_json()
    return data["order_id"]


def card_of(hub, member=MEMBER) -> str:
    return member_proof(hub.frontdesk.member_secret, member)


def test_a_stranger_cannot_pay_with_a_members_points(app, client, hub):
    order_id = place(client)
    kiosk = screen_client(app, "kiosk-1", "kiosk")  # a customer at a kiosk takes no tenders at all
    reply = kiosk.post(f"/api/v1/orders/{order_id}/tenders", json={"kind": "points", "amount": 300, "code": MEMBER})
    assert (reply.status_code, reply.get_json()["code"]) == (403, "forbidden")
    for proof in (None, card_of(hub, "L-1002")):  # no card, or another member's card
        with pytest.raises(MemberProofRequired):
            hub.bus.handle(AddTender(str(uuid.uuid4()), order_id, "points", 300, MEMBER, member_proof=proof))
    assert points(client) == 500


def test_the_members_card_or_a_staff_session_lets_points_pay(client, hub):
    order_id = place(client)
    hub.bus.handle(AddTender(str(uuid.uuid4()), order_id, "points", 100, MEMBER, member_proof=card_of(hub)))
    assert points(client) == 400
    hub.bus.handle(AddTender(str(uuid.uuid4()), order_id, "points", 100, MEMBER, staff=True))
    assert points(client) == 300
    with pytest.raises(MemberProofRequired, match="not this member's card"):
        hub.bus.handle(AddTender(str(uuid.uuid4()), order_id, "points", 100, MEMBER, member_proof=card_of(hub, "L-1002")))
    assert points(client) == 300


def test_an_unknown_member_id_gets_the_same_refusal_as_a_known_one(client, hub):
    order_id = place(client)
    with pytest.raises(MemberProofRequired) as refused:
        hub.bus.handle(AddTender(str(uuid.uuid4()), order_id, "points", 100, "L-NOBODY"))
    assert refused.value.code == "member_proof_required"


def test_an_order_spends_a_members_points_only_with_their_card_or_staff(client, hub):
    refused = client.post("/api/v1/orders", json=order_data(customer={"loyalty_id": MEMBER}, redeem_points=100))
    assert (refused.status_code, refused.get_json()["field"]) == (403, "member_proof")
    with_card = client.post("/api/v1/orders", json=order_data(customer={"loyalty_id": MEMBER}, redeem_points=100,
                                                              member_proof=card_of(hub)))
    assert with_card.status_code == 201, with_card.get_json()
    token = sign_in(client, hub)
    by_staff = client.post("/api/v1/orders", json=order_data(origin="counter", customer={"loyalty_id": MEMBER},
                                                             redeem_points=100),
                           headers={"Authorization": f"Bearer {token}"})
    assert by_staff.status_code == 201, by_staff.get_json()


def test_the_card_proof_is_an_hmac_of_the_member_id_with_the_hubs_secret(hub):
    secret = hub.frontdesk.member_secret
    assert secret and len(card_of(hub)) == 32 and card_of(hub) != card_of(hub, "L-1002")
    assert proof_ok(secret, MEMBER, card_of(hub).upper())
    assert not proof_ok(secret, MEMBER, None) and not proof_ok(None, MEMBER, card_of(hub))
    assert not proof_ok(b"another hub", MEMBER, card_of(hub))
    require_member_proof(hub.frontdesk, MEMBER, None, staff=True)  # staff need no card
    with pytest.raises(MemberProofRequired):
        require_member_proof(hub.frontdesk, MEMBER, "0" * 32, staff=False)
