"""When each network's weekly digest goes out (absent: Monday 07:30, on)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class DigestSetting(SQLModel, table=True):
    __tablename__ = "digest_setting"

    network_id: int = Field(foreign_key="network.id", primary_key=True, ondelete="CASCADE")
    weekday: int = Field(default=0)
    time_of_day: str = Field(default="07:30", max_length=5)
    enabled: bool = Field(default=True)
