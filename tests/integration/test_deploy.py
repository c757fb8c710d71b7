"""`ape run deploy` on a real anvil: the file it writes, the chain it leaves, and a bet over RPC."""

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.exceptions import ContractLogicError

from oracle.signing import GameResult, Quote, sign_quote, sign_result
from scripts.deployment import CONTRACTS, Deployment, DeploymentError, load_deployment, local_account
from scripts.localchain import Anvil, Transactor, anvil_account, run_ape_deploy

pytestmark = pytest.mark.integration

ONE = 10**6
ODDS = (19_500, 34_000, 41_000)
GAME = 1
ApeDeploy = Callable[..., subprocess.CompletedProcess[str]]

deployer, lp, bettor = anvil_account(0), anvil_account(1), anvil_account(2)
pricer, operator, guardian = local_account("pricer"), local_account("operator"), local_account("guardian")
reporters = sorted((local_account(f"reporter {i}") for i in range(3)), key=lambda a: int(a.address, 16))


def test_default_behavior(deployment_file: Path, anvil: Anvil) -> None:
    raw = json.loads(deployment_file.read_text())
    assert set(raw) == {
        "format",
        "chain_id",
        "network",
        "ape_network",
        "deployer",
        "start_block",
        "token_is_mock",
        "contracts",
        "roles",
        "params",
        "compiler",
    }
    assert set(raw["contracts"]) == set(CONTRACTS)
    for key in CONTRACTS:
        assert set(raw["contracts"][key]) == {"name", "address", "abi", "block", "tx"}
    assert set(raw["roles"]) == {"admin", "reporters", "quorum", "pricers", "operators", "guardian"}
    assert raw["params"] == {
        "min_stake": 10_000,
        "challenge_window": 3_600,
        "void_delay": 259_200,
        "token_decimals": 6,
    }
    assert raw["compiler"] == {"name": "vyper", "version": "0.4.3", "evm_version": "cancun"}
    assert (raw["chain_id"], raw["network"], raw["ape_network"]) == (901, "local", "ethereum:local:foundry")
    assert raw["deployer"] == deployer.address
    assert raw["token_is_mock"] is True
    assert [raw["contracts"][key]["name"] for key in CONTRACTS] == [
        "MockUSD",
        "Book",
        "Vault",
        "ResultOracle",
    ]


def test_contracts_exist_from_the_start_block(deployment: Deployment, anvil: Anvil) -> None:
    web3 = anvil.web3
    for key in CONTRACTS:
        info = deployment.contracts[key]
        assert len(web3.eth.get_code(info.address)) > 0, key
        assert info.tx is not None and info.block is not None
        receipt = web3.eth.get_transaction_receipt(info.tx)
        assert (receipt["contractAddress"], receipt["blockNumber"]) == (info.address, info.block)
        assert receipt["from"] == deployment.deployer
    assert deployment.start_block == deployment.token.block  # MockUSD is deployed first
    assert deployment.start_block == min(deployment.contracts[k].block or 0 for k in CONTRACTS)
    assert len(web3.eth.get_code(deployment.token.address, deployment.start_block - 1)) == 0


def test_deployed_code_is_the_current_source(deployment: Deployment, anvil: Anvil) -> None:
    # ape's incremental build can keep bytecode of an older source; the chain must run what the tests test
    from tests.deployers import DEPLOYERS  # compiles with titanoboa: only this test pays for it

    for key in CONTRACTS:
        info = deployment.contracts[key]
        runtime = DEPLOYERS[info.name].compiler_data.bytecode_runtime
        # immutables (token, minimum stake, cap unit, ...) follow the runtime code
        assert bytes(anvil.web3.eth.get_code(info.address)).startswith(runtime), info.name


def test_chain_matches_the_file(deployment: Deployment, anvil: Anvil) -> None:
    book = deployment.get_contract(anvil.web3, "book").functions
    oracle = deployment.get_contract(anvil.web3, "oracle").functions
    vault = deployment.get_contract(anvil.web3, "vault").functions
    roles = deployment.roles
    assert book.oracle().call() == deployment.oracle.address
    assert book.vault().call() == deployment.vault.address
    assert book.TOKEN().call() == vault.asset().call() == deployment.token.address
    assert oracle.BOOK().call() == deployment.book.address
    assert book.owner().call() == oracle.owner().call() == roles.admin == deployment.deployer
    assert all(book.is_pricer(p).call() for p in roles.pricers) and roles.pricers
    assert all(book.is_operator(o).call() for o in roles.operators) and roles.operators
    assert not book.is_pricer(roles.guardian).call()
    assert book.guardian().call() == roles.guardian
    assert oracle.quorum().call() == roles.quorum == 2
    assert [oracle.reporters(i).call() for i in range(len(roles.reporters))] == roles.reporters
    assert [oracle.reporter_index(r).call() for r in roles.reporters] == [1, 2, 3]
    params = deployment.params
    assert book.MIN_STAKE().call() == params.min_stake
    # caps are whole tokens of the stablecoin: MockUSD has 6 decimals
    assert book.CAP_UNIT().call() == 10**params.token_decimals == ONE
    assert (book.challenge_window().call(), book.void_delay().call()) == (
        params.challenge_window,
        params.void_delay,
    )


def test_local_roles_are_the_local_keys_with_gas(deployment: Deployment, anvil: Anvil) -> None:
    roles = deployment.roles
    assert roles.reporters == [r.address for r in reporters]
    assert (roles.pricers, roles.operators, roles.guardian) == (
        [pricer.address],
        [operator.address],
        guardian.address,
    )
    for account in (*reporters, pricer, operator, guardian):
        assert anvil.web3.eth.get_balance(account.address) >= 10**18


def test_bet_to_payout_over_rpc(
    deployment: Deployment, anvil: Anvil, transactor: Transactor, isolated: None
) -> None:
    web3 = anvil.web3
    token, book, vault, oracle = (deployment.get_contract(web3, key) for key in CONTRACTS)

    def send(call: object, sender: LocalAccount) -> dict:
        return dict(transactor.send(call, sender))

    kickoff = anvil.get_timestamp() + 3_600
    send(book.functions.create_game(GAME, kickoff, 10**4 * ONE, 10**5 * ONE), operator)
    send(book.functions.add_market(GAME, 0, 0), operator)
    market = GAME << 8
    for account, spender, amount in ((lp, vault, 10_000 * ONE), (bettor, book, 100 * ONE)):
        send(token.functions.faucet(amount), account)
        send(token.functions.approve(spender.address, amount), account)
    send(vault.functions.deposit(10_000 * ONE, lp.address), lp)
    send(book.functions.deposit(100 * ONE), bettor)

    quote = Quote(market=market, epoch=0, expiry=anvil.get_timestamp() + 60, max_stake=50 * ONE, odds=ODDS)
    signature = sign_quote(pricer.key, quote, web3.eth.chain_id, deployment.book.address)
    stake = 20 * ONE
    receipt = send(
        book.functions.place_bet(quote.as_tuple(), signature.as_tuple(), 0, stake, ODDS[0]), bettor
    )
    (placed,) = book.events.BetPlaced().process_receipt(receipt)
    payout = stake * ODDS[0] // 10_000
    assert (placed.args.bettor, placed.args.market, placed.args.outcome) == (bettor.address, market, 0)
    assert (placed.args.stake, placed.args.payout, placed.args.odds) == (stake, payout, ODDS[0])
    placed_bet = (bettor.address, placed.args.nonce, market, 0, stake, payout)
    assert book.functions.is_open(placed_bet).call()
    assert book.functions.balanceOf(bettor.address).call() == 80 * ONE
    # while bets are taken the game shows its caps and reserve (home net: 39 - 20)
    game = book.functions.game(GAME).call()
    assert (game[2], game[7], game[8], game[9], game[10]) == (1, 19 * ONE, 10**4 * ONE, 10**5 * ONE, 1)

    anvil.increase_time(3_600)
    result = GameResult(game=GAME, status=1, home=2, away=0)
    signatures = [sign_result(r.key, result, web3.eth.chain_id, deployment.oracle.address) for r in reporters]
    send(
        oracle.functions.report_result(result.as_tuple(), [s.as_tuple() for s in signatures[:2]]),
        reporters[0],
    )
    # once proposed the game shows the score instead; the reserve stays held until finalize
    assert book.functions.game_state(GAME).call() == 4
    game = book.functions.game(GAME).call()
    assert (game[2], game[3], game[4], game[7], game[8], game[9]) == (4, 2, 0, 0, 0, 0)
    # a lone late signature for the proposed result is a no-op; for another result it reverts
    late = send(oracle.functions.report_result(result.as_tuple(), [signatures[2].as_tuple()]), reporters[2])
    assert late["logs"] == []
    other = GameResult(game=GAME, status=1, home=0, away=2)
    other_signature = sign_result(reporters[2].key, other, web3.eth.chain_id, deployment.oracle.address)
    with pytest.raises(ContractLogicError, match="book: other result proposed"):
        oracle.functions.report_result(other.as_tuple(), [other_signature.as_tuple()]).call(
            {"from": reporters[2].address}
        )
    anvil.increase_time(deployment.params.challenge_window)
    send(book.functions.finalize(GAME), operator)
    bet = (bettor.address, placed.args.nonce, market, 0, stake, payout)
    (settled,) = book.events.BetSettled().process_receipt(send(book.functions.claim(bet), bettor))
    assert (settled.args.bet_id, settled.args.amount) == (placed.args.bet_id, payout)
    assert book.functions.balanceOf(bettor.address).call() == 80 * ONE + payout


def test_uses_a_given_stablecoin(
    deployment: Deployment, anvil: Anvil, ape_deploy: ApeDeploy, tmp_path: Path, isolated: None
) -> None:
    out = tmp_path / "local.json"
    token = deployment.token.address
    done = ape_deploy("--network", "ethereum:local:foundry", "--token", token, "--out", str(out))
    assert done.returncode == 0, done.stderr
    second = load_deployment(out, anvil.web3)
    assert not second.token_is_mock
    assert (second.token.name, second.token.address, second.token.block, second.token.tx) == (
        "ERC20",
        token,
        None,
        None,
    )
    assert {entry["name"] for entry in second.token.abi} >= {"transferFrom", "permit", "decimals", "Transfer"}
    assert "faucet" not in {entry["name"] for entry in second.token.abi}
    assert second.start_block == second.book.block
    assert second.start_block > deployment.start_block
    book = second.get_contract(anvil.web3, "book").functions
    assert book.TOKEN().call() == token
    assert second.book.address != deployment.book.address


def test_refuses_mock_token_on_a_real_network(anvil: Anvil, ape_deploy: ApeDeploy, tmp_path: Path) -> None:
    nonce = anvil.web3.eth.get_transaction_count(deployer.address)
    out = tmp_path / "custom.json"
    # a bare RPC URL is a non-local network to ape, though this one is our anvil
    done = ape_deploy("--network", anvil.url, "--out", str(out))
    assert done.returncode != 0
    assert "a real network needs --token, --reporter, --pricer, --guardian" in done.stderr
    assert not out.exists()
    assert anvil.web3.eth.get_transaction_count(deployer.address) == nonce


def test_refuses_an_interval_mining_local_chain(tmp_path: Path) -> None:
    out = tmp_path / "local.json"
    with Anvil.start() as chain:
        chain.web3.provider.make_request("evm_setIntervalMining", [1])  # type: ignore[arg-type]
        done = run_ape_deploy(chain, "--network", "ethereum:local:foundry", "--out", str(out))
        assert done.returncode != 0
        assert "the local chain mines on an interval (anvil --block-time)" in done.stderr
        assert chain.web3.eth.get_transaction_count(deployer.address) == 0
    assert not out.exists()


def test_load_deployment_rejects_another_chain(deployment_file: Path) -> None:
    with Anvil.start(chain_id=10) as other, pytest.raises(DeploymentError) as error:
        load_deployment(deployment_file, other.web3)
    assert f"{deployment_file} is for chain 901 (local) but the RPC serves chain 10" in str(error.value)


def test_load_deployment_names_a_missing_field(deployment_file: Path, tmp_path: Path) -> None:
    raw = json.loads(deployment_file.read_text())
    del raw["roles"]["quorum"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(raw))
    with pytest.raises(DeploymentError, match=r"broken.json: field 'roles.quorum' is missing"):
        load_deployment(broken)
    with pytest.raises(DeploymentError, match="no deployment file at"):
        load_deployment(tmp_path / "absent.json", Web3())
