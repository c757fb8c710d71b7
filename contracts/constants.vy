# pragma version ~=0.4.3
# pragma evm-version cancun
"""
@title rollbook shared constants
@notice Numbers shared by the Book, the Vault and the grading module.
        Every bound a setter checks lives here, so an auditor reads
        the limits of every admin power in one place.
"""

# ---------------------------------------------------------------- #
#                               Odds                               #
# ---------------------------------------------------------------- #

# @dev Decimal odds carry four decimal places: 1.9500 is 19_500.
ODDS_SCALE: constant(uint256) = 10_000
# @dev The lowest odds a quote may offer (1.0100); 1.0 would be a free option.
MIN_ODDS: constant(uint256) = 10_100
# @dev The highest odds a quote may offer (1000.0000).
MAX_ODDS: constant(uint256) = 10_000_000
# @dev A quote may not live longer than this past the block it is used in.
MAX_QUOTE_TTL: constant(uint256) = 3_600  # 1 hour

# ---------------------------------------------------------------- #
#                         Markets and grades                       #
# ---------------------------------------------------------------- #

# @dev Market kinds. Lines are in quarter units: 2.25 goals is 9.
KIND_1X2: constant(uint256) = 0  # outcomes: home, draw, away
KIND_MONEYLINE: constant(uint256) = 1  # outcomes: home, away; a draw pushes
KIND_TOTALS: constant(uint256) = 2  # outcomes: over, under
KIND_HANDICAP: constant(uint256) = 3  # outcomes: home, away; line is the home handicap
KIND_COUNT: constant(uint256) = 4

# @dev How one bet fares: its payout is a pure function of the grade.
GRADE_LOSS: constant(uint256) = 0
GRADE_HALF_LOSS: constant(uint256) = 1
GRADE_PUSH: constant(uint256) = 2
GRADE_HALF_WIN: constant(uint256) = 3
GRADE_WIN: constant(uint256) = 4

# @dev Lines and scores are bounded so packing never truncates.
MAX_LINE: constant(int256) = 2_000  # 500 goals or points
MAX_SCORE: constant(uint256) = 1_000
MAX_OUTCOMES: constant(uint256) = 3
MAX_MARKETS_PER_GAME: constant(uint256) = 32

# ---------------------------------------------------------------- #
#                      Games and their results                     #
# ---------------------------------------------------------------- #

# @dev Game life cycle. Bets are taken while OPEN before kickoff, or LIVE.
STATE_NONE: constant(uint256) = 0
STATE_OPEN: constant(uint256) = 1
STATE_LIVE: constant(uint256) = 2
STATE_CLOSED: constant(uint256) = 3
STATE_PROPOSED: constant(uint256) = 4
STATE_CHALLENGED: constant(uint256) = 5
STATE_FINAL: constant(uint256) = 6

# @dev What reporters sign: the match was played to a final score, or not.
RESULT_FINAL: constant(uint256) = 1
RESULT_CANCELLED: constant(uint256) = 2

# ---------------------------------------------------------------- #
#                         Roles and setters                        #
# ---------------------------------------------------------------- #

MAX_REPORTERS: constant(uint256) = 16
MAX_BATCH: constant(uint256) = 256
MIN_CHALLENGE_WINDOW: constant(uint256) = 60  # 1 minute
MAX_CHALLENGE_WINDOW: constant(uint256) = 86_400 * 7  # 7 days
MIN_VOID_DELAY: constant(uint256) = 3_600  # 1 hour
MAX_VOID_DELAY: constant(uint256) = 86_400 * 30  # 30 days
MAX_GAME_ID: constant(uint256) = 2**48 - 1
# @dev Leaves room in the 40-bit deadline field for kickoff + MAX_VOID_DELAY.
MAX_KICKOFF: constant(uint256) = 2**39
