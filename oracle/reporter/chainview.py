"""What the node reads from and sends to the contracts: game states, reporters, votes, report_result."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import partial

from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address
from web3 import Web3

from oracle.chain import TxSender, call_rpc
from oracle.exceptions import ConfigError, RevertError, RoleMissingError, RpcUnavailableError, WrongChainError
from oracle.markets import ResultStatus
from oracle.reporter.bundle import ReporterSet
from oracle.signing import GameResult, Signature, build_result_typed_data, get_digest, sign_result
from scripts.deployment import Deployment


class GameState(IntEnum):  # contracts/constants.vy STATE_*
    NONE = 0
    OPEN = 1
    LIVE = 2
    CLOSED = 3
    PROPOSED = 4
    CHALLENGED = 5
    FINAL = 6


@dataclass(frozen=True)
class GameView:
    game: int
    kickoff: int
    state: GameState
    result: GameResult | None  # once proposed


@dataclass(frozen=True)
class Head:
    number: int
    timestamp: int


class OracleClient:
    """The Book and ResultOracle of one deployment, seen by one reporter key."""

    def __init__(
        self, web3: Web3, deployment: Deployment, signer: LocalAccount, sender: TxSender, rpc_url: str
    ):
        self.web3 = web3
        self.deployment = deployment
        self.signer = signer
        self.sender = sender
        self.rpc_url = rpc_url
        self.book = deployment.get_contract(web3, "book")
        self.oracle = deployment.get_contract(web3, "oracle")
        self.chain_id = deployment.chain_id

    def validate_chain(self) -> None:
        """Raise a fatal error unless the RPC serves the deployment's chain and its contracts."""
        chain_id = int(call_rpc(self.rpc_url, lambda: self.web3.eth.chain_id))
        if chain_id != self.chain_id:
            raise WrongChainError(self.chain_id, chain_id, self.rpc_url)
        for contract in (self.book, self.oracle):
            if not call_rpc(self.rpc_url, partial(self.web3.eth.get_code, contract.address)):
                raise ConfigError(
                    f"no contract at {contract.address} on chain {chain_id}: the deployment file does not "
                    "match this chain (redeployed?); point the node at the current deployment file"
                )

    def fetch_head(self) -> Head:
        block = call_rpc(self.rpc_url, lambda: self.web3.eth.get_block("latest"))
        return Head(int(block["number"]), int(block["timestamp"]))

    def fetch_reporter_index(self) -> int:
        """This key's bit in the signer bitmap, plus one; raises unless it is a current reporter."""
        index = int(call_rpc(self.rpc_url, self.oracle.functions.reporter_index(self.signer.address).call))
        if index == 0:
            raise RoleMissingError(
                self.signer.address, "reporter", f"the ResultOracle at {self.oracle.address}"
            )
        return index

    def fetch_game(self, game: int) -> GameView:
        view = call_rpc(self.rpc_url, self.book.functions.game(game).call)
        kickoff, _, state, home, away, _, cancelled = view[:7]
        result = None
        if state >= GameState.PROPOSED:
            status = ResultStatus.CANCELLED if cancelled else ResultStatus.FINAL
            result = GameResult(game, int(status), int(home), int(away))
        return GameView(game, int(kickoff), GameState(state), result)

    def fetch_votes(self, digest: bytes) -> int:
        """The signer bitmap gathered on chain for a result digest (below quorum)."""
        return int(call_rpc(self.rpc_url, self.oracle.functions.votes(digest).call))

    def fetch_reporter_set(self, cached: ReporterSet | None) -> ReporterSet:
        """The current reporters and quorum; `cached` when the set's version has not changed."""
        version = int(call_rpc(self.rpc_url, self.oracle.functions.version().call))
        if cached is not None and cached.version == version:
            return cached
        event = self.oracle.events.ReportersSet()
        start = self.deployment.oracle.block or self.deployment.start_block
        version_filter = {"version": version}
        logs = call_rpc(
            self.rpc_url,
            lambda: event.get_logs(from_block=start, to_block="latest", argument_filters=version_filter),
        )
        if not logs:
            raise RpcUnavailableError(self.rpc_url, f"no ReportersSet log for version {version} yet")
        args = logs[-1]["args"]
        addresses = tuple(to_checksum_address(a) for a in args["reporters"])
        return ReporterSet(version, int(args["quorum"]), addresses)

    def build_digest(self, result: GameResult) -> bytes:
        return get_digest(build_result_typed_data(result, self.chain_id, self.oracle.address))

    def sign(self, result: GameResult) -> Signature:
        return sign_result(self.signer.key, result, self.chain_id, self.oracle.address)

    def submit(self, result: GameResult, signatures: Sequence[Signature]) -> int:
        """Send signatures over `result` (sorted by signer); the gas used. Reverts raise `RevertError`."""
        call = self.oracle.functions.report_result(result.as_tuple(), [s.as_tuple() for s in signatures])
        receipt = self.sender.send(call, f"report_result game {result.game} ({len(signatures)} signatures)")
        return int(receipt["gasUsed"])

    def fetch_divergent_votes(self, game: int, result: GameResult) -> dict[bytes, int]:
        """Signer bitmaps of `ResultVoted` logs for `game` whose digest is not `result`'s."""
        event = self.oracle.events.ResultVoted()
        start = self.deployment.oracle.block or self.deployment.start_block
        logs = call_rpc(
            self.rpc_url,
            lambda: event.get_logs(from_block=start, to_block="latest", argument_filters={"game": game}),
        )
        proposed = self.build_digest(result)
        divergent: dict[bytes, int] = {}
        for entry in logs:
            digest = bytes(entry["args"]["digest"])
            if digest != proposed:
                divergent[digest] = divergent.get(digest, 0) | int(entry["args"]["signers"])
        return divergent


# report_result succeeds without effect for the result already proposed or final, so the only
# reverts a node meets are these (and a bug's)
WAIT_REVERTS = ("book: game not started",)
CONFLICT_REVERTS = ("book: other result proposed",)
ROLE_REVERTS = ("oracle: unknown reporter",)


def is_revert(error: RevertError, reasons: tuple[str, ...]) -> bool:
    return any(reason in error.reason for reason in reasons)
