# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection: make chosen operations fail with a given AWS error, a number of times or at random."""

from __future__ import annotations

import itertools
import random
import threading

KNOWN_KEYS = {"operation", "error_code", "status", "times", "probability", "seed", "message", "service", "account"}


class SpecError(ValueError):
    """A fault or latency setting sent to POST /_emulator/faults or /_emulator/latency is not usable."""


class Fault:
    """One active fault. ``times`` None means no count limit; ``probability`` None means every matching call;
    ``service`` and ``account`` None mean any (the account a call acts in: its credentials' account)."""

    _ids = itertools.count(1)

    def __init__(self, spec: dict):
        unknown = set(spec) - KNOWN_KEYS
        if unknown:
            raise SpecError(f"unknown fault keys: {sorted(unknown)}")
        self.id = next(self._ids)
        self.operation = required_text(spec, "operation")
        self.error_code = required_text(spec, "error_code")
        self.service = optional_text(spec, "service")
        self.account = optional_text(spec, "account")
        self.message = optional_text(spec, "message")
        self.status = optional_int(spec, "status", minimum=400, maximum=599)
        self.times = optional_int(spec, "times", minimum=1)
        self.probability = optional_probability(spec)
        self.seed = spec.get("seed")
        self._random = random.Random(self.seed)

    def applies_to(self, info) -> bool:
        """``info``: the call's RequestInfo."""
        return (
            info.operation == self.operation
            and self.service in (None, info.service)
            and self.account
            in (
                None,
                info.account,
            )
        )

    def fires(self) -> bool:
        """Decide for one matching call; uses up one of ``times`` when it fires."""
        if self.probability is not None and self._random.random() >= self.probability:
            return False
        if self.times is not None:
            self.times -= 1
        return True

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.times <= 0

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "operation": self.operation,
            "error_code": self.error_code,
            "service": self.service,
            "account": self.account,
            "status": self.status,
            "message": self.message,
            "times_left": self.times,
            "probability": self.probability,
            "seed": self.seed,
        }


class FaultRegistry:
    """The active faults, checked in the order they were added (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, spec: dict) -> Fault:
        fault = Fault(spec)
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, info) -> Fault | None:
        """The fault that makes this call (its RequestInfo) fail, if any."""
        with self._lock:
            for fault in self._faults:
                if fault.applies_to(info) and fault.fires():
                    if fault.exhausted:
                        self._faults.remove(fault)
                    return fault
        return None

    def list(self) -> list[dict]:
        with self._lock:
            return [fault.to_json() for fault in self._faults]

    def clear(self) -> None:
        with self._lock:
            self._faults = []


def required_text(spec: dict, key: str) -> str:
    value = spec.get(key)
    if not isinstance(value, str) or not value:
        raise SpecError(f"'{key}' must be a non-empty string")
    return value


def optional_text(spec: dict, key: str) -> str | None:
    if spec.get(key) is None:
        return None
    return required_text(spec, key)


def optional_int(spec: dict, key: str, minimum: int, maximum: int | None = None) -> int | None:
    value = spec.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum or (maximum and value > maximum):
        raise SpecError(f"'{key}' must be an integer from {minimum}" + (f" to {maximum}" if maximum else ""))
    return value


def optional_probability(spec: dict) -> float | None:
    value = spec.get("probability")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise SpecError("'probability' must be a number from 0 to 1")
    return float(value)
