"""EIP-712 messages the contracts verify: pricer quotes, reporter results, token permits.

The typed data here is the single definition every signer uses; the
golden vectors in `tests/vectors/eip712.json` pin it to the digests the
contracts compute.
"""

from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak

DOMAIN_NAME = "rollbook"
DOMAIN_VERSION = "1"

_DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
QUOTE_TYPE = [
    {"name": "market", "type": "uint64"},
    {"name": "epoch", "type": "uint32"},
    {"name": "expiry", "type": "uint40"},
    {"name": "max_stake", "type": "uint96"},
    {"name": "odds", "type": "uint32[3]"},
]
PERMIT_TYPE = [
    {"name": "owner", "type": "address"},
    {"name": "spender", "type": "address"},
    {"name": "value", "type": "uint256"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]
RESULT_TYPE = [
    {"name": "game", "type": "uint48"},
    {"name": "status", "type": "uint8"},
    {"name": "home", "type": "uint16"},
    {"name": "away", "type": "uint16"},
]


@dataclass(frozen=True)
class Quote:
    market: int
    epoch: int
    expiry: int
    max_stake: int
    odds: tuple[int, int, int]

    def as_tuple(self) -> tuple[int, int, int, int, tuple[int, int, int]]:
        return (self.market, self.epoch, self.expiry, self.max_stake, self.odds)


@dataclass(frozen=True)
class GameResult:
    game: int
    status: int
    home: int
    away: int

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.game, self.status, self.home, self.away)


@dataclass(frozen=True)
class Permit:
    """An EIP-2612 permit: `owner` lets `spender` move `value` tokens until `deadline`."""

    owner: str
    spender: str
    value: int
    nonce: int
    deadline: int


@dataclass(frozen=True)
class Signature:
    v: int
    r: int
    s: int

    def as_tuple(self) -> tuple[int, int, int]:
        return (self.v, self.r, self.s)

    @classmethod
    def from_bytes(cls, signature: bytes) -> "Signature":
        if len(signature) != 65:
            raise ValueError(f"a signature is 65 bytes, got {len(signature)}")
        return cls(
            v=signature[64],
            r=int.from_bytes(signature[:32], "big"),
            s=int.from_bytes(signature[32:64], "big"),
        )


def build_domain(
    chain_id: int, verifying_contract: str, name: str = DOMAIN_NAME, version: str = DOMAIN_VERSION
) -> dict[str, Any]:
    """The EIP-712 domain of a contract on one chain (a rollbook contract unless named)."""
    return {"name": name, "version": version, "chainId": chain_id, "verifyingContract": verifying_contract}


def build_quote_typed_data(quote: Quote, chain_id: int, book: str) -> dict[str, Any]:
    """The full EIP-712 message a pricer signs (wallet-compatible JSON shape)."""
    return {
        "types": {"EIP712Domain": _DOMAIN_TYPE, "Quote": QUOTE_TYPE},
        "primaryType": "Quote",
        "domain": build_domain(chain_id, book),
        "message": {
            "market": quote.market,
            "epoch": quote.epoch,
            "expiry": quote.expiry,
            "max_stake": quote.max_stake,
            "odds": list(quote.odds),
        },
    }


def build_result_typed_data(result: GameResult, chain_id: int, oracle: str) -> dict[str, Any]:
    """The full EIP-712 message a reporter signs."""
    return {
        "types": {"EIP712Domain": _DOMAIN_TYPE, "GameResult": RESULT_TYPE},
        "primaryType": "GameResult",
        "domain": build_domain(chain_id, oracle),
        "message": {"game": result.game, "status": result.status, "home": result.home, "away": result.away},
    }


def build_permit_typed_data(
    permit: Permit, chain_id: int, token: str, token_name: str, version: str = "1"
) -> dict[str, Any]:
    """The EIP-2612 message a holder signs for a token whose EIP-712 domain is `token_name`."""
    return {
        "types": {"EIP712Domain": _DOMAIN_TYPE, "Permit": PERMIT_TYPE},
        "primaryType": "Permit",
        "domain": build_domain(chain_id, token, token_name, version),
        "message": {
            "owner": permit.owner,
            "spender": permit.spender,
            "value": permit.value,
            "nonce": permit.nonce,
            "deadline": permit.deadline,
        },
    }


def get_digest(typed_data: dict[str, Any]) -> bytes:
    """The 32-byte digest a contract recovers the signer from."""
    signable = encode_typed_data(full_message=typed_data)
    return keccak(b"\x19" + signable.version + signable.header + signable.body)


def sign_typed_data(private_key: bytes | str, typed_data: dict[str, Any]) -> Signature:
    """Sign an EIP-712 message; low-s, v in {27, 28}."""
    signed = Account.sign_message(encode_typed_data(full_message=typed_data), private_key)
    return Signature(v=signed.v, r=signed.r, s=signed.s)


def sign_quote(private_key: bytes | str, quote: Quote, chain_id: int, book: str) -> Signature:
    """A pricer's signature over `quote` for the Book at `book`."""
    return sign_typed_data(private_key, build_quote_typed_data(quote, chain_id, book))


def sign_result(private_key: bytes | str, result: GameResult, chain_id: int, oracle: str) -> Signature:
    """A reporter's signature over `result` for the ResultOracle at `oracle`."""
    return sign_typed_data(private_key, build_result_typed_data(result, chain_id, oracle))


def sign_permit(
    private_key: bytes | str, permit: Permit, chain_id: int, token: str, token_name: str, version: str = "1"
) -> Signature:
    """A holder's EIP-2612 signature over `permit` for the token at `token`."""
    return sign_typed_data(private_key, build_permit_typed_data(permit, chain_id, token, token_name, version))
