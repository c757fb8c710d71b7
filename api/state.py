"""Per-worker state: settings, the database engine, the quote book, the stream hub and the limiter."""

import time
from dataclasses import dataclass, field

from sqlalchemy import Engine

from api.config import Settings
from api.metrics import Metrics
from api.quotes import QuoteBook
from api.ratelimit import Limiter
from api.streams import Hub


@dataclass
class Watermarks:
    """How far this worker's tailers have streamed; catch-ups never read past them."""

    quote_seq: int = 0
    chain_seq: int = 0
    head_timestamp: int = 0
    confirmations: int = 0  # the indexer's: a bet is confirmed this many blocks after its own
    is_ready: bool = False  # the indexer has a cursor row and the chain tailer read it


@dataclass
class ApiState:
    settings: Settings
    engine: Engine
    metrics: Metrics
    hub: Hub
    limiter: Limiter
    quotes: QuoteBook = field(default_factory=QuoteBook)
    marks: Watermarks = field(default_factory=Watermarks)

    def get_now(self) -> float:
        """Chain-ish time: the wall clock, or the indexed head's timestamp when the chain runs ahead of it."""
        return max(time.time(), float(self.marks.head_timestamp))

    def get_chain_id(self) -> int | None:
        if self.settings.chain_id is not None:
            return self.settings.chain_id
        return None if self.quotes.domain is None else self.quotes.domain.chain_id
