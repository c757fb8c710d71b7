"""The bettors' fast transaction signing produces exactly what eth-account signs."""

import pytest
from eth_account import Account
from eth_utils import keccak

from scripts.rawtx import MAX_FEE, Encoder, Wallet

pytestmark = pytest.mark.unit

ABI = [
    {
        "type": "function",
        "name": "place",
        "stateMutability": "nonpayable",
        "inputs": [{"name": "market", "type": "uint64"}, {"name": "odds", "type": "uint32[3]"}],
        "outputs": [],
    }
]


@pytest.mark.parametrize("nonce", [0, 1, 127, 128, 65_537])
def test_sign_matches_eth_account(nonce: int) -> None:
    bettor = Account.from_key(keccak(text=f"bettor {nonce}"))
    wallet = Wallet(bettor, chain_id=901, nonce=nonce)
    data = Encoder(ABI, "place").build(1001 << 8, (19_500, 33_000, 40_000))
    to = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
    raw, tx_hash = wallet.sign(to, data, 250_000)
    expected = bettor.sign_transaction(
        {
            "type": 2,
            "chainId": 901,
            "nonce": nonce,
            "to": to,
            "value": 0,
            "data": data,
            "gas": 250_000,
            "maxFeePerGas": MAX_FEE,
            "maxPriorityFeePerGas": 0,
        }
    )
    assert raw == "0x" + expected.raw_transaction.hex()
    assert tx_hash == bytes(expected.hash)
    assert wallet.nonce == nonce + 1


def test_encoder_matches_web3() -> None:
    from web3 import Web3

    contract = Web3().eth.contract(abi=ABI)
    expected = contract.encode_abi("place", args=[7, [1, 2, 3]])
    assert "0x" + Encoder(ABI, "place").build(7, (1, 2, 3)).hex() == expected
