"""Reporter signatures and bundles for the ResultOracle tests.

Everything here is computed in Python from the deployment's inputs (the
reporter keys, their sorted order), never read back from the oracle, so
the tests compare the contract with an independent expectation.
"""

import boa
from eth_account.signers.local import LocalAccount

from oracle.markets import ResultStatus
from oracle.signing import GameResult, build_result_typed_data, get_digest, sign_result
from tests.deployers import System

STATE_OPEN = 1  # constants.vy
STATE_PROPOSED = 4
STATE_FINAL = 6

# secp256k1 group order: (r, n - s) with the other parity is the malleable twin of (r, s)
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def build_result(
    game: int = 1, home: int = 2, away: int = 1, status: ResultStatus = ResultStatus.FINAL
) -> GameResult:
    return GameResult(game=game, status=int(status), home=home, away=away)


def by_address(accounts: list[LocalAccount]) -> list[LocalAccount]:
    """Signers in the order the oracle requires: strictly increasing addresses."""
    return sorted(accounts, key=lambda a: int(a.address, 16))


def sign(
    system: System,
    result: GameResult,
    signers: list[LocalAccount],
    *,
    chain_id: int | None = None,
    verifying_contract: str | None = None,
) -> list[tuple[int, int, int]]:
    """`signers`' signatures over `result`, in the order given, as ABI tuples."""
    chain_id = boa.env.evm.patch.chain_id if chain_id is None else chain_id
    contract = system.oracle.address if verifying_contract is None else verifying_contract
    return [sign_result(s.key, result, chain_id, contract).as_tuple() for s in signers]


def submit(system: System, result: GameResult, signers: list[LocalAccount], sender: str) -> bool:
    """Submit `signers`' signatures (sorted by address) in one call from `sender`."""
    signatures = sign(system, result, by_address(signers))
    return system.oracle.report_result(result.as_tuple(), signatures, sender=sender)


def digest_of(system: System, result: GameResult) -> bytes:
    """The EIP-712 digest reporters sign for `result` on this deployment."""
    return get_digest(build_result_typed_data(result, boa.env.evm.patch.chain_id, system.oracle.address))


def bitmap(reporters: list[LocalAccount], signers: list[LocalAccount]) -> int:
    """Signer bitmap by index in the (sorted) reporter set the oracle was given."""
    return sum(1 << reporters.index(s) for s in set(signers))


def malleable_twin(signature: tuple[int, int, int]) -> tuple[int, int, int]:
    """The high-s signature that recovers the same signer as `signature`."""
    v, r, s = signature
    return (55 - v, r, SECP256K1_N - s)


def event_names(contract: object) -> list[str]:
    """The names of the events the last call emitted, in order, from every contract."""
    return [type(e).__name__ for e in contract.get_logs()]  # type: ignore[attr-defined]
