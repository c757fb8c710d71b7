"""`Book.suspend` outbids bets on tip: on a chain ordering a block by tip it goes ahead of them.

anvil orders a block's transactions by tip, as an OP-stack sequencer does. The sender's ordinary
transactions tip the node's suggestion up to the tip cap (`chain.max_priority_fee_gwei`, 2 gwei);
the pricer's suspensions at least `pricer.suspend_priority_fee_gwei` (5 gwei).
"""

import time
from typing import Any

import pytest
from web3 import Web3

from oracle.config import GWEI
from oracle.pricing.config import PricerSettings
from scripts.localchain import anvil_account
from tests.oracle.conftest import LocalSystem

from .conftest import GAME, ONE, Book, FeedClock, pricer_account, race_bet

pytestmark = pytest.mark.integration

bettor = anvil_account(5)
SUSPEND_TIP = PricerSettings().suspend_tip


def go_live(book: Book, feed_clock: FeedClock) -> None:
    book.create_game(GAME, int(time.time()) + 3_600)
    book.send(book.contract.functions.set_live(GAME, True), pricer_account)
    book.fund(bettor)
    feed_clock.at_minute(16)  # a goal at 17'


def fetch_last_transaction(web3: Web3) -> Any:
    (tx,) = web3.eth.get_block("latest", full_transactions=True)["transactions"]
    return tx


def test_default_behavior(book: Book, make_pricer, feed_clock: FeedClock, local_system: LocalSystem):
    """The suspension carries the suspend tip; the same sender's other transactions at most the tip cap."""
    go_live(book, feed_clock)
    web3 = local_system.anvil.web3
    pricer = make_pricer(suspend_tip=SUSPEND_TIP)
    pricer.watch()
    pricer.refresh_live()  # first sight in play: suspends
    suspension = fetch_last_transaction(web3)
    assert suspension["to"] == book.contract.address and suspension["from"] == pricer_account.address
    assert book.contract.decode_function_input(suspension["input"])[0].fn_name == "suspend"
    assert suspension["maxPriorityFeePerGas"] == SUSPEND_TIP == 5 * GWEI
    pricer.chain.sender.send(book.token.functions.faucet(ONE), "faucet")
    other = fetch_last_transaction(web3)
    assert other["from"] == pricer_account.address
    assert 0 < other["maxPriorityFeePerGas"] <= pricer.chain.sender.settings.max_priority_fee == 2 * GWEI


@pytest.mark.parametrize(("suspend_tip", "is_bet_first"), [(SUSPEND_TIP, False), (0, True)])
def test_a_bet_tipping_above_the_cap_and_below_the_suspend_tip(
    book: Book, make_pricer, feed_clock: FeedClock, local_system: LocalSystem, suspend_tip, is_bet_first
):
    """A bet tipping 3 gwei, above the sender's tip cap (2 gwei) and below the suspend tip (5 gwei),
    sent before the suspension, lands in the same block: after it with the suspend tip (the bet
    fails), before it without (the bet is taken). Tips never tie, so the order is the tips'."""
    go_live(book, feed_clock)
    pricer = make_pricer(suspend_tip=suspend_tip)
    pricer.watch()
    pricer.refresh_live()
    epoch = book.epoch(GAME)
    receipt = race_bet(book, pricer, feed_clock, local_system.anvil.web3, bettor, 3 * GWEI)
    block = local_system.anvil.web3.eth.get_block(receipt["blockNumber"])
    assert len(block["transactions"]) == 2 and book.epoch(GAME) == epoch + 1
    assert (receipt["transactionIndex"] == 0) == is_bet_first
    assert receipt["status"] == (1 if is_bet_first else 0)
