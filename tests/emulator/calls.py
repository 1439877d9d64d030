# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The call log: every AWS API call since the last reset, in the order received."""

from __future__ import annotations

import threading
import time

PUBLIC_KEYS = ("service", "operation", "status")
DETAIL_KEYS = ("time", "end_time", "delay", "account", "region")


class CallLog:
    """Thread-safe list of entries: service, operation and status, when the call came and went, and where it acted.

    An entry is appended when the request arrives (so the order is the order received), stamped ``time`` (wall
    clock, epoch seconds, microsecond resolution) and the ``account`` and ``region`` the call acts in; ``status``
    and ``end_time`` are filled in when the response starts, ``delay`` when a latency rule holds the call back.
    ``entries()`` gives the three public keys, or all eight with ``times=True``, so that comparisons of whole
    entries keep working.
    """

    def __init__(self, clock=time.time):
        self._lock = threading.Lock()
        self._entries: list[dict] = []
        self.clock = clock

    def now(self) -> float:
        return round(self.clock(), 6)

    def record(self, info, arrived: float | None = None) -> dict:
        """``info``: the request's RequestInfo (service, operation, account, region)."""
        entry = {"service": info.service, "operation": info.operation, "status": None}
        entry.update(time=self.now() if arrived is None else arrived, end_time=None, delay=0.0)
        entry.update(account=info.account, region=info.region)
        with self._lock:
            self._entries.append(entry)
        return entry

    def set_delay(self, entry: dict, delay: float) -> None:
        with self._lock:
            entry["delay"] = round(delay, 6)

    def set_status(self, entry: dict, status: int) -> None:
        ended = self.now()
        with self._lock:
            entry["status"] = status
            entry["end_time"] = ended

    def entries(self, times: bool = False) -> list[dict]:
        keys = PUBLIC_KEYS + DETAIL_KEYS if times else PUBLIC_KEYS
        with self._lock:
            return [{key: entry[key] for key in keys} for entry in self._entries]

    def clear(self) -> None:
        with self._lock:
            self._entries = []
