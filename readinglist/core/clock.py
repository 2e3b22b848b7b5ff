"""Timestamps as stored in the database: ISO 8601, UTC, to the second."""

from __future__ import annotations

import datetime as dt


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def parse_iso(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)
