"""A bounded in-memory map that forgets its oldest entries first: event ids already handled,
direct-message channels already opened, profiles already looked up."""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    """At most `size` entries; reading or writing an entry makes it the newest."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def drop(self, key: K) -> None:
        self._entries.pop(key, None)

    def first_time(self, key: K, value: V) -> bool:
        """Remember `key`; True unless it was already remembered (de-duplication)."""
        if key in self._entries:
            self._entries.move_to_end(key)
            return False
        self.put(key, value)
        return True

    def __len__(self) -> int:
        return len(self._entries)
