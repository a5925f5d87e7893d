"""The time a build gives what changed: now, or SOURCE_DATE_EPOCH when set (reproducible builds)."""

from __future__ import annotations

import os
import time

from cardsmith.errors import OutputError
from cardsmith.lock import valid_time


def source_date_epoch() -> int:
    """Now, or SOURCE_DATE_EPOCH when set: seconds since 1970, in the years 2000 to 2100."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    now = int(time.time())
    if value:
        try:
            now = int(value)
        except ValueError:
            raise OutputError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {value[:40]!r}") from None
        where = "SOURCE_DATE_EPOCH"
    else:
        where = "the system clock"
    if not valid_time(now):
        hint = " (milliseconds? use `date +%s`)" if now > 10**11 else ""
        raise OutputError(
            f"{where} gives {str(now)[:40]}, which is not a time in the years 2000 to 2100: seconds since "
            f"1970 are expected{hint}"
        )
    return now
