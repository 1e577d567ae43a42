"""Schema migrations, run programmatically: upgrade to head, report the state, generate a new
revision from the models (for developers), and list differences between models and database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers every table on the metadata)

MIGRATIONS = Path(__file__).with_name("migrations")

# Database objects written by hand in migrations because the models cannot describe them, so
# model/schema comparisons must not see them: full-text search for anonymous questions (an
# SQLite FTS5 table with its shadow tables `question_search_*`, a PostgreSQL GIN index).
HAND_WRITTEN = ("question_search",)


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's name filter: leave the hand-written objects out of autogenerate."""
    return name is None or not name.startswith(HAND_WRITTEN)


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (by default the newest)."""
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def is_known(revision: str) -> bool:
    """Whether this version's migrations include `revision` (False: a newer version's)."""
    try:
        return ScriptDirectory.from_config(_config()).get_revision(revision) is not None
    except Exception:
        return False


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != head_revision()


def differences(engine: Engine) -> list[Any]:
    """What the database lacks or has beyond the models (empty when they match)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        return list(compare_metadata(context, SQLModel.metadata))


def new_revision(engine: Engine, message: str) -> None:
    """Autogenerate a revision from the models against an up-to-date database."""
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
