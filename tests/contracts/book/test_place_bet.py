"""Book.place_bet: a stake from the bettor's balance against a pricer's signed quote."""

import boa
import pytest
from eth_abi import encode
from eth_keys import keys
from eth_utils import keccak
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oracle.markets import Kind, outcome_count, payout_for
from oracle.signing import Signature, build_quote_typed_data, get_digest
from tests.contracts import actions
from tests.deployers import account_of

pytestmark = pytest.mark.unit

ONE = actions.ONE
STAKE = 100 * ONE
BALANCE = 1_000 * ONE  # what `funded_bettor` holds
# mirrors contracts/constants.vy and the SystemConfig default
MIN_STAKE = 10_000
MIN_ODDS = 10_100
MAX_ODDS = 10_000_000
MAX_QUOTE_TTL = 3_600
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
BET_ABI = ["address", "uint64", "uint64", "uint8", "uint128", "uint128"]


def _bet_id(bet: actions.Bet) -> bytes:
    return keccak(encode(BET_ABI, list(bet.as_tuple())))


def _submit(book, quote, signature, bettor: str, outcome: int = 0, stake: int = STAKE, min_odds: int = 0):
    """Place a bet with an explicit quote; `signature` may be a Signature or a raw (v, r, s)."""
    sig = signature.as_tuple() if isinstance(signature, Signature) else signature
    return book.place_bet(quote.as_tuple(), sig, outcome, stake, min_odds, sender=bettor)


def _nets(book, market: int) -> list[int]:
    return list(book.market(market).nets)


# ---------------------------------------------------------------- #
#                          Default behaviour                       #
# ---------------------------------------------------------------- #


def test_default_behavior(system, book, token, ready, funded_bettor, liquidity):
    quote, signature = actions.make_quote(system, ready)
    book_tokens = token.balanceOf(book.address)

    bet_id = _submit(book, quote, signature, funded_bettor, outcome=0, stake=STAKE, min_odds=19_500)

    [placed] = actions.events(book, "BetPlaced")
    expected = actions.Bet(funded_bettor, 0, ready, 0, STAKE, 195 * ONE)
    assert bet_id == placed.bet_id == _bet_id(expected)
    assert (placed.bettor, placed.market, placed.nonce, placed.outcome) == (funded_bettor, ready, 0, 0)
    assert (placed.stake, placed.payout, placed.odds) == (STAKE, 195 * ONE, 19_500)
    chain_id = boa.env.evm.patch.chain_id
    assert placed.quote_digest == book.quote_digest(quote.as_tuple())
    assert placed.quote_digest == get_digest(build_quote_typed_data(quote, chain_id, book.address))
    assert book.balanceOf(funded_bettor) == BALANCE - STAKE
    assert book.bet_nonce(funded_bettor) == 1
    assert book.is_open(expected.as_tuple())
    assert token.balanceOf(book.address) == book_tokens  # the stake stays in the book
    view = book.market(ready)
    assert list(view.nets) == [95 * ONE, -100 * ONE, -100 * ONE]
    assert (view.reserve, view.upside) == (95 * ONE, 100 * ONE)
    assert book.game(1).reserve == 95 * ONE
    assert book.headroom() == liquidity - 95 * ONE
    assert book.upside() == 100 * ONE


def test_second_bet_nets_against_the_first(system, book, ready, funded_bettor, liquidity):
    actions.place_bet(system, funded_bettor, ready, 0, STAKE)

    bet = actions.place_bet(system, funded_bettor, ready, 2, 50 * ONE)

    assert bet.nonce == 1 and bet.payout == 205 * ONE
    assert book.is_open(bet.as_tuple())
    assert book.bet_nonce(funded_bettor) == 2
    assert book.balanceOf(funded_bettor) == BALANCE - 150 * ONE
    # home pays 195 of 150 staked, draw pays nothing, away pays 205
    assert _nets(book, ready) == [45 * ONE, -150 * ONE, 55 * ONE]
    assert (book.market(ready).reserve, book.market(ready).upside) == (55 * ONE, 150 * ONE)
    assert book.game(1).reserve == 55 * ONE
    assert book.headroom() == liquidity - 55 * ONE


# ---------------------------------------------------------------- #
#                        Signature and domain                      #
# ---------------------------------------------------------------- #


def test_rejects_unregistered_signer(system, book, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready, signer_key=account_of("attacker").key)

    with boa.reverts("book: unknown pricer"):
        _submit(book, quote, signature, funded_bettor)


def test_rejects_retired_pricer(system, book, admin, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready)
    book.set_pricer(system.pricer.address, False, sender=admin)

    with boa.reverts("book: unknown pricer"):
        _submit(book, quote, signature, funded_bettor)


def test_rejects_quote_for_other_chain(system, book, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready, chain_id=boa.env.evm.patch.chain_id + 1)

    with boa.reverts("book: unknown pricer"):
        _submit(book, quote, signature, funded_bettor)


def test_rejects_quote_for_other_book(system, book, vault, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready, book=vault.address)

    with boa.reverts("book: unknown pricer"):
        _submit(book, quote, signature, funded_bettor)


def test_rejects_quote_replayed_on_other_market(system, book, ready, funded_bettor):
    other = actions.add_market(system, 1, Kind.TOTALS, 9)
    quote, signature = actions.make_quote(system, ready)
    replayed = type(quote)(other, quote.epoch, quote.expiry, quote.max_stake, quote.odds)

    with boa.reverts("book: unknown pricer"):
        _submit(book, replayed, signature, funded_bettor)


def test_rejects_high_s_signature(system, book, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready)
    # the mirror signature (v flipped, s' = n - s) recovers the same pricer off-chain
    twin = (55 - signature.v, signature.r, SECP256K1_N - signature.s)
    digest = book.quote_digest(quote.as_tuple())
    recovered = keys.Signature(vrs=(twin[0] - 27, twin[1], twin[2])).recover_public_key_from_msg_hash(digest)
    assert recovered.to_checksum_address() == system.pricer.address

    with boa.reverts("ecdsa: invalid signature `s` value"):
        _submit(book, quote, twin, funded_bettor)


def test_rejects_signature_recovering_zero_address(system, book, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready)

    with boa.reverts("ecdsa: invalid signature"):
        _submit(book, quote, (signature.v, 0, signature.s), funded_bettor)


# ---------------------------------------------------------------- #
#                         Expiry and epochs                        #
# ---------------------------------------------------------------- #


def test_accepts_quote_one_second_before_expiry(system, book, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready, ttl=60)
    actions.time_travel(59)

    _submit(book, quote, signature, funded_bettor)

    assert book.bet_nonce(funded_bettor) == 1


def test_rejects_quote_at_expiry(system, book, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready, ttl=60)
    actions.time_travel(60)

    with boa.reverts("book: quote expired"):
        _submit(book, quote, signature, funded_bettor)


def test_accepts_expiry_at_the_ttl_limit(system, book, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready, ttl=MAX_QUOTE_TTL)

    _submit(book, quote, signature, funded_bettor)

    assert book.bet_nonce(funded_bettor) == 1


def test_rejects_expiry_too_far(system, book, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready, ttl=MAX_QUOTE_TTL + 1)

    with boa.reverts("book: quote expiry too far"):
        _submit(book, quote, signature, funded_bettor)


def test_rejects_stale_quote_after_suspend(system, book, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready)
    book.suspend(1, sender=system.pricer.address)

    with boa.reverts("book: stale quote"):
        _submit(book, quote, signature, funded_bettor)

    fresh, fresh_signature = actions.make_quote(system, ready)
    assert fresh.epoch == 1
    _submit(book, fresh, fresh_signature, funded_bettor)


def test_rejects_stale_quote_after_set_live(system, book, operator, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready)
    book.set_live(1, True, sender=operator)

    with boa.reverts("book: stale quote"):
        _submit(book, quote, signature, funded_bettor)


def test_rejects_quote_from_a_future_epoch(system, book, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready, epoch=1)

    with boa.reverts("book: stale quote"):
        _submit(book, quote, signature, funded_bettor)


# ---------------------------------------------------------------- #
#                          Game life cycle                         #
# ---------------------------------------------------------------- #


def _travel_to(timestamp: int) -> None:
    actions.time_travel(timestamp - boa.env.evm.patch.timestamp)


def test_accepts_one_second_before_kickoff(system, book, ready, funded_bettor):
    _travel_to(book.game(1).kickoff - 1)
    quote, signature = actions.make_quote(system, ready)

    _submit(book, quote, signature, funded_bettor)

    assert book.bet_nonce(funded_bettor) == 1


def test_rejects_at_kickoff_when_not_live(system, book, ready, funded_bettor):
    _travel_to(book.game(1).kickoff)
    quote, signature = actions.make_quote(system, ready)

    with boa.reverts("book: betting closed"):
        _submit(book, quote, signature, funded_bettor)


def test_accepts_live_after_kickoff(system, book, operator, ready, funded_bettor):
    _travel_to(book.game(1).kickoff + 1_800)
    book.set_live(1, True, sender=operator)
    quote, signature = actions.make_quote(system, ready)

    _submit(book, quote, signature, funded_bettor)

    assert book.bet_nonce(funded_bettor) == 1


def test_rejects_closed_game(system, book, operator, ready, funded_bettor):
    book.set_live(1, True, sender=operator)
    book.set_live(1, False, sender=operator)
    quote, signature = actions.make_quote(system, ready)
    assert quote.epoch == 2

    with boa.reverts("book: betting closed"):
        _submit(book, quote, signature, funded_bettor)


def test_rejects_unknown_game(system, book, liquidity, funded_bettor):
    quote, signature = actions.make_quote(system, 7 << 8, epoch=0)

    with boa.reverts("book: betting closed"):
        _submit(book, quote, signature, funded_bettor)


def test_rejects_unknown_market(system, book, ready, funded_bettor):
    quote, signature = actions.make_quote(system, 1 << 8 | 5)

    with boa.reverts("book: unknown market"):
        _submit(book, quote, signature, funded_bettor)


# ---------------------------------------------------------------- #
#                       Outcomes, odds, stakes                     #
# ---------------------------------------------------------------- #


def test_rejects_outcome_out_of_range(system, book, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready)

    with boa.reverts("book: bad outcome"):
        _submit(book, quote, signature, funded_bettor, outcome=3)


def test_rejects_third_outcome_on_two_way_market(system, book, ready, funded_bettor):
    moneyline = actions.add_market(system, 1, Kind.MONEYLINE, 0)
    # the quote offers valid odds in slot 2, so only the market's shape can refuse it
    quote, signature = actions.make_quote(system, moneyline, (19_500, 19_500, 19_500))

    with boa.reverts("book: bad outcome"):
        _submit(book, quote, signature, funded_bettor, outcome=2)


@pytest.mark.parametrize("odds", [0, MIN_ODDS - 1, MAX_ODDS + 1])
def test_rejects_outcome_not_offered(system, book, ready, funded_bettor, odds):
    quote, signature = actions.make_quote(system, ready, (19_500, odds, 41_000))

    with boa.reverts("book: outcome not offered"):
        _submit(book, quote, signature, funded_bettor, outcome=1, stake=MIN_STAKE)


@pytest.mark.parametrize("odds", [MIN_ODDS, MAX_ODDS])
def test_accepts_odds_at_their_bounds(system, book, ready, funded_bettor, odds):
    quote, signature = actions.make_quote(system, ready, (19_500, odds, 41_000))

    _submit(book, quote, signature, funded_bettor, outcome=1, stake=MIN_STAKE)

    assert actions.events(book, "BetPlaced")[0].payout == MIN_STAKE * odds // 10_000


def test_min_odds_boundary(system, book, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready)

    with boa.reverts("book: odds below minimum"):
        _submit(book, quote, signature, funded_bettor, min_odds=19_501)

    _submit(book, quote, signature, funded_bettor, min_odds=19_500)
    assert book.bet_nonce(funded_bettor) == 1


def test_stake_minimum_boundary(system, book, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready)

    with boa.reverts("book: stake below minimum"):
        _submit(book, quote, signature, funded_bettor, stake=MIN_STAKE - 1)

    _submit(book, quote, signature, funded_bettor, stake=MIN_STAKE)
    assert book.balanceOf(funded_bettor) == BALANCE - MIN_STAKE


def test_stake_quote_maximum_boundary(system, book, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready, max_stake=STAKE)

    with boa.reverts("book: stake above quote maximum"):
        _submit(book, quote, signature, funded_bettor, stake=STAKE + 1)

    _submit(book, quote, signature, funded_bettor, stake=STAKE)
    assert book.balanceOf(funded_bettor) == BALANCE - STAKE


def test_rejects_insufficient_balance(system, book, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready)

    with boa.reverts("book: insufficient balance"):
        _submit(book, quote, signature, funded_bettor, stake=BALANCE + 1)

    _submit(book, quote, signature, funded_bettor, stake=BALANCE)
    assert book.balanceOf(funded_bettor) == 0


def test_quote_serves_several_bettors(system, book, ready, funded_bettor):
    """Quotes are prices, not tickets: any bettor may use one, each bet within max_stake."""
    other_bettor = boa.env.generate_address("other bettor")
    actions.fund(system, other_bettor, BALANCE)
    quote, signature = actions.make_quote(system, ready, max_stake=STAKE)

    first = _submit(book, quote, signature, funded_bettor, stake=STAKE)
    second = _submit(book, quote, signature, other_bettor, stake=STAKE)

    assert first != second
    payout = STAKE * quote.odds[0] // 10_000
    assert book.is_open((funded_bettor, 0, ready, 0, STAKE, payout))
    assert book.is_open((other_bettor, 0, ready, 0, STAKE, payout))
    assert _nets(book, ready) == [190 * ONE, -200 * ONE, -200 * ONE]
    with boa.reverts("book: stake above quote maximum"):
        _submit(book, quote, signature, other_bettor, stake=STAKE + 1)


# ---------------------------------------------------------------- #
#                         Caps and liquidity                       #
# ---------------------------------------------------------------- #


@pytest.fixture
def capped_game(system, liquidity) -> int:
    """Game 2: a market may reserve 95 units, the whole game 150."""
    actions.create_game(system, 2, market_cap=95 * ONE, game_cap=150 * ONE)
    return 2


def test_market_cap_boundary(system, book, capped_game, funded_bettor):
    market = actions.add_market(system, capped_game, Kind.ONE_X_TWO, 0)
    actions.place_bet(system, funded_bettor, market, 0, STAKE)  # reserve 95: exactly the cap
    assert book.market(market).reserve == 95 * ONE

    with boa.reverts("book: market cap reached"):
        actions.place_bet(system, funded_bettor, market, 0, MIN_STAKE)


def test_market_cap_holds_for_split_bets(system, book, capped_game, funded_bettor):
    market = actions.add_market(system, capped_game, Kind.ONE_X_TWO, 0)
    with boa.reverts("book: market cap reached"):
        actions.place_bet(system, funded_bettor, market, 0, 110 * ONE)

    for _ in range(10):
        actions.place_bet(system, funded_bettor, market, 0, 10 * ONE)

    with boa.reverts("book: market cap reached"):
        actions.place_bet(system, funded_bettor, market, 0, 10 * ONE)
    assert book.market(market).reserve == 95 * ONE
    assert book.balanceOf(funded_bettor) == BALANCE - STAKE


def test_market_cap_lets_reducing_bets_through(system, book, capped_game, funded_bettor):
    market = actions.add_market(system, capped_game, Kind.ONE_X_TWO, 0)
    actions.place_bet(system, funded_bettor, market, 0, STAKE)

    actions.place_bet(system, funded_bettor, market, 1, 10 * ONE)

    assert _nets(book, market) == [85 * ONE, -76 * ONE, -110 * ONE]
    assert book.game(capped_game).reserve == 85 * ONE
    # the other side is free only while it reduces: 80 more on the draw would reserve 116
    with boa.reverts("book: market cap reached"):
        actions.place_bet(system, funded_bettor, market, 1, 80 * ONE)


def test_lowered_caps_let_reducing_bets_through(system, book, operator, capped_game, funded_bettor):
    market = actions.add_market(system, capped_game, Kind.ONE_X_TWO, 0)
    actions.place_bet(system, funded_bettor, market, 0, STAKE)
    book.set_caps(capped_game, 50 * ONE, 60 * ONE, sender=operator)  # both now below the reserve of 95

    actions.place_bet(system, funded_bettor, market, 1, 10 * ONE)

    assert book.market(market).reserve == book.game(capped_game).reserve == 85 * ONE
    with boa.reverts("book: market cap reached"):
        actions.place_bet(system, funded_bettor, market, 0, MIN_STAKE)


def test_game_cap_boundary(system, book, capped_game, funded_bettor):
    one_x_two = actions.add_market(system, capped_game, Kind.ONE_X_TWO, 0)
    moneyline = actions.add_market(system, capped_game, Kind.MONEYLINE, 0)
    actions.place_bet(system, funded_bettor, one_x_two, 0, STAKE)  # reserve 95
    actions.place_bet(system, funded_bettor, moneyline, 0, STAKE, (15_500, 19_500, 0))  # reserve 55
    assert book.game(capped_game).reserve == 150 * ONE

    with boa.reverts("book: game cap reached"):
        actions.place_bet(system, funded_bettor, moneyline, 0, MIN_STAKE, (15_500, 19_500, 0))

    actions.place_bet(system, funded_bettor, moneyline, 1, 10 * ONE, (15_500, 19_500, 0))

    assert _nets(book, moneyline) == [45 * ONE, -90 * ONE - ONE // 2, 0]
    assert book.game(capped_game).reserve == 140 * ONE


def test_game_cap_counts_every_market(system, book, capped_game, funded_bettor):
    markets = [actions.add_market(system, capped_game, Kind.TOTALS, line) for line in (9, 10, 11)]
    actions.place_bet(system, funded_bettor, markets[0], 0, STAKE)  # 95
    actions.place_bet(system, funded_bettor, markets[1], 0, 50 * ONE)  # 47.5

    with boa.reverts("book: game cap reached"):
        actions.place_bet(system, funded_bettor, markets[2], 0, 10 * ONE)  # 9.5 more: 152 > 150


def test_rejects_bet_beyond_vault_liquidity(system, book, lp, market, funded_bettor):
    actions.provide_liquidity(system, lp, 95 * ONE)
    actions.place_bet(system, funded_bettor, market, 0, STAKE)  # reserve 95: all the headroom
    assert book.headroom() == 0

    with boa.reverts("book: vault liquidity exceeded"):
        actions.place_bet(system, funded_bettor, market, 0, MIN_STAKE)

    actions.place_bet(system, funded_bettor, market, 1, 10 * ONE)
    assert book.headroom() == 10 * ONE


def test_rejects_bet_without_vault(system, book, market, funded_bettor):
    with boa.reverts("book: vault liquidity exceeded"):
        actions.place_bet(system, funded_bettor, market, 0, MIN_STAKE)


def test_rejects_while_paused(system, book, guardian, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready)
    book.pause(sender=guardian)

    with boa.reverts("book: paused"):
        _submit(book, quote, signature, funded_bettor)


# ---------------------------------------------------------------- #
#                     Exposure against a model                     #
# ---------------------------------------------------------------- #

_BETS = st.lists(
    st.tuples(
        st.integers(0, 1),  # market index
        st.integers(0, 2),  # outcome, folded into the market's outcome count
        st.integers(MIN_STAKE, 1_000 * ONE),
        st.integers(MIN_ODDS, 100_000),
    ),
    min_size=1,
    max_size=8,
)


@pytest.mark.fuzz
@given(bets=_BETS)
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_exposure_matches_model(system, book, vault, liquidity, bettor, game, bets):
    with boa.env.anchor():
        kinds = [(Kind.ONE_X_TWO, 0), (Kind.TOTALS, 9)]
        markets = [actions.add_market(system, game, kind, line) for kind, line in kinds]
        actions.fund(system, bettor, sum(stake for _, _, stake, _ in bets))
        model = [[0] * outcome_count(kind) for kind, _ in kinds]
        for index, outcome, stake, odds in bets:
            nets = model[index]
            outcome %= len(nets)
            quote_odds = tuple(odds if o == outcome else 0 for o in range(3))
            actions.place_bet(system, bettor, markets[index], outcome, stake, quote_odds)
            for o in range(len(nets)):
                nets[o] += payout_for(stake, odds) * (o == outcome) - stake

        reserves = []
        for market, nets in zip(markets, model, strict=True):
            view = book.market(market)
            assert list(view.nets) == nets + [0] * (3 - len(nets))
            assert view.reserve == max(0, *nets)
            assert view.upside == max(0, -min(nets))
            reserves.append(view.reserve)
        assert book.game(game).reserve == sum(reserves)
        assert book.upside() == sum(max(0, -min(nets)) for nets in model)
        assert book.headroom() + sum(reserves) == vault.totalAssets() == liquidity
