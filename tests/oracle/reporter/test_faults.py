"""Faults with real node processes: kill -9 and restart, replayed bundles, fatal settings, two nodes down."""

import random
import signal
import time

import pytest

from oracle.chain import TxSender, connect
from oracle.config import ChainSettings
from oracle.exceptions import RevertError
from oracle.signing import GameResult, Signature
from scripts.deployment import local_account
from scripts.localchain import Anvil, Transactor, anvil_account, load_artifacts, web3_deployer
from scripts.system import SystemConfig, deploy_system
from tests.oracle.conftest import VOID_DELAY
from tests.oracle.reporter.conftest import OPERATOR, STATE_FINAL, STATE_PROPOSED, Cluster

pytestmark = pytest.mark.integration

REPORTERS = [local_account(f"reporter {i}") for i in range(3)]
# signatures over another digest recover to random addresses: unsorted or unknown
REPLAY_REJECTED = r"oracle: (unknown reporter|signers not sorted)"


def test_kill_9_and_restart_never_double_signs(cluster: Cluster) -> None:
    """Quorum 2 with only two nodes: every signature of the node killed at random points is needed."""
    games = {41: (1, 0), 42: (0, 2), 43: "abandoned"}
    cluster.play(games)
    victim = cluster.start_node(0)
    cluster.start_node(1)
    rng = random.Random(4)
    kills = 0
    while kills < 6 and any(cluster.game(g)[2] < STATE_PROPOSED for g in games):
        time.sleep(rng.uniform(0.3, 2.0))
        cluster.kill(victim)
        kills += 1
        cluster.start_node(0)
    for game in games:
        cluster.wait_state(game, STATE_PROPOSED, timeout=90)
    assert kills >= 3
    rows = cluster.store_rows(victim)
    assert sorted(r[0] for r in rows) == sorted(games)  # one signature per game, never two
    signed = {r[0]: (r[1:4], Signature(r[4], int(r[5], 16), int(r[6], 16))) for r in rows}
    oracle = cluster.contract("oracle")
    web3 = cluster.web3
    for number in range(web3.eth.block_number + 1):
        for tx in web3.eth.get_block(number, full_transactions=True)["transactions"]:
            if tx["from"] != REPORTERS[0].address or tx["to"] != oracle.address:
                continue
            _, args = oracle.decode_function_input(tx["input"])
            result = args["result"]
            game, status, home, away = (result[k] for k in ("game", "status", "home", "away"))
            sent = [Signature(s["v"], s["r"], s["s"]) for s in args["signatures"]]
            assert (status, home, away) == signed[game][0] and sent == [signed[game][1]]
    for game, result in games.items():
        view = cluster.game(game)
        assert (view[3], view[4], view[6]) == ((0, 0, True) if result == "abandoned" else (*result, False))


def deploy_elsewhere(anvil: Anvil) -> dict[str, object]:
    """Another system (same reporters, quorum 2) deployed with web3 on `anvil`; game 44 listed, started."""
    transactor = Transactor(anvil.web3)
    artifacts = load_artifacts(["MockUSD", "Book", "Vault", "ResultOracle"])
    config = SystemConfig(
        reporters=[r.address for r in REPORTERS],
        quorum=2,
        pricers=[OPERATOR.address],
        operators=[OPERATOR.address],
        guardian=OPERATOR.address,
    )
    admin = anvil_account(0)
    contracts = deploy_system(web3_deployer(transactor, artifacts, admin), config, sender=admin)
    anvil.web3.provider.make_request("anvil_setBalance", [OPERATOR.address, hex(10**20)])  # type: ignore[arg-type]
    contracts["book"].create_game(44, anvil.get_timestamp() + 2, 10**12, 10**13, sender=OPERATOR)
    anvil.increase_time(5)
    return contracts


def submit(anvil: Anvil, oracle_address: str, abi: list, result: GameResult, bundle: list[Signature]) -> None:
    settings = ChainSettings(rpc_url=anvil.url, poll_interval=0.05)
    sender = TxSender(connect(settings), anvil_account(5), int(anvil.web3.eth.chain_id), settings)
    oracle = anvil.web3.eth.contract(address=oracle_address, abi=abi)
    sender.send(oracle.functions.report_result(result.as_tuple(), [s.as_tuple() for s in bundle]), "replay")


def test_bundle_replayed_on_another_game_contract_or_chain_is_rejected(cluster: Cluster) -> None:
    cluster.play({44: (3, 3)})
    cluster.list_games([45])  # on chain, but in no feed
    names = [cluster.start_node(i) for i in range(3)]
    cluster.wait_state(44, STATE_PROPOSED)
    signers = {REPORTERS[i].address: cluster.store_rows(names[i]) for i in range(3)}
    bundle = [
        Signature(rows[0][4], int(rows[0][5], 16), int(rows[0][6], 16))
        for address, rows in sorted(signers.items(), key=lambda item: int(item[0], 16))
        if rows
    ][:2]
    assert len(bundle) == 2
    result = GameResult(44, 1, 3, 3)
    abi = cluster.system.deployment.oracle.abi
    here = cluster.system.anvil
    submit(here, cluster.contract("oracle").address, abi, result, bundle)  # the original: a no-op success
    with pytest.raises(RevertError, match=REPLAY_REJECTED):
        submit(here, cluster.contract("oracle").address, abi, GameResult(45, 1, 3, 3), bundle)  # another game
    assert cluster.game(45)[2] < STATE_PROPOSED
    here.web3.provider.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]
    try:
        other = deploy_elsewhere(here)  # another contract on the same chain
    finally:
        here.web3.provider.make_request("evm_setIntervalMining", [1])  # type: ignore[arg-type]
    with pytest.raises(RevertError, match=REPLAY_REJECTED):
        submit(here, other["oracle"].address, abi, result, bundle)  # type: ignore[attr-defined]
    with Anvil.start(accounts=6, chain_id=902) as fork:  # another chain, same addresses
        contracts = deploy_elsewhere(fork)
        assert contracts["oracle"].address == cluster.contract("oracle").address  # type: ignore[attr-defined]
        with pytest.raises(RevertError, match=REPLAY_REJECTED):
            submit(fork, contracts["oracle"].address, abi, result, bundle)  # type: ignore[attr-defined]


def test_fatal_settings_stop_the_node(cluster: Cluster) -> None:
    """A key that is not a reporter: the node exits 2 and says what to fix; nothing is signed."""
    cluster.play({46: (1, 1)})
    name = cluster.start_node(3, name="stranger")  # "reporter 3" is not in the deployed set
    assert cluster.nodes[name].wait(30) == 2
    messages = " ".join(e["message"] for e in cluster.log(name))
    assert "is not a reporter" in messages and "register" in messages
    assert cluster.store_rows(name) == []


def test_two_nodes_down_leaves_the_game_voidable(cluster: Cluster) -> None:
    """One vote of three, quorum 2: nothing is proposed; after the void deadline anyone voids the game."""
    cluster.play({47: (2, 2)})
    alone = cluster.start_node(2)
    cluster.wait_for(lambda: cluster.metric(alone, "reporter_submissions_total") >= 1, 60, "the lone vote")
    time.sleep(3)
    assert cluster.game(47)[2] < STATE_PROPOSED
    book = cluster.contract("book")
    with pytest.raises(Exception, match="too early"):
        book.functions.void_game(47).call()
    cluster.kill(alone, signal.SIGTERM)
    cluster.system.anvil.increase_time(VOID_DELAY + 60)
    Transactor(cluster.web3).send(book.functions.void_game(47), anvil_account(4))
    view = cluster.game(47)
    assert view[2] == STATE_FINAL and view[6] is True
