"""Golden EIP-712 vectors (`tests/vectors/eip712.json`) against three encoders.

(a) `oracle.signing` (eth-account's `encode_typed_data`), what pricers and
reporters sign with; (b) a hand-rolled encoder written here from the
EIP-712 text (keccak over 32-byte words) with coincurve signatures;
(c) the contracts, deployed on the vectors' chain id: their digests for
the deployed addresses, and their acceptance of signatures made by (b).
"""

import json
from pathlib import Path
from typing import Any

import boa
import coincurve
import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_checksum_address

from oracle.signing import (
    GameResult,
    Quote,
    build_quote_typed_data,
    build_result_typed_data,
    get_digest,
    sign_typed_data,
)
from tests.contracts import actions
from tests.deployers import deploy_boa_system
from tests.vectors import make_eip712_vectors

pytestmark = pytest.mark.unit

VECTORS_PATH = Path(__file__).resolve().parents[1] / "vectors" / "eip712.json"
VECTORS = json.loads(VECTORS_PATH.read_text())
CHAIN_ID = 901
QUOTE_VECTORS = VECTORS["quotes"]
RESULT_VECTORS = VECTORS["results"]

# ---------------------------------------------------------------- #
#          The hand-rolled encoder: EIP-712 from its text          #
# ---------------------------------------------------------------- #

DOMAIN_ENCODING = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
QUOTE_ENCODING = "Quote(uint64 market,uint32 epoch,uint40 expiry,uint96 max_stake,uint32[3] odds)"
RESULT_ENCODING = "GameResult(uint48 game,uint8 status,uint16 home,uint16 away)"
QUOTE_BITS = {"market": 64, "epoch": 32, "expiry": 40, "max_stake": 96}
RESULT_BITS = {"game": 48, "status": 8, "home": 16, "away": 16}
ODDS_BITS = 32


def word(value: int, bits: int = 256) -> bytes:
    """One ABI word of an unsigned integer that must fit `bits`."""
    assert 0 <= value < 2**bits, f"{value} does not fit uint{bits}"
    return value.to_bytes(32, "big")


def domain_separator(chain_id: int, verifying_contract: str) -> bytes:
    return keccak(
        keccak(text=DOMAIN_ENCODING)
        + keccak(text="rollbook")
        + keccak(text="1")
        + word(chain_id)
        + word(int(verifying_contract, 16), 160)
    )


def quote_struct_hash(message: dict[str, Any]) -> bytes:
    # a fixed-size array is encoded as the keccak of its concatenated member words
    odds = keccak(b"".join(word(int(o), ODDS_BITS) for o in message["odds"]))
    fields = b"".join(word(int(message[name]), bits) for name, bits in QUOTE_BITS.items())
    return keccak(keccak(text=QUOTE_ENCODING) + fields + odds)


def result_struct_hash(message: dict[str, Any]) -> bytes:
    fields = b"".join(word(int(message[name]), bits) for name, bits in RESULT_BITS.items())
    return keccak(keccak(text=RESULT_ENCODING) + fields)


def typed_digest(separator: bytes, struct_hash: bytes) -> bytes:
    return keccak(b"\x19\x01" + separator + struct_hash)


def sign_digest(private_key: bytes, digest: bytes) -> bytes:
    """r ‖ s ‖ v with v in {27, 28}; libsecp256k1 signs deterministically (RFC 6979) with low s."""
    recoverable = coincurve.PrivateKey(private_key).sign_recoverable(digest, hasher=None)
    return recoverable[:64] + bytes([27 + recoverable[64]])


def recover(digest: bytes, signature: bytes) -> str:
    recoverable = signature[:64] + bytes([signature[64] - 27])
    public_key = coincurve.PublicKey.from_signature_and_message(recoverable, digest, hasher=None)
    return to_checksum_address(keccak(public_key.format(compressed=False)[1:])[12:])


def as_vrs(signature: bytes) -> tuple[int, int, int]:
    return (signature[64], int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:64], "big"))


# ---------------------------------------------------------------- #
#                      Vectors as the code sees them               #
# ---------------------------------------------------------------- #


def quote_of(message: dict[str, Any]) -> Quote:
    odds = tuple(int(o) for o in message["odds"])
    return Quote(**{name: int(message[name]) for name in QUOTE_BITS}, odds=odds)  # type: ignore[arg-type]


def result_of(message: dict[str, Any]) -> GameResult:
    return GameResult(**{name: int(message[name]) for name in RESULT_BITS})


def hex_bytes(text: str) -> bytes:
    return bytes.fromhex(text.removeprefix("0x"))


def by_name(vectors: list[dict[str, Any]]) -> dict[str, Any]:
    return {"argvalues": vectors, "ids": [v["name"] for v in vectors]}


def is_accepted_by_book(message: dict[str, Any]) -> bool:
    """Whether the Book takes this result (a known game, a valid status, scores in range)."""
    result = result_of(message)
    if result.game == 0 or result.status not in (1, 2):
        return False
    if result.status == 2:
        return (result.home, result.away) == (0, 0)
    return max(result.home, result.away) <= 1_000


# ---------------------------------------------------------------- #
#                        The file itself                           #
# ---------------------------------------------------------------- #


def test_file_is_what_the_generator_writes():
    assert VECTORS_PATH.read_text() == make_eip712_vectors.render()


def test_covers_the_edges():
    quotes = [quote_of(v["message"]) for v in QUOTE_VECTORS]
    results = [result_of(v["message"]) for v in RESULT_VECTORS]
    assert any(o == 2**32 - 1 for q in quotes for o in q.odds)
    assert any(q.odds[2] == 0 and q.odds[0] > 0 for q in quotes)
    assert any(q.max_stake == 2**96 - 1 for q in quotes)
    assert {0, 2**32 - 1} <= {q.epoch for q in quotes}
    assert any(q.market >> 8 == 2**48 - 1 for q in quotes)
    assert any(r.game == 2**48 - 1 for r in results)
    assert any(r.status == 2 for r in results)
    assert VECTORS["domain"]["chainId"] == CHAIN_ID


def test_type_hashes():
    types = VECTORS["types"]
    expected = {"EIP712Domain": DOMAIN_ENCODING, "Quote": QUOTE_ENCODING, "GameResult": RESULT_ENCODING}
    assert {name: t["encoding"] for name, t in types.items()} == expected
    assert {name: hex_bytes(t["hash"]) for name, t in types.items()} == {
        name: keccak(text=encoding) for name, encoding in expected.items()
    }


# ---------------------------------------------------------------- #
#                (a) oracle.signing, i.e. eth-account              #
# ---------------------------------------------------------------- #


def check_eth_account(vector: dict[str, Any], typed_data: dict[str, Any]) -> None:
    signable = encode_typed_data(full_message=typed_data)
    assert signable.header == hex_bytes(vector["domain_separator"])
    assert signable.body == hex_bytes(vector["struct_hash"])
    assert get_digest(typed_data) == hex_bytes(vector["digest"])
    key = hex_bytes(vector["signer"]["private_key"])
    assert Account.from_key(key).address == vector["signer"]["address"]
    signature = sign_typed_data(key, typed_data)
    assert (signature.v, signature.r, signature.s) == as_vrs(hex_bytes(vector["signature"]))


@pytest.mark.parametrize("vector", **by_name(QUOTE_VECTORS))
def test_signing_reproduces_quote(vector):
    verifying_contract = VECTORS["verifying_contracts"]["Quote"]
    check_eth_account(
        vector, build_quote_typed_data(quote_of(vector["message"]), CHAIN_ID, verifying_contract)
    )


@pytest.mark.parametrize("vector", **by_name(RESULT_VECTORS))
def test_signing_reproduces_result(vector):
    verifying_contract = VECTORS["verifying_contracts"]["GameResult"]
    check_eth_account(
        vector, build_result_typed_data(result_of(vector["message"]), CHAIN_ID, verifying_contract)
    )


# ---------------------------------------------------------------- #
#                    (b) the hand-rolled encoder                   #
# ---------------------------------------------------------------- #


def check_hand_rolled(vector: dict[str, Any], struct_hash: bytes, verifying_contract: str) -> None:
    separator = domain_separator(CHAIN_ID, verifying_contract)
    digest = typed_digest(separator, struct_hash)
    assert (separator, struct_hash, digest) == (
        hex_bytes(vector["domain_separator"]),
        hex_bytes(vector["struct_hash"]),
        hex_bytes(vector["digest"]),
    )
    signature = sign_digest(hex_bytes(vector["signer"]["private_key"]), digest)
    assert signature == hex_bytes(vector["signature"])
    assert recover(digest, signature) == vector["signer"]["address"]


@pytest.mark.parametrize("vector", **by_name(QUOTE_VECTORS))
def test_hand_rolled_reproduces_quote(vector):
    check_hand_rolled(vector, quote_struct_hash(vector["message"]), VECTORS["verifying_contracts"]["Quote"])


@pytest.mark.parametrize("vector", **by_name(RESULT_VECTORS))
def test_hand_rolled_reproduces_result(vector):
    check_hand_rolled(
        vector, result_struct_hash(vector["message"]), VECTORS["verifying_contracts"]["GameResult"]
    )


def test_hand_rolled_rejects_out_of_range():
    message = {**QUOTE_VECTORS[0]["message"], "odds": [str(2**32), "0", "0"]}
    with pytest.raises(AssertionError, match="does not fit uint32"):
        quote_struct_hash(message)


# ---------------------------------------------------------------- #
#            (c) the contracts, deployed on chain id 901           #
# ---------------------------------------------------------------- #


@pytest.fixture(scope="module")
def system():
    """Overrides the contract-wide fixture: the system deployed on the vectors' chain id."""
    previous = boa.env.evm.patch.chain_id
    boa.env.evm.patch.chain_id = CHAIN_ID
    try:
        yield deploy_boa_system()
    finally:
        boa.env.evm.patch.chain_id = previous


@pytest.mark.parametrize("contract", ["book", "oracle"])
def test_contract_domain(system, contract):
    deployed = getattr(system, contract)
    _, name, version, chain_id, verifying_contract, salt, extensions = deployed.eip712Domain()

    assert (name, version, chain_id, verifying_contract) == ("rollbook", "1", CHAIN_ID, deployed.address)
    assert (salt, extensions) == (bytes(32), [])


@pytest.mark.parametrize("vector", **by_name(QUOTE_VECTORS))
def test_book_quote_digest(book, vector):
    quote = quote_of(vector["message"])
    expected = typed_digest(domain_separator(CHAIN_ID, book.address), hex_bytes(vector["struct_hash"]))

    assert book.quote_digest(quote.as_tuple()) == expected
    assert get_digest(build_quote_typed_data(quote, CHAIN_ID, book.address)) == expected


@pytest.mark.parametrize("vector", **by_name(RESULT_VECTORS))
def test_oracle_result_digest(oracle, vector):
    result = result_of(vector["message"])
    expected = typed_digest(domain_separator(CHAIN_ID, oracle.address), hex_bytes(vector["struct_hash"]))

    assert oracle.result_digest(result.as_tuple()) == expected
    assert get_digest(build_result_typed_data(result, CHAIN_ID, oracle.address)) == expected


@pytest.mark.parametrize("signer", sorted({v["signer"]["private_key"] for v in QUOTE_VECTORS}))
def test_place_bet_accepts_hand_rolled_quote(book, admin, ready, funded_bettor, signer):
    key = hex_bytes(signer)
    book.set_pricer(Account.from_key(key).address, True, sender=admin)
    message = {
        "market": ready,
        "epoch": book.game(ready >> 8).epoch,
        "expiry": boa.env.evm.patch.timestamp + 60,
        "max_stake": 500 * actions.ONE,
        "odds": [21_000, 32_500, 36_000],
    }
    digest = typed_digest(domain_separator(CHAIN_ID, book.address), quote_struct_hash(message))
    quote = quote_of(message)

    book.place_bet(
        quote.as_tuple(), as_vrs(sign_digest(key, digest)), 1, 100 * actions.ONE, 0, sender=funded_bettor
    )

    (placed,) = [e for e in book.get_logs() if type(e).__name__ == "BetPlaced"]
    assert (placed.bettor, placed.market, placed.outcome, placed.odds) == (funded_bettor, ready, 1, 32_500)
    assert (placed.stake, placed.payout, placed.quote_digest) == (
        100 * actions.ONE,
        325 * actions.ONE,
        digest,
    )


@pytest.mark.parametrize(
    "vector", **by_name([v for v in RESULT_VECTORS if is_accepted_by_book(v["message"])])
)
def test_report_result_accepts_hand_rolled_result(system, book, oracle, admin, keeper, vector):
    key = hex_bytes(vector["signer"]["private_key"])
    oracle.set_reporters([vector["signer"]["address"]], 1, sender=admin)
    result = result_of(vector["message"])
    actions.create_game(system, result.game)
    actions.time_travel(3_600)
    digest = typed_digest(domain_separator(CHAIN_ID, oracle.address), result_struct_hash(vector["message"]))

    assert oracle.report_result(result.as_tuple(), [as_vrs(sign_digest(key, digest))], sender=keeper) is True

    (proposed,) = oracle.get_logs()
    assert (proposed.game, proposed.status, proposed.home, proposed.away) == result.as_tuple()
    assert proposed.signers == 1
