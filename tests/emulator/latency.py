# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Latency: a fixed or jittered delay before each AWS call is answered, for all calls or per service/operation/account."""

from __future__ import annotations

import random
import threading

from .faults import SpecError
from .faults import optional_text

KNOWN_KEYS = {"delay", "jitter", "seed", "service", "operation", "account"}
MAX_DELAY = 30.0


class LatencyRule:
    """``delay`` seconds, plus or minus up to ``jitter`` (uniform, from a generator seeded with ``seed``)."""

    def __init__(self, spec: dict):
        unknown = set(spec) - KNOWN_KEYS
        if unknown:
            raise SpecError(f"unknown latency keys: {sorted(unknown)}")
        self.delay = seconds(spec, "delay", required=True)
        self.jitter = seconds(spec, "jitter")
        if self.jitter > self.delay:
            raise SpecError("'jitter' must not exceed 'delay'")
        self.seed = spec.get("seed")
        if self.seed is not None and (isinstance(self.seed, bool) or not isinstance(self.seed, int)):
            raise SpecError("'seed' must be an integer")
        self.service = optional_text(spec, "service")
        self.operation = optional_text(spec, "operation")
        self.account = optional_text(spec, "account")
        self._random = random.Random(self.seed)

    @property
    def scope(self) -> tuple[str | None, str | None, str | None]:
        return self.service, self.operation, self.account

    def applies_to(self, info) -> bool:
        """``info``: the call's RequestInfo."""
        return (
            self.service in (None, info.service)
            and self.operation in (None, info.operation)
            and self.account in (None, info.account)
        )

    def specificity(self) -> tuple[bool, bool, bool]:
        return self.account is not None, self.operation is not None, self.service is not None

    def draw(self) -> float:
        """The delay of one call (the caller holds the registry's lock, so a seed gives one sequence)."""
        if not self.jitter:
            return self.delay
        return max(0.0, self.delay + self._random.uniform(-self.jitter, self.jitter))

    def to_json(self) -> dict:
        return {
            "delay": self.delay,
            "jitter": self.jitter,
            "seed": self.seed,
            "service": self.service,
            "operation": self.operation,
            "account": self.account,
        }


class LatencyRegistry:
    """One rule per (service, operation, account) scope; a call gets the most specific rule that matches it (thread-safe).

    An account rule beats one without; then an operation-and-service rule beats an operation rule, which beats a
    service rule, which beats the rule for every call. Setting a rule for a scope replaces the previous one for that scope.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._rules: dict[tuple, LatencyRule] = {}

    def set(self, spec: dict) -> LatencyRule:
        rule = LatencyRule(spec)
        with self._lock:
            self._rules[rule.scope] = rule
        return rule

    def delay_for(self, info) -> float:
        with self._lock:
            matching = [rule for rule in self._rules.values() if rule.applies_to(info)]
            if not matching:
                return 0.0
            return max(matching, key=LatencyRule.specificity).draw()

    def list(self) -> list[dict]:
        with self._lock:
            return [rule.to_json() for rule in self._rules.values()]

    def clear(self) -> None:
        with self._lock:
            self._rules = {}


def seconds(spec: dict, key: str, required: bool = False) -> float:
    value = spec.get(key)
    if value is None and not required:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_DELAY:
        raise SpecError(f"'{key}' must be a number of seconds from 0 to {MAX_DELAY:g}")
    return float(value)
