"""Autogenerate hooks shared by `env.py` and the schema-drift test."""

from typing import Literal

from alembic.autogenerate.api import AutogenContext

from indexer.sqltypes import EvmInt
from indexer.views import VIEWS


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Views are created by hand in their revision; autogenerate must not mistake them for tables."""
    return not (type_ == "table" and name in VIEWS)


def render_item(type_: str, obj: object, autogen_context: AutogenContext) -> str | Literal[False]:
    """Revisions spell the exact-integer column type as `EvmInt()`."""
    if type_ == "type" and isinstance(obj, EvmInt):
        autogen_context.imports.add("from indexer.sqltypes import EvmInt")
        return "EvmInt()"
    return False
