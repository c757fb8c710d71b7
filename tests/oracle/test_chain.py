"""The transaction sender on a real anvil: nonces across restarts, fee-bump replacement, errors by kind."""

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount

from oracle.chain import Fees, TxSender, connect, load_system
from oracle.config import ChainSettings
from oracle.exceptions import (
    ConfigError,
    InsufficientFundsError,
    RevertError,
    RpcUnavailableError,
    WrongChainError,
)
from oracle.signing import GameResult, sign_result
from scripts.deployment import local_account
from scripts.localchain import anvil_account
from tests.oracle.conftest import LocalSystem

pytestmark = pytest.mark.integration


def settings_for(system: LocalSystem, **changes: Any) -> ChainSettings:
    fields = {"rpc_url": system.anvil.url, "deployment_file": system.deployment_file, "poll_interval": 0.02}
    return ChainSettings(**(fields | changes))


def sender_for(system: LocalSystem, account: LocalAccount, **changes: Any) -> TxSender:
    settings = settings_for(system, **changes)
    return TxSender(connect(settings), account, system.deployment.chain_id, settings)


def faucet(system: LocalSystem, amount: int = 10**6) -> Any:
    return system.deployment.get_contract(system.anvil.web3, "token").functions.faucet(amount)


def rpc(system: LocalSystem, method: str, *params: Any) -> Any:
    return system.anvil.web3.provider.make_request(method, list(params))  # type: ignore[arg-type]


@pytest.fixture
def no_automine(local_system: LocalSystem, isolated: None) -> Iterator[None]:
    rpc(local_system, "evm_setAutomine", False)
    yield
    rpc(local_system, "evm_setAutomine", True)


def test_default_behavior(local_system: LocalSystem, isolated: None) -> None:
    """Sends, counts nonces locally, and a new sender (a restart) continues from the node's pending count."""
    account = anvil_account(3)
    sender = sender_for(local_system, account)
    web3 = local_system.anvil.web3
    first = web3.eth.get_transaction_count(account.address)
    receipts = [sender.send(faucet(local_system), "faucet") for _ in range(3)]
    assert [web3.eth.get_transaction(r["transactionHash"])["nonce"] for r in receipts] == [
        first,
        first + 1,
        first + 2,
    ]
    assert sender.in_flight == {} and sender.gas_used == sum(r["gasUsed"] for r in receipts)
    restarted = sender_for(local_system, account)
    receipt = restarted.send(faucet(local_system), "faucet")
    assert web3.eth.get_transaction(receipt["transactionHash"])["nonce"] == first + 3
    tx = web3.eth.get_transaction(receipt["transactionHash"])
    assert tx["type"] == 2 and tx["maxPriorityFeePerGas"] <= 2 * 10**9


def test_min_tip(local_system: LocalSystem, isolated: None) -> None:
    """A tip floor lifts the tip above the tip cap, but the max fee never goes above the fee cap."""
    web3, gwei = local_system.anvil.web3, 10**9
    sender = sender_for(local_system, anvil_account(3), max_priority_fee_gwei=1.0, max_fee_gwei=4.0)
    receipt = sender.send(faucet(local_system), "faucet", min_tip=3 * gwei)
    tx = web3.eth.get_transaction(receipt["transactionHash"])
    assert tx["maxPriorityFeePerGas"] == 3 * gwei and tx["maxFeePerGas"] <= 4 * gwei
    receipt = sender.send(faucet(local_system), "faucet", min_tip=9 * gwei)
    tx = web3.eth.get_transaction(receipt["transactionHash"])
    assert tx["maxPriorityFeePerGas"] == tx["maxFeePerGas"] == 4 * gwei
    receipt = sender.send(faucet(local_system), "faucet")
    assert web3.eth.get_transaction(receipt["transactionHash"])["maxPriorityFeePerGas"] <= gwei


def test_load_system_checks_the_chain(local_system: LocalSystem, tmp_path: Path) -> None:
    settings = settings_for(local_system)
    web3 = connect(settings)
    assert load_system(settings, web3).chain_id == 901
    other = json.loads(local_system.deployment_file.read_text()) | {"chain_id": 10}
    path = tmp_path / "other.json"
    path.write_text(json.dumps(other))
    with pytest.raises(WrongChainError, match=r"on chain 10 but .* serves chain 901"):
        load_system(settings_for(local_system, deployment_file=path), web3)
    with pytest.raises(ConfigError, match="no deployment file"):
        load_system(settings_for(local_system, deployment_file=tmp_path / "none.json"), web3)


def test_revert_reason_at_estimate(local_system: LocalSystem) -> None:
    """Nothing is sent, and the contract's reason comes back."""
    oracle = local_system.deployment.get_contract(local_system.anvil.web3, "oracle")
    sender = sender_for(local_system, anvil_account(3))
    nonce = sender.sync_nonce()
    with pytest.raises(RevertError, match="oracle: no signatures") as caught:
        sender.send(oracle.functions.report_result((1, 1, 0, 0), []), "report")
    assert caught.value.reason == "oracle: no signatures" and caught.value.tx_hash is None
    result = GameResult(999, 1, 1, 0)
    reporters = sorted((local_account(f"reporter {i}") for i in (0, 1)), key=lambda a: int(a.address, 16))
    quorum = [sign_result(r.key, result, 901, oracle.address).as_tuple() for r in reporters]
    with pytest.raises(RevertError, match="book: unknown game"):
        sender.send(oracle.functions.report_result(result.as_tuple(), quorum), "report")
    assert sender.sync_nonce() == nonce


def test_revert_reason_of_a_mined_transaction(local_system: LocalSystem, isolated: None) -> None:
    """Estimated fine, reverted when mined (the owner revoked the allowance first in the same block)."""
    web3 = local_system.anvil.web3
    token = local_system.deployment.get_contract(web3, "token")
    owner, spender = anvil_account(8), anvil_account(9)
    owner_sender = sender_for(local_system, owner)
    owner_sender.send(faucet(local_system, 100), "faucet")
    owner_sender.send(token.functions.approve(spender.address, 100), "approve")
    sender = sender_for(local_system, spender)
    rpc(local_system, "evm_setAutomine", False)
    try:
        results: list[Any] = []
        call = token.functions.transferFrom(owner.address, spender.address, 100)
        worker = threading.Thread(target=lambda: results.append(_send_catching(sender, call)))
        worker.start()
        _wait_for_pending(local_system, 1)
        revoke = token.functions.approve(spender.address, 0).build_transaction(
            {"from": owner.address, "gas": 100_000, "maxFeePerGas": 10**11, "maxPriorityFeePerGas": 10**10}
        )
        revoke["nonce"] = owner_sender.sync_nonce()
        web3.eth.send_raw_transaction(owner.sign_transaction(revoke).raw_transaction)
        _wait_for_pending(local_system, 2)
        rpc(local_system, "evm_mine")
        worker.join(timeout=30)
    finally:
        rpc(local_system, "evm_setAutomine", True)
    error = results[0]
    assert isinstance(error, RevertError) and error.tx_hash is not None
    assert "allowance" in error.reason
    assert sender.in_flight == {} and sender.gas_used > 0


def _send_catching(sender: TxSender, call: Any) -> Any:
    try:
        return sender.send(call, "transfer")
    except Exception as error:
        return error


def _wait_for_pending(system: LocalSystem, count: int, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        content = rpc(system, "txpool_content")["result"]["pending"]
        if sum(len(by_nonce) for by_nonce in content.values()) >= count:
            return dict(content)
        time.sleep(0.02)
    raise AssertionError(f"fewer than {count} pending transactions after {timeout} s")


def test_stuck_transaction_is_replaced_with_a_higher_fee(
    local_system: LocalSystem, no_automine: None
) -> None:
    sender = sender_for(local_system, anvil_account(5), stuck_after=0.3)
    done: list[Any] = []
    worker = threading.Thread(target=lambda: done.append(sender.send(faucet(local_system), "faucet")))
    worker.start()

    def hashes_sent() -> int:  # at its nonce: the original and its replacements
        return max((len(flight.hashes) for flight in list(sender.in_flight.values())), default=0)

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and hashes_sent() < 3:
        time.sleep(0.05)
    (flight,) = sender.in_flight.values()
    assert len(flight.hashes) >= 3  # the original and at least two replacements, same nonce
    rpc(local_system, "evm_mine")
    worker.join(timeout=30)
    receipt = done[0]
    mined = local_system.anvil.web3.eth.get_transaction(receipt["transactionHash"])
    assert receipt["status"] == 1 and mined["nonce"] == flight.nonce
    assert receipt["transactionHash"].to_0x_hex() in flight.hashes[1:]  # a replacement, not the original
    assert mined["maxFeePerGas"] > Fees(0, 0).max_fee


def test_orphaned_nonce_of_an_earlier_run_is_cancelled(local_system: LocalSystem, no_automine: None) -> None:
    """An earlier run left nonce n pending; the new sender's nonce n+1 would wait behind it forever."""
    account = anvil_account(6)
    earlier = sender_for(local_system, account, stuck_after=1_000, receipt_timeout=0.2)
    with pytest.raises(Exception, match="not mined"):
        earlier.send(faucet(local_system), "faucet")  # sent, never mined: the process "dies" here
    orphan = next(iter(earlier.in_flight))
    sender = sender_for(local_system, account, stuck_after=0.3)
    done: list[Any] = []
    worker = threading.Thread(target=lambda: done.append(sender.send(faucet(local_system), "faucet")))
    worker.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pending = _wait_for_pending(local_system, 2)[account.address.lower()]
        if pending[str(orphan)]["to"] == account.address.lower():
            break
        time.sleep(0.05)
    rpc(local_system, "evm_mine")
    worker.join(timeout=30)
    assert done and done[0]["status"] == 1
    web3 = local_system.anvil.web3
    cancel = web3.eth.get_transaction_by_block(done[0]["blockNumber"], 0)
    assert cancel["nonce"] == orphan and cancel["to"] == account.address and cancel["value"] == 0


def test_nonce_taken_by_another_process_is_resynced(local_system: LocalSystem, isolated: None) -> None:
    account = anvil_account(7)
    one, two = sender_for(local_system, account), sender_for(local_system, account)
    one.send(faucet(local_system), "faucet")
    two.sync_nonce()
    two.send(faucet(local_system), "faucet")  # takes the nonce `one` counts on next
    receipt = one.send(faucet(local_system), "faucet")  # "nonce too low", read again, sent
    assert receipt["status"] == 1


def test_insufficient_funds(local_system: LocalSystem) -> None:
    broke = local_account("rollbook test nobody")
    sender = sender_for(local_system, broke)
    with pytest.raises((InsufficientFundsError, RevertError)):
        sender.send(faucet(local_system), "faucet")


def test_rpc_down_is_transient(local_system: LocalSystem) -> None:
    sender = sender_for(local_system, anvil_account(3), rpc_url="http://127.0.0.1:9", rpc_timeout=1)
    with pytest.raises(RpcUnavailableError, match="unavailable"):
        sender.sync_nonce()


def test_server_errors_are_transient_and_client_errors_fatal(local_system: LocalSystem) -> None:
    status = {"code": 503}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(status["code"])
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        sender = sender_for(local_system, anvil_account(3), rpc_url=url)
        with pytest.raises(RpcUnavailableError, match="HTTP 503"):
            sender.sync_nonce()
        status["code"] = 401
        with pytest.raises(ConfigError, match="HTTP 401"):
            sender.sync_nonce()
    finally:
        server.shutdown()


@pytest.mark.unit
def test_fee_bump() -> None:
    fees = Fees(max_fee=100, tip=10)
    bumped = fees.bump(20, cap=1_000)
    assert bumped.max_fee >= 120 and bumped.tip >= 12
    assert fees.bump(20, cap=105).max_fee == 105
    assert Fees(105, 10).bump(20, cap=105) == Fees(105, 13)


def test_send_all_keeps_a_window_in_flight(local_system: LocalSystem, no_automine: None) -> None:
    """Up to `window` transactions wait unmined at once, in nonce order; a call that reverts takes its
    place in the results as its `RevertError` and the others go on."""
    account = anvil_account(4)
    sender = sender_for(local_system, account)
    token = local_system.deployment.get_contract(local_system.anvil.web3, "token")
    too_much = token.functions.transfer(anvil_account(1).address, 10**30)
    calls = (
        [(faucet(local_system), "faucet")] * 2
        + [(too_much, "transfer")]
        + [(faucet(local_system), "faucet")] * 3
    )
    done: list[Any] = []
    worker = threading.Thread(target=lambda: done.append(sender.send_all(calls, window=3)))
    worker.start()
    for expected in (2, 3):  # the first window: two sent, one refused at estimate; then three
        pending = _wait_for_pending(local_system, expected)[account.address.lower()]
        time.sleep(0.3)  # nothing more is sent before these are mined
        assert (
            len(_wait_for_pending(local_system, expected)[account.address.lower()])
            == len(pending)
            == expected
        )
        rpc(local_system, "evm_mine")
    worker.join(timeout=30)
    (results,) = done
    assert [type(r).__name__ for r in results] == ["AttributeDict"] * 2 + ["RevertError"] + [
        "AttributeDict"
    ] * 3
    assert "exceeds balance" in results[2].reason and results[2].tx_hash is None
    web3 = local_system.anvil.web3
    nonces = [
        web3.eth.get_transaction(r["transactionHash"])["nonce"]
        for r in results
        if not isinstance(r, RevertError)
    ]
    assert nonces == list(range(nonces[0], nonces[0] + 5)) and sender.in_flight == {}
