"""Schema migrations, run programmatically: upgrade to head, report the state, generate a new
revision from the models (for developers), and list differences between models and database.

Whether a database needs an upgrade is answered without Alembic (importing it costs a tenth of
a second or more that every command would pay): the current revision is one query on
`alembic_version`, and the revisions this version knows are read from the `revision` and
`down_revision` lines of the files in `migrations/versions`. Alembic is imported only to
migrate, or to compare the models with a database.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"  # Alembic's default, which env.py keeps

# Database objects written by hand in migrations because the models cannot describe them, so
# model/schema comparisons must not see them: full-text search for anonymous questions (an
# SQLite FTS5 table with its shadow tables `question_search_*`, a PostgreSQL GIN index).
HAND_WRITTEN = ("question_search",)

_REVISION = re.compile(r"^revision\b[^=\n]*=\s*['\"](\w+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=\n]*=(.*)$", re.MULTILINE)


class RevisionsUnclear(Exception):
    """The migration files do not make one line of revisions with one newest."""


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's name filter: leave the hand-written objects out of autogenerate."""
    return name is None or not name.startswith(HAND_WRITTEN)


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@cache
def _revisions() -> tuple[frozenset[str], str]:
    """Every revision the migration files define, and the newest (the one no other revises)."""
    known: set[str] = set()
    revised: set[str] = set()
    for file in (MIGRATIONS / "versions").glob("*.py"):
        source = file.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            raise RevisionsUnclear(f"{file.name} names no revision and down_revision")
        known.add(revision.group(1))
        revised.update(re.findall(r"['\"](\w+)['\"]", down.group(1)))
    heads = known - revised
    if len(heads) != 1:
        raise RevisionsUnclear(f"the migrations have {len(heads)} newest revisions: {heads}")
    return frozenset(known), heads.pop()


def head_revision() -> str:
    return _revisions()[1]


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision; None for a database never migrated."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        found = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars()
        versions = list(found)
    if len(versions) > 1:
        raise RevisionsUnclear(f"the database is at several revisions: {versions}")
    return versions[0] if versions else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (by default the newest)."""
    from alembic import command

    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def is_known(revision: str) -> bool:
    """Whether this version's migrations include `revision` (False: a newer version's)."""
    return revision in _revisions()[0]


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != head_revision()


def differences(engine: Engine) -> list[Any]:
    """What the database lacks or has beyond the models (empty when they match)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    import storage.tables  # noqa: F401  (registers every table on the metadata)

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        return list(compare_metadata(context, SQLModel.metadata))


def new_revision(engine: Engine, message: str) -> None:
    """Autogenerate a revision from the models against an up-to-date database."""
    from alembic import command

    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
