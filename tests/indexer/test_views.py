"""SQL grading and exposure of the views against `oracle.markets`, on synthetic rows, in both databases."""

from itertools import count, product
from typing import Any

import pytest
from sqlalchemy import Engine, text

from indexer import db
from indexer.models import Base
from oracle.markets import Kind, amount_due, grade, outcome_count

pytestmark = pytest.mark.integration

ODDS = 19_500
LINES = {
    Kind.ONE_X_TWO: [0],
    Kind.MONEYLINE: [0],
    Kind.TOTALS: list(range(1, 19)),
    Kind.HANDICAP: list(range(-10, 11)),
}
SCORES = [(h, a, False) for h, a in product(range(5), range(5))] + [(0, 0, True)]


class Rows:
    """Synthetic event rows, each in a block of its own."""

    def __init__(self) -> None:
        self.tables: dict[str, list[dict[str, Any]]] = {}
        self.blocks = count(1)

    def add(self, table: str, **values: Any) -> None:
        number = next(self.blocks)
        where = {
            "block_hash": f"0x{number:064x}", "log_index": 0, "block_number": number,
            "block_timestamp": 1_700_000_000 + number, "tx_hash": f"0x{number:064x}", "tx_index": 0,
        }  # fmt: skip
        self.tables.setdefault(table, []).append(where | values)


def build_history() -> tuple[Rows, list[dict[str, Any]]]:
    rows, bets = Rows(), list[dict[str, Any]]()
    for game, (home, away, cancelled) in enumerate(SCORES, start=1):
        rows.add("book_game_created", game=game, kickoff=1, void_after=2, market_cap=10**12, game_cap=10**12)
        markets = [(kind, line) for kind, lines in LINES.items() for line in lines]
        for index, (kind, line) in enumerate(markets):
            market = game << 8 | index
            rows.add("book_market_created", market=market, game=game, kind=int(kind), line=line)
            for outcome in range(outcome_count(kind)):
                stake = 1_000_001 + 2 * outcome
                bet = {
                    "bet_id": f"0x{game:016x}{market:016x}{outcome:032x}",
                    "bettor": "0x" + "ab" * 20,
                    "market": market,
                    "nonce": len(bets),
                    "outcome": outcome,
                    "stake": stake,
                    "payout": stake * ODDS // 10_000,
                    "odds": ODDS,
                    "quote_digest": "0x" + "00" * 32,
                }
                rows.add("book_bet_placed", **bet)
                bets.append(bet | {"kind": kind, "line": line, "score": (home, away, cancelled)})
        status = 2 if cancelled else 1
        rows.add(
            "book_result_finalized",
            game=game,
            status=status,
            home=home,
            away=away,
            vault_net=0,
            accumulator="0x" + "00" * 32,
        )
    return rows, bets


def test_default_behavior(engine: Engine) -> None:
    db.migrate(engine)
    rows, bets = build_history()
    with engine.begin() as connection:
        for table, table_rows in rows.tables.items():
            db.insert_rows(connection, Base.metadata.tables[table], table_rows)
        graded = {
            r.bet_id: r
            for r in connection.execute(text("SELECT bet_id, grade, amount_due, status FROM bets"))
        }
    assert len(graded) == len(bets) > 2_000
    for bet in bets:
        home, away, cancelled = bet["score"]
        expected = grade(bet["kind"], bet["line"], bet["outcome"], home, away, cancelled)
        row = graded[bet["bet_id"]]
        assert (row.grade, row.amount_due, row.status) == (
            expected,
            amount_due(expected, bet["stake"], bet["payout"]),
            "settled",
        ), bet


def test_market_exposure_nets_like_the_contract(engine: Engine) -> None:
    db.migrate(engine)
    rows = Rows()
    rows.add("book_market_created", market=256, game=1, kind=0, line=0)
    rows.add("book_market_created", market=257, game=1, kind=2, line=10)
    stakes = [(256, 0, 100, 250), (256, 1, 50, 160), (256, 0, 10, 25), (257, 1, 40, 78)]
    for i, (market, outcome, stake, payout) in enumerate(stakes):
        rows.add(
            "book_bet_placed",
            bet_id=f"0x{i:064x}",
            bettor="0x" + "ab" * 20,
            market=market,
            nonce=i,
            outcome=outcome,
            stake=stake,
            payout=payout,
            odds=0,
            quote_digest="0x" + "00" * 32,
        )
    with engine.begin() as connection:
        for table, table_rows in rows.tables.items():
            db.insert_rows(connection, Base.metadata.tables[table], table_rows)
        markets = {r.market: r for r in connection.execute(text("SELECT * FROM markets"))}
    m = markets[256]
    # nets[o] = payouts on o - all stakes: 275 - 160, 160 - 160, 0 - 160
    assert (m.net_0, m.net_1, m.net_2, m.reserve, m.upside) == (115, 0, -160, 115, 160)
    assert (m.stake_0, m.stake_1, m.payout_0, m.bet_count, m.total_stake) == (110, 50, 275, 3, 160)
    m = markets[257]
    assert (m.net_0, m.net_1, m.net_2, m.reserve, m.upside, m.outcomes) == (-40, 38, 0, 38, 40, 2)
