"""Sign-In with Ethereum against the seeded databases: attacks fail with 401 and never burn a valid nonce;
per-account resources answer only their own session."""

from datetime import UTC, datetime, timedelta

import pytest
from eth_account import Account
from fastapi.testclient import TestClient

from api import siwe
from scripts.history import bettors
from tests.api.conftest import ApiChain
from tests.api.siwe_helpers import build_message, get_nonce, sign, sign_in

pytestmark = pytest.mark.integration


def verify(client: TestClient, message: str, signature: str) -> tuple[int, str]:
    response = client.post("/auth/verify", json={"message": message, "signature": signature})
    return response.status_code, response.json().get("detail", "")


def test_default_behavior(client: TestClient) -> None:
    bettor = Account.create()
    headers = sign_in(client, bettor)
    session = client.get("/auth/session", headers=headers).json()
    assert session["address"] == bettor.address.lower()
    assert client.post("/auth/logout", headers=headers).status_code == 204
    assert client.get("/auth/session", headers=headers).status_code == 401


def test_attacks_fail_and_leave_the_nonce_usable(client: TestClient) -> None:
    bettor, attacker = Account.create(), Account.create()
    nonce = get_nonce(client, bettor)
    good = build_message(bettor.address, nonce)
    past = datetime.now(UTC) - timedelta(hours=2)
    attacks = {
        "wrong domain": (build_message(bettor.address, nonce, domain="evil.test"), siwe.WRONG_DOMAIN),
        "wrong chain": (build_message(bettor.address, nonce, chain_id=1), siwe.WRONG_CHAIN),
        "expired": (build_message(bettor.address, nonce, issued_at=past, expires_in=timedelta(hours=1)),
                    siwe.NOT_VALID_NOW),
        "malformed": (good.replace("Version: 1", "Version: 2"), siwe.MALFORMED),
        "future": (build_message(bettor.address, nonce, issued_at=datetime.now(UTC) + timedelta(hours=1)),
                   siwe.NOT_VALID_NOW),
    }  # fmt: skip
    for name, (message, detail) in attacks.items():
        assert verify(client, message, sign(bettor, message)) == (401, detail), name
    assert verify(client, good, "0x" + "00" * 65) == (401, siwe.BAD_SIGNATURE)
    assert verify(client, good, "garbage") == (401, siwe.BAD_SIGNATURE)
    assert verify(client, good, sign(attacker, good)) == (401, siwe.BAD_SIGNATURE)
    # the attacker signs their own message with the bettor's nonce: it was issued to another address
    stolen = build_message(attacker.address, nonce)
    assert verify(client, stolen, sign(attacker, stolen)) == (401, siwe.BAD_NONCE)
    # after all that, the bettor's nonce still signs in, once
    assert verify(client, good, sign(bettor, good))[0] == 200
    assert verify(client, good, sign(bettor, good)) == (401, siwe.BAD_NONCE)


def test_unissued_nonce_is_refused(client: TestClient) -> None:
    bettor = Account.create()
    message = build_message(bettor.address, "abcdefgh12345678")
    assert verify(client, message, sign(bettor, message)) == (401, siwe.BAD_NONCE)


def test_account_resources_belong_to_their_session(client: TestClient, api_chain: ApiChain) -> None:
    bettor, other = bettors[0], bettors[1]
    headers = sign_in(client, bettor)
    own = bettor.address.lower()
    account = client.get(f"/accounts/{bettor.address}", headers=headers).json()
    assert account["address"] == own and account["bet_count"] == sum(
        b.bettor == own for b in api_chain.history.bets
    )
    for path in ("", "/bets", "/history", "/vault", "/preferences"):
        assert client.get(f"/accounts/{other.address}{path}", headers=headers).status_code == 403, path
        assert client.get(f"/accounts/{bettor.address}{path}", headers=headers).status_code == 200, path
    bets = client.get(f"/accounts/{own}/bets", params={"limit": 3}, headers=headers).json()
    more = client.get(
        f"/accounts/{own}/bets", params={"cursor": bets["page_info"]["end_cursor"]}, headers=headers
    )
    ids = [b["bet_id"] for b in bets["items"] + more.json()["items"]]
    assert sorted(ids) == sorted(b.bet_id for b in api_chain.history.bets if b.bettor == own)


def test_preferences_round_trip(client: TestClient) -> None:
    lp = Account.create()
    headers = sign_in(client, lp)
    path = f"/accounts/{lp.address}/preferences"
    assert client.get(path, headers=headers).json()["odds_format"] == "decimal"
    saved = {
        "notify_bet_settled": False,
        "notify_bet_paid": True,
        "notify_game_start": True,
        "odds_format": "american",
    }
    assert client.put(path, json=saved, headers=headers).json() == saved
    assert client.get(path, headers=headers).json() == saved
    assert client.put(path, json=saved | {"odds_format": "roman"}, headers=headers).status_code == 422


def test_registered_bet_shows_as_submitted(client: TestClient) -> None:
    bettor = Account.create()
    headers = sign_in(client, bettor)
    body = {
        "tx_hash": "0x" + "ab" * 32,
        "market": 26624,
        "outcome": 1,
        "stake": "5000000",
        "min_odds": 19_000,
    }
    created = client.post("/bets", json=body, headers=headers)
    assert created.status_code == 201 and created.json()["status"] == "submitted"
    assert client.post("/bets", json=body, headers=headers).status_code == 409
    assert client.post("/bets", json=body).status_code == 401
    items = client.get(f"/accounts/{bettor.address}/bets", headers=headers).json()["items"]
    assert [(b["status"], b["tx"]) for b in items] == [("submitted", body["tx_hash"])]
