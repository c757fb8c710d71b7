"""WebSocket streams on a real server: a quote a wallet can submit, resume, order, snapshots, slow
clients dropped without stalling others, chain events and bet confirmations from the indexer.
Latency is measured by `make bench-api`, not here."""

import base64
import os
import socket
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection

from oracle.markets import ODDS_SCALE
from scripts.history import bettors, pricer
from scripts.localchain import Transactor
from tests.api.conftest import CONFIRMATIONS, LIVE_GAME, ApiChain, LiveDb, get_odds, publish_quote
from tests.api.server import Server, receive
from tests.api.siwe_helpers import build_message, sign

pytestmark = pytest.mark.integration
MARKET = LIVE_GAME << 8  # the 1X2 market of the live game


@pytest.fixture
def engine(live_db: LiveDb) -> Engine:
    return live_db.follower.engine


def test_default_behavior(live_db: LiveDb, engine: Engine, api_chain: ApiChain) -> None:
    """A published quote reaches a subscriber fast, is served by REST, and places a bet on the Book."""
    with Server(live_db.url) as server, server.connect(f"/ws/quotes/{LIVE_GAME}") as ws:
        snapshot = receive(ws)
        assert snapshot["type"] == "snapshot" and len(snapshot["data"]) == 2
        seq = publish_quote(engine, api_chain, MARKET, api_chain.live_epoch, (25_000, 31_000, 30_000))
        message = receive(ws)
        assert (message["type"], message["seq"], message["data"]["quote"]["odds"]) == (
            "quote",
            seq,
            [25_000, 31_000, 30_000],
        )
        served = httpx.get(f"http://127.0.0.1:{server.port}/markets/{MARKET}/quote").json()
        assert served == message["data"]
    q, s = served["quote"], served["signature"]
    book = api_chain.deployment.get_contract(api_chain.anvil.web3, "book")
    call = book.functions.place_bet(
        (q["market"], q["epoch"], q["expiry"], int(q["max_stake"]), q["odds"]),
        (s["v"], int(s["r"], 16), int(s["s"], 16)),
        0, 10 * 10**6, q["odds"][0],
    )  # fmt: skip
    receipt = Transactor(api_chain.anvil.web3).send(call, bettors[3])
    (placed,) = book.events.BetPlaced().process_receipt(receipt)
    assert placed.args.odds == 25_000 and placed.args.payout == 10 * 10**6 * 25_000 // ODDS_SCALE


def test_resume_loses_nothing_and_keeps_order(live_db: LiveDb, engine: Engine, api_chain: ApiChain) -> None:
    odds = get_odds(0)
    with Server(live_db.url) as server:
        with server.connect(f"/ws/quotes/{LIVE_GAME}") as ws:
            receive(ws)
            published = [
                publish_quote(engine, api_chain, MARKET, api_chain.live_epoch, odds) for _ in range(3)
            ]
            last = receive(ws)["seq"]
        published += [publish_quote(engine, api_chain, MARKET, api_chain.live_epoch, odds) for _ in range(4)]
        time.sleep(0.2)
        with server.connect(f"/ws/quotes/{LIVE_GAME}?since={last}") as ws:
            seqs = [receive(ws)["seq"] for _ in range(6)]
            published.append(publish_quote(engine, api_chain, MARKET, api_chain.live_epoch, odds))
            seqs.append(receive(ws)["seq"])
    assert last == published[0] and seqs == published[1:]


def test_far_behind_gets_a_snapshot(live_db: LiveDb, engine: Engine, api_chain: ApiChain) -> None:
    with Server(live_db.url, ws_backlog=3) as server:
        with server.connect(f"/ws/quotes/{LIVE_GAME}") as ws:
            since = receive(ws)["seq"]
        for _ in range(5):
            publish_quote(engine, api_chain, MARKET, api_chain.live_epoch, get_odds(0))
        time.sleep(0.2)
        with server.connect(f"/ws/quotes/{LIVE_GAME}?since={since}") as ws:
            snapshot = receive(ws)
    assert snapshot["type"] == "snapshot" and snapshot["seq"] == since + 5
    assert [q["seq"] for q in snapshot["data"]] == [since + 5, since - 0]


def open_stalled(port: int, path: str) -> socket.socket:
    """A client that completes the handshake, then never reads (a tiny receive buffer fills fast)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4_096)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    sock.sendall(request.encode())
    assert sock.recv(12) == b"HTTP/1.1 101"
    return sock


def test_stalled_client_is_dropped_without_stalling_others(
    live_db: LiveDb, engine: Engine, api_chain: ApiChain
) -> None:
    with Server(live_db.url, ws_queue_size=1_000) as server:
        stalled = open_stalled(server.port, f"/ws/quotes/{LIVE_GAME}")
        hub = server.app.state.api.hub
        with server.connect(f"/ws/quotes/{LIVE_GAME}") as ws:
            expected = receive(ws)["seq"]
            for _ in range(30):  # 500 messages (~330 kB) a round, until kernel buffers fill up
                last = publish_quote(engine, api_chain, MARKET, api_chain.live_epoch, get_odds(0), copies=500)
                while expected < last:
                    expected += 1
                    assert receive(ws)["seq"] == expected  # the healthy client misses nothing, in order
                if hub.get_client_count() == 1:
                    break
            assert hub.get_client_count() == 1, "the stalled client was never dropped"
            last = publish_quote(engine, api_chain, MARKET, api_chain.live_epoch, get_odds(0))
            assert receive(ws)["seq"] == last
        stalled.close()


def test_chain_events_reach_the_bettor_stream(live_db: LiveDb, api_chain: ApiChain) -> None:
    bettor = bettors[2]
    with Server(live_db.url) as server:
        base = f"http://127.0.0.1:{server.port}"
        nonce = httpx.post(f"{base}/auth/nonce", json={"address": bettor.address}).json()["nonce"]
        message = build_message(bettor.address, nonce)
        token = httpx.post(
            f"{base}/auth/verify", json={"message": message, "signature": sign(bettor, message)}
        ).json()["token"]
        with (
            server.connect(f"/ws/bets/{bettor.address}?token={token}") as ws,
            server.connect("/ws/games") as games,
        ):
            assert receive(ws)["type"] == "snapshot" and receive(games)["type"] == "snapshot"
            quote = httpx.get(f"{base}/markets/{MARKET}/quote").json()
            q, s = quote["quote"], quote["signature"]
            book = api_chain.deployment.get_contract(api_chain.anvil.web3, "book")
            call = book.functions.place_bet(
                (q["market"], q["epoch"], q["expiry"], int(q["max_stake"]), q["odds"]),
                (s["v"], int(s["r"], 16), int(s["s"], 16)), 1, 3 * 10**6, q["odds"][1],
            )  # fmt: skip
            receipt = Transactor(api_chain.anvil.web3).send(call, bettor)
            (event,) = book.events.BetPlaced().process_receipt(receipt)
            bet_id = "0x" + event.args.bet_id.hex()
            live_db.index()  # also indexes blocks earlier tests mined, with this bettor's earlier bets
            placed = receive_bet(ws, bet_id)
            assert placed["type"] == "bet_placed" and placed["data"]["bettor"] == bettor.address.lower()
            assert placed["data"]["status"] == "included"
            bet = f"{base}/bets/{bet_id}"
            mine(api_chain, CONFIRMATIONS - 1)
            live_db.index()
            assert httpx.get(bet).json()["status"] == "included"
            mine(api_chain, 1)
            live_db.index()
            confirmed = receive_bet(ws, bet_id)
        assert confirmed["type"] == "bet_confirmed"
        assert confirmed["data"]["status"] == httpx.get(bet).json()["status"] == "confirmed"
        log = event.logIndex
        # the confirming block's number, after its own logs
        assert confirmed["seq"] == (receipt["blockNumber"] + CONFIRMATIONS) << 20 | 1 << 19 | log
        with server.connect(f"/ws/bets/{bettor.address}?token={token}&since={placed['seq']}") as again:
            assert receive_bet(again, bet_id) == confirmed  # a client that was away gets it on resume
        with pytest.raises(InvalidStatus):
            server.connect(f"/ws/bets/{bettor.address}?token=wrong")


def receive_bet(ws: ClientConnection, bet_id: str) -> dict[str, Any]:
    """The next message about `bet_id`, skipping those about the bettor's other bets."""
    while True:
        message = receive(ws)
        if message["data"]["bet_id"] == bet_id:
            return message


def mine(api_chain: ApiChain, blocks: int) -> None:
    api_chain.anvil.web3.provider.make_request("anvil_mine", [hex(blocks)])  # type: ignore[arg-type]


def test_suspension_reaches_the_games_stream_and_resumes(live_db: LiveDb, api_chain: ApiChain) -> None:
    """The pricer suspends the live game: games clients see it, its quotes stop being served, and a
    client that was away resumes with exactly the events it missed."""
    book = api_chain.deployment.get_contract(api_chain.anvil.web3, "book")
    snapshot = api_chain.anvil.snapshot()
    try:
        with Server(live_db.url) as server:
            with server.connect("/ws/games") as games:
                since = receive(games)["seq"]
                Transactor(api_chain.anvil.web3).send(book.functions.suspend(LIVE_GAME), pricer)
                live_db.index()
                changed = receive(games)
            assert (changed["type"], changed["data"]["game"]) == ("state_changed", LIVE_GAME)
            assert changed["data"]["state"] == "suspended" and changed["seq"] > since
            quote = httpx.get(f"http://127.0.0.1:{server.port}/markets/{MARKET}/quote")
            assert quote.status_code == 404  # its quotes are for the old epoch
            Transactor(api_chain.anvil.web3).send(book.functions.suspend(LIVE_GAME), pricer)
            live_db.index()
            time.sleep(0.3)
            with server.connect(f"/ws/games?since={since}") as games:
                missed = [receive(games) for _ in range(2)]
            assert missed[0]["seq"] == changed["seq"] < missed[1]["seq"]
            assert missed[1]["data"]["epoch"] == changed["data"]["epoch"] + 1  # data: the game as it is now
    finally:
        api_chain.anvil.revert(snapshot)
