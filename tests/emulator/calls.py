# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The call log: every AWS API call since the last reset, in the order received."""

from __future__ import annotations

import threading


class CallLog:
    """Thread-safe list of ``{"service", "operation", "status"}`` entries.

    An entry is appended when the request arrives (so the order is the order received) and its status is
    filled in when the response starts.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: list[dict] = []

    def record(self, service: str | None, operation: str | None) -> dict:
        entry = {"service": service, "operation": operation, "status": None}
        with self._lock:
            self._entries.append(entry)
        return entry

    def set_status(self, entry: dict, status: int) -> None:
        with self._lock:
            entry["status"] = status

    def entries(self) -> list[dict]:
        with self._lock:
            return [dict(entry) for entry in self._entries]

    def clear(self) -> None:
        with self._lock:
            self._entries = []
