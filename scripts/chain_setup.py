"""A local chain made ready for a match day: deployed once, the vault and the bettors funded.

Every step is idempotent, so a restarted demo on the same (persisted) chain changes nothing it
already did: the deployment is reused while its contracts are on the chain, the LP deposits
only into an empty vault, and a bettor gets gas and tokens only when short of them.
"""

import time
from collections.abc import Sequence
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3 import Web3

from scripts.deployment import Deployment, DeploymentError, load_deployment
from scripts.localchain import Anvil, Transactor, anvil_account, run_ape_deploy
from scripts.rawtx import Encoder, Rpc, Wallet, fetch_nonces, fetch_receipts, send_raw

ONE = 10**6  # one MockUSD (6 decimals)
FAUCET_LIMIT = 10**6 * ONE  # MockUSD's most per faucet call
BETTOR_GAS = 10 * 10**18  # wei each bettor is topped up to (anvil_setBalance)
BETTOR_TOKENS = 100_000 * ONE  # mUSD a bettor's wallet is topped up to
FAUCET_GAS = 120_000


class SetupError(Exception):
    """The chain could not be made ready: the message says what failed and what to do."""


def lp_account() -> LocalAccount:
    """The demo's liquidity provider: anvil's second test account (10,000 ETH)."""
    return anvil_account(1)


def bettor_account(index: int) -> LocalAccount:
    """Simulated bettor `index`: the publicly known key keccak("rollbook demo bettor <index>")."""
    return Account.from_key(keccak(text=f"rollbook demo bettor {index}"))


def is_deployed(web3: Web3, deployment: Deployment) -> bool:
    """True when every contract of `deployment` has code on the chain behind `web3`."""
    return all(len(web3.eth.get_code(info.address)) > 0 for info in deployment.contracts.values())


def find_deployment(web3: Web3, path: Path) -> Deployment | None:
    """The deployment at `path` if it is for this chain and its contracts are on it, else None."""
    if not path.exists():
        return None
    try:
        deployment = load_deployment(path, web3)
    except DeploymentError:
        return None  # another chain's file, or a broken one: deploy afresh
    return deployment if is_deployed(web3, deployment) else None


def deploy(anvil: Anvil, path: Path, challenge_window: int) -> Deployment:
    """`ape run deploy` on `anvil`, writing `path`.

    ape's receipts need an automining chain: with interval mining it reads a deployment's receipt
    before the block is mined and reports that no contract was created.
    """
    args = [
        "--network",
        "ethereum:local:foundry",
        "--out",
        str(path),
        "--challenge-window",
        str(challenge_window),
    ]
    done = run_ape_deploy(anvil, *args)
    if done.returncode != 0:
        raise SetupError(
            f"`ape run deploy` failed (exit {done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
        )
    return load_deployment(path, anvil.web3)


def fund_vault(web3: Web3, deployment: Deployment, assets: int) -> int:
    """Deposit `assets` into an empty vault from the LP account; the vault's assets afterwards."""
    vault = deployment.get_contract(web3, "vault")
    token = deployment.get_contract(web3, "token")
    current = int(vault.functions.totalAssets().call())
    if current > 0:
        return current
    lp = lp_account()
    transactor = Transactor(web3)
    have = int(token.functions.balanceOf(lp.address).call())
    while have < assets:
        transactor.send(token.functions.faucet(min(FAUCET_LIMIT, assets - have)), lp)
        have = int(token.functions.balanceOf(lp.address).call())
    transactor.send(token.functions.approve(vault.address, assets), lp)
    transactor.send(vault.functions.deposit(assets, lp.address), lp)
    return int(vault.functions.totalAssets().call())


def fund_bettors(
    rpc: Rpc, deployment: Deployment, accounts: Sequence[LocalAccount], timeout: float = 60.0
) -> int:
    """Top every bettor up to BETTOR_GAS wei and BETTOR_TOKENS mUSD; how many needed tokens."""
    token = deployment.token
    addresses = [a.address for a in accounts]
    balances = rpc.batch([("eth_getBalance", [a, "latest"]) for a in addresses])
    low_gas = [
        a for a, (wei, _) in zip(addresses, balances, strict=True) if int(wei or "0x0", 16) < BETTOR_GAS // 2
    ]
    for address in low_gas:
        rpc.call("anvil_setBalance", address, hex(BETTOR_GAS))
    balance_of = Encoder(token.abi, "balanceOf")
    calls = [
        ("eth_call", [{"to": token.address, "data": "0x" + balance_of.build(a).hex()}, "latest"])
        for a in addresses
    ]
    held = [int(result or "0x0", 16) for result, _ in rpc.batch(calls)]
    short = [acct for acct, have in zip(accounts, held, strict=True) if have < BETTOR_TOKENS // 2]
    if not short:
        return 0
    chain_id = int(rpc.call("eth_chainId"), 16)
    faucet = Encoder(token.abi, "faucet")
    wallets = [
        Wallet(a, chain_id, n)
        for a, n in zip(short, fetch_nonces(rpc, [a.address for a in short]), strict=True)
    ]
    signed = [w.sign(token.address, faucet.build(BETTOR_TOKENS), FAUCET_GAS) for w in wallets]
    errors = send_raw(rpc, [raw for raw, _ in signed])
    if failed := [(w.address, e) for w, e in zip(wallets, errors, strict=True) if e is not None]:
        raise SetupError(f"faucet transactions rejected for {len(failed)} bettors, first {failed[0]}")
    wait_for_receipts(rpc, [h for _, h in signed], timeout)
    return len(short)


def wait_for_receipts(rpc: Rpc, hashes: Sequence[bytes], timeout: float) -> None:
    """Wait until every transaction is mined; raise if one reverted or the time runs out."""
    pending = list(hashes)
    deadline = time.monotonic() + timeout
    while pending:
        if time.monotonic() > deadline:
            raise SetupError(f"{len(pending)} funding transactions not mined within {timeout:.0f} s")
        receipts = fetch_receipts(rpc, pending)
        for tx, receipt in zip(pending, receipts, strict=True):
            if receipt is not None and int(receipt["status"], 16) != 1:
                raise SetupError(f"funding transaction 0x{tx.hex()} reverted")
        pending = [tx for tx, receipt in zip(pending, receipts, strict=True) if receipt is None]
        if pending:
            time.sleep(0.1)
