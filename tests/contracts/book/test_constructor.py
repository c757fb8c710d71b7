"""Book.__init__: the token and its decimals, the minimum stake, the result timings, the admin."""

import boa
import pytest
from boa.contracts.base_evm_contract import BoaError
from eth.exceptions import Revert

from tests.contracts.book.tokens import deploy_book_over, deploy_decimals_token
from tests.deployers import DEPLOYERS

pytestmark = pytest.mark.unit

ZERO = "0x" + "00" * 20
MIN_CHALLENGE_WINDOW, MIN_VOID_DELAY = 60, 3_600  # constants.vy


def _deploy(token: str, min_stake: int = 10_000, challenge_window: int = 3_600, void_delay: int = 86_400 * 3):
    return DEPLOYERS["Book"].deploy(token, min_stake, challenge_window, void_delay)


def test_default_behavior(token, admin):
    with boa.env.prank(admin):
        book = _deploy(token.address, 25_000, 600, 7_200)

    ownership, params = book.get_logs()
    assert type(ownership).__name__ == "OwnershipTransferred"
    assert (ownership.previous_owner, ownership.new_owner) == (ZERO, admin)
    assert type(params).__name__ == "ParamsSet"
    assert (params.challenge_window, params.void_delay) == (600, 7_200)
    assert (book.TOKEN(), book.MIN_STAKE(), book.CAP_UNIT()) == (token.address, 25_000, 10**6)
    assert (book.challenge_window(), book.void_delay()) == (600, 7_200)
    assert (book.owner(), book.pending_owner(), book.guardian()) == (admin, ZERO, ZERO)
    assert (book.vault(), book.oracle()) == (ZERO, ZERO)
    assert (book.headroom(), book.upside(), book.paused()) == (0, 0, False)
    assert (book.settlement_accumulator(), book.finalized_games()) == (bytes(32), 0)
    _, name, version, chain_id, verifying_contract, _, _ = book.eip712Domain()
    assert (name, version, chain_id, verifying_contract) == (
        "rollbook",
        "1",
        boa.env.evm.patch.chain_id,
        book.address,
    )


def test_deployed_system(book, token):
    assert (book.TOKEN(), book.CAP_UNIT(), book.MIN_STAKE()) == (token.address, 10**6, 10_000)


@pytest.mark.parametrize("decimals", [0, 1, 6, 18])
def test_cap_unit_is_one_whole_token(admin, decimals):
    assert deploy_book_over(decimals, admin).CAP_UNIT() == 10**decimals


@pytest.mark.parametrize("decimals", [19, 36, 77, 78, 255])
def test_too_many_decimals(decimals):
    token = deploy_decimals_token(decimals)
    with boa.reverts("book: too many decimals"):
        _deploy(token.address)


def test_zero_token():
    with boa.reverts("book: zero token"):
        _deploy(ZERO)


def test_zero_min_stake(token):
    with boa.reverts("book: zero min stake"):
        _deploy(token.address, min_stake=0)


def test_bad_challenge_window(token):
    with boa.reverts("book: bad challenge window"):
        _deploy(token.address, challenge_window=MIN_CHALLENGE_WINDOW - 1)


def test_bad_void_delay(token):
    with boa.reverts("book: bad void delay"):
        _deploy(token.address, void_delay=MIN_VOID_DELAY - 1)


def test_token_without_decimals(attacker):
    # no code answers `decimals()`: the Book cannot size its caps, so it is never deployed
    with pytest.raises(BoaError) as reverted:
        _deploy(attacker)
    error = reverted.value.stack_trace.last_frame.vm_error
    assert isinstance(error, Revert) and error.args == (b"",)  # no reason string
    assert "IERC20Detailed(token.address).decimals()" in str(reverted.value)
