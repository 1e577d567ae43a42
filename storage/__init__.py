"""Staffroom's storage: SQLModel tables, keyword-only query functions, engine set-up, migrations.

Storage knows nothing of chat platforms beyond ids kept as strings. Queries run as prebuilt
SQLAlchemy Core statements on the unit of work's connection (measured: an ORM session costs
about five times more per command) and return small frozen records.

May import SQLAlchemy, SQLModel and Alembic; never `bot` or `adapters`, and nothing of a chat
platform beyond ids stored as strings.
"""
