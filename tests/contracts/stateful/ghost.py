"""The ghost of a whole rollbook system: plain Python that says what the chain must hold.

The state machine changes the contracts and this model together, and its
invariants compare the two. Nothing here reads the chain. The rules are
re-derived from the NatSpec, not copied from the contracts: payouts and
settlement go through `oracle.markets` (the grading twin) and exact
`Fraction`s, the vault through its ERC-4626 formulas, and every revert is
predicted here in the order the contracts check them.
"""

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache

from eth_abi import encode
from eth_utils import keccak

from oracle.markets import Grade, Kind, ResultStatus, amount_due, exact_share, grade, outcome_count

# ---------------------------------------------------------------- #
#        constants.vy, by hand: a changed bound shows up here      #
# ---------------------------------------------------------------- #

ODDS_SCALE = 10_000
MIN_ODDS = 10_100
MAX_ODDS = 10_000_000
MAX_QUOTE_TTL = 3_600
MAX_OUTCOMES = 3
MAX_MARKETS_PER_GAME = 32
MAX_LINE = 2_000
MAX_SCORE = 1_000
MAX_BATCH = 256
MAX_CAP_TOKENS = 2**36 - 1  # caps are whole tokens in a 36-bit field
MIN_CHALLENGE_WINDOW, MAX_CHALLENGE_WINDOW = 60, 86_400 * 7
MIN_VOID_DELAY, MAX_VOID_DELAY = 3_600, 86_400 * 30

STATE_NONE, STATE_OPEN, STATE_LIVE, STATE_CLOSED, STATE_PROPOSED, STATE_CHALLENGED, STATE_FINAL = range(7)

VIRTUAL_SHARES = 10**3  # Vault._VIRTUAL_SHARES
VIRTUAL_ASSETS = 1  # Vault._VIRTUAL_ASSETS

# Scores 0..ENUM_SCORE for both sides are enumerated for every market's worst case (I3).
# Strategies keep lines inside this range, so every outcome that can win at all wins somewhere in it.
ENUM_SCORE = 10

NOT_OWNER = "ownable: caller is not the owner"


def bet_id(bettor: str, nonce: int, market: int, outcome: int, stake: int, payout: int) -> bytes:
    """keccak256(abi_encode(Bet)) for the Book's `Bet` struct (all static members)."""
    return keccak(
        encode(
            ["address", "uint64", "uint64", "uint8", "uint128", "uint128"],
            [bettor, nonce, market, outcome, stake, payout],
        )
    )


def extend_accumulator(prev: bytes, game: int, status: int, home: int, away: int) -> bytes:
    """The Book's settlement accumulator after one more final game."""
    return keccak(
        encode(["bytes32", "uint256", "uint256", "uint256", "uint256"], [prev, game, status, home, away])
    )


@cache
def grade_vectors(kind: Kind, line: int) -> tuple[frozenset[tuple[Grade, ...]], frozenset[int]]:
    """Every distinct tuple of outcome grades over scores 0..ENUM_SCORE a side (and a cancel), and the
    outcomes that fully win at some score."""
    n = outcome_count(kind)
    vectors = {
        tuple(grade(kind, line, o, home, away) for o in range(n))
        for home in range(ENUM_SCORE + 1)
        for away in range(ENUM_SCORE + 1)
    }
    vectors.add(tuple(Grade.PUSH for _ in range(n)))  # cancelled
    winners = frozenset(o for v in vectors for o in range(n) if v[o] == Grade.WIN)
    return frozenset(vectors), winners


# ---------------------------------------------------------------- #
#                               Bets                               #
# ---------------------------------------------------------------- #


@dataclass
class GhostBet:
    bettor: str
    nonce: int
    market: int
    outcome: int
    stake: int
    payout: int
    id: bytes
    settled: bool = False
    grade: Grade | None = None  # fixed when its game turns final
    due: int | None = None  # what settling it credits, fixed when its game turns final

    @property
    def game(self) -> int:
        return self.market >> 8

    def as_tuple(self) -> tuple[str, int, int, int, int, int]:
        return (self.bettor, self.nonce, self.market, self.outcome, self.stake, self.payout)


@dataclass
class Acceptance:
    """What the chain looked like when a bet was accepted (for I9)."""

    bet: bytes
    timestamp: int
    expiry: int
    quote_epoch: int
    game_epoch: int
    game_state: int
    kickoff: int


# ---------------------------------------------------------------- #
#                              Markets                             #
# ---------------------------------------------------------------- #


@dataclass
class GhostMarket:
    id: int
    kind: Kind
    line: int
    bets: list[bytes] = field(default_factory=list)
    stake_total: int = 0
    payout_on: list[int] = field(default_factory=lambda: [0, 0, 0])
    stake_on: list[int] = field(default_factory=lambda: [0, 0, 0])
    half_win_on: list[int] = field(default_factory=lambda: [0, 0, 0])  # sum of (payout + stake) // 2
    half_loss_on: list[int] = field(default_factory=lambda: [0, 0, 0])  # sum of stake // 2
    last_increase_step: int = -1  # step of the last bet that grew this market's reserve

    @property
    def game(self) -> int:
        return self.id >> 8

    @property
    def n(self) -> int:
        return outcome_count(self.kind)

    def nets_after(self, outcome: int, stake: int, payout: int) -> list[int]:
        """Net the vault pays beyond the market's stakes if `o` wins, with one more bet."""
        return [
            self.payout_on[o] + (payout if o == outcome else 0) - self.stake_total - stake
            for o in range(self.n)
        ]

    @property
    def nets(self) -> list[int]:
        return [self.payout_on[o] - self.stake_total for o in range(self.n)]

    @property
    def nets3(self) -> list[int]:
        return [*self.nets, 0, 0, 0][:3]

    @property
    def reserve(self) -> int:
        return max(0, *self.nets)

    @property
    def upside(self) -> int:
        return max(0, -min(self.nets))

    def add(self, bet: GhostBet) -> None:
        self.bets.append(bet.id)
        self.stake_total += bet.stake
        self.payout_on[bet.outcome] += bet.payout
        self.stake_on[bet.outcome] += bet.stake
        self.half_win_on[bet.outcome] += (bet.payout + bet.stake) // 2
        self.half_loss_on[bet.outcome] += bet.stake // 2

    def loss_if(self, grades: tuple[Grade, ...]) -> int:
        """What the vault loses (negative: gains) if the outcomes grade as `grades`, each bet rounded
        as the Book rounds it."""
        due = {
            Grade.WIN: self.payout_on,
            Grade.HALF_WIN: self.half_win_on,
            Grade.PUSH: self.stake_on,
            Grade.HALF_LOSS: self.half_loss_on,
            Grade.LOSS: [0, 0, 0],
        }
        return sum(due[g][o] for o, g in enumerate(grades)) - self.stake_total

    def worst_case(self) -> tuple[int, bool]:
        """The largest loss over every enumerated score (and a cancel), and whether every outcome can
        fully win at one of them."""
        vectors, winners = grade_vectors(self.kind, self.line)
        worst = max(self.loss_if(v) for v in vectors)
        return worst, len(winners) == self.n

    def exact_vault_net(self, home: int, away: int, cancelled: bool) -> Fraction:
        """The exact (unrounded) amount the vault owes the market's bettors beyond their stakes."""
        total = Fraction(0)
        for o in range(self.n):
            payout_share, stake_share = exact_share(grade(self.kind, self.line, o, home, away, cancelled))
            total += payout_share * self.payout_on[o] + stake_share * self.stake_on[o]
        return total - self.stake_total


# ---------------------------------------------------------------- #
#                               Games                              #
# ---------------------------------------------------------------- #


@dataclass
class GhostGame:
    id: int
    kickoff: int
    market_cap: int
    game_cap: int
    epoch: int = 0
    state: int = STATE_OPEN
    home: int = 0
    away: int = 0
    cancelled: bool = False
    deadline: int = (
        0  # void deadline until a result exists; then end of the window, or of a challenge; 0 once final
    )
    markets: list[int] = field(default_factory=list)
    truth: tuple[int, int, int] | None = None  # (status, home, away) honest reporters sign
    caps_changed_step: int = -1
    last_increase_step: int = -1
    final: tuple[int, int, int] | None = None  # (status, home, away) as finalized
    dust: int = 0  # tokens the Book keeps beyond what this game's bets are owed (half results)
    half_bets: int = 0  # bets graded half-win or half-loss

    @property
    def is_final(self) -> bool:
        return self.state == STATE_FINAL

    def betting_open(self, now: int) -> bool:
        return self.state == STATE_LIVE or (self.state == STATE_OPEN and now < self.kickoff)


@dataclass
class Settlement:
    game: int
    status: int
    home: int
    away: int
    vault_net: int
    released: int
    upside: int
    accumulator: bytes


# ---------------------------------------------------------------- #
#                          The whole system                        #
# ---------------------------------------------------------------- #


@dataclass
class Ghost:
    min_stake: int
    cap_unit: int  # one whole token: caps are multiples of it
    challenge_window: int
    void_delay: int
    quorum: int
    games: dict[int, GhostGame] = field(default_factory=dict)
    markets: dict[int, GhostMarket] = field(default_factory=dict)
    bets: dict[bytes, GhostBet] = field(default_factory=dict)
    accepted: list[Acceptance] = field(default_factory=list)
    balances: dict[str, int] = field(default_factory=dict)
    nonces: dict[str, int] = field(default_factory=dict)
    paused: bool = False
    # vault
    total_assets: int = 0
    supply: int = 0
    shares: dict[str, int] = field(default_factory=dict)
    # oracle: (game, status, home, away) -> signer bitmap gathered below quorum
    votes: dict[tuple[int, int, int, int], int] = field(default_factory=dict)
    # settlement
    accumulator: bytes = b"\x00" * 32
    finalized: int = 0
    settled_events: int = 0
    # token flows into and out of Book + Vault (I5)
    bettor_in: int = 0
    bettor_out: int = 0
    lp_in: int = 0
    lp_out: int = 0
    donated_book: int = 0
    donated_vault: int = 0

    # ------------------------------------------------------------ risk

    def reserved(self) -> int:
        return sum(self.game_reserve(g) for g in self.games.values())

    def game_reserve(self, g: GhostGame) -> int:
        """What the game holds reserved in the Book's headroom: its markets' worst cases until final."""
        return 0 if g.is_final else sum(self.markets[m].reserve for m in g.markets)

    def game_view(self, g: GhostGame) -> tuple:
        """`Book.game(g)` as (kickoff, epoch, state, home, away, deadline, cancelled, reserve, market_cap,
        game_cap, market_count): caps and reserve read 0 once a result exists, scores 0 before."""
        if g.state < STATE_PROPOSED:
            return (
                g.kickoff,
                g.epoch,
                g.state,
                0,
                0,
                g.deadline,
                False,
                self.game_reserve(g),
                g.market_cap,
                g.game_cap,
                len(g.markets),
            )
        return (g.kickoff, g.epoch, g.state, g.home, g.away, g.deadline, g.cancelled, 0, 0, 0, len(g.markets))

    def headroom(self) -> int:
        return self.total_assets - self.reserved()

    def upside(self) -> int:
        return sum(self.markets[m].upside for g in self.games.values() if not g.is_final for m in g.markets)

    def open_bets(self) -> list[GhostBet]:
        return [b for b in self.bets.values() if not b.settled]

    def owed_on_open_bets(self) -> int:
        """Stakes held for open bets of open games plus amounts due on open bets of final games."""
        return sum(b.due if self.games[b.game].is_final else b.stake for b in self.open_bets())

    def dust(self) -> int:
        return sum(g.dust for g in self.games.values())

    def book_tokens(self) -> int:
        """Exactly what the Book's token balance must be."""
        return sum(self.balances.values()) + self.owed_on_open_bets() + self.dust() + self.donated_book

    def vault_tokens(self) -> int:
        return self.total_assets + self.donated_vault

    # ------------------------------------------------------------ vault math

    def to_shares(self, assets: int, nav: int, round_up: bool) -> int:
        numerator, denominator = assets * (self.supply + VIRTUAL_SHARES), nav + VIRTUAL_ASSETS
        return -(-numerator // denominator) if round_up else numerator // denominator

    def to_assets(self, shares: int, nav: int, round_up: bool) -> int:
        numerator, denominator = shares * (nav + VIRTUAL_ASSETS), self.supply + VIRTUAL_SHARES
        return -(-numerator // denominator) if round_up else numerator // denominator

    def share_price(self) -> Fraction:
        """Assets per share measured at tracked assets (what only settlement may lower)."""
        return Fraction(self.total_assets + VIRTUAL_ASSETS, self.supply + VIRTUAL_SHARES)

    def lp_enter_error(self, assets: int) -> tuple[str | None, int]:
        shares = self.to_shares(assets, self.total_assets + self.upside(), False)
        if self.paused:
            return "vault: paused", shares
        if assets == 0:
            return "vault: zero assets", shares
        if shares == 0:
            return "vault: zero shares", shares
        return None, shares

    def lp_exit_error(self, owner: str, assets: int, shares: int, caller: str) -> str | None:
        if assets == 0:
            return "vault: zero assets"
        if shares == 0:
            return "vault: zero shares"
        if caller != owner:
            return "erc20: insufficient allowance"  # no LP in the machine approves anyone
        if self.shares.get(owner, 0) < shares:
            return "erc20: burn amount exceeds balance"
        if self.headroom() < assets:
            return "book: vault liquidity exceeded"
        return None

    def lp_enter(self, lp: str, assets: int, shares: int) -> None:
        self.total_assets += assets
        self.supply += shares
        self.shares[lp] = self.shares.get(lp, 0) + shares
        self.lp_in += assets

    def lp_exit(self, lp: str, assets: int, shares: int) -> None:
        self.total_assets -= assets
        self.supply -= shares
        self.shares[lp] -= shares
        self.lp_out += assets

    # ------------------------------------------------------------ bettors

    def deposit_error(self, amount: int) -> str | None:
        if self.paused:
            return "book: paused"
        if amount == 0:
            return "book: zero amount"
        return None

    def withdraw_error(self, bettor: str, amount: int) -> str | None:
        if amount == 0:
            return "book: zero amount"
        if self.balances.get(bettor, 0) < amount:
            return "book: insufficient balance"
        return None

    def credit(self, bettor: str, amount: int) -> None:
        self.balances[bettor] = self.balances.get(bettor, 0) + amount

    # ------------------------------------------------------------ games and markets

    def create_game_error(
        self, game: int, kickoff: int, now: int, market_cap: int, game_cap: int
    ) -> str | None:
        if game in self.games:
            return "book: game exists"
        if kickoff <= now:
            return "book: bad kickoff"
        return self.caps_error(None, market_cap, game_cap)

    def add_market_error(self, game: int, kind: int, line: int) -> str | None:
        g = self.games.get(game)
        if g is None or g.state not in (STATE_OPEN, STATE_LIVE):
            return "book: game not open"
        if kind >= 4:
            return "book: unknown market kind"
        if kind in (Kind.ONE_X_TWO, Kind.MONEYLINE) and line != 0:
            return "book: market takes no line"
        if kind == Kind.TOTALS and not 2 <= line <= MAX_LINE:  # from 0.5: under 0.25 could never fully win
            return "book: line out of range"
        if kind == Kind.HANDICAP and not -MAX_LINE <= line <= MAX_LINE:
            return "book: line out of range"
        if self.market_of(game, kind, line) is not None:
            return "book: market exists"
        if len(g.markets) >= MAX_MARKETS_PER_GAME:
            return "book: too many markets"
        return None

    def market_of(self, game: int, kind: int, line: int) -> int | None:
        for m in self.games[game].markets:
            if self.markets[m].kind == kind and self.markets[m].line == line:
                return m
        return None

    def add_market(self, game: int, kind: int, line: int) -> int:
        g = self.games[game]
        market = game << 8 | len(g.markets)
        g.markets.append(market)
        self.markets[market] = GhostMarket(market, Kind(kind), line)
        return market

    def caps_error(self, game: int | None, market_cap: int, game_cap: int) -> str | None:
        """`create_game` (game None) and `set_caps` cap checks."""
        if game is not None and game not in self.games:
            return "book: unknown game"
        if game is not None and self.games[game].state >= STATE_PROPOSED:
            return "book: result proposed"
        if market_cap % self.cap_unit or game_cap % self.cap_unit:
            return "book: cap not whole tokens"
        if max(market_cap, game_cap) // self.cap_unit > MAX_CAP_TOKENS:
            return "book: cap too large"
        return None

    def set_caps(self, game: int, market_cap: int, game_cap: int, step: int) -> None:
        g = self.games[game]
        g.market_cap, g.game_cap, g.caps_changed_step = market_cap, game_cap, step

    def epoch_change_error(self, game: int, action: str) -> str | None:
        """`action` is "suspend", "live" or "close"."""
        state = self.games[game].state if game in self.games else STATE_NONE
        if action == "close":
            return None if state == STATE_LIVE else "book: game not live"
        if action == "live":
            return None if state == STATE_OPEN else "book: game not open"
        return None if state in (STATE_OPEN, STATE_LIVE) else "book: game not open"

    def epoch_change(self, game: int, action: str) -> None:
        g = self.games[game]
        g.epoch += 1
        if action == "live":
            g.state = STATE_LIVE
        elif action == "close":
            g.state = STATE_CLOSED

    # ------------------------------------------------------------ bets

    def bet_error(
        self,
        *,
        now: int,
        signed_by_pricer: bool,
        market: int,
        epoch: int,
        expiry: int,
        max_stake: int,
        odds: tuple[int, int, int],
        bettor: str,
        outcome: int,
        stake: int,
        min_odds: int,
    ) -> str | None:
        """Why `Book.place_bet` must revert, in the order the Book checks; None when it must accept."""
        if self.paused:
            return "book: paused"
        if not signed_by_pricer:
            return "book: unknown pricer"
        if now >= expiry:
            return "book: quote expired"
        if expiry > now + MAX_QUOTE_TTL:
            return "book: quote expiry too far"
        g = self.games.get(market >> 8)
        if (g.epoch if g else 0) != epoch:
            return "book: stale quote"
        if g is None or not g.betting_open(now):
            return "book: betting closed"
        if outcome >= MAX_OUTCOMES:
            return "book: bad outcome"
        if not MIN_ODDS <= odds[outcome] <= MAX_ODDS:
            return "book: outcome not offered"
        if odds[outcome] < min_odds:
            return "book: odds below minimum"
        if stake < self.min_stake:
            return "book: stake below minimum"
        if stake > max_stake:
            return "book: stake above quote maximum"
        m = self.markets.get(market)
        if m is None:
            return "book: unknown market"
        if outcome >= m.n:
            return "book: bad outcome"
        payout = stake * odds[outcome] // ODDS_SCALE
        before = m.reserve
        after = max(0, *m.nets_after(outcome, stake, payout))
        if after > before:
            if after > g.market_cap:
                return "book: market cap reached"
            if self.game_reserve(g) + after - before > g.game_cap:
                return "book: game cap reached"
        if self.headroom() + before - after < 0:
            return "book: vault liquidity exceeded"
        if self.balances.get(bettor, 0) < stake:
            return "book: insufficient balance"
        return None

    def place(self, bettor: str, market: int, outcome: int, stake: int, odds: int, step: int) -> GhostBet:
        payout = stake * odds // ODDS_SCALE
        nonce = self.nonces.get(bettor, 0)
        bet = GhostBet(
            bettor,
            nonce,
            market,
            outcome,
            stake,
            payout,
            bet_id(bettor, nonce, market, outcome, stake, payout),
        )
        m = self.markets[market]
        g = self.games[bet.game]
        before = m.reserve
        m.add(bet)
        if m.reserve > before:
            m.last_increase_step = step
            g.last_increase_step = step
        self.bets[bet.id] = bet
        self.balances[bettor] -= stake
        self.nonces[bettor] = nonce + 1
        return bet

    def settle_error(self, bets: list[GhostBet | None], strict: bool) -> tuple[str | None, list[GhostBet]]:
        """Why settling `bets` reverts, and which of them it settles (None stands for a bet never placed)."""
        settled = []
        for bet in bets:
            if bet is None or bet.settled or any(bet is s for s in settled):
                if strict:
                    return "book: bet not open", []
                continue
            if not self.games[bet.game].is_final:
                return "book: game not final", []
            settled.append(bet)
        return None, settled

    def settle(self, bet: GhostBet) -> None:
        assert bet.due is not None
        bet.settled = True
        self.credit(bet.bettor, bet.due)
        self.settled_events += 1

    # ------------------------------------------------------------ results

    def report_error(
        self, game: int, status: int, home: int, away: int, signers: list[tuple[int, int | None]], now: int
    ) -> tuple[str | None, int, bool]:
        """Predict `ResultOracle.report_result`.

        `signers` lists (address as int, reporter slot or None) in submission order. Below quorum the
        signatures are a vote, unless the game already has a result: then they go to the Book, which
        takes a matching result as a no-op and rejects any other.
        Returns (revert reason, signer bitmap, whether the call goes to the Book).
        """
        if not signers:
            return "oracle: no signatures", 0, False
        bits, previous = 0, 0
        for address, slot in signers:
            if address <= previous:
                return "oracle: signers not sorted", 0, False
            if slot is None:
                return "oracle: unknown reporter", 0, False
            bits |= 1 << slot
            previous = address
        bits |= self.votes.get((game, status, home, away), 0)
        g = self.games.get(game)
        if bits.bit_count() < self.quorum and (g is None or g.state < STATE_PROPOSED):
            return None, bits, False
        if g is None:
            return "book: unknown game", bits, True
        if status == ResultStatus.FINAL and now < g.kickoff:
            return "book: game not started", bits, True
        if g.state >= STATE_PROPOSED and (status == ResultStatus.CANCELLED, home, away) != (
            g.cancelled,
            g.home,
            g.away,
        ):
            return "book: other result proposed", bits, True
        return None, bits, True

    def record_votes(
        self, game: int, status: int, home: int, away: int, bits: int, to_book: bool, now: int
    ) -> bool:
        """Apply a successful report; True when it proposed the result."""
        key = (game, status, home, away)
        if not to_book:
            self.votes[key] = bits
            return False
        self.votes.pop(key, None)
        g = self.games[game]
        if g.state >= STATE_PROPOSED:
            return False
        g.state = STATE_PROPOSED
        g.home, g.away, g.cancelled = home, away, status == ResultStatus.CANCELLED
        g.deadline = now + self.challenge_window
        return True

    def params_error(self, challenge_window: int, void_delay: int) -> str | None:
        if not MIN_CHALLENGE_WINDOW <= challenge_window <= MAX_CHALLENGE_WINDOW:
            return "book: bad challenge window"
        if not MIN_VOID_DELAY <= void_delay <= MAX_VOID_DELAY:
            return "book: bad void delay"
        return None

    def finalize_error(self, game: int, now: int) -> str | None:
        g = self.games.get(game)
        if g is None or g.state != STATE_PROPOSED:
            return "book: result not proposed"
        if now < g.deadline:
            return "book: challenge window open"
        return None

    def challenge_error(self, game: int, now: int, is_guardian: bool) -> str | None:
        if not is_guardian:
            return "book: not guardian"
        g = self.games.get(game)
        if g is None or g.state != STATE_PROPOSED:
            return "book: result not proposed"
        if now >= g.deadline:
            return "book: challenge window closed"
        return None

    def challenge(self, game: int, now: int) -> None:
        g = self.games[game]
        g.state, g.deadline = STATE_CHALLENGED, now + self.void_delay

    def resolve_error(
        self, game: int, status: int, home: int, away: int, now: int, is_owner: bool
    ) -> str | None:
        if not is_owner:
            return NOT_OWNER
        g = self.games.get(game)
        if g is None or g.state != STATE_CHALLENGED:
            return "book: result not challenged"
        if status == ResultStatus.CANCELLED:
            if home != 0 or away != 0:
                return "book: cancel with a score"
        else:
            if now < g.kickoff:
                return "book: game not started"
            if home > MAX_SCORE or away > MAX_SCORE:
                return "book: score out of range"
        return None

    def void_error(self, game: int, now: int) -> str | None:
        g = self.games.get(game)
        if g is None:
            return "book: unknown game"
        if g.state == STATE_FINAL:
            return "book: game final"
        if g.state == STATE_PROPOSED:
            return "book: result proposed"
        if now < g.deadline:
            return "book: too early to void"
        return None

    def finalize(self, game: int, cancelled: bool, home: int, away: int) -> Settlement:
        """Make `game` final at this result: grade every bet, move the net with the vault, extend the
        accumulator."""
        g = self.games[game]
        markets = [self.markets[m] for m in g.markets]
        released = sum(m.reserve for m in markets)
        upside = sum(m.upside for m in markets)
        # each market's net, rounded up from the exact value so the Book always holds what it owes
        vault_net = sum(math.ceil(m.exact_vault_net(home, away, cancelled)) for m in markets)
        owed, stakes = 0, 0
        for m in markets:
            for bid in m.bets:
                bet = self.bets[bid]
                bet.grade = grade(m.kind, m.line, bet.outcome, home, away, cancelled)
                bet.due = amount_due(bet.grade, bet.stake, bet.payout)
                owed += bet.due
                stakes += bet.stake
                g.half_bets += bet.grade in (Grade.HALF_WIN, Grade.HALF_LOSS)
        g.dust = stakes + vault_net - owed
        g.state, g.home, g.away, g.cancelled, g.deadline = STATE_FINAL, home, away, cancelled, 0
        status = int(ResultStatus.CANCELLED if cancelled else ResultStatus.FINAL)
        g.final = (status, home, away)
        self.total_assets -= vault_net
        self.accumulator = extend_accumulator(self.accumulator, game, status, home, away)
        self.finalized += 1
        return Settlement(game, status, home, away, vault_net, released, upside, self.accumulator)
