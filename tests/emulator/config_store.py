# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Storage of event invoke configs, one per (account, region, function, qualifier)."""

from __future__ import annotations

import threading


class ConfigStore:
    """Configs keyed by a function's (account, region, name) and then qualifier; unqualified is ``$LATEST``.

    ``lock`` is public and re-entrant so that an operation can validate and write atomically.
    """

    def __init__(self):
        self.lock = threading.RLock()
        self._configs: dict[tuple[str, str, str], dict[str, dict]] = {}

    def get(self, function: tuple, qualifier: str) -> dict | None:
        with self.lock:
            config = self._configs.get(function, {}).get(qualifier)
            return dict(config) if config is not None else None

    def put(self, function: tuple, qualifier: str, config: dict) -> None:
        with self.lock:
            self._configs.setdefault(function, {})[qualifier] = dict(config)

    def delete(self, function: tuple, qualifier: str) -> bool:
        with self.lock:
            return self._configs.get(function, {}).pop(qualifier, None) is not None

    def of_function(self, function: tuple) -> dict[str, dict]:
        with self.lock:
            return {qualifier: dict(config) for qualifier, config in self._configs.get(function, {}).items()}

    def forget_function(self, function: tuple) -> None:
        with self.lock:
            self._configs.pop(function, None)

    def keep_only(self, function: tuple, qualifiers: set[str] | None) -> None:
        """Drop configs whose function (None) or qualifier no longer exists in moto."""
        with self.lock:
            if qualifiers is None:
                self._configs.pop(function, None)
                return
            configs = self._configs.get(function, {})
            for qualifier in [q for q in configs if q not in qualifiers]:
                del configs[qualifier]

    def clear(self) -> None:
        with self.lock:
            self._configs = {}
