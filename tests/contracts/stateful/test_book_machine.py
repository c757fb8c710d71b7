"""The whole book as a state machine: every actor, every path, a ghost model and invariants I1-I21.

One `RuleBasedStateMachine` drives a deployed system (token, Book, Vault,
ResultOracle with 3 reporters and a quorum of 2). Each rule calls the
contracts and updates the plain-Python ghost (`ghost.py`) together; a rule
that should revert asserts the exact reason the ghost predicts, so a wrong
prediction fails just like a broken invariant. Invariants carry the names
of `research/reliability.md` (b).

Cost control: cheap aggregate checks run after every step; per-market and
per-bet reads run for what the step touched, and for everything every
`SWEEP_EVERY` steps. The exit drill (I8) runs every `EXIT_EVERY` steps
under `boa.env.anchor()`, so the machine continues from the same state.
"""

import copy
import os
from collections.abc import Callable
from fractions import Fraction
from typing import Any, TypeVar

import boa
import pytest
from eth.db.backends.memory import MemoryDB
from eth.db.journal import JournalDB
from hypothesis import Phase, event, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from oracle.markets import Grade, Kind, ResultStatus, amount_due, grade
from oracle.signing import (
    GameResult,
    Quote,
    build_quote_typed_data,
    build_result_typed_data,
    get_digest,
    sign_quote,
    sign_result,
)
from tests.contracts.actions import ONE
from tests.contracts.stateful.ghost import (
    MAX_BATCH,
    MAX_ODDS,
    MAX_QUOTE_TTL,
    MIN_ODDS,
    NOT_OWNER,
    ODDS_SCALE,
    STATE_CHALLENGED,
    STATE_FINAL,
    STATE_LIVE,
    STATE_OPEN,
    STATE_PROPOSED,
    VIRTUAL_ASSETS,
    VIRTUAL_SHARES,
    Acceptance,
    Ghost,
    GhostBet,
    GhostGame,
    Settlement,
)
from tests.deployers import System, account_of

pytestmark = pytest.mark.fuzz
T = TypeVar("T")

# ---------------------------------------------------------------- #
#                              Tuning                              #
# ---------------------------------------------------------------- #

MAX_GAMES = 4
SWEEP_EVERY = 8  # full per-market / per-bet comparison every this many steps
EXIT_EVERY = 25  # the I8 exit drill every this many steps (twice in a default run)

# I21: gas of the computation (boa `get_gas_used()`, every slot cold as in a transaction of its
# own, see `cold`; without the 21,000 intrinsic gas and calldata), about 20% above the worst
# observed. `test_gas_ceilings_at_worst_case` builds the worst cases on purpose (32 markets).
GAS_PLACE_BET = 57_000  # worst seen 47,318
GAS_REPORT = 50_000  # worst seen 41,284 (three signatures, proposing)
GAS_FINALIZE = 364_000  # worst seen 303,129: finalize, void_game, resolve_challenge of a 32-market game
GAS_SETTLE_BASE = 12_000  # settle_bets(k) <= BASE + k * PER_BET. Seen: 23,853 (k=1); 121,920 (k=8, each
GAS_SETTLE_PER_BET = 17_000  # bet of another game: ~14,000 a bet, all cold); 2,077,536 (k=256)
GAS_CLAIM = 17_000  # worst seen 14,085
GAS_SEEN: dict[str, int] = {}  # worst observed per kind, printed with ROLLBOOK_GAS_REPORT=1

ROLES = ("bettor 0", "bettor 1", "bettor 2")
FAUCET = 10**12  # MockUSD.FAUCET_LIMIT: one faucet call tops a wallet up for many steps

# ---------------------------------------------------------------- #
#                            Strategies                            #
# ---------------------------------------------------------------- #

caps = st.tuples(
    st.sampled_from([300 * ONE, 2_000 * ONE, 20_000 * ONE, 10**6 * ONE]),
    st.sampled_from([1_000 * ONE, 5_000 * ONE, 50_000 * ONE, 10**7 * ONE]),
)
odds_values = st.one_of(
    st.integers(MIN_ODDS, 60_000), st.sampled_from([MIN_ODDS, 19_500, 1_000_000, MAX_ODDS])
)
scores = st.tuples(st.integers(0, 6), st.integers(0, 6))


@st.composite
def market_specs(draw: st.DrawFn, truth: tuple[int, int, int] | None = None) -> tuple[int, int]:
    """(kind, line) of a market, inside the ghost's enumerated scores. Given the score the game will end
    at, half the two-way lines sit a quarter off it, so they settle half-won and half-lost."""
    kind = draw(st.sampled_from(list(Kind)))
    near = truth is not None and truth[0] == ResultStatus.FINAL and draw(st.booleans())
    if kind == Kind.TOTALS:
        if near:
            return int(kind), max(2, 4 * (truth[1] + truth[2]) + draw(st.sampled_from([-1, 1])))
        return int(kind), draw(st.integers(2, 24))  # 0.5 .. 6 goals
    if kind == Kind.HANDICAP:
        if near:
            return int(kind), max(-16, min(16, 4 * (truth[2] - truth[1]) + draw(st.sampled_from([-1, 1]))))
        return int(kind), draw(st.integers(-16, 16))  # -4 .. +4 goals
    return int(kind), 0


def cold(call: Callable[[], T]) -> T:
    """Run `call` with every account and storage slot cold, as the first call of a transaction.

    titanoboa keeps EIP-2929 access lists across calls, so a second call into the same slots
    reads them warm and reports ~2,000 gas less per slot. `boa.env.reset_gas_used()` resets
    them but breaks `boa.env.anchor()` checkpoints, so the accessed-state journal is swapped
    for an empty one around the call instead (py-evm internals, test-side only).
    """
    accounts = boa.env.evm.vm.state._account_db
    warm = accounts._journal_accessed_state
    accounts._journal_accessed_state = JournalDB(MemoryDB())
    try:
        return call()
    finally:
        accounts._journal_accessed_state = warm


def _name(event_obj: Any) -> str:
    return type(event_obj).__name__


def _same(a: Any, b: Any) -> bool:
    return str(a).lower() == str(b).lower()


class BookMachine(RuleBasedStateMachine):
    """Bettors, LPs, the pricer, three reporters (one byzantine), guardian, admin, keeper and an attacker."""

    def __init__(self, system: System):
        super().__init__()
        self._anchor = boa.env.anchor()
        self._anchor.__enter__()
        self.system = system
        self.book, self.vault, self.token, self.oracle = (
            system.book,
            system.vault,
            system.token,
            system.oracle,
        )
        self.admin, self.guardian, self.operator = system.admin, system.guardian, system.operator
        self.pricer = system.pricer
        self.reporters = list(system.reporters)  # sorted by address: slot i is bit i
        self.bettors = [account_of(f"stateful {role}").address for role in ROLES]
        self.lps = [account_of(f"stateful lp {i}").address for i in range(2)]
        self.keeper = account_of("stateful keeper").address
        self.attacker_key = account_of("stateful attacker")
        self.attacker = self.attacker_key.address
        self.chain_id = boa.env.evm.patch.chain_id
        self.byzantine = 2
        self.ghost = Ghost(
            min_stake=self.book.MIN_STAKE(),
            cap_unit=self.book.CAP_UNIT(),
            challenge_window=self.book.challenge_window(),
            void_delay=self.book.void_delay(),
            quorum=self.oracle.quorum(),
        )
        self.step = 0
        self.dirty_games: set[int] = set()
        self.dirty_markets: set[int] = set()
        self.dirty_bets: set[bytes] = set()
        self.dirty_accounts: set[str] = set()
        self.admin_acted = False
        self.step_vault_nets: list[int] = []
        self.share_price = self.ghost.share_price()
        self.in_drill = False
        self.wallets: dict[str, int] = {}  # token balances of actors' wallets (outside the system)

    def teardown(self) -> None:
        self._anchor.__exit__(None, None, None)

    # ------------------------------------------------------------ bookkeeping

    def _begin(self) -> None:
        self.step += 1
        self.dirty_games.clear()
        self.dirty_markets.clear()
        self.dirty_bets.clear()
        self.dirty_accounts.clear()
        self.admin_acted = False
        self.step_vault_nets = []

    def _now(self) -> int:
        return boa.env.evm.patch.timestamp

    def _sweep(self) -> bool:
        return self.step % SWEEP_EVERY == 0

    def _event(self, name: str) -> None:
        if not self.in_drill:
            event(f"stateful:{name}")

    def _logs(self, called: Any, emitter: Any, name: str) -> list:
        return [e for e in called.get_logs() if _name(e) == name and _same(e.address, emitter.address)]

    def _top_up(self, account: str, amount: int) -> None:
        """Mint to a wallet when it runs low; every wallet approved the Book and the Vault once, for all."""
        if account not in self.wallets:
            self.token.approve(self.book.address, 2**256 - 1, sender=account)
            self.token.approve(self.vault.address, 2**256 - 1, sender=account)
            self.wallets[account] = 0
        if self.wallets[account] < amount:
            self.token.faucet(FAUCET, sender=account)
            self.wallets[account] += FAUCET

    def _check_transfer(self, called: Any, sender: Any, receiver: Any, amount: int) -> None:
        """The token moved exactly `amount` from `sender` to `receiver` in the last call."""
        moves = [(e.sender, e.receiver, e.value) for e in self._logs(called, self.token, "Transfer")]
        assert len(moves) == 1 and _same(moves[0][0], getattr(sender, "address", sender)), moves
        assert _same(moves[0][1], getattr(receiver, "address", receiver)) and moves[0][2] == amount, moves

    def _gas(self, kind: str, contract: Any, ceiling: int) -> None:
        used = contract._computation.get_gas_used()
        GAS_SEEN[kind] = max(GAS_SEEN.get(kind, 0), used)
        assert used <= ceiling, f"I21: {kind} used {used} gas, ceiling {ceiling}"

    def _game(self, data: st.DataObject, games: list[GhostGame] | None = None) -> GhostGame:
        pool = games if games is not None else list(self.ghost.games.values())
        return data.draw(st.sampled_from(sorted(pool, key=lambda g: g.id)), label="game")

    # ------------------------------------------------------------ wrapped actions: bettors

    def _bettor_deposit(self, bettor: str, amount: int) -> str | None:
        self._top_up(bettor, amount)
        if err := self.ghost.deposit_error(amount):
            with boa.reverts(err):
                self.book.deposit(amount, sender=bettor)
            return err
        self.book.deposit(amount, sender=bettor)
        [log] = self._logs(self.book, self.book, "Deposit")
        assert _same(log.account, bettor) and log.amount == amount
        self._check_transfer(self.book, bettor, self.book, amount)
        self.wallets[bettor] -= amount
        self.ghost.credit(bettor, amount)
        self.ghost.bettor_in += amount
        self.dirty_accounts.add(bettor)
        return None

    def _bettor_withdraw(self, bettor: str, amount: int) -> str | None:
        if err := self.ghost.withdraw_error(bettor, amount):
            with boa.reverts(err):
                self.book.withdraw(amount, sender=bettor)
            return err
        self.book.withdraw(amount, sender=bettor)
        [log] = self._logs(self.book, self.book, "Withdrawal")
        assert _same(log.account, bettor) and log.amount == amount
        self._check_transfer(self.book, self.book, bettor, amount)
        self.wallets[bettor] += amount
        self.ghost.balances[bettor] -= amount
        self.ghost.bettor_out += amount
        self.dirty_accounts.add(bettor)
        return None

    # ------------------------------------------------------------ wrapped actions: LPs

    def _lp_deposit(self, lp: str, assets: int) -> str | None:
        self._top_up(lp, assets)
        err, shares = self.ghost.lp_enter_error(assets)
        if err:
            with boa.reverts(err):
                self.vault.deposit(assets, lp, sender=lp)
            return err
        minted = self.vault.deposit(assets, lp, sender=lp)
        assert minted == shares and minted > 0, "I17: a deposit minted other than the ghost's shares, or none"
        [log] = self._logs(self.vault, self.vault, "Deposit")
        assert (log.assets, log.shares) == (assets, shares) and _same(log.owner, lp)
        self._check_transfer(self.vault, lp, self.vault, assets)
        self.wallets[lp] -= assets
        self.ghost.lp_enter(lp, assets, shares)
        self.dirty_accounts.add(lp)
        return None

    def _lp_exit(
        self, lp: str, *, shares: int | None = None, assets: int | None = None, caller: str | None = None
    ):
        """Redeem `shares` or withdraw `assets` of `lp`'s position, sent to the caller."""
        caller = caller or lp
        headroom = self.ghost.headroom()
        by_shares = shares is not None
        if by_shares:
            assets = self.ghost.to_assets(shares, headroom, False)
        else:
            shares = self.ghost.to_shares(assets, headroom, True)
        assert shares is not None and assets is not None
        if err := self.ghost.lp_exit_error(lp, assets, shares, caller):
            with boa.reverts(err):
                if by_shares:
                    self.vault.redeem(shares, caller, lp, sender=caller)
                else:
                    self.vault.withdraw(assets, caller, lp, sender=caller)
            return err
        if by_shares:
            paid = self.vault.redeem(shares, caller, lp, sender=caller)
            assert paid == assets and paid > 0, "I17: a redeem paid other than the ghost's assets, or nothing"
        else:
            burned = self.vault.withdraw(assets, caller, lp, sender=caller)
            assert burned == shares and burned > 0, (
                "I17: a withdrawal burned other than the ghost's shares, or none"
            )
        [log] = self._logs(self.vault, self.vault, "Withdraw")
        assert (log.assets, log.shares) == (assets, shares) and _same(log.owner, lp)
        self._check_transfer(self.vault, self.vault, caller, assets)
        self.wallets[caller] = self.wallets.get(caller, 0) + assets
        self.ghost.lp_exit(lp, assets, shares)
        self.dirty_accounts.add(lp)
        return None

    # ------------------------------------------------------------ wrapped actions: games

    def _create_game(
        self, game: int, kickoff: int, market_cap: int, game_cap: int, truth: tuple
    ) -> str | None:
        if err := self.ghost.create_game_error(game, kickoff, self._now(), market_cap, game_cap):
            with boa.reverts(err):
                self.book.create_game(game, kickoff, market_cap, game_cap, sender=self.operator)
            return err
        self.book.create_game(game, kickoff, market_cap, game_cap, sender=self.operator)
        # the void deadline is fixed at creation: a later set_params cannot move it
        void_after = kickoff + self.ghost.void_delay
        [log] = self._logs(self.book, self.book, "GameCreated")
        assert (log.game, log.kickoff, log.void_after, log.market_cap, log.game_cap) == (
            game,
            kickoff,
            void_after,
            market_cap,
            game_cap,
        )
        self.ghost.games[game] = GhostGame(
            game, kickoff, market_cap, game_cap, deadline=void_after, truth=truth
        )
        self.dirty_games.add(game)
        return None

    def _add_market(self, game: int, kind: int, line: int, caller: str | None = None) -> str | None:
        caller = caller or self.operator
        if err := self.ghost.add_market_error(game, kind, line):
            with boa.reverts(err):
                self.book.add_market(game, kind, line, sender=caller)
            return err
        market = self.book.add_market(game, kind, line, sender=caller)
        assert market == game << 8 | len(self.ghost.games[game].markets)
        [log] = self._logs(self.book, self.book, "MarketCreated")
        assert (log.market, log.game, log.kind, log.line) == (market, game, kind, line)
        assert self.ghost.add_market(game, kind, line) == market
        self.dirty_markets.add(market)
        return None

    def _set_caps(self, game: int, market_cap: int, game_cap: int) -> str | None:
        if err := self.ghost.caps_error(game, market_cap, game_cap):
            with boa.reverts(err):
                self.book.set_caps(game, market_cap, game_cap, sender=self.operator)
            return err
        self.book.set_caps(game, market_cap, game_cap, sender=self.operator)
        [log] = self._logs(self.book, self.book, "CapsChanged")
        assert (log.game, log.market_cap, log.game_cap) == (game, market_cap, game_cap)
        self.ghost.set_caps(game, market_cap, game_cap, self.step)
        self.dirty_games.add(game)
        return None

    def _epoch_change(self, game: int, action: str, caller: str) -> str | None:
        def call() -> None:
            if action == "suspend":
                self.book.suspend(game, sender=caller)
            else:
                self.book.set_live(game, action == "live", sender=caller)

        if err := self.ghost.epoch_change_error(game, action):
            with boa.reverts(err):
                call()
            return err
        call()
        self.ghost.epoch_change(game, action)
        g = self.ghost.games[game]
        [log] = self._logs(self.book, self.book, "GameStateChanged")
        assert (log.game, log.state, log.epoch) == (game, g.state, g.epoch)
        self.dirty_games.add(game)
        return None

    # ------------------------------------------------------------ wrapped actions: bets

    def _quote(self, market: int, epoch: int, expiry: int, odds: tuple[int, int, int], key: Any = None):
        quote = Quote(market=market, epoch=epoch, expiry=expiry, max_stake=10**5 * ONE, odds=odds)
        key = key if key is not None else self.pricer.key
        return quote, sign_quote(key, quote, self.chain_id, self.book.address)

    def _place_bet(
        self,
        bettor: str,
        quote: Quote,
        signature: Any,
        outcome: int,
        stake: int,
        min_odds: int = 0,
        *,
        by_pricer: bool = True,
    ) -> str | GhostBet:
        now = self._now()
        err = self.ghost.bet_error(
            now=now,
            signed_by_pricer=by_pricer,
            market=quote.market,
            epoch=quote.epoch,
            expiry=quote.expiry,
            max_stake=quote.max_stake,
            odds=quote.odds,
            bettor=bettor,
            outcome=outcome,
            stake=stake,
            min_odds=min_odds,
        )
        args = (quote.as_tuple(), signature.as_tuple(), outcome, stake, min_odds)
        note(f"place_bet {bettor[:8]} market={quote.market:#x} outcome={outcome} stake={stake} -> {err}")
        if err:
            with boa.reverts(err):
                self.book.place_bet(*args, sender=bettor)
            return err
        before = self.ghost.games[quote.market >> 8]  # as the chain holds it: checked after every step
        placed = cold(lambda: self.book.place_bet(*args, sender=bettor))
        self._gas("place_bet", self.book, GAS_PLACE_BET)
        bet = self.ghost.place(bettor, quote.market, outcome, stake, quote.odds[outcome], self.step)
        assert placed == bet.id, "bet id is not keccak256(abi_encode(Bet))"
        digest = get_digest(build_quote_typed_data(quote, self.chain_id, self.book.address))
        [log] = self._logs(self.book, self.book, "BetPlaced")
        assert (
            log.bet_id,
            log.market,
            log.nonce,
            log.outcome,
            log.stake,
            log.payout,
            log.odds,
            log.quote_digest,
        ) == (bet.id, bet.market, bet.nonce, outcome, stake, bet.payout, quote.odds[outcome], digest)
        assert _same(log.bettor, bettor)
        self.ghost.accepted.append(
            Acceptance(bet.id, now, quote.expiry, quote.epoch, before.epoch, before.state, before.kickoff)
        )
        self.dirty_markets.add(bet.market)
        self.dirty_games.add(bet.game)
        self.dirty_bets.add(bet.id)
        self.dirty_accounts.add(bettor)
        return bet

    def _settle_batch(self, items: list[tuple[tuple, GhostBet | None]], caller: str) -> str | int:
        err, settled = self.ghost.settle_error([b for _, b in items], strict=False)
        batch = [t for t, _ in items]
        if err:
            with boa.reverts(err):
                self.book.settle_bets(batch, sender=caller)
            return err
        count = cold(lambda: self.book.settle_bets(batch, sender=caller))
        self._gas("settle_bets", self.book, GAS_SETTLE_BASE + GAS_SETTLE_PER_BET * len(batch))
        assert count == len(settled)
        self._check_settled(self.book, settled)
        return count

    def _claim(self, item: tuple[tuple, GhostBet | None], caller: str) -> str | int:
        err, settled = self.ghost.settle_error([item[1]], strict=True)
        if err:
            with boa.reverts(err):
                self.book.claim(item[0], sender=caller)
            return err
        amount = cold(lambda: self.book.claim(item[0], sender=caller))
        self._gas("claim", self.book, GAS_CLAIM)
        assert amount == settled[0].due
        self._check_settled(self.book, settled)
        return amount

    def _check_settled(self, called: Any, settled: list[GhostBet]) -> None:
        logs = self._logs(called, self.book, "BetSettled")
        assert [(e.bet_id, e.market, e.grade, e.amount) for e in logs] == [
            (b.id, b.market, int(b.grade), b.due) for b in settled
        ]
        assert all(_same(e.bettor, b.bettor) for e, b in zip(logs, settled, strict=True))
        for bet in settled:
            self.ghost.settle(bet)
            self.dirty_bets.add(bet.id)
            self.dirty_accounts.add(bet.bettor)

    # ------------------------------------------------------------ wrapped actions: results

    def _signers(self, slots: list[int]) -> list[tuple[object, int | None]]:
        return [(self.reporters[i], i) for i in slots]

    def _report(self, game: int, status: int, home: int, away: int, signers: list[tuple[object, int | None]]):
        """Submit `signers`' signatures (accounts, with their oracle slot or None) in the given order."""
        result = GameResult(game=game, status=status, home=home, away=away)
        signatures = [
            sign_result(acct.key, result, self.chain_id, self.oracle.address).as_tuple()
            for acct, _ in signers
        ]
        now = self._now()
        err, bits, to_book = self.ghost.report_error(
            game, status, home, away, [(int(acct.address, 16), slot) for acct, slot in signers], now
        )
        note(f"report game={game} {status}:{home}-{away} slots={[s for _, s in signers]} -> {err}")
        if err:
            with boa.reverts(err):
                self.oracle.report_result(result.as_tuple(), signatures, sender=self.keeper)
            return err
        reached = cold(lambda: self.oracle.report_result(result.as_tuple(), signatures, sender=self.keeper))
        self._gas("report_result", self.oracle, GAS_REPORT)
        assert reached == to_book
        proposed = self.ghost.record_votes(game, status, home, away, bits, to_book, now)
        voted = self._logs(self.oracle, self.oracle, "ResultVoted")
        proposals = self._logs(self.oracle, self.book, "ResultProposed")
        if not to_book:
            digest = get_digest(build_result_typed_data(result, self.chain_id, self.oracle.address))
            assert [(e.game, e.digest, e.signers) for e in voted] == [(game, digest, bits)]
        else:
            assert voted == []
        if proposed:
            g = self.ghost.games[game]
            assert [(e.game, e.status, e.home, e.away, e.signers, e.final_after) for e in proposals] == [
                (game, status, home, away, bits, g.deadline)
            ]
        else:
            assert proposals == []
        if game in self.ghost.games:
            self.dirty_games.add(game)
        return None

    def _challenge(self, game: int, caller: str) -> str | None:
        now = self._now()
        if err := self.ghost.challenge_error(game, now, _same(caller, self.guardian)):
            with boa.reverts(err):
                self.book.challenge(game, sender=caller)
            return err
        self.book.challenge(game, sender=caller)
        self.ghost.challenge(game, now)
        [log] = self._logs(self.book, self.book, "ResultChallenged")
        assert (log.game, log.void_after) == (game, self.ghost.games[game].deadline)
        assert _same(log.guardian, self.guardian)
        self.dirty_games.add(game)
        return None

    def _resolve(self, game: int, status: int, home: int, away: int, caller: str) -> str | None:
        now = self._now()
        if err := self.ghost.resolve_error(game, status, home, away, now, _same(caller, self.admin)):
            with boa.reverts(err):
                self.book.resolve_challenge(game, status, home, away, sender=caller)
            return err
        cold(lambda: self.book.resolve_challenge(game, status, home, away, sender=caller))
        self._settled_game(self.ghost.finalize(game, status == ResultStatus.CANCELLED, home, away))
        return None

    def _finalize(self, game: int, caller: str) -> str | None:
        if err := self.ghost.finalize_error(game, self._now()):
            with boa.reverts(err):
                self.book.finalize(game, sender=caller)
            return err
        cold(lambda: self.book.finalize(game, sender=caller))
        g = self.ghost.games[game]
        self._settled_game(self.ghost.finalize(game, g.cancelled, g.home, g.away))
        return None

    def _void(self, game: int, caller: str) -> str | None:
        if err := self.ghost.void_error(game, self._now()):
            with boa.reverts(err):
                self.book.void_game(game, sender=caller)
            return err
        cold(lambda: self.book.void_game(game, sender=caller))
        self._settled_game(self.ghost.finalize(game, True, 0, 0))
        return None

    def _settled_game(self, s: Settlement) -> None:
        """Checks shared by finalize, void_game and resolve_challenge (the Book was the last one called)."""
        self._gas("finalize", self.book, GAS_FINALIZE)
        [log] = self._logs(self.book, self.book, "ResultFinalized")
        assert (log.game, log.status, log.home, log.away, log.vault_net, log.accumulator) == (
            s.game,
            s.status,
            s.home,
            s.away,
            s.vault_net,
            s.accumulator,
        ), "the Book settled a game other than the ghost's exact, rounded-up net"
        settled = self._logs(self.book, self.vault, "Settled")
        if s.vault_net == 0:
            assert settled == []
        else:
            profit, loss = max(0, -s.vault_net), max(0, s.vault_net)
            assert [(e.game, e.profit, e.loss, e.total_assets) for e in settled] == [
                (s.game, profit, loss, self.ghost.total_assets)
            ]
        g = self.ghost.games[s.game]
        assert 0 <= g.dust <= g.half_bets, f"game {s.game}: the Book keeps {g.dust} beyond what it owes"
        self.step_vault_nets.append(s.vault_net)
        self.dirty_games.add(s.game)
        self.dirty_markets.update(g.markets)
        self._event(f"settled:{'cancelled' if s.status == ResultStatus.CANCELLED else 'final'}")
        if g.half_bets:
            self._event("settled:with_half_results")

    # ------------------------------------------------------------ wrapped actions: admin

    def _pause(self, caller: str, paused: bool) -> str | None:
        self.admin_acted = True
        if paused:
            allowed, err = _same(caller, self.guardian) or _same(caller, self.admin), "book: not guardian"
        else:
            allowed, err = _same(caller, self.admin), NOT_OWNER
        if not allowed:
            with boa.reverts(err):
                (self.book.pause if paused else self.book.unpause)(sender=caller)
            return err
        (self.book.pause if paused else self.book.unpause)(sender=caller)
        [log] = self._logs(self.book, self.book, "PauseSet")
        assert log.paused == paused and _same(log.by, caller)
        self.ghost.paused = paused
        return None

    def _set_params(self, challenge_window: int, void_delay: int) -> str | None:
        self.admin_acted = True
        if err := self.ghost.params_error(challenge_window, void_delay):
            with boa.reverts(err):
                self.book.set_params(challenge_window, void_delay, sender=self.admin)
            return err
        self.book.set_params(challenge_window, void_delay, sender=self.admin)
        [log] = self._logs(self.book, self.book, "ParamsSet")
        assert (log.challenge_window, log.void_delay) == (challenge_window, void_delay)
        self.ghost.challenge_window, self.ghost.void_delay = challenge_window, void_delay
        return None

    def _rotate_reporters(self) -> None:
        """The admin re-installs the same reporter set: a new version, so every vote so far lapses."""
        self.admin_acted = True
        version = self.oracle.version()
        self.oracle.set_reporters([r.address for r in self.reporters], self.ghost.quorum, sender=self.admin)
        [log] = self._logs(self.oracle, self.oracle, "ReportersSet")
        assert (log.version, log.quorum) == (version + 1, self.ghost.quorum)
        self.ghost.votes.clear()

    # ================================================================ #
    #                         Initialize rules                         #
    # ================================================================ #

    @initialize(
        byzantine=st.integers(0, 2),
        lp_assets=st.tuples(st.integers(5_000, 60_000), st.integers(1, 20_000)),
        funds=st.tuples(st.integers(100, 5_000), st.integers(100, 5_000), st.integers(100, 5_000)),
        data=st.data(),
    )
    def setup(
        self, byzantine: int, lp_assets: tuple[int, int], funds: tuple[int, int, int], data: st.DataObject
    ) -> None:
        """Two LPs back the book, three bettors fund their balances, one or two games open with a few markets
        and bets; which reporter is byzantine is drawn here."""
        self._begin()
        self.byzantine = byzantine
        for lp, assets in zip(self.lps, lp_assets, strict=True):
            assert self._lp_deposit(lp, assets * ONE) is None
        for bettor, amount in zip(self.bettors, funds, strict=True):
            assert self._bettor_deposit(bettor, amount * ONE) is None
        for _ in range(data.draw(st.integers(1, 2), label="games")):
            self._new_game(data)
            game = max(self.ghost.games)
            for _ in range(data.draw(st.integers(1, 4), label="markets")):
                self._add_market(game, *data.draw(market_specs(self.ghost.games[game].truth), label="market"))
        self._random_bets(data, data.draw(st.integers(2, 8), label="bets"))

    def _new_game(self, data: st.DataObject) -> str | None:
        game = len(self.ghost.games) + 1
        kickoff = self._now() + data.draw(st.integers(120, 6 * 3_600), label="kickoff_in")
        market_cap, game_cap = data.draw(caps, label="caps")
        # what honest reporters will sign: a final score, or (one game in eight) a cancellation
        truth = (int(ResultStatus.FINAL), *data.draw(scores, label="score"))
        if data.draw(st.integers(0, 7), label="cancelled?") == 0:
            truth = (int(ResultStatus.CANCELLED), 0, 0)
        return self._create_game(game, kickoff, market_cap, game_cap, truth)

    # ================================================================ #
    #                               Rules                              #
    # ================================================================ #

    # ------------------------------------------------------------ LPs

    @rule(lp=st.integers(0, 1), assets=st.integers(0, 30_000 * ONE))
    def lp_deposit(self, lp: int, assets: int) -> None:
        self._begin()
        err = self._lp_deposit(self.lps[lp], assets)
        self._event(f"lp:deposit:{err or 'ok'}{':paused' if self.ghost.paused else ''}")

    @rule(
        lp=st.integers(0, 1),
        how=st.sampled_from(["redeem_all", "redeem_part", "withdraw_part", "one_share"]),
        part=st.integers(1, 100),
    )
    def lp_exit(self, lp: int, how: str, part: int) -> None:
        self._begin()
        owner = self.lps[lp]
        held = self.ghost.shares.get(owner, 0)
        if how == "redeem_all":
            err = self._lp_exit(owner, shares=held)
        elif how == "redeem_part":
            err = self._lp_exit(owner, shares=held * part // 100)
        elif how == "withdraw_part":
            assets = self.ghost.to_assets(held, self.ghost.headroom(), False) * part // 100
            err = self._lp_exit(owner, assets=assets)
        else:
            err = self._lp_exit(owner, shares=1)
        self._event(f"lp:{how}:{err or 'ok'}{':paused' if self.ghost.paused else ''}")

    # ------------------------------------------------------------ bettors

    @rule(bettor=st.integers(0, 2), amount=st.integers(0, 5_000 * ONE))
    def bettor_deposit(self, bettor: int, amount: int) -> None:
        self._begin()
        err = self._bettor_deposit(self.bettors[bettor], amount)
        self._event(f"bettor:deposit:{err or 'ok'}")

    @rule(
        bettor=st.integers(0, 2),
        how=st.sampled_from(["all", "part", "too_much", "zero"]),
        part=st.integers(1, 99),
    )
    def bettor_withdraw(self, bettor: int, how: str, part: int) -> None:
        self._begin()
        who = self.bettors[bettor]
        balance = self.ghost.balances.get(who, 0)
        amount = {"all": balance, "part": balance * part // 100, "too_much": balance + 1, "zero": 0}[how]
        err = self._bettor_withdraw(who, amount)
        self._event(f"bettor:withdraw:{how}:{err or 'ok'}{':paused' if self.ghost.paused else ''}")

    # ------------------------------------------------------------ operator

    @rule(data=st.data())
    def create_game(self, data: st.DataObject) -> None:
        self._begin()
        flavor = data.draw(
            st.sampled_from(
                ["new", "new", "duplicate", "past_kickoff", "cap_too_large", "cap_not_whole_tokens"]
            )
        )
        if flavor == "new" and len(self.ghost.games) < MAX_GAMES:
            err = self._new_game(data)
        elif flavor == "duplicate" and self.ghost.games:
            g = self._game(data)
            err = self._create_game(g.id, self._now() + 600, ONE, ONE, g.truth)
        elif flavor == "cap_too_large":
            err = self._create_game(MAX_GAMES + 1, self._now() + 600, 2**36 * ONE, ONE, None)
        elif flavor == "cap_not_whole_tokens":
            err = self._create_game(MAX_GAMES + 1, self._now() + 600, ONE, 5 * ONE + 1, None)
        else:
            flavor = "past_kickoff"
            err = self._create_game(
                MAX_GAMES + 1, self._now() - data.draw(st.integers(0, 100)), ONE, ONE, None
            )
        self._event(f"create_game:{flavor}:{err or 'ok'}")

    @precondition(lambda self: self.ghost.games)
    @rule(data=st.data())
    def add_market(self, data: st.DataObject) -> None:
        self._begin()
        g = self._game(data)
        flavor = data.draw(st.sampled_from(["valid", "valid", "valid", "bad_line", "bad_kind"]))
        if flavor == "valid":
            kind, line = data.draw(market_specs(g.truth))
        elif flavor == "bad_line":
            bad = [(0, 4), (1, -2), (2, 0), (2, 1), (2, 2_001), (3, -2_001)]
            kind, line = data.draw(st.sampled_from(bad))
        else:
            kind, line = 4, 0
        err = self._add_market(g.id, kind, line)
        self._event(f"add_market:{flavor}:{err or 'ok'}")

    @precondition(lambda self: self.ghost.games)
    @rule(data=st.data(), new_caps=caps)
    def set_caps(self, data: st.DataObject, new_caps: tuple[int, int]) -> None:
        self._begin()
        g = self._game(data)
        lowered = new_caps[0] < g.market_cap or new_caps[1] < g.game_cap
        err = self._set_caps(g.id, *new_caps)
        self._event(f"set_caps:{'lowered' if lowered else 'raised'}:{err or 'ok'}")

    @precondition(lambda self: self.ghost.games)
    @rule(data=st.data(), action=st.sampled_from(["suspend", "live", "close"]), by_pricer=st.booleans())
    def pricer_moves(self, data: st.DataObject, action: str, by_pricer: bool) -> None:
        """The pricer (or the operator) suspends quotes, goes in-play or closes in-play betting."""
        self._begin()
        g = self._game(data)
        err = self._epoch_change(g.id, action, self.pricer.address if by_pricer else self.operator)
        self._event(f"pricer:{action}:{err or 'ok'}")

    # ------------------------------------------------------------ bets

    def _markets_open(self) -> list[int]:
        now = self._now()
        return [m for g in self.ghost.games.values() if g.betting_open(now) for m in g.markets]

    def _random_bets(self, data: st.DataObject, count: int, pool: list[int] | None = None) -> None:
        """`count` bets at fresh quotes on markets of `pool`, by default those open for betting (any
        market when none is)."""
        pool = pool or self._markets_open() or [m for g in self.ghost.games.values() for m in g.markets]
        halves = [m for m in pool if self._settles_half(m)]
        sizes = ["small", "small", "share_of_balance", "large", "to_market_cap", "to_game_cap", "to_headroom"]
        for _ in range(count):
            # a third of the bets go to lines the game will settle half-won / half-lost, when there are any
            near = halves and data.draw(st.integers(0, 2), label="half line?") == 0
            market = data.draw(st.sampled_from(sorted(halves if near else pool)), label="market")
            m = self.ghost.markets[market]
            g = self.ghost.games[m.game]
            bettor = self.bettors[data.draw(st.integers(0, 2), label="bettor")]
            outcome = data.draw(st.integers(0, m.n - 1), label="outcome")
            odds = [data.draw(odds_values, label="odds") if o < m.n else 0 for o in range(3)]
            size = data.draw(st.sampled_from(sizes), label="size")
            if size.startswith("to_"):
                # at even money the backed outcome's net grows by the stake exactly, so the reserve lands
                # on the limit, one unit under or one over it: every boundary is checked exactly
                odds[outcome] = 2 * ODDS_SCALE
                room = {
                    "to_market_cap": g.market_cap - m.nets[outcome],
                    "to_game_cap": g.game_cap - self.ghost.game_reserve(g) + m.reserve - m.nets[outcome],
                    "to_headroom": self.ghost.headroom() + m.reserve - m.nets[outcome],
                }[size]
                off = data.draw(st.sampled_from([-1, 0, 0, 1]), label="off")
                stake = max(self.ghost.min_stake, min(room + off, 10**5 * ONE))
                if self.ghost.balances.get(bettor, 0) < stake and not self.ghost.paused:
                    self._bettor_deposit(bettor, stake - self.ghost.balances.get(bettor, 0))
            elif size == "small":
                stake = data.draw(st.integers(self.ghost.min_stake, 20 * ONE), label="stake")
            elif size == "share_of_balance":
                balance = self.ghost.balances.get(bettor, 0)
                stake = max(self.ghost.min_stake, balance * data.draw(st.integers(1, 100), label="%") // 100)
            else:
                stake = data.draw(st.integers(500 * ONE, 30_000 * ONE), label="stake")
            ttl = data.draw(st.integers(1, MAX_QUOTE_TTL), label="ttl")
            quote, sig = self._quote(market, g.epoch, self._now() + ttl, (odds[0], odds[1], odds[2]))
            min_odds = data.draw(st.sampled_from([0, 0, odds[outcome]]), label="min_odds")
            result = self._place_bet(bettor, quote, sig, outcome, stake, min_odds)
            outcome_name = "accepted" if isinstance(result, GhostBet) else result
            self._event(f"place_bet:{outcome_name}")
            if size.startswith("to_"):
                self._event(f"place_bet:{size}:{off:+d}:{outcome_name}")
            if isinstance(result, GhostBet) and g.state == STATE_LIVE:
                self._event("place_bet:accepted:live")

    def _settles_half(self, market: int) -> bool:
        """Whether honest reporters' score will grade this market half-won and half-lost."""
        m, truth = self.ghost.markets[market], self.ghost.games[market >> 8].truth
        if truth[0] != ResultStatus.FINAL or m.kind == Kind.ONE_X_TWO:
            return False
        return grade(m.kind, m.line, 0, truth[1], truth[2]) in (Grade.HALF_WIN, Grade.HALF_LOSS)

    @precondition(lambda self: any(g.markets for g in self.ghost.games.values()))
    @rule(data=st.data())
    def place_bets(self, data: st.DataObject) -> None:
        """A few bets at fresh quotes; cutoff, caps, liquidity and balance decide, as the ghost predicts."""
        self._begin()
        self._random_bets(data, data.draw(st.integers(1, 6), label="bets"))

    @precondition(lambda self: any(g.markets for g in self.ghost.games.values()))
    @rule(
        data=st.data(),
        flaw=st.sampled_from(
            [
                "stale_epoch",
                "future_epoch",
                "expired",
                "expiry_too_far",
                "min_odds_above",
                "stake_below_minimum",
                "stake_above_max",
                "outcome_not_offered",
                "bad_outcome",
                "outcome_out_of_range",
                "unknown_market",
                "forged_quote",
                "tampered_quote",
                "huge_stake",
            ]
        ),
    )
    def place_flawed_bet(self, data: st.DataObject, flaw: str) -> None:
        """A bet with one thing wrong: it must revert with that thing's reason and change nothing."""
        self._begin()
        market = data.draw(
            st.sampled_from(sorted(self._markets_open() or self.ghost.markets)), label="market"
        )
        m = self.ghost.markets[market]
        g = self.ghost.games[m.game]
        epoch, expiry, key = g.epoch, self._now() + 60, None
        odds = tuple(19_500 if o < m.n else 0 for o in range(3))
        outcome, stake, min_odds = 0, 10 * ONE, 0
        if flaw == "stale_epoch":
            epoch = g.epoch - 1 if g.epoch > 0 else g.epoch + 1
        elif flaw == "future_epoch":
            epoch = g.epoch + 1
        elif flaw == "expired":
            expiry = self._now() - data.draw(st.integers(0, 600))
        elif flaw == "expiry_too_far":
            expiry = self._now() + MAX_QUOTE_TTL + data.draw(st.integers(1, 10**6))
        elif flaw == "min_odds_above":
            min_odds = odds[0] + 1
        elif flaw == "stake_below_minimum":
            stake = self.ghost.min_stake - 1
        elif flaw == "stake_above_max":
            stake = 10**5 * ONE + 1
        elif flaw == "outcome_not_offered":
            odds = (0, *odds[1:])
        elif flaw == "bad_outcome":
            outcome, odds = 2, (19_500, 19_500, 19_500)  # offered, but beyond a two-way market
        elif flaw == "outcome_out_of_range":
            outcome = data.draw(st.integers(3, 255))
        elif flaw == "unknown_market":
            market = m.game << 8 | len(g.markets)
        elif flaw == "forged_quote":
            key = self.attacker_key.key
        elif flaw == "huge_stake":
            stake, odds = 90_000 * ONE, tuple(MAX_ODDS if o < m.n else 0 for o in range(3))
        quote, sig = self._quote(market, epoch, expiry, odds, key)
        by_pricer = key is None
        if flaw == "tampered_quote":  # signed at 1.95, submitted at 100.0
            quote = Quote(quote.market, quote.epoch, quote.expiry, quote.max_stake, (1_000_000, *odds[1:]))
            by_pricer = False
        bettor = self.bettors[data.draw(st.integers(0, 2), label="bettor")]
        result = self._place_bet(bettor, quote, sig, outcome, stake, min_odds, by_pricer=by_pricer)
        self._event(f"flawed_bet:{flaw}:{'accepted' if isinstance(result, GhostBet) else result}")
        if flaw not in ("huge_stake", "bad_outcome"):
            assert not isinstance(result, GhostBet), f"a bet with flaw {flaw} was accepted"

    @precondition(lambda self: self._markets_open())
    @rule(
        data=st.data(),
        edge=st.sampled_from(
            [
                "second_before_kickoff",
                "at_kickoff",
                "expires_now",
                "expires_next_second",
                "ttl_max",
                "ttl_over",
            ]
        ),
    )
    def bet_at_the_edge(self, data: st.DataObject, edge: str) -> None:
        """A small bet one second either side of a time limit: cutoff at kickoff, quote expiry, quote TTL."""
        self._begin()
        market = data.draw(st.sampled_from(sorted(self._markets_open())), label="market")
        m = self.ghost.markets[market]
        g = self.ghost.games[m.game]
        if edge in ("second_before_kickoff", "at_kickoff") and g.state == STATE_OPEN:
            boa.env.time_travel(seconds=g.kickoff - self._now() - (edge == "second_before_kickoff"))
        ttl = {"expires_now": 0, "expires_next_second": 1, "ttl_max": MAX_QUOTE_TTL}
        ttl["ttl_over"] = MAX_QUOTE_TTL + 1
        odds = tuple(19_500 if o < m.n else 0 for o in range(3))
        quote, sig = self._quote(market, g.epoch, self._now() + ttl.get(edge, 60), odds)
        bettor = self.bettors[data.draw(st.integers(0, 2), label="bettor")]
        result = self._place_bet(bettor, quote, sig, data.draw(st.integers(0, m.n - 1)), self.ghost.min_stake)
        self._event(f"bet_at_the_edge:{edge}:{'accepted' if isinstance(result, GhostBet) else result}")

    @precondition(
        lambda self: any(not g.is_final and g.deadline > self._now() for g in self.ghost.games.values())
    )
    @rule(data=st.data(), offset=st.sampled_from([-1, 0]))
    def act_at_deadline(self, data: st.DataObject, offset: int) -> None:
        """One second before, or exactly at, a game's deadline: void it (void deadline, end of a
        challenge), or finalize and challenge it (end of the challenge window)."""
        self._begin()
        g = self._game(
            data, [g for g in self.ghost.games.values() if not g.is_final and g.deadline > self._now()]
        )
        boa.env.time_travel(seconds=g.deadline - self._now() + offset)
        if g.state == STATE_PROPOSED:
            action = data.draw(st.sampled_from(["challenge", "finalize"]))
            err = (
                self._challenge(g.id, self.guardian)
                if action == "challenge"
                else self._finalize(g.id, self.keeper)
            )
        else:
            action, err = "void", self._void(g.id, self.keeper)
        self._event(f"act_at_deadline:{action}:{offset:+d}:{err or 'ok'}")

    # ------------------------------------------------------------ time

    @rule(
        data=st.data(),
        jump=st.sampled_from(
            ["small", "medium", "to_next_deadline", "to_next_deadline", "large", "sequencer_gap"]
        ),
    )
    def time_travel(self, data: st.DataObject, jump: str) -> None:
        self._begin()
        now = self._now()
        if jump == "small":
            seconds = data.draw(st.integers(1, 300))
        elif jump == "medium":
            seconds = data.draw(st.integers(301, 7_200))
        elif jump == "large":
            seconds = data.draw(st.integers(86_400, 4 * 86_400))
        elif jump == "sequencer_gap":  # an L2 sequencer outage: hours pass without blocks in between
            seconds = data.draw(st.integers(2 * 3_600, 12 * 3_600))
        else:
            marks = sorted(t for t in self._deadlines() if t > now + 1)
            if not marks:
                jump, seconds = "to_next_deadline:none", 60
            else:
                seconds = marks[0] - now + data.draw(st.sampled_from([-1, 0, 1, 30]))
        boa.env.time_travel(seconds=seconds)
        self._event(f"time_travel:{jump}")

    def _deadlines(self) -> list[int]:
        marks = []
        for g in self.ghost.games.values():
            if g.is_final:
                continue
            marks += [g.kickoff, g.deadline]
        return marks

    @precondition(lambda self: any(not g.is_final for g in self.ghost.games.values()))
    @rule(data=st.data(), hops=st.integers(1, 4))
    def advance_game(self, data: st.DataObject, hops: int) -> None:
        """Move one game along its life, one phase a hop: kickoff (or in-play), an honest quorum,
        the end of the challenge window, finalization (or a challenge's resolution or void)."""
        self._begin()
        g = self._game(data, [g for g in self.ghost.games.values() if not g.is_final])
        for _ in range(hops):
            if g.is_final:
                break
            now = self._now()
            if g.state == STATE_PROPOSED and now < g.deadline:
                boa.env.time_travel(seconds=g.deadline - now + data.draw(st.sampled_from([0, 1, 60])))
                phase, err = "window_passes", None
            elif g.state == STATE_PROPOSED:
                phase, err = "finalize", self._finalize(g.id, self.keeper)
            elif g.state == STATE_CHALLENGED and data.draw(st.booleans(), label="uphold?"):
                status = int(ResultStatus.CANCELLED if g.cancelled else ResultStatus.FINAL)
                phase, err = "uphold", self._resolve(g.id, status, g.home, g.away, self.admin)
            elif g.state == STATE_CHALLENGED:
                boa.env.time_travel(seconds=max(1, g.deadline - now))
                phase, err = "void_after_challenge", self._void(g.id, self.keeper)
            elif g.truth[0] == ResultStatus.CANCELLED or now >= g.kickoff:
                phase, err = "quorum", self._report(g.id, *g.truth, self._signers(self._honest_slots()))
            elif g.state == STATE_OPEN and data.draw(st.booleans(), label="in-play?"):
                phase, err = "in_play", self._epoch_change(g.id, "live", self.pricer.address)
            else:
                # the pre-kickoff rush: a few last bets on this game, then the whistle
                rush = [market for market in g.markets if market in self._markets_open()]
                for _ in range(data.draw(st.integers(0, 3), label="rush") if rush else 0):
                    self._random_bets(data, 1, rush)
                boa.env.time_travel(seconds=max(1, g.kickoff - self._now() + data.draw(st.integers(0, 120))))
                phase, err = "kickoff", None
            assert err is None, f"advancing game {g.id} ({phase}) failed: {err}"
            self._event(f"advance:{phase}")

    # ------------------------------------------------------------ reporters

    def _honest_slots(self) -> list[int]:
        return [i for i in range(len(self.reporters)) if i != self.byzantine]

    def _reportable(self) -> list[GhostGame]:
        now = self._now()
        return [
            g for g in self.ghost.games.values() if g.truth[0] == ResultStatus.CANCELLED or now >= g.kickoff
        ]

    @precondition(lambda self: self._reportable())
    @rule(data=st.data(), who=st.sampled_from(["one", "one", "both", "with_byzantine"]))
    def report_honest(self, data: st.DataObject, who: str) -> None:
        """Honest reporters sign the true result, alone (a partial vote) or bundled."""
        self._begin()
        g = self._game(data, self._reportable())
        honest = self._honest_slots()
        slots = {
            "one": [data.draw(st.sampled_from(honest))],
            "both": honest,
            "with_byzantine": sorted([data.draw(st.sampled_from(honest)), self.byzantine]),
        }[who]
        err = self._report(g.id, *g.truth, self._signers(slots))
        self._event(f"report:honest:{who}:{err or ('proposed' if g.state == STATE_PROPOSED else 'ok')}")

    @precondition(lambda self: self.ghost.games)
    @rule(data=st.data())
    def report_byzantine(self, data: st.DataObject) -> None:
        """The byzantine reporter alone signs a different result: a vote that never reaches quorum."""
        self._begin()
        g = self._game(data)
        status, home, away = g.truth
        lie = data.draw(st.sampled_from(["score", "cancel"]))
        if status == ResultStatus.CANCELLED or lie == "score":
            status, home, away = int(ResultStatus.FINAL), home + 1 + data.draw(st.integers(0, 3)), away
        else:
            status, home, away = int(ResultStatus.CANCELLED), 0, 0
        err = self._report(g.id, status, home, away, self._signers([self.byzantine]))
        if g.state < STATE_PROPOSED:
            assert err is None, "one reporter's vote is stored, never proposed"
        self._event(f"report:byzantine:{lie}:{err or 'vote'}")

    @precondition(lambda self: self.ghost.games)
    @rule(
        data=st.data(),
        flaw=st.sampled_from(["no_signatures", "unsorted", "duplicate", "stranger", "premature"]),
    )
    def report_flawed(self, data: st.DataObject, flaw: str) -> None:
        self._begin()
        g = self._game(data)
        honest = self._signers(self._honest_slots())
        not_started = [x for x in self.ghost.games.values() if self._now() < x.kickoff]
        if flaw == "premature" and not_started:
            g = self._game(data, not_started)
        elif flaw == "premature":
            flaw = "no_signatures"
        if flaw == "no_signatures":
            signers = []
        elif flaw == "unsorted":
            signers = honest[::-1]
        elif flaw == "duplicate":
            signers = [honest[0], honest[0]]
        elif flaw == "stranger":
            signers = [(self.attacker_key, None)]
        else:
            signers = honest  # honest reporters signing a score before the game started
        status, home, away = g.truth if flaw != "premature" else (int(ResultStatus.FINAL), 1, 0)
        err = self._report(g.id, status, home, away, signers)
        self._event(f"report:flawed:{flaw}:{err or 'ok'}")
        assert err is not None, f"a report with flaw {flaw} went through"

    # ------------------------------------------------------------ guardian, admin, keeper

    @precondition(lambda self: any(g.state == STATE_PROPOSED for g in self.ghost.games.values()))
    @rule(data=st.data())
    def challenge(self, data: st.DataObject) -> None:
        self._begin()
        g = self._game(data, [g for g in self.ghost.games.values() if g.state == STATE_PROPOSED])
        err = self._challenge(g.id, self.guardian)
        self._event(f"challenge:{err or 'ok'}")

    @precondition(lambda self: any(g.state == STATE_CHALLENGED for g in self.ghost.games.values()))
    @rule(
        data=st.data(),
        decision=st.sampled_from(
            ["uphold", "other_score", "cancel", "cancel_with_score", "score_out_of_range"]
        ),
    )
    def resolve_challenge(self, data: st.DataObject, decision: str) -> None:
        self._begin()
        g = self._game(data, [g for g in self.ghost.games.values() if g.state == STATE_CHALLENGED])
        final, cancelled = int(ResultStatus.FINAL), int(ResultStatus.CANCELLED)
        status, home, away = {
            "uphold": (cancelled if g.cancelled else final, g.home, g.away),
            "other_score": (final, *data.draw(scores)),
            "cancel": (cancelled, 0, 0),
            "cancel_with_score": (cancelled, 1, 0),
            "score_out_of_range": (final, 1_001, 0),
        }[decision]
        err = self._resolve(g.id, status, home, away, self.admin)
        self._event(f"resolve_challenge:{decision}:{err or 'ok'}")

    @precondition(lambda self: any(g.state == STATE_PROPOSED for g in self.ghost.games.values()))
    @rule(data=st.data())
    def finalize(self, data: st.DataObject) -> None:
        self._begin()
        g = self._game(data, [g for g in self.ghost.games.values() if g.state == STATE_PROPOSED])
        err = self._finalize(g.id, self.keeper)
        self._event(f"finalize:{err or 'ok'}")

    @precondition(lambda self: self.ghost.games)
    @rule(data=st.data())
    def void_game(self, data: st.DataObject) -> None:
        self._begin()
        g = self._game(data)
        err = self._void(g.id, self.keeper)
        self._event(f"void_game:{err or 'ok'}")

    def _final_bets(self) -> list[GhostBet]:
        return [b for b in self.ghost.bets.values() if self.ghost.games[b.game].is_final]

    @precondition(lambda self: self._final_bets())
    @rule(data=st.data(), extra=st.sampled_from(["none", "none", "forged", "not_final"]))
    def settle_bets(self, data: st.DataObject, extra: str) -> None:
        """The keeper settles a random batch of bets of final games: already-settled and forged bets are
        skipped, not fatal; a bet of a game not yet final fails the whole batch."""
        self._begin()
        chosen = data.draw(
            st.lists(st.sampled_from(self._final_bets()), min_size=1, max_size=12), label="batch"
        )
        items = [(b.as_tuple(), b) for b in chosen]
        if extra == "forged":  # a bet that was never placed: its payout is one unit higher
            b = chosen[0]
            items.append(((b.bettor, b.nonce, b.market, b.outcome, b.stake, b.payout + 1), None))
        pending = [b for b in self.ghost.bets.values() if not self.ghost.games[b.game].is_final]
        if extra == "not_final" and pending:
            b = data.draw(st.sampled_from(pending), label="pending")
            items.insert(data.draw(st.integers(0, len(items)), label="at"), (b.as_tuple(), b))
        result = self._settle_batch(items, self.keeper)
        self._event(f"settle_bets:{extra}:{result if isinstance(result, str) else 'ok'}")
        if isinstance(result, int) and result < len(chosen):
            self._event("settle_bets:skipped_some")
        if self.ghost.paused:
            self._event(f"settle_bets:paused:{result if isinstance(result, str) else 'ok'}")

    @precondition(lambda self: self.ghost.bets)
    @rule(
        data=st.data(),
        which=st.sampled_from(["owed", "owed", "settled", "pending"]),
        by_attacker=st.booleans(),
    )
    def claim(self, data: st.DataObject, which: str, by_attacker: bool) -> None:
        """A bettor claims one bet (anyone may: the money goes to the bettor); a settled bet is not open,
        a bet of a game not final has nothing to claim yet."""
        self._begin()
        pools = {
            "owed": [b for b in self._final_bets() if not b.settled],
            "settled": [b for b in self.ghost.bets.values() if b.settled],
            "pending": [b for b in self.ghost.bets.values() if not self.ghost.games[b.game].is_final],
        }
        pool = pools[which] or list(self.ghost.bets.values())
        bet = data.draw(st.sampled_from(pool), label="bet")
        result = self._claim((bet.as_tuple(), bet), self.attacker if by_attacker else bet.bettor)
        outcome = result if isinstance(result, str) else "ok"
        self._event(f"claim:{which}:{outcome}{':paused' if self.ghost.paused else ''}")

    @rule(
        action=st.sampled_from(
            [
                "guardian_pauses",
                "admin_pauses",
                "admin_unpauses",
                "admin_unpauses",
                "admin_unpauses",
                "guardian_unpauses",
                "set_params",
                "bad_params",
                "rotate_reporters",
            ]
        ),
        window=st.integers(60, 7_200),
        delay=st.integers(3_600, 5 * 86_400),
    )
    def admin_actions(self, action: str, window: int, delay: int) -> None:
        self._begin()
        if action == "guardian_pauses":
            err = self._pause(self.guardian, True)
        elif action == "admin_pauses":
            err = self._pause(self.admin, True)
        elif action == "admin_unpauses":
            err = self._pause(self.admin, False)
        elif action == "guardian_unpauses":
            err = self._pause(self.guardian, False)
            assert err == NOT_OWNER
        elif action == "set_params":
            err = self._set_params(window, delay)
        elif action == "bad_params":
            err = self._set_params(59, delay)
        else:
            self._rotate_reporters()
            err = None
        self._event(f"admin:{action}:{err or 'ok'}")

    @rule(to_book=st.booleans(), amount=st.integers(1, 1_000 * ONE))
    def donate(self, to_book: bool, amount: int) -> None:
        """Tokens sent straight to a contract: no balance, reserve or share price may move."""
        self._begin()
        target = "book" if to_book else "vault"
        to = self.book if to_book else self.vault
        self.token.faucet(amount, sender=self.attacker)
        self.token.transfer(to.address, amount, sender=self.attacker)
        if target == "book":
            self.ghost.donated_book += amount
        else:
            self.ghost.donated_vault += amount
        self._event(f"donate:{target}")

    @rule(
        data=st.data(),
        call=st.sampled_from(
            [
                "create_game",
                "add_market",
                "set_caps",
                "set_live",
                "suspend",
                "propose_result",
                "challenge",
                "resolve_challenge",
                "pause",
                "unpause",
                "set_pricer",
                "set_operator",
                "set_guardian",
                "set_params",
                "connect",
                "transfer_ownership",
                "accept_ownership",
                "add_liquidity",
                "remove_liquidity",
                "vault_settle",
                "set_reporters",
                "oracle_transfer_ownership",
                "redeem_lp_shares",
                "withdraw_lp_assets",
                "withdraw_book",
            ]
        ),
    )
    def attacker_tries(self, data: st.DataObject, call: str) -> None:
        """Every privileged entry point refuses the attacker with its exact reason."""
        self._begin()
        a = self.attacker
        game = min(self.ghost.games) if self.ghost.games else 1
        now = self._now()
        calls = {
            "create_game": (
                lambda: self.book.create_game(99, now + 600, 1, 1, sender=a),
                "book: not operator",
            ),
            "add_market": (lambda: self.book.add_market(game, 0, 0, sender=a), "book: not operator"),
            "set_caps": (lambda: self.book.set_caps(game, 2**99, 2**99, sender=a), "book: not operator"),
            "set_live": (lambda: self.book.set_live(game, True, sender=a), "book: not operator"),
            "suspend": (lambda: self.book.suspend(game, sender=a), "book: not operator"),
            "propose_result": (
                lambda: self.book.propose_result(game, 1, 9, 0, 7, sender=a),
                "book: not oracle",
            ),
            "challenge": (lambda: self.book.challenge(game, sender=a), "book: not guardian"),
            "resolve_challenge": (lambda: self.book.resolve_challenge(game, 1, 9, 0, sender=a), NOT_OWNER),
            "pause": (lambda: self.book.pause(sender=a), "book: not guardian"),
            "unpause": (lambda: self.book.unpause(sender=a), NOT_OWNER),
            "set_pricer": (lambda: self.book.set_pricer(a, True, sender=a), NOT_OWNER),
            "set_operator": (lambda: self.book.set_operator(a, True, sender=a), NOT_OWNER),
            "set_guardian": (lambda: self.book.set_guardian(a, sender=a), NOT_OWNER),
            "set_params": (lambda: self.book.set_params(60, 3_600, sender=a), NOT_OWNER),
            "connect": (lambda: self.book.connect(a, a, sender=a), NOT_OWNER),
            "transfer_ownership": (lambda: self.book.transfer_ownership(a, sender=a), NOT_OWNER),
            "accept_ownership": (
                lambda: self.book.accept_ownership(sender=a),
                "ownable_2step: caller is not the new owner",
            ),
            "add_liquidity": (lambda: self.book.add_liquidity(10**12, sender=a), "book: not vault"),
            "remove_liquidity": (lambda: self.book.remove_liquidity(1, sender=a), "book: not vault"),
            "vault_settle": (lambda: self.vault.settle(game, 0, 10**6, sender=a), "vault: not book"),
            "set_reporters": (lambda: self.oracle.set_reporters([a], 1, sender=a), NOT_OWNER),
            "oracle_transfer_ownership": (lambda: self.oracle.transfer_ownership(a, sender=a), NOT_OWNER),
            "withdraw_book": (lambda: self.book.withdraw(1, sender=a), "book: insufficient balance"),
        }
        if call == "redeem_lp_shares":
            lp = self.lps[data.draw(st.integers(0, 1))]
            err = self._lp_exit(lp, shares=max(VIRTUAL_SHARES * 10**6, 1), caller=a)
        elif call == "withdraw_lp_assets":
            err = self._lp_exit(self.lps[0], assets=ONE, caller=a)
        else:
            fn, err = calls[call]
            with boa.reverts(err):
                fn()
        assert err is not None, f"the attacker's {call} went through"
        self._event(f"attacker:{call}:{err}")

    @precondition(lambda self: any(g.is_final for g in self.ghost.games.values()))
    @rule(data=st.data())
    def admin_meddles_with_final(self, data: st.DataObject) -> None:
        """I19: admin, guardian, operator and reporters act on a final game; what its bets are owed
        stays put."""
        self._begin()
        g = self._game(data, [g for g in self.ghost.games.values() if g.is_final])
        final, cancelled = int(ResultStatus.FINAL), int(ResultStatus.CANCELLED)
        for _ in range(data.draw(st.integers(1, 3))):
            move = data.draw(
                st.sampled_from(
                    [
                        "set_caps",
                        "suspend",
                        "set_live",
                        "close",
                        "challenge",
                        "resolve",
                        "void",
                        "add_market",
                        "set_params",
                        "report_other",
                        "report_same",
                        "rotate_reporters",
                    ]
                )
            )
            if move == "set_caps":
                err = self._set_caps(g.id, *data.draw(caps))
            elif move in ("suspend", "set_live", "close"):
                err = self._epoch_change(g.id, {"set_live": "live"}.get(move, move), self.pricer.address)
            elif move == "challenge":
                err = self._challenge(g.id, self.guardian)
            elif move == "resolve":
                err = self._resolve(g.id, final, 0, 7, self.admin)
            elif move == "void":
                err = self._void(g.id, self.admin)
            elif move == "add_market":
                err = self._add_market(g.id, *data.draw(market_specs()), caller=self.admin)
            elif move == "set_params":
                err = self._set_params(
                    data.draw(st.integers(60, 86_400)), data.draw(st.integers(3_600, 86_400 * 30))
                )
            elif move == "report_other":
                other = (cancelled, 0, 0) if g.final[0] == final else (final, 2, 2)
                err = self._report(g.id, *other, self._signers(self._honest_slots()))
                assert err in ("book: other result proposed", "book: game not started")
            elif move == "report_same":
                err = self._report(g.id, *g.final, self._signers(self._honest_slots()))
                assert err is None
            else:
                self._rotate_reporters()
                err = None
            if move in ("suspend", "set_live", "close", "challenge", "resolve", "void", "add_market"):
                assert err is not None, f"{move} went through on a final game"
            self._event(f"meddle_final:{move}:{err or 'ok'}")
        self.dirty_games.add(g.id)
        self.dirty_bets.update(b for m in g.markets for b in self.ghost.markets[m].bets)

    # ================================================================ #
    #                            Invariants                            #
    # ================================================================ #

    def _cached(self, key: Any, read: Any) -> Any:
        cache = self.__dict__.setdefault("_reads", {})
        if cache.get("step") != self.step:
            cache.clear()
            cache["step"] = self.step
        if key not in cache:
            cache[key] = read()
        return cache[key]

    def _chain_game(self, game: int):
        return self._cached(("game", game), lambda: self.book.game(game))

    def _chain_market(self, market: int):
        return self._cached(("market", market), lambda: self.book.market(market))

    def _chain(self, name: str) -> Any:
        reads = {
            "book_tokens": lambda: self.token.balanceOf(self.book.address),
            "vault_tokens": lambda: self.token.balanceOf(self.vault.address),
            "total_assets": lambda: self.vault.totalAssets(),
            "supply": lambda: self.vault.totalSupply(),
            "headroom": lambda: self.book.headroom(),
            "upside": lambda: self.book.upside(),
        }
        return self._cached(name, reads[name])

    def _games_to_check(self) -> list[GhostGame]:
        return [g for g in self.ghost.games.values() if self._sweep() or g.id in self.dirty_games]

    def _markets_to_check(self) -> list[int]:
        return sorted(self.ghost.markets) if self._sweep() else sorted(self.dirty_markets)

    def _bets_to_check(self) -> list[GhostBet]:
        if self._sweep():
            return list(self.ghost.bets.values())
        return [self.ghost.bets[b] for b in self.dirty_bets]

    def _accounts_to_check(self) -> list[str]:
        everyone = self.bettors + self.lps
        return everyone if self._sweep() else [a for a in everyone if a in self.dirty_accounts]

    @invariant()
    def model_matches_chain(self) -> None:
        """Local model = contract state: book balances, nonces and shares of every account, every game and
        every market the step touched (all of them every SWEEP_EVERY steps)."""
        assert self._chain("supply") == self.ghost.supply
        if self._sweep() or self.admin_acted:
            assert self.book.paused() == self.ghost.paused
        for account in self._accounts_to_check():
            if account in self.bettors:
                chain = (self.book.balanceOf(account), self.book.bet_nonce(account))
                assert chain == (self.ghost.balances.get(account, 0), self.ghost.nonces.get(account, 0))
            else:
                assert self.vault.balanceOf(account) == self.ghost.shares.get(account, 0)
        for g in self._games_to_check():
            c = self._chain_game(g.id)
            expected = self.ghost.game_view(g)
            assert (
                c.kickoff,
                c.epoch,
                c.state,
                c.home,
                c.away,
                c.deadline,
                c.cancelled,
                c.reserve,
                c.market_cap,
                c.game_cap,
                c.market_count,
            ) == expected, f"game {g.id}"
        for market in self._markets_to_check():
            m, c = self.ghost.markets[market], self._chain_market(market)
            assert (c.game, c.kind, c.line, c.outcomes, list(c.nets)) == (
                m.game,
                m.kind,
                m.line,
                m.n,
                m.nets3,
            )

    @invariant()
    def i1_solvency(self) -> None:
        """Book tokens >= bettor book balances + stakes of open bets of games not final + amounts due on open
        bets of final games (balances as the model holds them, which `model_matches_chain` pins to the chain);
        Vault tokens >= Vault.totalAssets()."""
        owed = sum(self.ghost.balances.values()) + self.ghost.owed_on_open_bets()
        assert self._chain("book_tokens") >= owed, "I1: the Book cannot pay what it owes"
        assert self._chain("vault_tokens") >= self._chain("total_assets"), (
            "I1: the Vault holds less than it tracks"
        )

    @invariant()
    def i2_reserved_le_vault_assets(self) -> None:
        """totalAssets - headroom == sum of book.game(g).reserve over games not final (per game on the games
        checked this step), never above totalAssets; upside == the sum of open markets' best cases.
        (I16 follows: no LP exit can take headroom below zero.)"""
        total_assets, headroom = self._chain("total_assets"), self._chain("headroom")
        reserved = self.ghost.reserved()
        assert total_assets - headroom == reserved, (
            f"I2: assets - headroom = {total_assets - headroom} != {reserved}"
        )
        assert 0 <= reserved <= total_assets, "I2: more reserved than the vault holds"
        for g in self._games_to_check():
            if g.state < STATE_PROPOSED:  # from a proposal on, the view shows 0; headroom still holds it
                assert self._chain_game(g.id).reserve == self.ghost.game_reserve(g), (
                    f"I2: game {g.id} reserve"
                )
        assert self._chain("upside") == self.ghost.upside()

    @invariant()
    def i3_reserve_covers_worst_case(self) -> None:
        """Each market's reserve == max(0, max over outcomes of (payouts on it - all stakes)), recomputed
        from its bets, and == the worst loss over every score 0..10 a side and a cancel, each bet rounded
        as the Book rounds it: every outcome of every accepted line can fully win at some score."""
        for market in self._markets_to_check():
            m = self.ghost.markets[market]
            reserve = self._chain_market(market).reserve
            bets = [self.ghost.bets[b] for b in m.bets]
            stakes = sum(b.stake for b in bets)
            from_bets = max(0, *(sum(b.payout for b in bets if b.outcome == o) - stakes for o in range(m.n)))
            assert reserve == from_bets, f"I3: market {market:#x} reserves {reserve}, its bets {from_bets}"
            worst, every_outcome_can_win = m.worst_case()
            assert every_outcome_can_win, f"I3: market {market:#x} has an outcome that can never fully win"
            assert max(0, worst) == reserve, f"I3: market {market:#x} reserves {reserve}, worst case {worst}"

    @invariant()
    def i4_caps_hold(self) -> None:
        """Reserves sit under their caps, unless the caps were lowered after the reserve last grew."""
        for g in self._games_to_check():
            if g.state >= STATE_PROPOSED:  # no more bets; the view no longer shows caps
                continue
            c = self._chain_game(g.id)
            if g.last_increase_step > g.caps_changed_step:
                assert c.reserve <= c.game_cap, f"I4: game {g.id} reserve {c.reserve} above cap {c.game_cap}"
            for market in g.markets:
                if self.ghost.markets[market].last_increase_step > g.caps_changed_step and (
                    self._sweep() or market in self.dirty_markets
                ):
                    assert self._chain_market(market).reserve <= c.market_cap, (
                        f"I4: market {market:#x} above cap"
                    )

    @invariant()
    def i5_conservation(self) -> None:
        """Exact: Book + Vault tokens == bettor deposits - withdrawals + LP deposits - exits + donations;
        the Book holds exactly balances + open stakes + amounts due + half-result dust + donations;
        the Vault its tracked assets + donations."""
        g = self.ghost
        book, vault = self._chain("book_tokens"), self._chain("vault_tokens")
        flows = g.bettor_in - g.bettor_out + g.lp_in - g.lp_out + g.donated_book + g.donated_vault
        assert book + vault == flows, f"I5: {book + vault} tokens in the system, flows say {flows}"
        assert book == g.book_tokens(), f"I5: the Book holds {book}, the ghost says {g.book_tokens()}"
        assert vault == g.vault_tokens()
        assert self._chain("total_assets") == g.total_assets

    @invariant()
    def i7_each_bet_settles_once(self) -> None:
        """Every bet is open until settled, once; one BetSettled per settled bet."""
        settled = [b for b in self.ghost.bets.values() if b.settled]
        assert self.ghost.settled_events == len(settled), "I7: BetSettled count != settled bets"
        for bet in self._bets_to_check():
            is_open = self.book.is_open(bet.as_tuple())
            assert is_open == (not bet.settled), f"I7: bet {bet.id.hex()[:10]} open state"

    @invariant()
    def i9_accepted_bets_were_open_and_fresh(self) -> None:
        """No accepted bet after cutoff, with an expired or too-long quote, or at an old epoch."""
        for a in self.ghost.accepted:
            assert a.timestamp < a.expiry <= a.timestamp + MAX_QUOTE_TTL, "I9: accepted an expired quote"
            assert a.quote_epoch == a.game_epoch, "I9: accepted a stale epoch"
            assert a.game_state == STATE_LIVE or (a.game_state == STATE_OPEN and a.timestamp < a.kickoff), (
                "I9: accepted a bet after cutoff"
            )

    @invariant()
    def i11_final_never_changes(self) -> None:
        """A final game's (status, home, away) never changes; the accumulator only ever extends, exactly as
        recomputed from the results the ghost finalized."""
        for g in self._games_to_check():
            if g.final is None:
                continue
            c = self._chain_game(g.id)
            status = int(ResultStatus.CANCELLED if c.cancelled else ResultStatus.FINAL)
            assert (c.state, status, c.home, c.away) == (STATE_FINAL, *g.final), f"I11: game {g.id} changed"
        if self._sweep() or self.step_vault_nets or self.dirty_games:
            assert self.book.settlement_accumulator() == self.ghost.accumulator, "I11: accumulator"
            assert self.book.finalized_games() == self.ghost.finalized

    @invariant()
    def i15_share_price_moves_only_at_settlement(self) -> None:
        """Price per share at tracked assets, (assets + 1) / (shares + 10**3): LP entries and exits never
        lower it (rounding favours the vault); a settled game moves it the way its net goes."""
        price = Fraction(self._chain("total_assets") + VIRTUAL_ASSETS, self._chain("supply") + VIRTUAL_SHARES)
        if self.step_vault_nets:
            net = sum(self.step_vault_nets)
            if net > 0:
                assert price < self.share_price, "I15: the vault paid out yet its share price held"
            elif net < 0:
                assert price > self.share_price, "I15: the vault earned yet its share price held"
            else:
                assert price == self.share_price
        else:
            assert price >= self.share_price, f"I15: share price fell from {self.share_price} to {price}"
        self.share_price = price

    @invariant()
    def i19_final_claims_unchanged(self) -> None:
        """Every open bet of a final game is still owed what it was owed at finalization, graded on chain
        (`book.grade` over the game and market the Book holds now)."""
        grades: dict[tuple[int, int], int] = {}
        for bet in self._bets_to_check():
            if bet.settled or not self.ghost.games[bet.game].is_final:
                continue
            key = (bet.market, bet.outcome)
            if key not in grades:
                c, m = self._chain_game(bet.game), self._chain_market(bet.market)
                grades[key] = self.book.grade(m.kind, m.line, bet.outcome, c.home, c.away, c.cancelled)
            assert amount_due(Grade(grades[key]), bet.stake, bet.payout) == bet.due, (
                "I19: a final claim changed"
            )

    @invariant()
    def i8_everyone_can_exit(self) -> None:
        """Every EXIT_EVERY steps, under an anchor: past every deadline, finalize or void every game, settle
        every bet, every bettor withdraws and every LP redeems everything. All must succeed, except the
        redemption of a position worth under one unit after heavy losses ("vault: zero assets", I17).
        The Book ends with exactly its half-result dust (<= one unit per half-graded bet) plus donations;
        the Vault with exactly what the ghost says, at most the virtual shares' claim
        ceil(1000 * (assets + 1) / (shares + 1000)) plus one unit per exit and per worthless position,
        plus donations."""
        if self.step == 0 or self.step % EXIT_EVERY or self.in_drill:
            return
        # everything the drill's actions touch off-chain, restored with the chain when it ends
        fields = (
            "ghost",
            "wallets",
            "step_vault_nets",
            "dirty_games",
            "dirty_markets",
            "dirty_bets",
            "dirty_accounts",
        )
        saved = copy.deepcopy({name: getattr(self, name) for name in fields})
        self.in_drill = True
        try:
            with boa.env.anchor():
                self._exit_drill()
        finally:
            self.__dict__.update(saved)
            self.in_drill = False
            self.__dict__.pop("_reads", None)
        event("stateful:exit_drill")

    def _exit_drill(self) -> None:
        g = self.ghost
        last = max([self._now(), *(t + 1 for t in self._deadlines())])
        boa.env.time_travel(seconds=last - self._now() + 1)
        # every other game without a result gets its honest one (by turns), the rest are voided
        honest = [
            x for x in g.games.values() if x.state < STATE_PROPOSED and (x.id + self.step // EXIT_EVERY) % 2
        ]
        for game in honest:
            assert self._report(game.id, *game.truth, self._signers(self._honest_slots())) is None
        boa.env.time_travel(seconds=g.challenge_window)
        for game in sorted(g.games.values(), key=lambda x: x.id):
            if game.state == STATE_PROPOSED:
                assert self._finalize(game.id, self.keeper) is None
            elif not game.is_final:
                assert self._void(game.id, self.keeper) is None
        open_bets = g.open_bets()
        for i in range(0, len(open_bets), MAX_BATCH):
            chunk = open_bets[i : i + MAX_BATCH]
            assert self._settle_batch([(b.as_tuple(), b) for b in chunk], self.keeper) == len(chunk)
        for bettor in self.bettors:
            if g.balances.get(bettor, 0):
                assert self._bettor_withdraw(bettor, g.balances[bettor]) is None
        assets, supply = g.total_assets, g.supply
        exits = worthless = 0
        for lp in self.lps:
            held = g.shares.get(lp, 0)
            if held and g.to_assets(held, g.headroom(), False) == 0:
                # after heavy losses a position can be worth under one unit: no exit pays 0 (I17)
                assert self._lp_exit(lp, shares=held) == "vault: zero assets"
                worthless += 1
            elif held:
                assert self._lp_exit(lp, shares=held) is None
                exits += 1
        half_bets = sum(x.half_bets for x in g.games.values())
        book = self.token.balanceOf(self.book.address)
        assert book == g.dust() + g.donated_book, "I8: the Book kept other than its dust"
        assert g.dust() <= half_bets, "I8: Book dust above one unit per half-graded bet"
        assert all(self.book.balanceOf(b) == 0 for b in self.bettors)
        assert not any(self.book.is_open(b.as_tuple()) for b in g.bets.values())
        assert self.vault.totalSupply() == g.supply == sum(g.shares.values())
        residual = self.vault.totalAssets()
        virtual_claim = -(-VIRTUAL_SHARES * (assets + VIRTUAL_ASSETS) // (supply + VIRTUAL_SHARES))
        assert residual == g.total_assets <= virtual_claim + exits + worthless, f"I8: Vault kept {residual}"
        if worthless:
            event("stateful:exit_drill:worthless_lp_position")
        if half_bets:
            event("stateful:exit_drill:half_results")
        assert self.token.balanceOf(self.vault.address) == residual + g.donated_vault
        assert self.book.headroom() == residual and self.book.upside() == 0


# ---------------------------------------------------------------- #
#                               Tests                              #
# ---------------------------------------------------------------- #

_NO_SHRINK = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target]


def _machine_settings(steps: int, max_examples: int | None = None) -> settings:
    """The loaded profile (dev, ci, ...) with `steps` steps a run, and at most `max_examples` runs."""
    examples = settings.default.max_examples
    return settings(
        settings.default,
        max_examples=examples if max_examples is None else min(examples, max_examples),
        stateful_step_count=steps,
        deadline=None,
        phases=_NO_SHRINK,  # EVM state machines shrink slowly; the verbose trace is the report
    )


def _report_gas() -> None:
    if os.environ.get("ROLLBOOK_GAS_REPORT"):
        print("\nI21 worst gas observed:", dict(sorted(GAS_SEEN.items())))


def test_book_machine(system: System) -> None:
    machine_settings = _machine_settings(steps=50, max_examples=20)  # about 20 s on one core
    run_state_machine_as_test(lambda: BookMachine(system), settings=machine_settings)
    _report_gas()


# let `--hypothesis-show-statistics` report the machine's events, as it does for `Machine.TestCase`
test_book_machine.is_hypothesis_test = True  # type: ignore[attr-defined]


@pytest.mark.fuzz_long
def test_book_machine_long(system: System) -> None:
    run_state_machine_as_test(lambda: BookMachine(system), settings=_machine_settings(steps=150))
    _report_gas()


test_book_machine_long.is_hypothesis_test = True  # type: ignore[attr-defined]


def test_gas_ceilings_at_worst_case(system: System) -> None:
    """I21 at its worst: 32-market games with every outcome backed, finalized, voided and resolved;
    settle_bets over bets touching only cold slots and at the 256 batch bound; a claim; reports of one,
    two and three signatures. Each call is measured cold and held to the ceilings the machine uses."""
    book, oracle, token = system.book, system.oracle, system.token
    lp, keeper = account_of("stateful lp 0").address, account_of("stateful keeper").address
    bettors = [account_of(f"stateful gas bettor {i}").address for i in range(32)]
    nonces = dict.fromkeys(bettors, 0)
    for _ in range(5):
        token.faucet(FAUCET, sender=lp)
    token.approve(system.vault.address, 5 * FAUCET, sender=lp)
    system.vault.deposit(5 * FAUCET, lp, sender=lp)
    for bettor in bettors:
        token.faucet(10_000 * ONE, sender=bettor)
        token.approve(book.address, 10_000 * ONE, sender=bettor)
        book.deposit(10_000 * ONE, sender=bettor)
    chain_id = boa.env.evm.patch.chain_id
    specs = [(Kind.ONE_X_TWO, 0), (Kind.MONEYLINE, 0)]
    specs += [(Kind.TOTALS, line) for line in range(2, 17)] + [(Kind.HANDICAP, line) for line in range(-7, 8)]
    assert len(specs) == 32
    seen: dict[str, int] = {}
    placed: list[tuple] = []

    def measure(kind: str, contract: Any, call: Callable[[], T]) -> T:
        out = cold(call)
        seen[kind] = max(seen.get(kind, 0), contract._computation.get_gas_used())
        return out

    def bet(market: int, outcome: int, bettor: str, stake: int) -> tuple:
        odds = (19_500, 21_000, 41_000)
        quote = Quote(market, 0, boa.env.evm.patch.timestamp + 60, 10**5 * ONE, odds)
        signature = sign_quote(system.pricer.key, quote, chain_id, book.address)
        nonce, nonces[bettor] = nonces[bettor], nonces[bettor] + 1
        measure(
            "place_bet",
            book,
            lambda: book.place_bet(quote.as_tuple(), signature.as_tuple(), outcome, stake, 0, sender=bettor),
        )
        return (bettor, nonce, market, outcome, stake, stake * odds[outcome] // 10_000)

    def full_game(game: int, every_outcome: int) -> list[tuple]:
        """32 markets; `every_outcome` bets on each outcome, or one bet on outcome 0 of each market when 0."""
        book.create_game(
            game, boa.env.evm.patch.timestamp + 3_600, 10**9 * ONE, 10**10 * ONE, sender=system.operator
        )
        bets = []
        for kind, line in specs:
            market = book.add_market(game, int(kind), line, sender=system.operator)
            for outcome in range(3 if kind == Kind.ONE_X_TWO else 2) if every_outcome else [0]:
                for _ in range(max(every_outcome, 1)):
                    stake = (7 + len(placed) % 5) * ONE + 1  # odd, so half results round
                    bets.append(bet(market, outcome, bettors[len(placed) % len(bettors)], stake))
                    placed.append(bets[-1])
        return bets

    def report(game: int, status: int, home: int, away: int, slots: list[int]) -> bool:
        result = GameResult(game, status, home, away)
        sigs = [
            sign_result(system.reporters[i].key, result, chain_id, oracle.address).as_tuple() for i in slots
        ]
        return measure(
            "report_result", oracle, lambda: oracle.report_result(result.as_tuple(), sigs, sender=keeper)
        )

    # game 1: every outcome of 32 markets backed 4 times (260 bets), final 2-1 (half results on quarter lines)
    bets = full_game(1, every_outcome=4)
    voided, resolved = full_game(2, every_outcome=0), full_game(3, every_outcome=0)
    # eight one-bet games: a batch of them touches a cold game, market, bet and account per bet
    singles = []
    for game in range(4, 12):
        kickoff = boa.env.evm.patch.timestamp + 3_600
        book.create_game(game, kickoff, 100 * ONE, 100 * ONE, sender=system.operator)
        market = book.add_market(game, int(Kind.TOTALS), 9, sender=system.operator)
        singles.append(bet(market, 0, bettors[game], 2 * ONE + 1))
    boa.env.time_travel(seconds=3_600)
    for game in range(4, 12):
        assert report(game, 1, 1, 1, [0, 1])  # 2 goals under a 2.25 line: the over bet half-loses
    assert not report(1, 1, 2, 1, [0])
    assert report(1, 1, 2, 1, [1, 2])
    assert report(3, 1, 0, 0, [0, 1, 2])
    book.challenge(3, sender=system.guardian)
    boa.env.time_travel(seconds=book.challenge_window())
    measure("finalize", book, lambda: book.finalize(1, sender=keeper))
    for game in range(4, 12):
        book.finalize(game, sender=keeper)
    measure("finalize", book, lambda: book.resolve_challenge(3, 1, 3, 2, sender=system.admin))
    boa.env.time_travel(seconds=book.void_delay())
    measure("finalize", book, lambda: book.void_game(2, sender=keeper))
    # a claim; one bet; 8 bets of 8 games; 32 bets of 32 markets and 32 bettors; the batch bound
    measure("claim", book, lambda: book.claim(bets[0], sender=keeper))
    assert measure("settle_bets:1", book, lambda: book.settle_bets([bets[1]], sender=keeper)) == 1
    assert measure("settle_bets:8", book, lambda: book.settle_bets(singles, sender=keeper)) == 8
    assert measure("settle_bets:32", book, lambda: book.settle_bets(resolved, sender=keeper)) == 32
    batch = (bets[2:] + voided)[:MAX_BATCH]
    assert measure("settle_bets:256", book, lambda: book.settle_bets(batch, sender=keeper)) == MAX_BATCH

    if os.environ.get("ROLLBOOK_GAS_REPORT"):
        print(f"\nI21 worst case: {seen}")
    assert seen["place_bet"] <= GAS_PLACE_BET
    assert seen["report_result"] <= GAS_REPORT
    assert seen["finalize"] <= GAS_FINALIZE
    for k in (1, 8, 32, 256):
        assert seen[f"settle_bets:{k}"] <= GAS_SETTLE_BASE + GAS_SETTLE_PER_BET * k
    assert seen["claim"] <= GAS_CLAIM
