"""Alembic environment: the indexer's models are the target; the connection comes from `indexer.db.migrate`.

Run from the command line (new revisions: `alembic -c indexer/alembic.ini revision --autogenerate -m
"what changes"`), it connects to the configured database (`indexer.config.Settings`).
"""

from alembic import context
from sqlalchemy import Connection, create_engine

from indexer.config import Settings
from indexer.migrations.hooks import include_object, render_item
from indexer.models import Base


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_object,
        render_item=render_item,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    with create_engine(Settings().database_url).connect() as fresh:
        run(fresh)
        fresh.commit()
