# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Latency (/_emulator/latency) and the call log's times (GET /_emulator/calls?times=1)."""

from __future__ import annotations

import threading
import time

import pytest

from tests.emulator.harness import EmulatorError
from tests.emulator.harness import max_calls_in_window
from tests.emulator.tests.emulator_helpers import error_of

# Stamps are rounded to the microsecond; this only absorbs that rounding.
ROUNDING = 1e-5


def run_together(*calls):
    """Run the calls in threads released at once; returns their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_every_entry_has_its_arrival_and_response_times(aws, fn):
    aws.emulator.clear_calls()
    before = time.time()
    aws.lam.get_function(FunctionName=fn.name)
    error_of(aws.lam.get_function, FunctionName="ghost")
    after = time.time()
    timed = aws.emulator.calls(times=True)
    assert [(call["operation"], call["status"], call["delay"]) for call in timed] == [
        ("GetFunction", 200, 0.0),
        ("GetFunction", 404, 0.0),
    ]
    stamps = [stamp for call in timed for stamp in (call["time"], call["end_time"])]
    assert stamps == sorted(stamps)
    assert before - ROUNDING <= stamps[0] and stamps[-1] <= after + ROUNDING
    assert aws.emulator.calls() == [{key: call[key] for key in ("service", "operation", "status")} for call in timed]


def test_two_delayed_calls_are_served_in_parallel(aws, fn):
    """Each call is held back a second, in its own thread: the two intervals overlap, and an undelayed call is
    answered while they wait."""
    aws.emulator.set_latency(1.0, operation="GetFunction")
    aws.emulator.clear_calls()
    run_together(
        lambda: aws.lam.get_function(FunctionName=fn.name),
        lambda: aws.lam.get_function(FunctionName=fn.other),
        aws.lam.list_functions,
    )
    calls = aws.emulator.calls(times=True)
    delayed = [call for call in calls if call["operation"] == "GetFunction"]
    (undelayed,) = [call for call in calls if call["operation"] == "ListFunctions"]
    first, second = delayed
    assert [call["delay"] for call in delayed] == [1.0, 1.0]
    assert all(call["end_time"] - call["time"] >= call["delay"] - ROUNDING for call in delayed)
    assert first["time"] < second["end_time"] and second["time"] < first["end_time"]
    assert undelayed["delay"] == 0.0 and undelayed["end_time"] < min(call["end_time"] for call in delayed)


def test_the_most_specific_rule_applies(aws, fn):
    aws.emulator.set_latency(0.02)
    aws.emulator.set_latency(0.03, service="sts")
    aws.emulator.set_latency(0.05, operation="GetFunction")
    aws.emulator.set_latency(0.04, service="lambda", operation="GetFunction")
    aws.emulator.clear_calls()
    aws.lam.get_function(FunctionName=fn.name)
    aws.lam.list_functions()
    aws.sts.get_caller_identity()
    aws.iam.list_roles()
    assert [(call["operation"], call["delay"]) for call in aws.emulator.calls(times=True)] == [
        ("GetFunction", 0.04),
        ("ListFunctions", 0.02),
        ("GetCallerIdentity", 0.03),
        ("ListRoles", 0.02),
    ]


def test_a_rule_replaces_the_one_of_the_same_scope(aws):
    aws.emulator.set_latency(0.5, operation="GetFunction")
    rule = aws.emulator.set_latency(0.01, jitter=0.005, seed=4, operation="GetFunction")
    expected = {"delay": 0.01, "jitter": 0.005, "seed": 4, "service": None, "operation": "GetFunction", "account": None}
    assert rule == expected
    assert aws.emulator.latency() == [rule]


def delays(aws, seed: int, count: int = 8) -> list[float]:
    aws.emulator.clear_calls()
    aws.emulator.set_latency(0.01, jitter=0.005, seed=seed, operation="ListFunctions")
    for _index in range(count):
        aws.lam.list_functions()
    return [call["delay"] for call in aws.emulator.calls(times=True)]


def test_jitter_is_bounded_and_a_seed_repeats_it(aws):
    first = delays(aws, seed=3)
    assert first == delays(aws, seed=3)
    assert first != delays(aws, seed=4)
    assert all(0.005 <= delay <= 0.015 for delay in first)
    assert len(set(first)) > 1


def test_faulted_calls_are_delayed_too(aws, fn):
    aws.emulator.set_latency(0.01, operation="GetFunction")
    aws.emulator.add_fault(operation="GetFunction", error_code="TooManyRequestsException", times=1)
    aws.emulator.clear_calls()
    error_of(aws.lam.get_function, FunctionName=fn.name)
    assert [(call["status"], call["delay"]) for call in aws.emulator.calls(times=True)] == [(429, 0.01)]


def test_delete_and_reset_clear_the_latency(aws):
    aws.emulator.set_latency(0.01)
    aws.emulator.clear_latency()
    assert aws.emulator.latency() == []
    aws.emulator.set_latency(0.01, service="lambda")
    aws.emulator.reset()
    assert aws.emulator.latency() == []
    aws.lam.list_functions()
    assert aws.emulator.calls(times=True)[0]["delay"] == 0.0


@pytest.mark.parametrize(
    "spec",
    [
        {},
        {"jitter": 0.1},
        {"delay": -0.1},
        {"delay": 31},
        {"delay": "0.1"},
        {"delay": 0.1, "jitter": 0.2},
        {"delay": 0.1, "seed": "one"},
        {"delay": 0.1, "operation": ""},
        {"delay": 0.1, "bogus": 1},
    ],
)
def test_invalid_latency_settings_are_refused(aws, spec):
    with pytest.raises(EmulatorError, match="400"):
        aws.emulator._request("POST", "/_emulator/latency", spec)
    assert aws.emulator.latency() == []


@pytest.mark.parametrize(
    ("arrivals", "most"),
    [
        ([], 0),
        ([5.0], 1),
        ([0.0, 0.1, 0.2, 0.3], 4),
        ([0.0, 0.5, 0.99, 1.0, 1.5, 3.0], 3),
        ([0.0, 1.0, 2.0, 3.0], 1),
        ([2.5, 0.2, 2.4, 0.1, 2.45], 3),
    ],
)
def test_max_calls_in_window(arrivals, most):
    assert max_calls_in_window([{"time": arrival} for arrival in arrivals]) == most
