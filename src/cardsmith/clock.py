"""The time a build gives what changed: now, or SOURCE_DATE_EPOCH when set (reproducible builds)."""

from __future__ import annotations

import os
import time

from cardsmith.errors import OutputError


def source_date_epoch() -> int:
    """Now, or SOURCE_DATE_EPOCH when set."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        try:
            return int(value)
        except ValueError:
            raise OutputError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {value!r}") from None
    return int(time.time())
