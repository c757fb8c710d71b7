"""`ape run deploy --network <ecosystem:network:provider>`: deploy a rollbook system.

Deploys through `scripts.system.deploy_system` (the sequence every test
deploys with) and writes `deployments/<network>.json` for the services.

A local chain needs nothing: the deployer is anvil's first test account,
the token is a fresh MockUSD and every role is a publicly known
`local_account(role)` key, funded with ETH so it can send transactions.
A real network needs the deployer's ape account alias (`--account`), the
stablecoin (`--token`), reporters, pricers and a guardian. Every option
falls back to an environment variable (`ape run deploy --help`).
"""

from collections.abc import Sequence
from dataclasses import MISSING, fields, replace
from pathlib import Path
from typing import Any

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand, network_option
from ape.exceptions import ContractNotFoundError
from eth_utils import is_address, to_checksum_address

from scripts.deployment import (
    EXTERNAL_TOKEN,
    LOCAL_NETWORK,
    LOCAL_ROLES,
    Compiler,
    ContractInfo,
    Deployment,
    Params,
    Roles,
    get_deployment_path,
    local_account,
    write_deployment,
)
from scripts.localchain import compile_fresh
from scripts.system import SystemConfig, deploy_system

DEFAULTS = {f.name: f.default for f in fields(SystemConfig) if f.default is not MISSING}
LOCAL_ROLE_FUNDING = "100 ether"
CONTRACT_NAMES = {"token": "MockUSD", "book": "Book", "vault": "Vault", "oracle": "ResultOracle"}
# What an external stablecoin is called through: the ERC-20 + EIP-2612 part of MockUSD's ABI.
ERC20_NAMES = {
    "Transfer",
    "Approval",
    "name",
    "symbol",
    "decimals",
    "totalSupply",
    "balanceOf",
    "allowance",
    "transfer",
    "transferFrom",
    "approve",
    "permit",
    "nonces",
    "DOMAIN_SEPARATOR",
    "eip712Domain",
}


def to_address(value: str, option: str) -> str:
    if not is_address(value):
        raise click.BadParameter(f"{value!r} is not an address", param_hint=option)
    return to_checksum_address(value)


def split_addresses(values: Sequence[str], option: str) -> list[str]:
    """Repeated options and comma- or space-separated environment values, checksummed."""
    return [to_address(part, option) for value in values for part in value.replace(",", " ").split()]


def resolve_deployer(alias: str | None, is_local: bool) -> Any:
    if alias is None:
        if not is_local:
            raise click.UsageError(
                "a real network needs the deployer's ape account: --account <alias> (or ROLLBOOK_DEPLOYER);"
                " `ape accounts list` shows the aliases, `ape accounts import <alias>` adds one"
            )
        return accounts.test_accounts[0]
    if alias.upper().startswith("TEST::"):
        if not is_local:
            raise click.UsageError(f"{alias} is a local test account; give an ape account alias instead")
        return accounts.test_accounts[int(alias.split("::", 1)[1])]
    if alias not in accounts.aliases:
        raise click.UsageError(f"no ape account '{alias}': `ape accounts list` shows the aliases")
    return accounts.load(alias)


def build_config(is_local: bool, options: dict[str, Any]) -> SystemConfig:
    """The system to deploy: options given, else local defaults, else a usage error."""
    reporters = split_addresses(options["reporter"], "--reporter")
    pricers = split_addresses(options["pricer"], "--pricer")
    operators = split_addresses(options["operator"], "--operator")
    guardian = options["guardian"] and to_address(options["guardian"], "--guardian")
    token = options["token"] and to_address(options["token"], "--token")
    if is_local:
        reporters = reporters or [local_account(r).address for r in LOCAL_ROLES if r.startswith("reporter")]
        pricers = pricers or [local_account("pricer").address]
        operators = operators or [local_account("operator").address]
        guardian = guardian or local_account("guardian").address
    else:
        required = {"--token": token, "--reporter": reporters, "--pricer": pricers, "--guardian": guardian}
        missing = [option for option, value in required.items() if not value]
        if missing:
            raise click.UsageError(
                f"a real network needs {', '.join(missing)} (or their ROLLBOOK_* variables); "
                "MockUSD is never deployed outside a local chain, so --token is the stablecoin's address"
            )
    quorum = options["quorum"] or len(reporters) // 2 + 1
    if not len(reporters) < 2 * quorum <= 2 * len(reporters):
        raise click.UsageError(f"--quorum {quorum} must be a majority of the {len(reporters)} reporters")
    given = {k: options[k] for k in ("min_stake", "challenge_window", "void_delay") if options[k] is not None}
    return SystemConfig(
        reporters=reporters,
        quorum=quorum,
        pricers=pricers,
        operators=operators,
        guardian=guardian,
        token=token,
        **given,
    )


def read_token_decimals(token: str) -> int:
    try:
        return int(project.MockUSD.at(token).decimals())
    except ContractNotFoundError:
        raise click.UsageError(f"no contract at --token {token} on this network") from None


def fund_local_roles(deployer: Any, config: SystemConfig) -> None:
    """Give the local role keys gas, so services can send transactions with them."""
    local = {local_account(role).address for role in LOCAL_ROLES}
    roles = {*config.reporters, *config.pricers, *config.operators, config.guardian} & local
    for address in sorted(roles):
        if chain.provider.get_balance(address) < 10**18:
            deployer.transfer(address, LOCAL_ROLE_FUNDING)


def get_compiler() -> Compiler:
    for compiler in project.manifest.compilers or []:
        if "Book" in (compiler.contractTypes or []):
            return Compiler(compiler.name, str(compiler.version), (compiler.settings or {})["evmVersion"])
    raise click.ClickException("the ape manifest has no compiler record for Book: run `ape compile`")


def get_contract_info(key: str, contract: Any) -> ContractInfo:
    name = CONTRACT_NAMES[key]
    contract_type = project.get_contract(name).contract_type
    abi = [entry.model_dump(by_alias=True, mode="json") for entry in contract_type.abi]
    if isinstance(contract, str):  # a stablecoin deployed by someone else
        abi = [entry for entry in abi if entry.get("name") in ERC20_NAMES]
        return ContractInfo(
            name=EXTERNAL_TOKEN, address=to_checksum_address(contract), abi=abi, block=None, tx=None
        )
    receipt = chain.provider.get_receipt(contract.txn_hash)
    return ContractInfo(
        name=name, address=contract.address, abi=abi, block=receipt.block_number, tx=receipt.txn_hash
    )


def build_deployment(
    ape_network: str, file_network: str, deployer: Any, config: SystemConfig, contracts: dict[str, Any]
) -> Deployment:
    infos = {key: get_contract_info(key, contracts[key]) for key in CONTRACT_NAMES}
    return Deployment(
        chain_id=chain.provider.chain_id,
        network=file_network,
        ape_network=ape_network,
        deployer=deployer.address,
        start_block=min(info.block for info in infos.values() if info.block is not None),
        token_is_mock=config.token is None,
        contracts=infos,
        roles=Roles(
            admin=deployer.address,
            reporters=[to_checksum_address(a) for a in sorted(config.reporters, key=lambda a: int(a, 16))],
            quorum=config.quorum,
            pricers=[to_checksum_address(a) for a in config.pricers],
            operators=[to_checksum_address(a) for a in config.operators],
            guardian=to_checksum_address(config.guardian),
        ),
        params=Params(
            min_stake=config.min_stake,
            challenge_window=config.challenge_window,
            void_delay=config.void_delay,
            token_decimals=config.token_decimals,
        ),
        compiler=get_compiler(),
    )


def _option(name: str, envvar: str, help: str, **kwargs: Any) -> Any:
    return click.option(name, envvar=f"ROLLBOOK_{envvar}", show_envvar=True, help=help, **kwargs)


@click.command(cls=ConnectedProviderCommand, short_help="Deploy rollbook; write deployments/<network>.json")
@network_option()
@_option("--account", "DEPLOYER", "Deployer's ape account alias [local: TEST::0].")
@_option("--token", "TOKEN", "Stablecoin address [local: a new MockUSD].")
@_option("--reporter", "REPORTERS", "Result signer; repeat it [local: 3 local keys].", multiple=True)
@_option("--quorum", "QUORUM", "Signatures per result [a majority].", type=int)
@_option("--pricer", "PRICERS", "Quote signer; repeat it [local: a local key].", multiple=True)
@_option("--operator", "OPERATORS", "Lists games and markets; repeat it [local: a local key].", multiple=True)
@_option("--guardian", "GUARDIAN", "May pause and challenge results [local: a local key].")
@_option("--min-stake", "MIN_STAKE", f"Token units [{DEFAULTS['min_stake']}].", type=int)
@_option("--challenge-window", "CHALLENGE_WINDOW", f"Seconds [{DEFAULTS['challenge_window']}].", type=int)
@_option("--void-delay", "VOID_DELAY", f"Seconds [{DEFAULTS['void_delay']}].", type=int)
@_option(
    "--out",
    "DEPLOYMENT_FILE",
    "Deployment file [deployments/<network>.json].",
    type=click.Path(dir_okay=False, path_type=Path),
)
@click.option("--force", is_flag=True, help="Replace an existing deployment file of a real network.")
def cli(
    ecosystem: Any,
    network: Any,
    provider: Any,
    account: str | None,
    out: Path | None,
    force: bool,
    **options: Any,
) -> None:
    """Deploy token (local only), Book, Vault and ResultOracle; wire roles; write the deployment file."""
    is_local = network.is_local
    if is_local and not getattr(provider, "auto_mine", True):
        # ape's local provider then hands back receipts of transactions not yet in a block
        raise click.UsageError(
            "the local chain mines on an interval (anvil --block-time), where ape cannot follow a deployment:"
            " deploy on an automining anvil, then restart it on its saved state (--state) with --block-time,"
            " as `make demo` does"
        )
    file_network = LOCAL_NETWORK if is_local else f"{ecosystem.name}-{network.name}"
    path = out or get_deployment_path(file_network)
    if path.exists() and not is_local and not force:
        raise click.UsageError(f"{path} exists: a new deployment would orphan it; pass --force to replace it")
    config = build_config(is_local, options)
    if config.token is not None:
        config = replace(config, token_decimals=read_token_decimals(config.token))
    deployer = resolve_deployer(account, is_local)
    compile_fresh(project)
    contracts = deploy_system(
        lambda name, *args: deployer.deploy(project.get_contract(name), *args), config, sender=deployer
    )
    if is_local:
        fund_local_roles(deployer, config)
    ape_network = f"{ecosystem.name}:{network.name}:{provider.name}"
    deployment = build_deployment(ape_network, file_network, deployer, config, contracts)
    write_deployment(path, deployment)
    for key, info in deployment.contracts.items():
        click.echo(f"{key:>6}  {info.address}  ({info.name})")
    click.echo(f"chain {deployment.chain_id}, start block {deployment.start_block}; wrote {path}")
