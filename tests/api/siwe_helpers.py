"""Building and signing EIP-4361 messages the way a wallet does, for the API tests."""

from datetime import UTC, datetime, timedelta

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount
from fastapi.testclient import TestClient

from tests.api.conftest import DOMAIN

CHAIN_ID = 901


def build_message(
    address: str,
    nonce: str,
    domain: str = DOMAIN,
    chain_id: int = CHAIN_ID,
    issued_at: datetime | None = None,
    expires_in: timedelta | None = timedelta(minutes=10),
    statement: str | None = "Sign in to rollbook.",
) -> str:
    issued = issued_at or datetime.now(UTC)
    lines = [f"{domain} wants you to sign in with your Ethereum account:", address, ""]
    if statement is not None:
        lines.append(statement)
    lines += [
        "",
        f"URI: https://{domain}/login",
        "Version: 1",
        f"Chain ID: {chain_id}",
        f"Nonce: {nonce}",
        f"Issued At: {issued.strftime('%Y-%m-%dT%H:%M:%SZ')}",
    ]
    if expires_in is not None:
        lines.append(f"Expiration Time: {(issued + expires_in).strftime('%Y-%m-%dT%H:%M:%SZ')}")
    return "\n".join(lines)


def sign(account: LocalAccount, message: str) -> str:
    return "0x" + bytes(Account.sign_message(encode_defunct(text=message), account.key).signature).hex()


def get_nonce(client: TestClient, account: LocalAccount) -> str:
    response = client.post("/auth/nonce", json={"address": account.address})
    assert response.status_code == 200, response.text
    return str(response.json()["nonce"])


def sign_in(client: TestClient, account: LocalAccount) -> dict[str, str]:
    """Authorization headers of a fresh session for `account`."""
    message = build_message(account.address, get_nonce(client, account))
    response = client.post("/auth/verify", json={"message": message, "signature": sign(account, message)})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
