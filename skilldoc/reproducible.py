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


def zip_bytes(data: bytes, when: dt.datetime | tuple[int, int, int, int, int, int]) -> bytes:
    """Re-pack an Office file (.docx, .xlsx) byte-reproducibly.

    ``zipfile`` stamps every entry with the current time and the host's attributes; this
    rewrites the package with ``[Content_Types].xml`` first, the other entries sorted, one
    fixed date (``when``) and no host attributes.
    """
    import io
    import zipfile

    if isinstance(when, dt.datetime):
        when = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            dst.writestr(info, src.read(name), compresslevel=6)
    return out.getvalue()
