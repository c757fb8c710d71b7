"""The API's pure cores, offline: EIP-4361 parsing and checks, cursors, quote verification and servability."""

import base64
import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from eth_account import Account
from hypothesis import given
from hypothesis import strategies as st

from api import siwe
from api.exceptions import InvalidCursorError, SignInError
from api.middleware import get_client_ip
from api.pagination import decode_cursor, encode_cursor
from api.quotes import STATE_LIVE, STATE_OPEN, Domain, GameState, QuoteBook, QuoteRow
from oracle.signing import Quote, sign_quote
from scripts.deployment import local_account
from tests.api.siwe_helpers import build_message, sign

pytestmark = pytest.mark.unit
pricer = local_account("pricer")
DOMAIN = Domain(901, "0x" + "12" * 20)
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_default_behavior() -> None:
    bettor = Account.create()
    text = build_message(bettor.address, "abcdefgh1234", issued_at=NOW)
    message = siwe.parse_message(text)
    assert (message.address, message.nonce, message.chain_id, message.statement) == (
        bettor.address, "abcdefgh1234", 901, "Sign in to rollbook.",
    )  # fmt: skip
    siwe.validate_message(message, "app.rollbook.test", 901, NOW + timedelta(minutes=1), 60)
    siwe.validate_signature(text, sign(bettor, text), bettor.address)


def test_message_without_statement_or_expiry() -> None:
    text = build_message(Account.create().address, "abcdefgh1234", statement=None, expires_in=None)
    assert siwe.parse_message(text).statement is None


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.replace("Version: 1", "Version: 2"),
        lambda t: t.replace("Chain ID: 901", "Chain ID: 0901"),
        lambda t: t.replace("Nonce: abcdefgh1234", "Nonce: short"),
        lambda t: t.replace("wants you to sign in", "wants you to log in"),
        lambda t: t.lower(),  # the address loses its EIP-55 checksum
        lambda t: t + "\nextra",
        lambda t: t.replace("\n", "\r\n"),
        lambda t: t.replace("Issued At: ", "Issued At: yesterday "),
        lambda t: t + "\nResources:\n- not a uri",
        lambda t: "x" * 5_000,
    ],
)
def test_malformed_messages(change: object) -> None:
    text = build_message(Account.create().address, "abcdefgh1234")
    with pytest.raises(SignInError, match=siwe.MALFORMED):
        siwe.parse_message(change(text))  # type: ignore[operator]


@given(st.text(max_size=600))
def test_garbage_never_escapes_as_another_error(text: str) -> None:
    with contextlib.suppress(SignInError):
        siwe.parse_message(text)


def test_high_s_signatures_are_refused() -> None:
    bettor = Account.create()
    text = build_message(bettor.address, "abcdefgh1234")
    raw = bytes.fromhex(sign(bettor, text)[2:])
    n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
    flipped = raw[:32] + (n - int.from_bytes(raw[32:64], "big")).to_bytes(32, "big") + bytes([raw[64] ^ 1])
    with pytest.raises(SignInError, match=siwe.BAD_SIGNATURE):
        siwe.validate_signature(text, "0x" + flipped.hex(), bettor.address)


@given(st.lists(st.integers(min_value=0, max_value=2**62), min_size=2, max_size=2))
def test_cursors_round_trip(key: list[int]) -> None:
    assert decode_cursor(encode_cursor(tuple(key)), (int, int)) == tuple(key)


TOO_BIG = base64.urlsafe_b64encode(b"[18446744073709551616,1]").decode()


@pytest.mark.parametrize("cursor", ["", "!!", "WzFd", encode_cursor(("a", 1)), TOO_BIG, "A" * 600])
def test_bad_cursors(cursor: str) -> None:
    with pytest.raises(InvalidCursorError):
        decode_cursor(cursor, (int, int))


def build_row(
    seq: int, epoch: int = 1, key: bytes = pricer.key, expiry: int = 2_000, signer: str = ""
) -> QuoteRow:
    quote = Quote(25_600, epoch, expiry, 10**9, (21_000, 34_000, 36_000))
    s = sign_quote(key, quote, DOMAIN.chain_id, DOMAIN.book)
    raw = s.r.to_bytes(32, "big") + s.s.to_bytes(32, "big") + bytes([s.v])
    address = signer or pricer.address.lower()
    return QuoteRow(seq, 100, 25_600, epoch, expiry, 10**9, quote.odds, address, "0x" + raw.hex(), 0)


def test_quote_book_serves_only_current_pricer_quotes() -> None:
    book = QuoteBook(domain=DOMAIN, pricers=frozenset({pricer.address.lower()}))
    book.games[100] = GameState(epoch=1, state=STATE_LIVE, kickoff=500)
    assert book.accept(build_row(1)) is not None
    assert book.get_current(25_600, now=1_000) is not None
    assert book.get_current(25_600, now=2_000) is None  # expired
    outsider = Account.create()
    assert book.accept(build_row(2, key=outsider.key, signer=outsider.address.lower())) is None
    assert book.accept(build_row(3, key=outsider.key)) is None  # claims the pricer, signed by another key
    book.games[100] = GameState(epoch=2, state=STATE_LIVE, kickoff=500)
    assert book.get_current(25_600, now=1_000) is None  # the game moved to a new epoch
    book.accept(build_row(4, epoch=2))
    book.games[100] = GameState(epoch=2, state=STATE_OPEN, kickoff=500)
    assert book.get_current(25_600, now=1_000) is None  # open past kickoff: not taking bets
    book.games[100] = GameState(epoch=2, state=STATE_LIVE, kickoff=500)
    assert book.get_current(25_600, now=1_000) is not None
    book.set_pricers(frozenset())
    assert book.get_current(25_600, now=1_000) is None  # the pricer was removed


def test_forwarded_for_only_from_trusted_proxies() -> None:
    headers = [(b"x-forwarded-for", b"203.0.113.9, 10.0.0.2")]
    scope = {"client": ("10.0.0.1", 5000), "headers": headers}
    assert get_client_ip(scope, frozenset()) == "10.0.0.1"  # spoofable header ignored
    assert get_client_ip(scope, frozenset({"10.0.0.1", "10.0.0.2"})) == "203.0.113.9"
    assert (
        get_client_ip(scope | {"headers": [(b"x-forwarded-for", b"junk")]}, frozenset({"10.0.0.1"}))
        == "10.0.0.1"
    )
