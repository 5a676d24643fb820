"""One timestamp for everything a build writes, so rebuilds are byte-identical.

``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) wins when set;
otherwise the application's 填报时间 at noon UTC; otherwise 2000-01-01.
"""

from __future__ import annotations

import datetime as dt
import os

from .model import Application

FALLBACK = dt.datetime(2000, 1, 1, 12, 0, tzinfo=dt.UTC)


def build_timestamp(app: Application | None = None) -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    filled = app.header["filled_on"] if app is not None else None
    if isinstance(filled, dt.date):
        return dt.datetime(filled.year, filled.month, filled.day, 12, 0, tzinfo=dt.UTC)
    return FALLBACK
