"""The API's view of the book: SQL views derived from the event tables, one definition per view.

Each view is a template over the event tables (`$book_bet_placed`) and earlier views (`$markets`).
`build_view_sql` renders it for a dialect, either over the live tables (what the migration
creates) or over the tables cut at a block (what `verify` compares with the chain at that block).
Settlement is graded in SQL with the contract's arithmetic: for two-way markets the margin of
outcome 0 in quarter units `d` grades `clamp(d + 2, 0, 4)` (win 4, half-win 3, push 2, half-loss 1,
loss 0), outcome 1 mirrors it, 1X2 pays the winner, a cancelled game pushes every bet.
"""

from collections.abc import Callable
from string import Template


class Dialect:
    """The few SQL spellings that differ between PostgreSQL and SQLite."""

    def __init__(self, name: str):
        self.name = name

    def greatest(self, *terms: str) -> str:
        return f"{'MAX' if self.name == 'sqlite' else 'GREATEST'}({', '.join(terms)})"

    def half(self, term: str) -> str:
        """`term // 2` for non-negative integers (SQLite divides integers exactly; NUMERIC does not)."""
        return f"(({term}) / 2)" if self.name == "sqlite" else f"DIV({term}, 2)"


def is_later(a: str, b: str) -> str:
    """Row `a` comes after row `b` in chain order."""
    return (
        f"({a}.block_number > {b}.block_number OR "
        f"({a}.block_number = {b}.block_number AND {a}.log_index > {b}.log_index))"
    )


def latest(table: str, alias: str, key: str, outer: str) -> str:
    """Join condition picking the latest row of `table` per `key`."""
    return (
        f"{alias}.{key} = {outer}.{key} AND NOT EXISTS (SELECT 1 FROM {table} later "
        f"WHERE later.{key} = {alias}.{key} AND {is_later('later', alias)})"
    )


def build_grade(q: Dialect) -> str:
    """The grade of bet `p` in market `m` at final result `f` (NULL before the result)."""
    d = "(CASE WHEN m.kind = 2 THEN 4 * (f.home + f.away) - m.line ELSE 4 * (f.home - f.away) + m.line END)"
    g0 = f"(CASE WHEN {d} + 2 < 0 THEN 0 WHEN {d} + 2 > 4 THEN 4 ELSE {d} + 2 END)"
    winner = "(CASE WHEN f.home > f.away THEN 0 WHEN f.home < f.away THEN 2 ELSE 1 END)"
    return (
        "(CASE WHEN f.game IS NULL THEN NULL WHEN f.status = 2 THEN 2 "
        f"WHEN m.kind = 0 THEN (CASE WHEN p.outcome = {winner} THEN 4 ELSE 0 END) "
        f"WHEN p.outcome = 0 THEN {g0} ELSE 4 - {g0} END)"
    )


def build_markets(q: Dialect) -> str:
    net = "COALESCE(b.payout_{o}, 0) - COALESCE(b.total_stake, 0)"
    n0, n1 = net.format(o=0), net.format(o=1)
    n2 = f"(CASE WHEN m.kind = 0 THEN {net.format(o=2)} ELSE 0 END)"
    per_outcome = ", ".join(
        f"SUM(CASE WHEN outcome = {o} THEN {col} ELSE 0 END) AS {col}_{o}"
        for col in ("stake", "payout")
        for o in range(3)
    )
    return f"""
SELECT m.market, m.game, m.kind, m.line, CASE WHEN m.kind = 0 THEN 3 ELSE 2 END AS outcomes,
  COALESCE(b.bet_count, 0) AS bet_count, COALESCE(b.total_stake, 0) AS total_stake,
  COALESCE(b.stake_0, 0) AS stake_0, COALESCE(b.stake_1, 0) AS stake_1, COALESCE(b.stake_2, 0) AS stake_2,
  COALESCE(b.payout_0, 0) AS payout_0, COALESCE(b.payout_1, 0) AS payout_1,
  COALESCE(b.payout_2, 0) AS payout_2,
  {n0} AS net_0, {n1} AS net_1, {n2} AS net_2,
  {q.greatest("0", n0, n1, n2)} AS reserve,
  {q.greatest("0", f"-({n0})", f"-({n1})", f"-{n2}")} AS upside,
  m.block_number AS created_block, m.tx_hash AS created_tx, m.block_timestamp AS created_at
FROM $book_market_created m
LEFT JOIN (
  SELECT market, COUNT(*) AS bet_count, SUM(stake) AS total_stake, {per_outcome}
  FROM $book_bet_placed bp GROUP BY market
) b ON b.market = m.market"""


def build_games(q: Dialect) -> str:
    return f"""
SELECT g.game, g.kickoff, g.void_after AS void_deadline,
  COALESCE(caps.market_cap, g.market_cap) AS market_cap, COALESCE(caps.game_cap, g.game_cap) AS game_cap,
  CASE WHEN f.game IS NOT NULL THEN 6 WHEN c.game IS NOT NULL THEN 5 WHEN pr.game IS NOT NULL THEN 4
       ELSE COALESCE(s.state, 1) END AS state,
  CASE WHEN f.game IS NOT NULL THEN 'final' WHEN c.game IS NOT NULL THEN 'challenged'
       WHEN pr.game IS NOT NULL THEN 'proposed' WHEN s.state = 2 THEN 'live' WHEN s.state = 3 THEN 'closed'
       ELSE 'open' END AS state_name,
  COALESCE(s.epoch, 0) AS epoch,
  COALESCE(f.status, pr.status) AS result_status,
  COALESCE(f.home, pr.home) AS home, COALESCE(f.away, pr.away) AS away,
  COALESCE(ms.market_count, 0) AS market_count, COALESCE(ms.bet_count, 0) AS bet_count,
  COALESCE(ms.total_stake, 0) AS total_stake,
  CASE WHEN f.game IS NOT NULL THEN 0 ELSE COALESCE(ms.reserve, 0) END AS reserve,
  CASE WHEN f.game IS NOT NULL THEN 0 ELSE COALESCE(ms.upside, 0) END AS upside,
  f.vault_net, f.accumulator,
  g.block_number AS created_block, g.tx_hash AS created_tx, g.block_timestamp AS created_at,
  pr.block_number AS proposed_block, pr.tx_hash AS proposed_tx, pr.block_timestamp AS proposed_at,
  c.block_number AS challenged_block, c.tx_hash AS challenged_tx, c.block_timestamp AS challenged_at,
  f.block_number AS final_block, f.tx_hash AS final_tx, f.block_timestamp AS final_at
FROM $book_game_created g
LEFT JOIN $book_game_state_changed s ON {latest("$book_game_state_changed", "s", "game", "g")}
LEFT JOIN $book_caps_changed caps ON {latest("$book_caps_changed", "caps", "game", "g")}
LEFT JOIN $book_result_proposed pr ON pr.game = g.game
LEFT JOIN $book_result_challenged c ON c.game = g.game
LEFT JOIN $book_result_finalized f ON f.game = g.game
LEFT JOIN (
  SELECT game, COUNT(*) AS market_count, SUM(bet_count) AS bet_count, SUM(total_stake) AS total_stake,
    SUM(reserve) AS reserve, SUM(upside) AS upside
  FROM $markets mk GROUP BY game
) ms ON ms.game = g.game"""


def build_bets(q: Dialect) -> str:
    due = (
        "CASE graded.grade WHEN 4 THEN graded.payout "
        f"WHEN 3 THEN {q.half('graded.payout + graded.stake')} WHEN 2 THEN graded.stake "
        f"WHEN 1 THEN {q.half('graded.stake')} WHEN 0 THEN 0 END"
    )
    return f"""
SELECT graded.*,
  CASE WHEN graded.paid_block IS NOT NULL THEN graded.paid_amount ELSE {due} END AS amount_due,
  CASE WHEN graded.result_status = 2 THEN 'void' WHEN graded.grade = 4 THEN 'won'
       WHEN graded.grade = 3 THEN 'half_won' WHEN graded.grade = 2 THEN 'push'
       WHEN graded.grade = 1 THEN 'half_lost' WHEN graded.grade = 0 THEN 'lost' END AS result,
  CASE WHEN graded.paid_block IS NOT NULL THEN 'paid' WHEN graded.final_block IS NOT NULL THEN 'settled'
       WHEN graded.is_confirmed THEN 'confirmed' ELSE 'included' END AS status
FROM (
  SELECT p.bet_id, p.bettor, p.market, m.game, m.kind, m.line, p.nonce, p.outcome, p.stake, p.payout,
    p.odds, p.quote_digest,
    p.block_number AS placed_block, p.block_hash AS placed_block_hash, p.tx_hash AS placed_tx,
    p.log_index AS placed_log_index, p.block_timestamp AS placed_at,
    (p.block_number <= conf.confirmed_block) AS is_confirmed,
    f.status AS result_status, f.home, f.away,
    f.block_number AS final_block, f.tx_hash AS final_tx, f.block_timestamp AS final_at,
    COALESCE(s.grade, {build_grade(q)}) AS grade,
    s.block_number AS paid_block, s.tx_hash AS paid_tx, s.block_timestamp AS paid_at, s.amount AS paid_amount
  FROM $book_bet_placed p
  JOIN $book_market_created m ON m.market = p.market
  LEFT JOIN $book_result_finalized f ON f.game = m.game
  LEFT JOIN $book_bet_settled s ON s.bet_id = p.bet_id
  CROSS JOIN (SELECT COALESCE(MAX(head_number - confirmations), -1) AS confirmed_block FROM sync_state) conf
) graded"""


def build_account_movements(q: Dialect) -> str:
    where = "block_number, block_hash, log_index, tx_hash, block_timestamp"
    no_bet = "CAST(NULL AS VARCHAR(66))"
    return f"""
SELECT account, 'deposit' AS kind, amount AS delta, {no_bet} AS bet_id, {where} FROM $book_deposit d
UNION ALL SELECT account, 'withdrawal', -amount, {no_bet}, {where} FROM $book_withdrawal w
UNION ALL SELECT bettor, 'bet', -stake, bet_id, {where} FROM $book_bet_placed p
UNION ALL SELECT bettor, 'settlement', amount, bet_id, {where} FROM $book_bet_settled s"""


def build_account_balances(q: Dialect) -> str:
    def total(kind: str, sign: str = "") -> str:
        return f"SUM(CASE WHEN kind = '{kind}' THEN {sign}delta ELSE 0 END)"

    return f"""
SELECT a.account, a.balance, a.deposited, a.withdrawn, a.staked, a.credited, a.bet_count,
  COALESCE(o.open_bets, 0) AS open_bets, COALESCE(o.open_stake, 0) AS open_stake, a.last_block
FROM (
  SELECT account, SUM(delta) AS balance, {total("deposit")} AS deposited,
    {total("withdrawal", "-")} AS withdrawn,
    {total("bet", "-")} AS staked, {total("settlement")} AS credited,
    SUM(CASE WHEN kind = 'bet' THEN 1 ELSE 0 END) AS bet_count, MAX(block_number) AS last_block
  FROM $account_movements mv GROUP BY account
) a
LEFT JOIN (
  SELECT p.bettor, COUNT(*) AS open_bets, SUM(p.stake) AS open_stake FROM $book_bet_placed p
  WHERE NOT EXISTS (SELECT 1 FROM $book_bet_settled s WHERE s.bet_id = p.bet_id)
  GROUP BY p.bettor
) o ON o.bettor = a.account"""


def build_vault_history(q: Dialect) -> str:
    where = "block_number, block_hash, log_index, tx_hash, block_timestamp"
    order = "OVER (ORDER BY block_number, log_index ROWS UNBOUNDED PRECEDING)"
    return f"""
SELECT e.*, SUM(assets_delta) {order} AS total_assets, SUM(shares_delta) {order} AS total_supply
FROM (
  SELECT 'deposit' AS kind, owner AS account, CAST(NULL AS BIGINT) AS game, assets AS assets_delta,
    shares AS shares_delta, {where} FROM $vault_deposit d
  UNION ALL SELECT 'withdraw', owner, NULL, -assets, -shares, {where} FROM $vault_withdraw w
  UNION ALL SELECT 'settled', NULL, game, profit - loss, 0, {where} FROM $vault_settled s
) e"""


def build_vault_accounts(q: Dialect) -> str:
    zero = "'0x0000000000000000000000000000000000000000'"
    return f"""
SELECT account, SUM(shares) AS shares FROM (
  SELECT receiver AS account, value AS shares FROM $vault_transfer tr WHERE receiver <> {zero}
  UNION ALL SELECT sender, -value FROM $vault_transfer tr WHERE sender <> {zero}
) t GROUP BY account"""


def build_results(q: Dialect) -> str:
    return """
SELECT g.game,
  CASE WHEN f.game IS NOT NULL THEN 'final' WHEN c.game IS NOT NULL THEN 'challenged' ELSE 'proposed' END
    AS stage,
  pr.status AS proposed_status, pr.home AS proposed_home, pr.away AS proposed_away, pr.signers,
  pr.final_after, pr.block_number AS proposed_block, pr.tx_hash AS proposed_tx,
  pr.block_timestamp AS proposed_at,
  c.guardian AS challenged_by, c.void_after, c.block_number AS challenged_block, c.tx_hash AS challenged_tx,
  c.block_timestamp AS challenged_at,
  f.status AS final_status, f.home AS final_home, f.away AS final_away, f.vault_net, f.accumulator,
  f.block_number AS final_block, f.tx_hash AS final_tx, f.block_timestamp AS final_at
FROM $book_game_created g
LEFT JOIN $book_result_proposed pr ON pr.game = g.game
LEFT JOIN $book_result_challenged c ON c.game = g.game
LEFT JOIN $book_result_finalized f ON f.game = g.game
WHERE pr.game IS NOT NULL OR f.game IS NOT NULL"""


def build_result_signers(q: Dialect) -> str:
    version = (
        "(SELECT rs.version FROM $oracle_reporters_set rs WHERE NOT "
        f"{is_later('rs', 'pr')} ORDER BY rs.block_number DESC, rs.log_index DESC LIMIT 1)"
    )
    return f"""
SELECT pr.game, r.position, r.reporter, r.version
FROM $book_result_proposed pr
JOIN $oracle_reporter r ON r.version = {version}
WHERE (pr.signers >> r.position) & 1 = 1"""


# in dependency order: a view only uses the views before it
VIEWS: dict[str, Callable[[Dialect], str]] = {
    "markets": build_markets,
    "games": build_games,
    "bets": build_bets,
    "account_movements": build_account_movements,
    "account_balances": build_account_balances,
    "vault_history": build_vault_history,
    "vault_accounts": build_vault_accounts,
    "results": build_results,
    "result_signers": build_result_signers,
}


def build_view_sql(dialect: str, tables: list[str], max_block: int | None = None) -> dict[str, str]:
    """Each view's SELECT; over the live tables, or over every table cut at `max_block`.

    Templates give every `$table` an alias, so either spelling (a name or a subquery) fits.
    """
    q = Dialect(dialect)
    if max_block is None:
        names = {table: table for table in tables} | {view: view for view in VIEWS}
    else:
        names = {table: f"(SELECT * FROM {table} WHERE block_number <= {int(max_block)})" for table in tables}
    rendered: dict[str, str] = {}
    for view, build in VIEWS.items():
        sql = Template(build(q)).substitute(names).strip()
        rendered[view] = sql
        if max_block is not None:
            names[view] = f"({sql})"
    return rendered
