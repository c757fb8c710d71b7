"""Every market shape the Book grades, for the pricing tests: each kind on whole, half and quarter lines."""

from oracle.markets import Kind
from oracle.pricing.fair import MarketSpec

SPECS = [
    MarketSpec(Kind.ONE_X_TWO, 0),
    MarketSpec(Kind.MONEYLINE, 0),
    *(MarketSpec(Kind.TOTALS, line) for line in (2, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 18)),
    *(MarketSpec(Kind.HANDICAP, line) for line in range(-10, 11)),
]


def get_spec_id(spec: MarketSpec) -> str:
    return f"{spec.kind.name.lower()}{spec.line / 4:+g}"
