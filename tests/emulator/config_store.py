# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Storage of event invoke configs, one per (region, function, qualifier)."""

from __future__ import annotations

import threading


class ConfigStore:
    """Configs keyed by (region, function name) and then qualifier; unqualified is stored as ``$LATEST``.

    ``lock`` is public and re-entrant so that an operation can validate and write atomically.
    """

    def __init__(self):
        self.lock = threading.RLock()
        self._configs: dict[tuple[str, str], dict[str, dict]] = {}

    def get(self, region: str, name: str, qualifier: str) -> dict | None:
        with self.lock:
            config = self._configs.get((region, name), {}).get(qualifier)
            return dict(config) if config is not None else None

    def put(self, region: str, name: str, qualifier: str, config: dict) -> None:
        with self.lock:
            self._configs.setdefault((region, name), {})[qualifier] = dict(config)

    def delete(self, region: str, name: str, qualifier: str) -> bool:
        with self.lock:
            return self._configs.get((region, name), {}).pop(qualifier, None) is not None

    def of_function(self, region: str, name: str) -> dict[str, dict]:
        with self.lock:
            return {qualifier: dict(config) for qualifier, config in self._configs.get((region, name), {}).items()}

    def forget_function(self, region: str, name: str) -> None:
        with self.lock:
            self._configs.pop((region, name), None)

    def keep_only(self, region: str, name: str, qualifiers: set[str] | None) -> None:
        """Drop configs whose function (None) or qualifier no longer exists in moto."""
        with self.lock:
            if qualifiers is None:
                self._configs.pop((region, name), None)
                return
            configs = self._configs.get((region, name), {})
            for qualifier in [q for q in configs if q not in qualifiers]:
                del configs[qualifier]

    def clear(self) -> None:
        with self.lock:
            self._configs = {}
