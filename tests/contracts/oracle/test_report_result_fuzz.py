"""ResultOracle.report_result property: a result is proposed exactly when a quorum of reporters signed it.

Random bundles (subsets of the five reporters in random order, duplicates
allowed) arrive in one to three calls; a model tracks which distinct
reporters have signed and predicts each call's revert, event and state,
and its return value up to the call that proposes.
"""

from itertools import pairwise

import boa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.contracts import actions
from tests.contracts.oracle.reports import (
    STATE_OPEN,
    STATE_PROPOSED,
    bitmap,
    build_result,
    digest_of,
    event_names,
    sign,
)
from tests.deployers import System, deploy_boa_system

pytestmark = pytest.mark.fuzz

N_REPORTERS, QUORUM = 5, 3
GAME = 1


@st.composite
def bundle(draw: st.DrawFn) -> list[int]:
    """Reporter indices of one call; reporters are indexed by address, so sorted indices are valid."""
    members = draw(st.lists(st.integers(0, N_REPORTERS - 1), min_size=1, max_size=N_REPORTERS, unique=True))
    order = draw(st.sampled_from(["sorted", "as drawn", "with a duplicate"]))
    if order == "sorted":
        return sorted(members)
    if order == "with a duplicate":
        return sorted([*members, draw(st.sampled_from(members))])
    return members


calls_of_bundles = st.lists(bundle(), min_size=1, max_size=3)


@pytest.fixture(scope="module")
def system() -> System:
    """Overrides the contract-wide fixture: five reporters, quorum three."""
    return deploy_boa_system(n_reporters=N_REPORTERS, quorum=QUORUM)


@pytest.fixture(scope="module")
def signatures(system: System) -> list[tuple[int, int, int]]:
    """Each reporter's signature over the one result every example reports, by reporter index."""
    return sign(system, build_result(GAME), system.reporters)


# the autouse per-test anchor is function-scoped; each example opens its own anchor too
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(calls=calls_of_bundles)
def test_proposes_exactly_at_quorum(system, signatures, keeper, calls):
    addresses = [int(r.address, 16) for r in system.reporters]
    digest = digest_of(system, build_result(GAME))
    with boa.env.anchor():
        actions.create_game(system, GAME)
        actions.time_travel(3_600)
        signed: set[int] = set()
        proposed = False
        for call in calls:
            bundle = [signatures[i] for i in call]
            is_sorted = all(addresses[a] < addresses[b] for a, b in pairwise(call))
            if not is_sorted:
                with boa.reverts("oracle: signers not sorted"):
                    system.oracle.report_result(build_result(GAME).as_tuple(), bundle, sender=keeper)
                continue
            signed |= set(call)
            reached = system.oracle.report_result(build_result(GAME).as_tuple(), bundle, sender=keeper)
            if proposed:
                # a late bundle of any size neither reverts, nor votes, nor proposes again
                assert reached is True
                assert event_names(system.oracle) == []
                assert system.oracle.votes(digest) == 0
            elif len(signed) >= QUORUM:
                assert reached is True
                (event,) = system.oracle.get_logs()
                expected = bitmap(system.reporters, [system.reporters[i] for i in signed])
                assert (type(event).__name__, event.signers) == ("ResultProposed", expected)
                proposed = True
            else:
                assert reached is False
                (event,) = system.oracle.get_logs()
                expected = bitmap(system.reporters, [system.reporters[i] for i in signed])
                assert (type(event).__name__, event.signers) == ("ResultVoted", expected)
            state = system.book.game(GAME).state
            assert state == (STATE_PROPOSED if proposed else STATE_OPEN)
