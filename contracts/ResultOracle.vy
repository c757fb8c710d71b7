# pragma version ~=0.4.3
# pragma evm-version cancun
# pragma nonreentrancy on
"""
@title rollbook ResultOracle
@notice M-of-N reporter signatures over a game's final score. Reporters
        run independent nodes and sign `GameResult` (EIP-712); anyone may
        submit their signatures, alone or bundled, in any number of calls.
        When a quorum of distinct current reporters has signed the same
        result, the oracle proposes it to the Book, whose challenge
        window then runs.
@dev Distinctness inside one call comes from strictly increasing signer
     addresses; across calls from a bitmap by reporter index. Votes are
     tagged with the reporter-set version, so replacing the set voids
     every vote gathered under the old one.
"""

from snekmate.auth import ownable
from snekmate.auth import ownable_2step
from snekmate.utils import ecdsa
from snekmate.utils import eip712_domain_separator as eip712

from . import constants as c
from .interfaces import IBook

initializes: ownable
initializes: ownable_2step[ownable := ownable]
initializes: eip712

# `renounce_ownership` is left out: the reporter set must stay rotatable.
exports: (
    ownable_2step.owner,
    ownable_2step.pending_owner,
    ownable_2step.transfer_ownership,
    ownable_2step.accept_ownership,
    eip712.eip712Domain,
)


# ---------------------------------------------------------------- #
#                             Constants                            #
# ---------------------------------------------------------------- #

_RESULT_TYPEHASH: constant(bytes32) = keccak256("GameResult(uint48 game,uint8 status,uint16 home,uint16 away)")
_MASK_32: constant(uint256) = 2**32 - 1


# ---------------------------------------------------------------- #
#                             Immutables                           #
# ---------------------------------------------------------------- #

BOOK: public(immutable(IBook))


# ---------------------------------------------------------------- #
#                              Structs                             #
# ---------------------------------------------------------------- #

struct Signature:
    v: uint8
    r: uint256
    s: uint256


struct GameResult:
    game: uint48
    status: uint8
    home: uint16
    away: uint16


# ---------------------------------------------------------------- #
#                              Storage                             #
# ---------------------------------------------------------------- #

# reporter -> set version << 8 | index + 1; other versions do not count
_slots: HashMap[address, uint256]
# set version << 8 | quorum: one read for both on every report
_config: uint256
reporters: public(DynArray[address, c.MAX_REPORTERS])
# result digest -> set version << 32 | signer bitmap, kept only below quorum
_votes: HashMap[bytes32, uint256]


# ---------------------------------------------------------------- #
#                              Events                              #
# ---------------------------------------------------------------- #

event ReportersSet:
    version: indexed(uint256)
    reporters: DynArray[address, c.MAX_REPORTERS]
    quorum: uint256


event ResultVoted:
    game: indexed(uint256)
    digest: indexed(bytes32)
    signers: uint256


# ---------------------------------------------------------------- #
#                            Constructor                           #
# ---------------------------------------------------------------- #

@deploy
def __init__(book: IBook, reporters: DynArray[address, c.MAX_REPORTERS], quorum: uint256):
    """
    @notice Deploys the oracle of `book` with its first reporter set; the deployer is the admin.
    @param book The Book results are proposed to.
    @param reporters The signers, strictly increasing.
    @param quorum Signatures needed; more than half of the set.
    """
    assert book.address != empty(address), "oracle: zero book"
    ownable.__init__()
    ownable_2step.__init__()
    eip712.__init__("rollbook", "1")
    BOOK = book
    self._set_reporters(reporters, quorum)


# ---------------------------------------------------------------- #
#                             External                             #
# ---------------------------------------------------------------- #

@external
def report_result(result: GameResult, signatures: DynArray[Signature, c.MAX_REPORTERS]) -> bool:
    """
    @notice Adds reporter signatures to a result; reaching the quorum proposes it.
    @dev Signatures for a result that is already proposed or final succeed
         without effect, however few; a different result reverts in the Book.
    @param result The signed result.
    @param signatures Reporter signatures over `result`, sorted by signer address.
    @return bool True when the quorum is reached (by this call or an earlier one).
    """
    assert len(signatures) > 0, "oracle: no signatures"
    digest: bytes32 = self._result_digest(result)
    config: uint256 = self._config
    version: uint256 = config >> 8
    signers: uint256 = self._recover(digest, signatures, version)
    stored: uint256 = self._votes[digest]
    if stored >> 32 == version:
        signers |= stored & _MASK_32
    game: uint256 = convert(result.game, uint256)
    # a late signature for a game that already has a result is not a vote:
    # the Book accepts it as a no-op if it matches, and rejects it if not
    if self._popcount(signers) < config & 255 and staticcall BOOK.game_state(game) < c.STATE_PROPOSED:
        self._votes[digest] = version << 32 | signers
        log ResultVoted(game=game, digest=digest, signers=signers)
        return False
    if stored != 0:
        self._votes[digest] = 0
    extcall BOOK.propose_result(
        game,
        convert(result.status, uint256),
        convert(result.home, uint256),
        convert(result.away, uint256),
        signers,
    )
    return True


@external
def set_reporters(reporters: DynArray[address, c.MAX_REPORTERS], quorum: uint256):
    """
    @notice Replaces the reporter set; votes gathered under the old set stop counting.
    @param reporters The signers, strictly increasing (so distinct and non-zero).
    @param quorum Signatures needed to propose a result; more than half of the set.
    """
    ownable._check_owner()
    self._set_reporters(reporters, quorum)


# ---------------------------------------------------------------- #
#                               Views                              #
# ---------------------------------------------------------------- #

@view
@external
def quorum() -> uint256:
    """
    @notice Signatures needed to propose a result.
    @return uint256 The quorum M.
    """
    return self._config & 255


@view
@external
def version() -> uint256:
    """
    @notice The reporter-set version; it grows on every `set_reporters`.
    @return uint256 The version.
    """
    return self._config >> 8


@view
@external
def reporter_index(reporter: address) -> uint256:
    """
    @notice A current reporter's bit in signer bitmaps, plus one; 0 for anyone else.
    @param reporter The address.
    @return uint256 Index + 1, or 0.
    """
    slot: uint256 = self._slots[reporter]
    if slot >> 8 != self._config >> 8:
        return 0
    return slot & 255


@view
@external
def votes(digest: bytes32) -> uint256:
    """
    @notice Signer bitmap gathered below quorum for a result digest under the current set.
    @param digest The EIP-712 digest of the result.
    @return uint256 Bit `i` is set when reporter `i` has signed.
    """
    stored: uint256 = self._votes[digest]
    if stored >> 32 != self._config >> 8:
        return 0
    return stored & _MASK_32


@view
@external
def result_digest(result: GameResult) -> bytes32:
    """
    @notice The EIP-712 digest a reporter signs for `result`.
    @param result The result.
    @return bytes32 The digest.
    """
    return self._result_digest(result)


# ---------------------------------------------------------------- #
#                             Internal                             #
# ---------------------------------------------------------------- #

@view
@internal
def _recover(digest: bytes32, signatures: DynArray[Signature, c.MAX_REPORTERS], version: uint256) -> uint256:
    signers: uint256 = 0
    previous: uint256 = 0
    for sig: Signature in signatures:
        signer: address = ecdsa._try_recover_vrs(digest, convert(sig.v, uint256), sig.r, sig.s)
        current: uint256 = convert(signer, uint256)
        assert current > previous, "oracle: signers not sorted"
        slot: uint256 = self._slots[signer]
        assert slot >> 8 == version, "oracle: unknown reporter"
        signers |= 1 << ((slot & 255) - 1)
        previous = current
    return signers


@pure
@internal
def _popcount(bits: uint256) -> uint256:
    count: uint256 = 0
    for i: uint256 in range(c.MAX_REPORTERS):
        count += (bits >> i) & 1
    return count


@view
@internal
def _result_digest(result: GameResult) -> bytes32:
    return eip712._hash_typed_data_v4(
        keccak256(abi_encode(_RESULT_TYPEHASH, result.game, result.status, result.home, result.away))
    )


@internal
def _set_reporters(reporters: DynArray[address, c.MAX_REPORTERS], quorum: uint256):
    n: uint256 = len(reporters)
    assert n > 0, "oracle: no reporters"
    assert quorum >= 1 and quorum <= n and quorum * 2 > n, "oracle: bad quorum"
    version: uint256 = (self._config >> 8) + 1
    previous: uint256 = 0
    for i: uint256 in range(n, bound=c.MAX_REPORTERS):
        current: uint256 = convert(reporters[i], uint256)
        assert current > previous, "oracle: reporters not sorted"
        self._slots[reporters[i]] = version << 8 | (i + 1)
        previous = current
    self.reporters = reporters
    self._config = version << 8 | quorum
    log ReportersSet(version=version, reporters=reporters, quorum=quorum)
