"""Three real node processes, quorum 2: results settle, faults do not settle wrong ones.

Nodes that know each other (`peers`) settle each game with one bundled transaction, lying
peers are ignored and dead ones fall back to single votes; the byzantine and disagreeing-sources
cases run nodes without peers, each voting alone, as nodes did before they shared signatures.
"""

import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from typing import Any

import orjson
import pytest

from oracle.markets import ResultStatus
from oracle.reporter.bundle import build_served
from oracle.reporter.store import SignedResult
from oracle.signing import GameResult, Quote, build_result_typed_data, get_digest, sign_quote, sign_result
from scripts.deployment import local_account
from scripts.localchain import Transactor, anvil_account, get_free_port
from tests.oracle.conftest import CHALLENGE_WINDOW
from tests.oracle.reporter.conftest import ONE, OPERATOR, STATE_FINAL, STATE_PROPOSED, Cluster
from tests.oracle.reporter.test_peers import Hostile

pytestmark = pytest.mark.integration

TEAM = [f"reporter-{i}" for i in range(3)]


def start_team(cluster: Cluster, *reporters: int) -> list[str]:
    """Nodes for `reporters`, each knowing the other two of the three (up or not)."""
    return [cluster.start_node(i, peers=[p for p in TEAM if p != TEAM[i]]) for i in reporters]


def assert_one_bundle(cluster: Cluster, game: int) -> None:
    """The game was proposed by one transaction carrying the quorum's two signatures, sent first.

    Normally it is the only one; on a loaded machine a node whose turn came while the bundle was
    pending may send one more, a no-op, so one extra is tolerated (never a vote per node)."""
    cluster.wait_quiet()
    reports = cluster.reports(game)
    assert (reports[0].signatures, reports[0].ok) == (2, True), reports
    assert len(reports) <= 2, reports


def place_bet(cluster: Cluster, game: int) -> tuple[object, ...]:
    """An LP backs the book; a bettor bets 10 on the home win at 2.1 before kickoff; the bet as settled."""
    web3, transactor = cluster.web3, Transactor(cluster.web3)
    token, book, vault = (cluster.contract(k) for k in ("token", "book", "vault"))
    lp, bettor = anvil_account(1), anvil_account(2)
    transactor.send(token.functions.faucet(100_000 * ONE), lp)
    transactor.send(token.functions.approve(vault.address, 100_000 * ONE), lp)
    transactor.send(vault.functions.deposit(100_000 * ONE, lp.address), lp)
    transactor.send(token.functions.faucet(1_000 * ONE), bettor)
    transactor.send(token.functions.approve(book.address, 1_000 * ONE), bettor)
    transactor.send(book.functions.deposit(1_000 * ONE), bettor)
    transactor.send(book.functions.add_market(game, 0, 0), OPERATOR)
    quote = Quote(
        game << 8, 0, cluster.system.anvil.get_timestamp() + 600, 1_000 * ONE, (21_000, 34_000, 36_000)
    )
    signature = sign_quote(local_account("pricer").key, quote, 901, book.address)
    call = book.functions.place_bet(quote.as_tuple(), signature.as_tuple(), 0, 10 * ONE, 21_000)
    (placed,) = book.events.BetPlaced().process_receipt(transactor.send(call, bettor))
    assert web3.eth.get_block("latest")["timestamp"] < cluster.game(game)[0]  # before kickoff
    return (bettor.address, placed.args.nonce, game << 8, 0, 10 * ONE, placed.args.payout)


def test_default_behavior(cluster: Cluster) -> None:
    """A replayed match ends; the three nodes propose its score in one bundle; it becomes final and its
    bet is paid."""
    cluster.play({11: (2, 1)}, lead=20)
    bet = place_bet(cluster, 11)
    names = start_team(cluster, 0, 1, 2)
    view = cluster.wait_state(11, STATE_PROPOSED)
    assert (view[3], view[4], view[6]) == (2, 1, False)
    assert_one_bundle(cluster, 11)
    book, transactor = cluster.contract("book"), Transactor(cluster.web3)
    cluster.system.anvil.increase_time(CHALLENGE_WINDOW + 1)
    transactor.send(book.functions.finalize(11), anvil_account(3))
    assert cluster.game(11)[2] == STATE_FINAL
    before = book.functions.balanceOf(bet[0]).call()
    transactor.send(book.functions.settle_bets([bet]), anvil_account(3))
    assert book.functions.balanceOf(bet[0]).call() == before + 21 * ONE
    for name in names:
        cluster.wait_for(
            lambda n=name: len(cluster.store_rows(n)) == 1 or cluster.metric(n, "reporter_games_open") == 0
        )
        assert all(row[:4] == (11, int(ResultStatus.FINAL), 2, 1) for row in cluster.store_rows(name))
    assert cluster.metric(names[0], "reporter_rpc_lag_seconds") < 60


def test_one_node_down_still_settles(cluster: Cluster) -> None:
    """Node 1 is down (its peers cannot reach it): nodes 0 and 2 still bundle their signatures."""
    cluster.play({12: (0, 3)})
    start_team(cluster, 0, 2)
    view = cluster.wait_state(12, STATE_PROPOSED)
    assert (view[3], view[4]) == (0, 3)
    assert_one_bundle(cluster, 12)


def test_abandoned_match_goes_the_cancel_path(cluster: Cluster) -> None:
    cluster.play({13: "abandoned", 14: "postponed"})
    start_team(cluster, 0, 1, 2)
    for game in (13, 14):
        view = cluster.wait_state(game, STATE_PROPOSED)
        assert (view[3], view[4], view[6]) == (0, 0, True)
    for game in (13, 14):
        assert_one_bundle(cluster, game)


def test_byzantine_node_cannot_settle_a_wrong_score(cluster: Cluster) -> None:
    """One node reads a doctored feed (1-1 instead of 2-0): the chain takes 2-0 and that node alerts."""
    cluster.play({15: (2, 0)})
    lying = cluster.play({15: (1, 1)}, name="doctored.json")
    byzantine = cluster.start_node(0, files=[lying])
    # the honest nodes start once the liar has signed, so the game is not proposed before it votes
    cluster.wait_for(lambda: bool(cluster.store_rows(byzantine)), 60, "the doctored signature")
    cluster.start_node(1)
    cluster.start_node(2)
    view = cluster.wait_state(15, STATE_PROPOSED)
    assert (view[3], view[4]) == (2, 0)
    cluster.wait_for(lambda: any("ALERT" in e["message"] for e in cluster.log(byzantine)), 30, "the alert")
    assert cluster.metric(byzantine, "reporter_result_conflicts_total") >= 1 or any(
        e.get("alert") == "conflict" for e in cluster.log(byzantine)
    )
    assert cluster.store_rows(byzantine)[0][:4] == (15, 1, 1, 1)  # what it signed, once


def test_sources_disagreeing_refuses_to_sign(cluster: Cluster) -> None:
    """Node 0 has two sources that disagree: it never signs; nodes 1 and 2 settle the game."""
    cluster.play({16: (1, 0)})
    other = cluster.play({16: (0, 0)}, name="other-provider.json")
    careful = cluster.start_node(0, files=[cluster.matchday, other])  # type: ignore[list-item]

    def disagreements() -> list[dict[str, Any]]:
        return [e for e in cluster.log(careful) if e.get("alert") == "disagreement"]

    # The others start once the careful node has read both finals, so it sees the game before it is proposed.
    cluster.wait_for(lambda: bool(disagreements()), 60, "the disagreement alert")
    cluster.start_node(1)
    cluster.start_node(2)
    view = cluster.wait_state(16, STATE_PROPOSED)
    assert (view[3], view[4]) == (1, 0)
    assert cluster.store_rows(careful) == []
    assert "sources disagree" in disagreements()[0]["message"]
    assert cluster.metric(careful, "reporter_source_disagreements_total") == 1


LIAR = local_account("reporter 2")  # a registered reporter whose node serves a wrong score


@pytest.fixture
def hostile() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    Hostile.bodies = {}


def serve_lie(cluster: Cluster, result: GameResult) -> None:
    """The liar's answer: a valid signature of reporter 2 over `result`, for this chain and oracle."""
    chain_id, oracle = 901, cluster.contract("oracle").address
    signature = sign_result(LIAR.key, result, chain_id, oracle)
    digest = get_digest(build_result_typed_data(result, chain_id, oracle))
    signed = SignedResult(result, digest, signature, 0.0)
    Hostile.bodies = {"liar": orjson.dumps(build_served(chain_id, oracle, LIAR.address, [signed]))}


def test_lying_peers_are_ignored(cluster: Cluster, hostile: str) -> None:
    """Nodes 0 and 1 also read a reporter signing 0-0, garbage, an endless answer and a peer that
    hangs: they bundle their own 1-0 in one transaction and alert about the liar."""
    cluster.play({21: (1, 0)})
    serve_lie(cluster, GameResult(21, 1, 0, 0))
    liars = [f"{hostile}/{mode}" for mode in ("liar", "garbage", "stream", "hang")]
    Hostile.bodies["garbage"] = b'{"chain_id": 901, "signatures": [{"game": 21'
    names = [cluster.start_node(i, peers=[f"reporter-{1 - i}", *liars]) for i in (0, 1)]
    view = cluster.wait_state(21, STATE_PROPOSED)
    assert (view[3], view[4]) == (1, 0)
    assert_one_bundle(cluster, 21)
    for name in names:
        alerts = [e for e in cluster.log(name) if e.get("alert") == "peer_result"]
        assert alerts and LIAR.address in alerts[0]["message"]
        unusable = {e.get("peer") for e in cluster.log(name) if "unusable" in e["message"]}
        assert unusable >= {f"{hostile}/{mode}" for mode in ("garbage", "stream", "hang")}


def test_dead_peers_fall_back_to_single_votes(cluster: Cluster) -> None:
    """Nodes 0 and 1 only know a peer that is down: after the wait the first votes alone, the second's
    vote then completes the quorum; the game settles."""
    cluster.play({22: (2, 2)})
    dead = f"http://127.0.0.1:{get_free_port()}"
    names = [cluster.start_node(i, peers=[dead], stagger=1) for i in (0, 1)]
    view = cluster.wait_state(22, STATE_PROPOSED)
    assert (view[3], view[4]) == (2, 2)
    cluster.wait_quiet()
    assert sorted(r.signatures for r in cluster.reports(22) if r.ok) == [1, 1]
    fallbacks = [cluster.metric(name, "reporter_fallbacks_total") for name in names]
    assert sum(fallbacks) >= 1  # two when both waits end before the first vote is mined
    for name, fallback in zip(names, fallbacks, strict=True):
        assert fallback == any("no quorum of signatures" in e["message"] for e in cluster.log(name))
