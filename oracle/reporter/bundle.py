"""Signature sharing, pure: what a node serves, how a peer's answer is checked, who submits when.

A node serves the signatures it has made for games still waiting for a result (`build_served`).
Another node parses that answer strictly (`parse_served`: anything malformed rejects the whole
answer) and checks every signature for a game it has signed itself (`check_entry`): it must
recover to a current reporter over exactly the node's own result. A signature of a reporter
over another result is evidence against that reporter, never a vote.

Who submits (`plan_submission`): nodes take turns by game, `rank = (index - 1 - game) mod N`.
The node of rank 0 submits as soon as it holds enough matching signatures to reach the quorum
(its own, peers', and votes already on chain) in one transaction; the node of rank r waits
`r * stagger` blocks from the moment it signed, and submits only if the game is still not
proposed. Whatever happens to peers, each node sends what it holds (its own signature at least)
once `(N + rank) * stagger` blocks have passed, so a node alone still votes. Without peers a node
votes at once, as it always did.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

import orjson
from eth_keys import keys
from eth_keys.exceptions import BadSignature, ValidationError
from eth_utils import to_checksum_address

from oracle.markets import ResultStatus
from oracle.reporter.exceptions import PeerDataError
from oracle.reporter.store import SignedResult
from oracle.signing import GameResult, Signature

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
MAX_ENTRIES = 1_024  # signatures in one answer; a node serves only games still waiting
_STATUSES = {int(s) for s in ResultStatus}
_FIELDS = {"game": 2**48, "status": 2**8, "home": 2**16, "away": 2**16}


@dataclass(frozen=True)
class ReporterSet:
    version: int
    quorum: int
    addresses: tuple[str, ...]  # checksummed; reporter i has bit i - 1, index i

    def get_index(self, address: str) -> int:
        """The reporter's index (bit + 1), 0 for anyone else."""
        try:
            return self.addresses.index(address) + 1
        except ValueError:
            return 0


@dataclass(frozen=True)
class PeerEntry:
    result: GameResult
    signature: Signature


class Check(Enum):
    MATCH = "match"  # a current reporter's signature over the node's own result
    OTHER_RESULT = "other_result"  # a current reporter signed another result: an alert
    UNKNOWN_SIGNER = "unknown_signer"  # recovers to no current reporter (another domain, forged, old set)
    BAD_SIGNATURE = "bad_signature"  # not a canonical signature the contract would accept


@dataclass(frozen=True)
class Plan:
    signatures: tuple[Signature, ...]  # sorted by signer address, as the contract wants
    reaches_quorum: bool  # False: a vote sent without enough signatures (no peers, or the fallback)


def build_served(chain_id: int, oracle: str, signer: str, signed: Iterable[SignedResult]) -> dict[str, Any]:
    """The JSON a node serves at `/signatures`: its own signatures for games still waiting."""
    return {
        "chain_id": chain_id,
        "oracle": oracle,
        "signer": signer,
        "signatures": [
            {
                "game": s.result.game,
                "status": s.result.status,
                "home": s.result.home,
                "away": s.result.away,
                "v": s.signature.v,
                "r": hex(s.signature.r),
                "s": hex(s.signature.s),
            }
            for s in signed
        ],
    }


def parse_served(body: bytes, chain_id: int, oracle: str) -> list[PeerEntry]:
    """A peer's answer as entries; `PeerDataError` unless it is exactly the shape `build_served` makes."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise PeerDataError("is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("signatures"), list):
        raise PeerDataError("has no signatures list")
    if data.get("chain_id") != chain_id or str(data.get("oracle", "")).lower() != oracle.lower():
        raise PeerDataError(f"serves another chain or oracle than {chain_id}/{oracle}: check its deployment")
    entries = data["signatures"]
    if len(entries) > MAX_ENTRIES:
        raise PeerDataError(f"serves {len(entries)} signatures, more than {MAX_ENTRIES}")
    return [_parse_entry(entry) for entry in entries]


def _parse_entry(entry: object) -> PeerEntry:
    if not isinstance(entry, dict):
        raise PeerDataError("has a signature that is not an object")
    values = {name: _get_int(entry, name, bound) for name, bound in _FIELDS.items()}
    if values["status"] not in _STATUSES:
        raise PeerDataError(f"has an unknown result status {values['status']}")
    v = _get_int(entry, "v", 256)
    r, s = _get_hex(entry, "r"), _get_hex(entry, "s")
    return PeerEntry(GameResult(**values), Signature(v, r, s))


def _get_int(entry: dict[str, Any], name: str, bound: int) -> int:
    value = entry.get(name)
    if type(value) is not int or not 0 <= value < bound:
        raise PeerDataError(f"has a bad {name}: {str(value)[:40]!r}")
    return value


def _get_hex(entry: dict[str, Any], name: str) -> int:
    value = entry.get(name)
    if not isinstance(value, str) or not value.startswith("0x") or not 2 < len(value) <= 66:
        raise PeerDataError(f"has a bad {name}: {str(value)[:70]!r}")
    try:
        return int(value, 16)
    except ValueError:
        raise PeerDataError(f"has a bad {name}: {value!r}") from None


def recover_signer(digest: bytes, signature: Signature) -> str | None:
    """The checksummed signer of `digest`, or None unless the signature is one the contract accepts."""
    v, r, s = signature.v, signature.r, signature.s
    if v not in (27, 28) or not 0 < r < SECP256K1_N or not 0 < s <= SECP256K1_N // 2:
        return None
    try:
        key = keys.Signature(vrs=(v - 27, r, s)).recover_public_key_from_msg_hash(digest)
    except (BadSignature, ValidationError, ValueError):
        return None
    return str(to_checksum_address(key.to_canonical_address()))


def check_entry(
    entry: PeerEntry,
    own: SignedResult,
    reporters: ReporterSet,
    get_digest: Callable[[GameResult], bytes],
) -> tuple[Check, str | None]:
    """What a peer's signature for the game of `own` is worth, and who signed it (when recoverable)."""
    same = entry.result == own.result
    signer = recover_signer(own.digest if same else get_digest(entry.result), entry.signature)
    if signer is None:
        return Check.BAD_SIGNATURE, None
    if reporters.get_index(signer) == 0:
        return Check.UNKNOWN_SIGNER, signer
    return (Check.MATCH if same else Check.OTHER_RESULT), signer


def get_rank(index: int, game: int, size: int) -> int:
    """This reporter's turn for `game`: 0 submits first, then 1, ..."""
    return (index - 1 - game) % size


def plan_submission(
    own: Signature,
    own_address: str,
    reporters: ReporterSet,
    game: int,
    voted: int,
    verified: Mapping[str, Signature],
    waited: int | None,
    stagger: int,
) -> Plan | None:
    """What to send now for `game`, or None to wait.

    `voted` is the signer bitmap already on chain for the node's result, `verified` the peers'
    checked signatures over it by address, `waited` the blocks since the node signed (None when
    the node has no peers: it votes at once).
    """
    if waited is None:
        return Plan((own,), reaches_quorum=False)
    index = reporters.get_index(own_address)
    rank = get_rank(index, game, len(reporters.addresses))
    if waited < rank * stagger:
        return None
    fresh = {
        address: signature
        for address, signature in verified.items()
        if address != own_address and _is_new(reporters.get_index(address), voted)
    }
    missing = max(0, reporters.quorum - bin(voted).count("1") - 1)
    if len(fresh) >= missing:
        chosen = sorted(fresh, key=reporters.get_index)[:missing]
        return Plan(_sort({own_address: own} | {a: fresh[a] for a in chosen}), reaches_quorum=True)
    if waited >= (len(reporters.addresses) + rank) * stagger:
        return Plan(_sort({own_address: own} | fresh), reaches_quorum=False)
    return None


def _is_new(index: int, voted: int) -> bool:
    return index > 0 and not voted >> (index - 1) & 1


def _sort(signatures: Mapping[str, Signature]) -> tuple[Signature, ...]:
    return tuple(signatures[a] for a in sorted(signatures, key=lambda address: int(address, 16)))
