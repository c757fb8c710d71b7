"""The range planner against a fake node that refuses large ranges, and the reorg ancestor search."""

import itertools
import random
from dataclasses import dataclass, field
from typing import Any

import pytest

from indexer.decode import Header
from indexer.exceptions import RangeTooLargeError, RpcError
from indexer.follower import FetchedRange, ReorgDetected, Target, fetch_range
from indexer.plan import RangePlanner, find_common_ancestor

pytestmark = pytest.mark.unit


def block_hash(number: int, fork: str = "a") -> str:
    return f"0x{fork}{number:063x}"


@dataclass
class FakeNode:
    """A chain of empty blocks whose node refuses ranges over `max_span` blocks or `max_logs` logs."""

    head: int
    max_span: int = 10**9
    max_logs: int = 10**9
    logs_per_block: int = 0
    fork_from: int | None = None  # blocks from here on are on fork "b"
    asked: list[tuple[int, int]] = field(default_factory=list)

    def hash_of(self, number: int) -> str:
        return block_hash(number, "b" if self.fork_from is not None and number >= self.fork_from else "a")

    def get_headers(self, numbers: list[int]) -> list[Header]:
        return [Header(n, self.hash_of(n), self.hash_of(n - 1), 1_000 + n) for n in numbers]

    def get_logs(self, start: int, end: int, addresses: Any) -> list[dict[str, Any]]:
        self.asked.append((start, end))
        if end - start + 1 > self.max_span or (end - start + 1) * self.logs_per_block > self.max_logs:
            raise RangeTooLargeError("eth_getLogs", -32005, "query returned more than 10000 results")
        return [{"topics": []} for _ in range((end - start + 1) * self.logs_per_block)]


TARGET = Target(chain_id=901, book="0x" + "00" * 20, addresses=[], specs={}, start_block=1)


def fetch_all(node: FakeNode, planner: RangePlanner, start: int = 1) -> list[tuple[int, int]]:
    """Drive `fetch_range` as the follower does; the ranges it returned."""
    covered, parent = [], node.hash_of(start - 1)
    while start <= node.head:
        item = fetch_range(node, TARGET, planner, start, node.head, parent)  # type: ignore[arg-type]
        assert isinstance(item, FetchedRange)
        covered.append((item.start, item.end.number))
        start, parent = item.end.number + 1, item.end.hash
    return covered


def assert_contiguous(covered: list[tuple[int, int]], first: int, last: int) -> None:
    assert covered[0][0] == first and covered[-1][1] == last
    for (_, end), (start, _) in itertools.pairwise(covered):
        assert start == end + 1  # no gap, no overlap
    assert all(start <= end for start, end in covered)


def test_default_behavior() -> None:
    node = FakeNode(head=30_000)
    covered = fetch_all(node, RangePlanner(initial=100, maximum=5_000, target_logs=1_000))
    assert_contiguous(covered, 1, 30_000)
    assert [end - start + 1 for start, end in covered[:4]] == [100, 200, 400, 800]  # empty ranges grow
    assert max(end - start + 1 for start, end in covered) == 5_000


def test_shrinks_when_the_node_refuses_a_range() -> None:
    node = FakeNode(head=5_000, max_span=300)
    planner = RangePlanner(initial=2_000, maximum=100_000, target_logs=1_000)
    covered = fetch_all(node, planner)
    assert_contiguous(covered, 1, 5_000)
    assert all(end - start + 1 <= 300 for start, end in covered)
    assert node.asked[:4] == [(1, 2_000), (1, 1_000), (1, 500), (1, 250)]


def test_shrinks_when_ranges_hold_too_many_logs() -> None:
    node = FakeNode(head=3_000, logs_per_block=10, max_logs=10_000)
    planner = RangePlanner(initial=50, maximum=100_000, target_logs=500)
    covered = fetch_all(node, planner)
    assert_contiguous(covered, 1, 3_000)
    assert all((end - start + 1) * 10 <= 10_000 for start, end in covered)
    assert planner.size <= 100  # floods of 2x the target halve the next range


@pytest.mark.parametrize("seed", range(20))
def test_random_limits_never_leave_a_gap(seed: int) -> None:
    rng = random.Random(seed)
    node = FakeNode(
        head=rng.randint(1, 20_000), max_span=rng.randint(1, 3_000), logs_per_block=rng.randint(0, 5)
    )
    node.max_logs = max(node.logs_per_block, rng.randint(1, 5_000))
    planner = RangePlanner(
        initial=rng.randint(1, 10_000), maximum=rng.randint(1, 50_000), target_logs=rng.randint(1, 2_000)
    )
    first = rng.randint(1, node.head)
    assert_contiguous(fetch_all(node, planner, first), first, node.head)


def test_a_block_the_node_refuses_alone_is_an_error() -> None:
    node = FakeNode(head=10, logs_per_block=5, max_logs=4)
    with pytest.raises(RpcError, match="refuses even the single block 1"):
        fetch_all(node, RangePlanner(initial=8, maximum=8, target_logs=1))


def test_a_new_parent_hash_is_a_reorg() -> None:
    node = FakeNode(head=100, fork_from=51)
    planner = RangePlanner(initial=10, maximum=10, target_logs=100)
    item = fetch_range(node, TARGET, planner, 52, 100, block_hash(51, "a"))  # type: ignore[arg-type]
    assert item == ReorgDetected(52)


# ---------------------------------------------------------------- ancestor search


def fake_chain(fork_from: int, head: int) -> Any:
    def fetch(numbers: list[int]) -> list[str | None]:
        return [None if n > head else block_hash(n, "b" if n >= fork_from else "a") for n in numbers]

    return fetch


def test_ancestor_is_the_highest_stored_block_still_on_the_chain() -> None:
    known = [(n, block_hash(n)) for n in (100, 97, 90, 64, 30, 1)]  # highest first, gaps between
    assert find_common_ancestor(known, fake_chain(fork_from=95, head=100)) == (90, block_hash(90))
    assert find_common_ancestor(known, fake_chain(fork_from=101, head=100)) == (100, block_hash(100))
    shorter = fake_chain(fork_from=98, head=96)
    assert find_common_ancestor(known, shorter) == (90, block_hash(90))


def test_no_ancestor_when_every_stored_block_is_orphaned() -> None:
    known = [(n, block_hash(n)) for n in range(100, 0, -1)]
    calls: list[list[int]] = []

    def fetch(numbers: list[int]) -> list[str | None]:
        calls.append(numbers)
        return fake_chain(fork_from=0, head=100)(numbers)

    assert find_common_ancestor(known, fetch, chunk=32) is None
    assert [len(c) for c in calls] == [32, 32, 32, 4]
