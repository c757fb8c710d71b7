"""Reorgs of depth 1..5 while the indexer follows (F1, F2): the database ends equal to a fresh index.

The chain is this module's own anvil (with the scripted history), so the reorgs never touch the
chain other test files share. Each test mines its own blocks on top of the history, indexes them,
replaces the last `depth` of them with `anvil_reorg` (or `evm_revert` and re-mining), indexes
again, and compares `db.build_digest` with a from-scratch index of the canonical chain into a
new database of the same kind. Each test reverts the chain to where it started.
"""

import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from indexer import db
from indexer.follower import Follower
from indexer.rpc import RpcClient
from indexer.verify import verify
from scripts.deployment import load_deployment
from scripts.history import Player, bettors, scripted_history
from scripts.localchain import MAX_FEE, Anvil, deploy_with_ape
from tests.indexer.conftest import Chain, create_postgres_database, drop_postgres_database
from tests.indexer.test_follow import build_follower, index_to_head

pytestmark = pytest.mark.integration

# the original blocks carry withdrawals by one bettor, the replacements by another
ORIGINAL, REPLACEMENT = bettors[2], bettors[3]


def start_chain(directory: Path) -> Iterator[Chain]:
    """A private anvil with a system deployed and the scripted history played (about 10 s)."""
    with Anvil.start(accounts=20) as anvil:
        path = directory / "local.json"
        deploy_with_ape(anvil, path)
        deployment = load_deployment(path, anvil.web3)
        yield Chain(anvil, path, deployment, scripted_history(anvil.web3, deployment))


@pytest.fixture(scope="module")
def own_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    yield from start_chain(tmp_path_factory.mktemp("reorg-chain"))


@pytest.fixture
def restored(own_chain: Chain) -> Iterator[Chain]:
    """The chain, reverted after the test to the block (and hash) it had before."""
    web3 = own_chain.anvil.web3
    number, before = web3.eth.block_number, web3.eth.get_block("latest")["hash"]
    snapshot = own_chain.anvil.snapshot()
    yield own_chain
    own_chain.anvil.revert(snapshot)
    assert web3.eth.block_number == number and web3.eth.get_block(number)["hash"] == before


def fresh_digest(chain: Chain, dialect: str) -> dict[str, str]:
    """The digest of a from-scratch index of the chain as it is now, into a new database of `dialect`."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'fresh.db'}" if dialect == "sqlite" else create_postgres_database()
        engine = db.build_engine(url)
        try:
            follower = build_follower(chain, engine)
            try:
                index_to_head(follower)
            finally:
                follower.close()
            return db.build_digest(engine)
        finally:
            engine.dispose()
            if dialect != "sqlite":
                drop_postgres_database(url)


def withdraw(chain: Chain, count: int, first_amount: int) -> list[str]:
    """Mine `count` blocks, each with one `Book.withdraw` by ORIGINAL; their hashes."""
    player = Player(chain.anvil.web3, chain.deployment)
    hashes = []
    for i in range(count):
        receipt = player.send(player.book.functions.withdraw(first_amount + i), ORIGINAL)
        hashes.append("0x" + bytes(receipt["blockHash"]).hex())
    return hashes


def signed_withdrawals(chain: Chain, amounts: list[int], at_block: int) -> list[str]:
    """Raw signed `Book.withdraw` transactions by REPLACEMENT, nonces from the state at `at_block`."""
    web3, book = chain.anvil.web3, chain.deployment.get_contract(chain.anvil.web3, "book")
    nonce = web3.eth.get_transaction_count(REPLACEMENT.address, at_block)
    raws = []
    for i, amount in enumerate(amounts):
        tx = book.functions.withdraw(amount).build_transaction(
            {  # type: ignore[arg-type]
                "from": REPLACEMENT.address,
                "nonce": nonce + i,
                "gas": 200_000,
                "chainId": chain.deployment.chain_id,
                "maxFeePerGas": MAX_FEE,
                "maxPriorityFeePerGas": 0,
            }
        )
        raws.append(REPLACEMENT.sign_transaction(tx).raw_transaction.to_0x_hex())  # type: ignore[arg-type]
    return raws


def anvil_reorg(chain: Chain, depth: int, pairs: list[tuple[str, int]]) -> None:
    reply: Any = chain.anvil.web3.provider.make_request("anvil_reorg", [depth, [list(p) for p in pairs]])  # type: ignore[arg-type]
    assert "error" not in reply, reply


def query(engine: Engine, sql: str, **params: object) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(text(sql), params)]


def check_canonical(chain: Chain, engine: Engine, follower: Follower, orphans: list[str]) -> None:
    """The database equals a fresh index, holds no orphaned block and matches the contracts."""
    web3 = chain.anvil.web3
    head = web3.eth.get_block("latest")
    assert follower.cursor.number == head["number"]
    assert follower.cursor.hash == "0x" + bytes(head["hash"]).hex()
    assert (follower.metrics.registry.get_sample_value("indexer_reorgs_total") or 0) >= 1
    for table in ("book_withdrawal", "blocks"):
        column = "hash" if table == "blocks" else "block_hash"
        for orphan in orphans:
            assert query(engine, f"SELECT * FROM {table} WHERE {column} = :h", h=orphan) == []
    assert db.build_digest(engine) == fresh_digest(chain, engine.dialect.name)
    report = verify(engine, RpcClient(chain.anvil.url), chain.deployment)
    assert report.mismatches == [], report.to_text()


@pytest.mark.parametrize(
    ("depth", "extra"),
    [(1, 0), (2, 1), (5, 0), (5, 3)],
    ids=["depth1", "depth2-then-a-block", "depth5", "depth5-then-3-blocks"],
)
def test_anvil_reorg_rolls_back_to_the_common_ancestor(
    restored: Chain, engine: Engine, depth: int, extra: int
) -> None:
    chain = restored
    follower = build_follower(chain, engine, batch_size=4, target_logs=10)
    try:
        index_to_head(follower)
        mined = withdraw(chain, depth + 2, 1_000)
        assert not follower.run_cycle()
        index_to_head(follower)
        assert follower.cursor.hash == mined[-1]
        fork = chain.anvil.web3.eth.block_number - depth
        # the replacement blocks carry other transactions, one in every other block
        offsets = list(range(0, depth, 2))
        raws = signed_withdrawals(chain, [7_000 + o for o in offsets], fork)
        anvil_reorg(chain, depth, list(zip(raws, offsets, strict=True)))
        withdraw(chain, extra, 9_000)
        index_to_head(follower)
        check_canonical(chain, engine, follower, mined[-depth:])
        rows = query(
            engine,
            "SELECT account, amount FROM book_withdrawal WHERE block_number > :fork ORDER BY block_number",
            fork=fork,
        )
        expected = [REPLACEMENT.address.lower()] * len(offsets) + [ORIGINAL.address.lower()] * extra
        assert [row["account"] for row in rows] == expected
    finally:
        follower.close()


def test_a_different_transaction_at_the_same_height(restored: Chain, engine: Engine) -> None:
    """F2: same block number, same log index, other transaction: the keys differ, nothing merges."""
    chain = restored
    follower = build_follower(chain, engine)
    try:
        index_to_head(follower)
        (orphan,) = withdraw(chain, 1, 4_242)
        height = chain.anvil.web3.eth.block_number
        index_to_head(follower)
        before = query(engine, "SELECT * FROM book_withdrawal WHERE block_number = :n", n=height)
        assert [(r["block_hash"], r["amount"]) for r in before] == [(orphan, 4_242)]
        (raw,) = signed_withdrawals(chain, [4_343], height - 1)
        anvil_reorg(chain, 1, [(raw, 0)])
        assert chain.anvil.web3.eth.block_number == height  # the head did not move, its hash did
        index_to_head(follower)
        after = query(engine, "SELECT * FROM book_withdrawal WHERE block_number = :n", n=height)
        assert (
            len(after) == 1
            and after[0]["block_hash"] != orphan
            and after[0]["log_index"] == before[0]["log_index"]
        )
        assert (after[0]["account"], after[0]["amount"]) == (REPLACEMENT.address.lower(), 4_343)
        check_canonical(chain, engine, follower, [orphan])
    finally:
        follower.close()


def test_a_reorg_to_a_shorter_chain(restored: Chain, engine: Engine) -> None:
    """evm_revert then re-mining fewer blocks with other transactions: the head falls below the cursor."""
    chain = restored
    follower = build_follower(chain, engine)
    try:
        index_to_head(follower)
        snapshot = chain.anvil.snapshot()
        mined = withdraw(chain, 4, 2_000)
        index_to_head(follower)
        chain.anvil.revert(snapshot)
        player = Player(chain.anvil.web3, chain.deployment)
        for amount in (3_001, 3_002):
            player.send(player.book.functions.withdraw(amount), REPLACEMENT)
        assert chain.anvil.web3.eth.block_number < follower.cursor.number
        index_to_head(follower)
        check_canonical(chain, engine, follower, mined)
    finally:
        follower.close()


def test_reorgs_while_the_follower_runs(restored: Chain, engine: Engine) -> None:
    """Reorgs of depth 1, 2 and 5 in a row, with `run` cycling in a thread the whole time."""
    chain = restored
    follower = build_follower(chain, engine, batch_size=2, poll_interval=0.01)
    stop = threading.Event()
    thread = threading.Thread(target=follower.run, args=(stop,))
    thread.start()
    orphans: list[str] = []
    try:
        for round_, depth in enumerate((1, 2, 5)):
            mined = withdraw(chain, depth + 1, 10_000 * (round_ + 1))
            top = mined[-1]
            assert wait(lambda top=top: follower.cursor.hash == top), (  # type: ignore[misc]
                "the follower never reached the mined blocks"
            )
            fork = chain.anvil.web3.eth.block_number - depth
            raws = signed_withdrawals(chain, [50_000 + round_], fork)
            anvil_reorg(chain, depth, [(raws[0], depth - 1)])
            orphans += mined[-depth:]
        head = "0x" + bytes(chain.anvil.web3.eth.get_block("latest")["hash"]).hex()
        assert wait(lambda: follower.cursor.hash == head), "the follower never reached the new head"
    finally:
        stop.set()
        thread.join(timeout=30)
        follower.close()
    check_canonical(chain, engine, follower, orphans)


def wait(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()
