"""The tailers: each worker follows `published_quotes` and the indexer's cursor and feeds its streams.

Quotes are polled by `seq` every `API_QUOTE_POLL_INTERVAL` (20 ms): each verified row updates the
quote book and goes to its game's channel in `seq` order. On PostgreSQL a transaction may commit a
lower `seq` after a higher one; a missing `seq` holds later rows back for at most
`API_QUOTE_GAP_TIMEOUT`, then counts as rolled back. Chain events are read when the indexer's
cursor moves (polled every `API_CHAIN_POLL_INTERVAL`), up to that cursor, in chain order; a cursor
that moves back (a reorg) resets the chain channels. Database errors are logged and retried at the
next poll: the worker keeps serving what it holds.
"""

import asyncio
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

from eth_utils import to_checksum_address
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from api.present import dump_json, get_state_name, present_bet, present_game
from api.quotes import Domain, GameState, QuoteRow
from api.state import ApiState
from api.store import bets as bet_store
from api.store import tail as store

log = logging.getLogger("api.tail")
GAME_CHANNEL_TABLES = tuple(t for t, (_, key) in store.EVENTS.items() if key == "game")
BET_CHANNEL_TABLES = ("book_bet_placed", "book_bet_settled", "book_result_finalized")
SETTLEMENT_TABLES = ("book_result_finalized", "book_bet_settled")
CHAIN_PREFIXES = ("games", "bets:", "settlements")
Message = tuple[str, int, dict[str, Any]]  # (channel, seq, body)


def build_quote_row(row: Mapping[Any, Any]) -> QuoteRow:
    """A quote row as plain ints (PostgreSQL's NUMERIC comes back as Decimal from raw SQL)."""
    return QuoteRow(
        seq=int(row["seq"]), game=int(row["game"]), market=int(row["market"]), epoch=int(row["epoch"]),
        expiry=int(row["expiry"]), max_stake=int(row["max_stake"]),
        odds=(int(row["odds_0"]), int(row["odds_1"]), int(row["odds_2"])),
        signer=row["signer"], signature=row["signature"], published_at_ms=int(row["published_at_ms"]),
    )  # fmt: skip


def encode(kind: str, seq: int | None, data: Any) -> str:
    return dump_json({"type": kind, "seq": seq, "data": data})


# ---------------------------------------------------------------- chain messages


def build_chain_messages(
    state: ApiState, connection: Connection, events: Sequence[Mapping[Any, Any]]
) -> list[Message]:
    """Stream messages for chain events: games, per-wallet bets and settlements."""
    games = store.fetch_game_rows(connection, [e["game"] for e in events if e["game"] is not None])
    bets = store.fetch_bet_rows(connection, [e["bet_id"] for e in events if e["bet_id"] is not None])
    finals = [e["game"] for e in events if e["kind"] == "result_finalized"]
    settled = bet_store.fetch_bets_by_game(connection, finals)
    facts = bet_store.fetch_settlement_facts(connection, [*finals, *(b["game"] for b in bets.values())])
    now = state.get_now()
    messages: list[Message] = []
    for event in events:
        seq = store.build_seq(event["block_number"], event["log_index"])
        kind = event["kind"]
        if event["game"] is not None and event["game"] in games:
            row = games[event["game"]]
            has_quote = bool(state.quotes.get_game_quotes(row["game"], now))
            body = {"type": kind, "seq": seq, "data": present_game(row, get_state_name(row, has_quote, now))}
            messages.append(("games", seq, body))
            if kind == "result_finalized":
                messages.append(("settlements", seq, body))
                for bettor, rows in settled.get(row["game"], {}).items():
                    data = [present_bet(r, facts) for r in rows]
                    messages.append(
                        (f"bets:{bettor}", seq, {"type": "bets_settled", "seq": seq, "data": data})
                    )
        elif event["bet_id"] is not None and event["bet_id"] in bets:
            bet = bets[event["bet_id"]]
            body = {"type": kind, "seq": seq, "data": present_bet(bet, facts)}
            messages.append((f"bets:{bet['bettor']}", seq, body))
            if kind == "bet_paid":
                messages.append(("settlements", seq, body))
    return messages


# ---------------------------------------------------------------- the tailers


class Tailers:
    def __init__(self, state: ApiState):
        self.state = state
        self.held_since: float | None = None  # when the quote tailer started waiting for a missing seq
        self.cursor: tuple[int, str | None] | None = None

    async def run(self) -> None:
        await asyncio.gather(self._loop(self.poll_quotes, "quotes", self.state.settings.quote_poll_interval),
                             self._loop(self.poll_chain, "chain", self.state.settings.chain_poll_interval),
                             self._heartbeats())  # fmt: skip

    async def _loop(self, poll: Any, source: str, interval: float) -> None:
        while True:
            try:
                again = await poll()
            except SQLAlchemyError as error:
                self.state.metrics.tail_errors.labels(source).inc()
                log.warning("tail poll failed", extra={"source": source, "error": str(error)[:300]})
                again = False
                await asyncio.sleep(1.0)
            if not again:
                await asyncio.sleep(interval)

    async def _heartbeats(self) -> None:
        while True:
            await asyncio.sleep(self.state.settings.ws_heartbeat)
            self.state.hub.sweep()
            self.state.hub.publish_everywhere(encode("heartbeat", None, {"at_ms": int(time.time() * 1000)}))

    # ------------------------------------------------------------ quotes

    async def load_quotes(self) -> None:
        """At start: the newest unexpired quote of every market, and the seq to tail from."""

        def load(connection: Connection) -> tuple[int, Sequence[Mapping[Any, Any]]]:
            return store.fetch_max_quote_seq(connection), store.fetch_latest_quotes(
                connection, int(time.time())
            )

        top, rows = await self._read(load)
        for row in rows:
            self.state.quotes.accept(build_quote_row(row))
        self.state.marks.quote_seq = top

    async def poll_quotes(self) -> bool:
        """One poll; True when a full batch came back (poll again at once)."""
        if not self.state.marks.is_ready:
            return False
        marks = self.state.marks
        rows = await self._read(lambda c: store.fetch_quotes_after(c, marks.quote_seq, 1_000))
        for row in rows:
            if row["seq"] != marks.quote_seq + 1 and not self._is_gap_expired():
                return False
            self.held_since = None
            self._deliver_quote(build_quote_row(row))
        return len(rows) == 1_000

    def _is_gap_expired(self) -> bool:
        now = time.monotonic()
        if self.held_since is None:
            self.held_since = now
        return now - self.held_since >= self.state.settings.quote_gap_timeout

    def _deliver_quote(self, row: QuoteRow) -> None:
        self.state.marks.quote_seq = row.seq
        payload = self.state.quotes.accept(row)
        if payload is None:
            self.state.metrics.quotes_rejected.inc()
            return
        self.state.hub.publish(f"quotes:{row.game}", row.seq, encode("quote", row.seq, payload))

    # ------------------------------------------------------------ chain

    async def poll_chain(self) -> bool:
        sync = await self._read(store.fetch_sync)
        if sync is None:
            return False
        cursor = (sync["cursor_number"], sync["cursor_hash"])
        marks = self.state.marks
        marks.head_timestamp = max(marks.head_timestamp, sync["head_timestamp"] or 0)
        marks.confirmations = sync["confirmations"]
        if self.cursor is None:
            await self._start(sync)
        elif cursor[0] < self.cursor[0] or (cursor[0] == self.cursor[0] and cursor[1] != self.cursor[1]):
            log.warning("the indexer rolled back: chain streams reset", extra={"cursor": cursor[0]})
            self.state.hub.reset(CHAIN_PREFIXES)
            marks.chain_seq = store.build_seq(cursor[0] + 1, 0) - 1
            await self._refresh_games()
        elif cursor[0] > self.cursor[0] and await self._stream_events(cursor[0]):
            return True
        self.cursor = cursor
        return False

    async def _start(self, sync: Mapping[Any, Any]) -> None:
        self.state.quotes.domain = Domain(sync["chain_id"], to_checksum_address(sync["book"]))
        await self._refresh_games()
        self.state.marks.chain_seq = store.build_seq(sync["cursor_number"] + 1, 0) - 1
        await self.load_quotes()
        self.state.marks.is_ready = True

    async def _refresh_games(self) -> None:
        pricers, games = await self._read(lambda c: (store.fetch_pricers(c), store.fetch_game_states(c)))
        self.state.quotes.games = {g["game"]: GameState(g["epoch"], g["state"], g["kickoff"]) for g in games}
        self.state.quotes.set_pricers(pricers)

    async def _stream_events(self, cursor: int) -> bool:
        """Broadcast events up to `cursor`; True when a full batch came back (more to read)."""
        marks, limit = self.state.marks, 5_000

        def read(connection: Connection) -> tuple[Sequence[Mapping[Any, Any]], list[Message]]:
            events = store.fetch_events(
                connection,
                list(store.EVENTS),
                marks.chain_seq,
                cursor,
                limit,
                confirmations=marks.confirmations,
            )
            return events, build_chain_messages(self.state, connection, events)

        await self._refresh_games()
        events, messages = await self._read(read)
        for channel, seq, body in messages:
            self.state.hub.publish(channel, seq, dump_json(body))
        if len(events) == limit:
            marks.chain_seq = store.build_seq(events[-1]["block_number"], events[-1]["log_index"])
            return True
        marks.chain_seq = store.build_seq(cursor + 1, 0) - 1
        return False

    async def _read(self, work: Any) -> Any:
        def run() -> Any:
            with self.state.engine.connect() as connection:
                return work(connection)

        return await asyncio.to_thread(run)
