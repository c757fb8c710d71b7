"""Column types shared by the models and the views' read-side tables."""

from typing import Any

from sqlalchemy import BigInteger, Dialect, Numeric, String
from sqlalchemy.types import TypeDecorator, TypeEngine

HASH = String(66)  # "0x" + 64 lowercase hex digits: block, transaction, bet ids, digests
ADDRESS = String(42)  # "0x" + 40 lowercase hex digits


class EvmInt(TypeDecorator[int]):
    """An exact 256-bit EVM integer (amounts, caps, nets), read back as a Python `int`, never a float.

    PostgreSQL stores NUMERIC(78, 0), which holds every uint256 and int256. SQLite stores a 64-bit
    INTEGER: SQLAlchemy would pass NUMERIC through floats there, and an out-of-range value fails
    loudly instead of rounding (no stablecoin amount comes near 2**63 units).
    """

    impl = Numeric(78, 0)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(78, 0))

    def process_result_value(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else int(value)
