"""Pure decisions of the follower: how many blocks to ask for next, and where a reorg forked.

Both are tested offline against fakes: the planner must cover every block exactly once whatever
the node refuses, and the ancestor search must find the highest stored block still on the chain.
"""

from collections.abc import Callable, Sequence

from indexer.exceptions import RpcError


class RangePlanner:
    """Adaptive `eth_getLogs` ranges: grow while results are small, halve on refusals or floods."""

    def __init__(self, initial: int, maximum: int, target_logs: int):
        self.maximum = max(1, maximum)
        self.size = max(1, min(initial, self.maximum))
        self.target_logs = target_logs

    def get_range(self, start: int, head: int) -> tuple[int, int]:
        """The next range from `start`, never past `head`."""
        return start, min(head, start + self.size - 1)

    def shrink(self, start: int, end: int) -> None:
        """The node refused [start, end]: the next try asks for half as many blocks."""
        span = end - start + 1
        if span <= 1:
            raise RpcError("eth_getLogs", None, f"the node refuses even the single block {start}")
        self.size = max(1, span // 2)

    def record(self, start: int, end: int, logs: int) -> None:
        """A range came back with `logs` logs: size the next one."""
        span = end - start + 1
        if logs > 2 * self.target_logs:
            self.size = max(1, span // 2)
        elif logs * 2 < self.target_logs and span >= self.size:
            self.size = min(self.maximum, self.size * 2)


def find_common_ancestor(
    known: Sequence[tuple[int, str]],
    fetch_hashes: Callable[[list[int]], list[str | None]],
    chunk: int = 32,
) -> tuple[int, str] | None:
    """The highest stored (number, hash) that is still canonical, or None if none of `known` is.

    `known` is highest first; `fetch_hashes(numbers)` returns the chain's current hashes for them.
    Everything at or below a canonical block is canonical too (each hash commits to its parent).
    """
    for start in range(0, len(known), chunk):
        part = list(known[start : start + chunk])
        canonical = fetch_hashes([number for number, _ in part])
        for (number, stored), current in zip(part, canonical, strict=True):
            if stored == current:
                return number, stored
    return None
