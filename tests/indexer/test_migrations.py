"""The Alembic revisions build exactly the models' schema (plus the views), both ways, on both databases."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from indexer import db
from indexer.exceptions import SchemaMismatchError
from indexer.migrations.hooks import include_object
from indexer.models import Base
from indexer.views import VIEWS

pytestmark = pytest.mark.integration


def test_default_behavior(engine: Engine) -> None:
    assert db.migrate(engine) == db.get_head_revision() == "0005"
    db.validate_schema(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True}
        )
        assert compare_metadata(context, Base.metadata) == []
        assert set(VIEWS) <= set(inspect(connection).get_view_names())


def test_downgrade_and_upgrade_again(engine: Engine) -> None:
    db.migrate(engine)
    with engine.begin() as connection:
        command.downgrade(db.build_alembic_config(connection), "base")
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        assert inspect(connection).get_view_names() == []
    db.migrate(engine)
    db.validate_schema(engine)


def test_migrating_twice_changes_nothing(engine: Engine) -> None:
    db.migrate(engine)
    db.migrate(engine)
    db.validate_schema(engine)


def test_refuses_a_schema_from_a_newer_indexer(engine: Engine) -> None:
    db.migrate(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(
        SchemaMismatchError,
        match=rf"revision 9999, which this indexer \(head {db.get_head_revision()}\) does not know",
    ):
        db.migrate(engine)
    with pytest.raises(SchemaMismatchError):
        db.validate_schema(engine)
