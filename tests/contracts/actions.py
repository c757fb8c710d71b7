"""What actors do to a deployed system, shared by unit tests, fuzzers and benchmarks."""

import boa
from eth_account.signers.local import LocalAccount

from oracle import signing
from oracle.markets import Bet, Kind, ResultStatus, payout_for
from oracle.signing import GameResult, Permit, Quote, Signature, sign_quote, sign_result
from tests.deployers import System

ONE = 10**6  # one unit of the 6-decimal stablecoin
DEFAULT_ODDS = (19_500, 34_000, 41_000)


def fund(system: System, account: str, amount: int, deposit: bool = True) -> None:
    """Mint `amount` to `account` and (by default) deposit it into its book balance."""
    system.token.faucet(amount, sender=account)
    if deposit:
        system.token.approve(system.book.address, amount, sender=account)
        system.book.deposit(amount, sender=account)


def provide_liquidity(system: System, lp: str, amount: int) -> int:
    """An LP deposits `amount` into the vault; returns the shares minted."""
    system.token.faucet(amount, sender=lp)
    system.token.approve(system.vault.address, amount, sender=lp)
    return system.vault.deposit(amount, lp, sender=lp)


def create_game(
    system: System,
    game: int = 1,
    kickoff_in: int = 3_600,
    market_cap: int = 10**6 * ONE,
    game_cap: int = 10**7 * ONE,
) -> int:
    """List `game` with kickoff `kickoff_in` seconds from now; returns the kickoff time."""
    kickoff = boa.env.evm.patch.timestamp + kickoff_in
    system.book.create_game(game, kickoff, market_cap, game_cap, sender=system.operator)
    return kickoff


def add_market(system: System, game: int = 1, kind: Kind = Kind.ONE_X_TWO, line: int = 0) -> int:
    """Open a market; returns its id."""
    return system.book.add_market(game, int(kind), line, sender=system.operator)


def make_quote(
    system: System,
    market: int,
    odds: tuple[int, int, int] = DEFAULT_ODDS,
    *,
    epoch: int | None = None,
    ttl: int = 60,
    max_stake: int = 10**5 * ONE,
    signer_key: bytes | None = None,
    chain_id: int | None = None,
    book: str | None = None,
) -> tuple[Quote, Signature]:
    """A quote for `market` signed by the registered pricer (unless told otherwise)."""
    if epoch is None:
        epoch = system.book.game(market >> 8).epoch
    quote = Quote(
        market=market, epoch=epoch, expiry=boa.env.evm.patch.timestamp + ttl, max_stake=max_stake, odds=odds
    )
    signature = sign_quote(
        signer_key if signer_key is not None else system.pricer.key,
        quote,
        chain_id if chain_id is not None else boa.env.evm.patch.chain_id,
        book if book is not None else system.book.address,
    )
    return quote, signature


def place_bet(
    system: System,
    bettor: str,
    market: int,
    outcome: int,
    stake: int,
    odds: tuple[int, int, int] = DEFAULT_ODDS,
    min_odds: int = 0,
) -> Bet:
    """Place a bet from `bettor`'s balance at freshly signed odds; returns the bet as stored."""
    quote, signature = make_quote(system, market, odds)
    nonce = system.book.bet_nonce(bettor)
    system.book.place_bet(quote.as_tuple(), signature.as_tuple(), outcome, stake, min_odds, sender=bettor)
    return Bet(bettor, nonce, market, outcome, stake, payout_for(stake, odds[outcome]))


def sign_game_result(
    system: System,
    game: int,
    home: int,
    away: int,
    status: ResultStatus = ResultStatus.FINAL,
    signers: int = 2,
) -> tuple[GameResult, list[Signature]]:
    """The first `signers` reporters' signatures over a result, sorted by signer."""
    result = GameResult(game=game, status=int(status), home=home, away=away)
    chain_id = boa.env.evm.patch.chain_id
    signatures = [
        sign_result(r.key, result, chain_id, system.oracle.address) for r in system.reporters[:signers]
    ]
    return result, signatures


def report(
    system: System,
    game: int,
    home: int,
    away: int,
    status: ResultStatus = ResultStatus.FINAL,
    signers: int = 2,
) -> bool:
    """Submit a result signed by `signers` reporters in one bundle."""
    result, signatures = sign_game_result(system, game, home, away, status, signers)
    return system.oracle.report_result(result.as_tuple(), [s.as_tuple() for s in signatures])


def now() -> int:
    """The chain's current timestamp."""
    return boa.env.evm.patch.timestamp


def events(contract, name: str, emitter=None) -> list:
    """Events `name` emitted by `emitter` (default `contract`) in `contract`'s last call.

    Read them right after the call: any other call, a view too, replaces the logs.
    """
    address = (emitter or contract).address
    return [e for e in contract.get_logs() if type(e).__name__ == name and e.address == address]


def time_travel(seconds: int) -> None:
    boa.env.time_travel(seconds=seconds)


def settle_game(
    system: System, game: int, home: int, away: int, status: ResultStatus = ResultStatus.FINAL
) -> None:
    """Report past kickoff, let the challenge window pass and finalize."""
    g = system.book.game(game)
    now = boa.env.evm.patch.timestamp
    if now < g.kickoff:
        time_travel(g.kickoff - now)
    report(system, game, home, away, status)
    time_travel(system.book.challenge_window())
    system.book.finalize(game)


def sign_permit(
    token, signer: LocalAccount, spender: str, amount: int, deadline: int, owner: str | None = None
) -> tuple[int, int, int]:
    """`signer`'s EIP-2612 permit over MockUSD (domain "Mock USD", version "1") for `owner`'s tokens."""
    owner = owner or signer.address
    permit = Permit(str(owner), str(spender), amount, token.nonces(owner), deadline)
    chain_id = boa.env.evm.patch.chain_id
    return signing.sign_permit(signer.key, permit, chain_id, str(token.address), "Mock USD").as_tuple()
