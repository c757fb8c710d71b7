"""Five real node processes, quorum 3, two of them colluding on a wrong score: nothing wrong settles."""

from collections.abc import Iterator

import pytest

from oracle.signing import GameResult
from scripts.deployment import local_account
from scripts.localchain import Anvil, Transactor, anvil_account
from tests.oracle.conftest import CHALLENGE_WINDOW, LocalSystem, deploy_local
from tests.oracle.reporter.conftest import BLOCK_TIME, STATE_FINAL, STATE_PROPOSED, Cluster

pytestmark = pytest.mark.integration

REPORTERS = [local_account(f"reporter {i}") for i in range(5)]
HONEST, BYZANTINE = (0, 1, 2), (3, 4)
GAMES = {51: (2, 1), 52: (0, 0), 53: (1, 3), 54: (4, 2), 55: (0, 1)}  # each reporter goes first once
WRONG = {game: (away, home + 1) for game, (home, away) in GAMES.items()}


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSystem]:
    """The five local reporters, quorum 3, on a chain mining a block a second."""
    with Anvil.start(accounts=10) as anvil:
        reporters = [arg for r in REPORTERS for arg in ("--reporter", r.address)]
        path = tmp_path_factory.mktemp("five-reporters") / "local.json"
        system = deploy_local(anvil, path, *reporters, "--quorum", "3")
        for reporter in REPORTERS[3:]:  # the deployment funds the three usual local reporters only
            anvil.web3.provider.make_request("anvil_setBalance", [reporter.address, hex(10**20)])  # type: ignore[arg-type]
        anvil.web3.provider.make_request("evm_setIntervalMining", [BLOCK_TIME])  # type: ignore[arg-type]
        yield system


def test_two_colluding_nodes_settle_nothing_wrong(cluster: Cluster) -> None:
    """Nodes 3 and 4 read a doctored feed and share their signatures with each other and everyone.
    Every game is proposed with the true score by the three honest nodes, becomes final with it,
    and both sides raise alerts naming the other."""
    oracle = cluster.contract("oracle")
    assert oracle.functions.quorum().call() == 3 and len(REPORTERS) == 5
    cluster.play(GAMES)
    doctored = cluster.play(WRONG, name="doctored.json")
    team = [f"reporter-{i}" for i in range(5)]
    for i in range(5):
        files = [doctored] if i in BYZANTINE else None
        cluster.start_node(i, files=files, peers=[p for p in team if p != team[i]])
    for game, score in GAMES.items():
        view = cluster.wait_state(game, STATE_PROPOSED)
        assert (view[3], view[4]) == score, game
    cluster.wait_quiet()
    for game, (home, away) in GAMES.items():
        reports = cluster.reports(game)
        assert all(r.score == (1, home, away) for r in reports if r.ok), reports
        wrong = GameResult(game, 1, *WRONG[game])
        assert (
            bin(oracle.functions.votes(oracle.functions.result_digest(wrong.as_tuple()).call()).call()).count(
                "1"
            )
            < 3
        )
    for i in BYZANTINE:
        assert [row[:4] for row in cluster.store_rows(team[i])] == [(g, 1, *WRONG[g]) for g in GAMES]
        alerts = {e.get("alert") for e in cluster.log(team[i])}
        assert {"conflict", "peer_result"} <= alerts
    for i in HONEST:
        named = " ".join(e["message"] for e in cluster.log(team[i]) if e.get("alert") == "peer_result")
        assert REPORTERS[3].address in named and REPORTERS[4].address in named
        assert cluster.metric(team[i], 'reporter_peer_rejections_total{reason="other_result"}') >= 2
    cluster.system.anvil.increase_time(CHALLENGE_WINDOW + 1)
    book, transactor = cluster.contract("book"), Transactor(cluster.web3)
    for game, score in GAMES.items():
        transactor.send(book.functions.finalize(game), anvil_account(3))
        view = cluster.game(game)
        assert (view[2], view[3], view[4]) == (STATE_FINAL, *score)
