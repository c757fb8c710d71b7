"""The one transaction sender every oracle service uses, and the errors it tells apart.

`connect(settings)` opens web3 over HTTP. `load_system(settings, web3)` reads the deployment
and checks the RPC serves its chain (`WrongChainError`, fatal, otherwise). `TxSender` sends
contract calls from one account:

- nonces are explicit: read from the node's *pending* count when the sender starts (so a
  restarted service continues after whatever it sent before), then counted locally, and read
  again after any doubt (a send that may not have arrived, "nonce too low");
- EIP-1559 fees: tip = min(the node's suggestion, the tip cap), max fee = 2 x base fee + tip,
  never above the fee cap; a call that must be ordered ahead of others in its block (on a chain
  that orders by tip, like the OP stack) is sent with `send(..., min_tip=...)`, a floor on its
  tip that may exceed the tip cap but never the fee cap;
- a transaction with no receipt after `stuck_after` seconds is replaced (same nonce) with both
  fees raised by `fee_bump_percent`; a nonce below ours left pending by an earlier run is
  cancelled the same way, so it cannot hold ours back;
- a revert, at estimation or mined, raises `RevertError` with the contract's reason, which the
  caller may treat as success (e.g. "already proposed").

Errors: timeouts, refused connections and HTTP 5xx/429 raise `RpcUnavailableError` (transient);
a wrong chain raises `WrongChainError` (fatal).
"""

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, cast

import requests
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress, HexStr
from hexbytes import HexBytes
from web3 import Web3
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractLogicError, TimeExhausted, TransactionNotFound, Web3RPCError
from web3.types import TxParams, TxReceipt

from oracle.config import ChainSettings
from oracle.exceptions import (
    ConfigError,
    InsufficientFundsError,
    RevertError,
    RpcUnavailableError,
    StuckTransactionError,
    TransientError,
    WrongChainError,
)
from scripts.deployment import Deployment, DeploymentError, load_deployment

log = logging.getLogger("oracle.chain")

Tx = dict[str, Any]  # transaction fields before signing

REVERT_PREFIX = "execution reverted"
MAX_NONCE_RESYNCS = 3


def connect(settings: ChainSettings) -> Web3:
    """web3 over HTTP to `settings.rpc_url` (no request is made yet)."""
    return Web3(Web3.HTTPProvider(settings.rpc_url, request_kwargs={"timeout": settings.rpc_timeout}))


def call_rpc(url: str, read: Callable[[], Any]) -> Any:
    """Run a read against the RPC; network failures become `RpcUnavailableError`."""
    try:
        return read()
    except (requests.ConnectionError, requests.Timeout) as error:
        raise RpcUnavailableError(url, type(error).__name__) from None
    except requests.HTTPError as error:
        status = error.response.status_code if error.response is not None else 0
        if status == 429 or status >= 500:
            raise RpcUnavailableError(url, f"HTTP {status}") from None
        raise ConfigError(
            f"RPC {url} refused the request (HTTP {status}): check the URL and its API key"
        ) from None


def load_system(settings: ChainSettings, web3: Web3) -> Deployment:
    """The deployment file, checked against the chain the RPC serves."""
    try:
        deployment = load_deployment(settings.deployment_file)
    except DeploymentError as error:
        raise ConfigError(str(error)) from None
    chain_id = int(call_rpc(settings.rpc_url, lambda: web3.eth.chain_id))
    if chain_id != deployment.chain_id:
        raise WrongChainError(deployment.chain_id, chain_id, settings.rpc_url)
    return deployment


def get_revert_reason(error: ContractLogicError) -> str:
    """'book: game not started' from web3's 'execution reverted: book: game not started'."""
    message = str(error.message or error)
    if message.startswith(REVERT_PREFIX):
        message = message[len(REVERT_PREFIX) :].lstrip(": ")
    return message


@dataclass(frozen=True)
class RawCall:
    """A call encoded by its caller: for big arguments, where web3's ABI codec is slow."""

    to: str
    data: str  # 0x-prefixed calldata


Call = ContractFunction | RawCall


@dataclass(frozen=True)
class Fees:
    max_fee: int
    tip: int

    def bump(self, percent: int, cap: int) -> "Fees":
        """Both fees raised by `percent` (nodes require >= 10 % on each), the max fee capped."""
        tip = self.tip * (100 + percent) // 100 + 1
        return Fees(max_fee=min(cap, max(self.max_fee * (100 + percent) // 100 + 1, tip)), tip=min(tip, cap))


@dataclass
class InFlight:
    """A nonce we sent, and every transaction hash sent at it (the original and its replacements)."""

    nonce: int
    label: str
    fees: Fees
    hashes: list[str] = field(default_factory=list)
    sent_at: float = field(default_factory=time.monotonic)


class TxSender:
    """Sends transactions from `account` through `web3`: one at a time, or several in a row."""

    def __init__(self, web3: Web3, account: LocalAccount, chain_id: int, settings: ChainSettings):
        self.web3 = web3
        self.account = account
        self.chain_id = chain_id
        self.settings = settings
        self.in_flight: dict[int, InFlight] = {}
        self.gas_used = 0  # by this process's mined transactions
        self._nonce: int | None = None
        self._lock = threading.Lock()

    @property
    def address(self) -> ChecksumAddress:
        return self.account.address

    def _rpc(self, read: Callable[[], Any]) -> Any:
        return call_rpc(self.settings.rpc_url, read)

    def get_balance(self) -> int:
        return int(self._rpc(lambda: self.web3.eth.get_balance(self.address)))

    def sync_nonce(self) -> int:
        """Forget the local count and read the node's pending count."""
        self._nonce = int(self._rpc(lambda: self.web3.eth.get_transaction_count(self.address, "pending")))
        return self._nonce

    def get_fees(self, min_tip: int = 0) -> Fees:
        """Fees for a transaction now: the capped suggested tip, raised to `min_tip` (wei) if lower."""
        base = int(self._rpc(lambda: self.web3.eth.get_block("latest"))["baseFeePerGas"])
        tip = min(int(self._rpc(lambda: self.web3.eth.max_priority_fee)), self.settings.max_priority_fee)
        tip = max(tip, min_tip)
        max_fee = min(self.settings.max_fee, 2 * base + tip)
        if max_fee < base:
            raise StuckTransactionError("any transaction", -1, "-", self.settings.max_fee)
        return Fees(max_fee=max_fee, tip=min(tip, max_fee))

    def estimate(self, tx: Tx, label: str) -> int:
        """Gas for `tx` with the margin; a revert raises `RevertError` before anything is sent."""
        request: TxParams = {"from": self.address, "to": tx["to"], "data": tx["data"]}
        try:
            gas = self._rpc(lambda: self.web3.eth.estimate_gas(request))
        except ContractLogicError as error:
            raise RevertError(label, get_revert_reason(error)) from None
        return int(gas) * (100 + self.settings.gas_margin_percent) // 100

    def send(self, call: Call, label: str, min_tip: int = 0) -> TxReceipt:
        """Send `call` (tip at least `min_tip` wei), replace it while stuck, return its receipt or raise."""
        with self._lock:
            tx, flight = self._start(call, label, min_tip)
            result = self._finish(tx, flight)
        if isinstance(result, RevertError):
            raise result
        return result

    def send_all(self, calls: Sequence[tuple[Call, str]], window: int) -> list[TxReceipt | RevertError]:
        """Send each (call, label) in order, at most `window` of them unmined at a time.

        One failing call does not stop the others: its place in the result holds its `RevertError`
        (a revert at estimate or when mined). Any other error is raised once every transaction
        already sent has been seen through.
        """
        results: list[TxReceipt | RevertError] = []
        with self._lock:
            for start in range(0, len(calls), window):
                sent: list[tuple[Tx, InFlight] | RevertError] = []
                try:
                    for call, label in calls[start : start + window]:
                        try:
                            sent.append(self._start(call, label, 0))
                        except RevertError as error:
                            sent.append(error)
                finally:
                    results += [one if isinstance(one, RevertError) else self._finish(*one) for one in sent]
        return results

    def _start(self, call: Call, label: str, min_tip: int) -> tuple[Tx, InFlight]:
        base: TxParams = {"from": self.address, "chainId": self.chain_id, "gas": 0}
        if isinstance(call, RawCall):
            tx: Tx = dict(base, to=call.to, data=call.data)
        else:
            tx = dict(call.build_transaction(base))  # encoded once: the estimate reuses it
        tx["gas"] = self.estimate(tx, label)
        return tx, self._submit(tx, label, min_tip)

    def _finish(self, tx: Tx, flight: InFlight) -> TxReceipt | RevertError:
        """The receipt of a sent transaction, or the `RevertError` of one mined and reverted."""
        receipt = self._wait(tx, flight)
        self.in_flight.pop(flight.nonce, None)
        self.gas_used += int(receipt["gasUsed"])
        if receipt["status"] != 1:
            reason = self._replay_reason(tx, receipt)
            return RevertError(flight.label, reason, receipt["transactionHash"].to_0x_hex())
        return receipt

    def _submit(self, tx: Tx, label: str, min_tip: int) -> InFlight:
        for _ in range(MAX_NONCE_RESYNCS + 1):
            nonce = self._nonce if self._nonce is not None else self.sync_nonce()
            flight = InFlight(nonce, label, self.get_fees(min_tip))
            if self._send_raw(tx, flight):
                self._nonce = nonce + 1
                self.in_flight[nonce] = flight
                log.info(
                    "transaction sent",
                    extra={
                        "label": label,
                        "nonce": nonce,
                        "tx": flight.hashes[-1],
                        "max_fee": flight.fees.max_fee,
                        "tip": flight.fees.tip,
                    },
                )
                return flight
            self.sync_nonce()
        raise TransientError(
            f"{label}: the nonce kept moving under this sender; is another process using {self.address}?"
        )

    def _send_raw(self, tx: Tx, flight: InFlight) -> bool:
        """Sign and send at `flight`'s nonce and fees; False when the nonce is already used."""
        params = {**tx, "nonce": flight.nonce, "maxFeePerGas": flight.fees.max_fee}
        params["maxPriorityFeePerGas"] = flight.fees.tip
        params.pop("gasPrice", None)
        signed = self.account.sign_transaction(params)
        try:
            tx_hash = self.web3.eth.send_raw_transaction(signed.raw_transaction)
        except Web3RPCError as error:
            return self._on_send_error(error, signed.hash, flight)
        except (requests.ConnectionError, requests.Timeout) as error:
            self._nonce = None  # it may or may not have arrived: ask the node next time
            raise RpcUnavailableError(self.settings.rpc_url, type(error).__name__) from None
        flight.hashes.append(HexBytes(tx_hash).to_0x_hex())
        return True

    def _on_send_error(self, error: Web3RPCError, tx_hash: bytes, flight: InFlight) -> bool:
        message = str(error.message or error).lower()
        if "already known" in message or "already imported" in message:
            flight.hashes.append(HexBytes(tx_hash).to_0x_hex())
            return True
        if "nonce too low" in message or "nonce has already been used" in message:
            return False
        if "insufficient funds" in message:
            raise InsufficientFundsError(self.address, message) from None
        if "underpriced" in message:
            raise StuckTransactionError(flight.label, flight.nonce, "-", flight.fees.max_fee) from None
        raise TransientError(f"{flight.label}: the node refused the transaction: {message}") from None

    def _wait(self, tx: Tx, flight: InFlight) -> TxReceipt:
        """Poll for a receipt of any hash of `flight`; bump the fees each `stuck_after` seconds."""
        settings = self.settings
        started = last_bump = time.monotonic()
        while time.monotonic() - started < settings.receipt_timeout:
            receipt = self._find_receipt(flight)
            if receipt is not None:
                return receipt
            if time.monotonic() - last_bump >= settings.stuck_after:
                self._unjam_below(flight.nonce)
                self._replace(tx, flight)
                last_bump = time.monotonic()
            time.sleep(settings.poll_interval)
        raise StuckTransactionError(flight.label, flight.nonce, flight.hashes[-1], flight.fees.max_fee)

    def _find_receipt(self, flight: InFlight) -> TxReceipt | None:
        for tx_hash in reversed(flight.hashes):
            try:
                receipt: TxReceipt = self._rpc(
                    partial(self.web3.eth.get_transaction_receipt, HexStr(tx_hash))
                )
            except (TransactionNotFound, TimeExhausted):
                continue
            return receipt
        return None

    def _replace(self, tx: Tx, flight: InFlight) -> None:
        bumped = flight.fees.bump(self.settings.fee_bump_percent, self.settings.max_fee)
        if bumped == flight.fees:
            log.warning(
                "transaction stuck at the fee cap", extra={"label": flight.label, "nonce": flight.nonce}
            )
            return
        flight.fees = bumped
        if self._send_raw(tx, flight):
            log.warning(
                "stuck transaction replaced with a higher fee",
                extra={
                    "label": flight.label,
                    "nonce": flight.nonce,
                    "tx": flight.hashes[-1],
                    "max_fee": bumped.max_fee,
                },
            )

    def _unjam_below(self, nonce: int) -> None:
        """Cancel nonces below `nonce` that an earlier run left pending (a 0-value transfer to self)."""
        mined = int(self._rpc(lambda: self.web3.eth.get_transaction_count(self.address, "latest")))
        for orphan in range(mined, nonce):
            if orphan in self.in_flight:
                continue
            fees = self.get_fees().bump(self.settings.fee_bump_percent * 2, self.settings.max_fee)
            cancel: Tx = {
                "from": self.address,
                "to": self.address,
                "value": 0,
                "gas": 21_000,
                "chainId": self.chain_id,
            }
            flight = InFlight(orphan, "cancel an orphaned nonce", fees)
            if self._send_raw(cancel, flight):
                log.warning("cancelled a nonce left pending by an earlier run", extra={"nonce": orphan})

    def _replay_reason(self, tx: Tx, receipt: TxReceipt) -> str:
        """The revert reason of a mined failed transaction, by calling it again on its block's state."""
        call = {"from": tx["from"], "to": tx["to"], "data": tx["data"], "gas": tx["gas"]}
        try:
            self.web3.eth.call(cast(TxParams, call), receipt["blockNumber"])
        except ContractLogicError as error:
            return get_revert_reason(error)
        except Exception as error:  # the reason is a courtesy: the revert itself is certain
            return f"(reason unavailable: {error})"
        return "(no reason: the call succeeds when replayed)"
