"""What the keeper reads from the chain: chain time, games, market ids, and the bets of a final game.

Reads of many games, markets or bets go out as one JSON-RPC batch each. A final game's bets
come from its `BetPlaced` logs (filtered by its market ids, in pages of `log_block_range`
blocks) and `Book.is_open`, so paying needs no database: the chain alone says what is owed.
Those reads scale with the game's bets, so they skip web3's per-item codecs: logs are raw
`eth_getLogs` results decoded by the indexer's decoder, `is_open` calls are ABI-encoded here.
"""

from collections.abc import Callable, Sequence
from typing import Any

from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector
from web3 import Web3
from web3.contract import Contract
from web3.types import RPCEndpoint

from indexer.decode import build_event_specs, build_type, decode_logs
from oracle.chain import RawCall, call_rpc
from oracle.exceptions import RpcUnavailableError
from oracle.keeper.plan import GameView
from oracle.markets import Bet

PlacedBet = tuple[bytes, Bet]  # (bet id, the bet as settle_bets takes it)
MAX_BATCH_CALLS = 500  # providers cap JSON-RPC batches (often at 1,000 calls)


class BookReader:
    def __init__(self, web3: Web3, book: Contract, rpc_url: str, start_block: int, log_block_range: int):
        self.web3 = web3
        self.book = book
        self.rpc_url = rpc_url
        self.start_block = start_block
        self.log_block_range = log_block_range
        specs = build_event_specs({"book": (book.address, book.abi)})  # type: ignore[dict-item]
        self.specs = {key: spec for key, spec in specs.items() if spec.name == "BetPlaced"}
        (self.bet_placed_topic,) = (topic for _, topic in self.specs)
        (self.bet_settled_topic,) = (topic for key, topic in specs if specs[key, topic].name == "BetSettled")
        abi: list[dict[str, Any]] = list(book.abi)  # type: ignore[arg-type]
        (is_open,) = (e for e in abi if e.get("type") == "function" and e.get("name") == "is_open")
        self.bet_type = build_type(is_open["inputs"][0])  # the `Bet` tuple
        self.is_open_selector = function_signature_to_4byte_selector(f"is_open({self.bet_type})")
        self.settle_selector = function_signature_to_4byte_selector(f"settle_bets({self.bet_type}[])")

    def _rpc(self, read: Callable[[], Any]) -> Any:
        return call_rpc(self.rpc_url, read)

    def _batch(self, calls: Sequence[Any]) -> list[Any]:
        """Every call's result, in JSON-RPC batches of at most `MAX_BATCH_CALLS`."""
        results: list[Any] = []
        for start in range(0, len(calls), MAX_BATCH_CALLS):

            def read(chunk: Sequence[Any] = calls[start : start + MAX_BATCH_CALLS]) -> list[Any]:
                with self.web3.batch_requests() as batch:
                    for call in chunk:
                        batch.add(call)
                    return list(batch.execute())

            results += self._rpc(read)
        return results

    def fetch_head(self) -> tuple[int, int]:
        """(number, timestamp) of the latest block."""
        block = self._rpc(lambda: self.web3.eth.get_block("latest"))
        return int(block["number"]), int(block["timestamp"])

    def fetch_games(self, games: Sequence[int]) -> dict[int, GameView]:
        views = self._batch([self.book.functions.game(game) for game in games])
        return {game: build_game_view(game, view) for game, view in zip(games, views, strict=True)}

    def fetch_missing_markets(self, game: int, plan: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """The planned (kind, line) markets the game does not have yet."""
        ids = self._batch([self.book.functions.market_id(game, kind, line) for kind, line in plan])
        return [market for market, market_id in zip(plan, ids, strict=True) if int(market_id) == 0]

    def fetch_bets(self, game: int, market_count: int, to_block: int) -> list[PlacedBet]:
        """Every bet placed on the game's markets up to `to_block`, with its id."""
        markets = ["0x" + (game << 8 | index).to_bytes(32, "big").hex() for index in range(market_count)]
        if not markets:
            return []
        bets = []
        for start in range(self.start_block, to_block + 1, self.log_block_range):
            end = min(start + self.log_block_range - 1, to_block)
            query = {
                "address": self.book.address,
                "fromBlock": hex(start),
                "toBlock": hex(end),
                "topics": [self.bet_placed_topic, None, None, markets],
            }
            logs = self._rpc(lambda q=query: self._request("eth_getLogs", [q]))  # type: ignore[misc]
            bets += [build_placed_bet(record.args) for record in decode_logs(self.specs, logs)]
        return bets

    def fetch_open(self, bets: Sequence[PlacedBet]) -> list[PlacedBet]:
        """The bets among `bets` still unpaid."""
        to = self.book.address
        calls = [("eth_call", [{"to": to, "data": self.encode_is_open(bet)}, "latest"]) for _, bet in bets]
        flags = self._request_many(calls)
        return [bet for bet, flag in zip(bets, flags, strict=True) if int(flag, 16)]

    def build_settle(self, bets: Sequence[PlacedBet]) -> RawCall:
        """`Book.settle_bets(bets)`, encoded here: web3's codec takes most of a second for 200 bets."""
        data = self.settle_selector + encode([f"{self.bet_type}[]"], [[bet.as_tuple() for _, bet in bets]])
        return RawCall(self.book.address, "0x" + data.hex())

    def count_settled(self, receipt: Any) -> int:
        """The `BetSettled` events in a receipt: the bets it paid."""
        book = self.book.address.lower()
        return sum(
            1
            for entry in receipt["logs"]
            if entry["address"].lower() == book and entry["topics"][0].to_0x_hex() == self.bet_settled_topic
        )

    def encode_is_open(self, bet: Bet) -> str:
        return "0x" + (self.is_open_selector + encode([self.bet_type], [bet.as_tuple()])).hex()

    def _request(self, method: str, params: list[Any]) -> Any:
        """One raw JSON-RPC call: its result as the node sent it (hex strings, no formatting)."""
        return self._request_many([(method, params)])[0]

    def _request_many(self, calls: Sequence[tuple[str, list[Any]]]) -> list[Any]:
        """Raw JSON-RPC calls in batches of at most `MAX_BATCH_CALLS`; their results, in order."""
        results: list[Any] = []
        provider = self.web3.provider
        for start in range(0, len(calls), MAX_BATCH_CALLS):
            chunk = [
                (RPCEndpoint(method), params) for method, params in calls[start : start + MAX_BATCH_CALLS]
            ]
            if len(chunk) == 1:
                responses = [self._rpc(lambda c=chunk[0]: provider.make_request(*c))]  # type: ignore[misc]
            else:
                responses = self._rpc(lambda c=chunk: provider.make_batch_request(c))  # type: ignore[attr-defined,misc]
            for (method, _), response in zip(chunk, responses, strict=True):
                if "error" in response:
                    raise RpcUnavailableError(self.rpc_url, f"{method}: {response['error']}")
                results.append(response["result"])
        return results


def build_game_view(game: int, view: Any) -> GameView:
    kickoff, _epoch, state, _home, _away, deadline, *_, market_count = view
    return GameView(game, int(kickoff), int(state), int(deadline), int(market_count))


def build_placed_bet(args: dict[str, Any]) -> PlacedBet:
    """A bet from its decoded `BetPlaced` arguments (`indexer.decode`: hex text and ints)."""
    return bytes.fromhex(args["bet_id"][2:]), Bet(
        bettor=Web3.to_checksum_address(args["bettor"]),
        nonce=args["nonce"],
        market=args["market"],
        outcome=args["outcome"],
        stake=args["stake"],
        payout=args["payout"],
    )
