"""Full-text search for similar anonymous questions, on the objects the migration writes by
hand: the FTS5 table `question_search` on SQLite (porter stemming), the GIN index on
`to_tsvector('english', text)` on PostgreSQL. The database ranks candidates; a small check
here keeps only those that share enough distinctive words."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, func, literal_column, select, text

from storage.questions import QUESTION, QuestionRecord, get_question

_WORD = re.compile(r"[^\W_]+")
_STOP_WORDS = """
about above after again against all also and any anybody anyone anything are because been
before being below between both but can could did does doing down during each else ever few
for from had has have having her here hers him his how into its just like more most much must
our ours out over own same seen she should some such than that the their them then there these
they this those through too under until very was were what when where which while who whom why
will with would yet you your yours
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
_SEARCH_WORDS = 16
_CANDIDATES = 12


def search_words(text: str) -> list[str]:
    """The distinctive words of a text, in order, without repeats: what a search looks for."""
    words: list[str] = []
    for word in _WORD.findall(text.casefold()):
        if len(word) >= 3 and word not in STOP_WORDS and word not in words:
            words.append(word)
    return words[:_SEARCH_WORDS]


def _same_word(a: str, b: str) -> bool:
    """Crude stemming, enough to agree with the databases' stemmers on most English words."""
    return a.startswith(b) or b.startswith(a) or (len(a) > 5 and len(b) > 5 and a[:5] == b[:5])


def shared_words(words: list[str], other: str) -> int:
    """How many of `words` also occur (give or take an ending) in `other`."""
    theirs = search_words(other)
    return sum(1 for word in words if any(_same_word(word, their) for their in theirs))


_SQLITE_SEARCH = text(
    "SELECT question.id FROM question_search JOIN question ON question.id = question_search.rowid "
    "WHERE question_search MATCH :query AND question.network_id = :network_id "
    "AND question.hidden_at IS NULL ORDER BY bm25(question_search) LIMIT :limit"
)
_ENGLISH: Any = literal_column("'english'")  # a constant, so PostgreSQL uses the expression index


def _candidate_ids(connection: Connection, network_id: int, words: list[str]) -> list[int]:
    if connection.dialect.name == "postgresql":
        vector = func.to_tsvector(_ENGLISH, QUESTION.c.text)
        query = func.to_tsquery(_ENGLISH, " | ".join(words))
        statement = (
            select(QUESTION.c.id)
            .where(
                QUESTION.c.network_id == network_id,
                QUESTION.c.hidden_at.is_(None),
                vector.op("@@")(query),
            )
            .order_by(func.ts_rank(vector, query).desc(), QUESTION.c.id.desc())
            .limit(_CANDIDATES)
        )
        return list(connection.execute(statement).scalars())
    match = " OR ".join(f'"{word}"' for word in words)  # words are letters and digits only
    rows = connection.execute(
        _SQLITE_SEARCH, {"query": match, "network_id": network_id, "limit": _CANDIDATES}
    )
    return [row[0] for row in rows]


def similar_questions(
    connection: Connection, *, network_id: int, text: str, limit: int = 3
) -> list[QuestionRecord]:
    """Up to `limit` earlier, visible questions of the network worded like `text`, best first.

    The database ranks candidates by full-text relevance; a candidate must share at least two
    distinctive words with `text` (one, when `text` has only one), so a single common word such
    as "students" does not make two questions similar.
    """
    words = search_words(text)
    if not words:
        return []
    needed = min(2, len(words))
    found = []
    for question_id in _candidate_ids(connection, network_id, words):
        question = get_question(connection, question_id=question_id)
        if question is not None and shared_words(words, question.text) >= needed:
            found.append(question)
        if len(found) == limit:
            break
    return found
