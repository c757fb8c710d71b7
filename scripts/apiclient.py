"""A bettor's side of the API: Sign-In with Ethereum, its bets, and its live bet stream.

What a wallet app does, in Python: `sign_in` asks `/auth/nonce`, signs the EIP-4361 message with
the wallet's key (EIP-191) and gets a session token; `fetch_bets` pages `/accounts/<a>/bets`;
`BetStreams` holds one `/ws/bets/<address>` WebSocket per wallet on an asyncio loop in a thread
and notes when each bet transaction first appears there.
"""

import asyncio
import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

PAGE = 200  # the API's largest page


def build_siwe_message(domain: str, address: str, chain_id: int, nonce: str, now: datetime) -> str:
    """An EIP-4361 message for `domain` (no statement, no optional fields)."""
    issued_at = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{domain} wants you to sign in with your Ethereum account:\n{address}\n\n\n"
        f"URI: http://{domain}\nVersion: 1\nChain ID: {chain_id}\nNonce: {nonce}\nIssued At: {issued_at}"
    )


def sign_in(client: httpx.Client, api_url: str, account: LocalAccount) -> str:
    """A session token for `account`."""
    issued = client.post(f"{api_url}/auth/nonce", json={"address": account.address})
    issued.raise_for_status()
    nonce = issued.json()
    message = build_siwe_message(
        nonce["domain"], account.address, nonce["chain_id"], nonce["nonce"], datetime.now(UTC)
    )
    signature = Account.sign_message(encode_defunct(text=message), account.key).signature
    session = client.post(
        f"{api_url}/auth/verify", json={"message": message, "signature": "0x" + signature.hex()}
    )
    session.raise_for_status()
    return str(session.json()["token"])


def fetch_bets(client: httpx.Client, api_url: str, address: str, token: str) -> list[dict[str, Any]]:
    """Every bet of `address`, newest first."""
    bets: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": PAGE} | ({} if cursor is None else {"cursor": cursor})
        page = client.get(
            f"{api_url}/accounts/{address.lower()}/bets",
            params=params,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        page.raise_for_status()
        body = page.json()
        bets += body["items"]
        cursor = body["page_info"]["end_cursor"]
        if not body["page_info"]["has_next_page"]:
            return bets


@dataclass
class BetStreams:
    """One bet stream per wallet; `seen_at[tx hash]` is when its `bet_placed` message arrived."""

    ws_url: str  # ws://host:port
    sessions: Sequence[tuple[str, str]]  # (address, token)
    seen_at: dict[str, float] = field(default_factory=dict)
    connected: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)

    def start(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="bet-streams", daemon=True)
        self.thread.start()
        self.tasks = [
            asyncio.run_coroutine_threadsafe(self.follow(a, t), self.loop) for a, t in self.sessions
        ]

    def wait_connected(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len(self.connected) < len(self.sessions):
            if time.monotonic() > deadline:
                count = f"{len(self.connected)} of {len(self.sessions)}"
                raise TimeoutError(f"{count} bet streams connected; first errors: {self.errors[:3]}")
            time.sleep(0.1)

    def stop(self) -> None:
        """Close every stream, then end the loop's thread."""
        asyncio.run_coroutine_threadsafe(self._cancel_all(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        self.loop.close()

    async def _cancel_all(self) -> None:
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def follow(self, address: str, token: str) -> None:
        """Follow one wallet's stream, reconnecting from the last seq after a drop."""
        since: int | None = None
        while True:
            query = f"token={token}" + ("" if since is None else f"&since={since}")
            try:
                async with connect(f"{self.ws_url}/ws/bets/{address.lower()}?{query}", max_queue=None) as ws:
                    async for raw in ws:
                        now = time.time()
                        message = json.loads(raw)
                        since = message.get("seq") or since
                        if message.get("type") == "snapshot":
                            self.connected.add(address)
                        elif message.get("type") == "bet_placed":
                            self.seen_at.setdefault(str(message["data"]["tx"]).lower(), now)
            except (OSError, WebSocketException, ValueError, KeyError) as error:
                self.errors.append(f"{address}: {error}")
                await asyncio.sleep(0.5)
