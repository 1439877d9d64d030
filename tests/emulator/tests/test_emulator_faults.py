# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection (/_emulator/faults): counted and seeded random failures, rendered per protocol."""

from __future__ import annotations

import json

import pytest
from botocore import xform_name
from botocore.config import Config

from tests.emulator.harness import EmulatorError
from tests.emulator.tests.emulator_helpers import eic_path
from tests.emulator.tests.emulator_helpers import error_of
from tests.emulator.tests.emulator_helpers import raw_call

PUT = "PutFunctionEventInvokeConfig"


def put(aws, fn, retries: int = 1):
    return aws.lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=retries)


def test_times_fails_exactly_that_many_calls(aws, fn):
    aws.emulator.add_fault(operation=PUT, error_code="TooManyRequestsException", status=429, times=3)
    errors = [error_of(put, aws, fn) for _index in range(3)]
    assert [(e["Code"], e["Status"]) for e in errors] == [("TooManyRequestsException", 429)] * 3
    assert put(aws, fn)["MaximumRetryAttempts"] == 1
    assert aws.emulator.faults() == []


def test_lambda_fault_is_a_correct_rest_json_error(aws, fn):
    aws.emulator.add_fault(operation=PUT, error_code="TooManyRequestsException", status=429, times=1)
    status, headers, body = raw_call(aws.emulator, "PUT", eic_path(fn.name), body={"MaximumRetryAttempts": 1})
    payload = json.loads(body)
    assert (status, headers["x-amzn-errortype"]) == (429, "TooManyRequestsException")
    assert payload == {"Type": "User", "message": "Rate exceeded", "Reason": "CallerRateLimitExceeded"}


@pytest.mark.parametrize(
    ("error_code", "status", "key"),
    [
        ("ResourceNotFoundException", 404, "Message"),
        ("ServiceException", 500, "Message"),
        ("ResourceConflictException", 409, "message"),
    ],
)
def test_lambda_fault_status_and_message_key_follow_the_model(aws, fn, error_code, status, key):
    aws.emulator.add_fault(operation=PUT, error_code=error_code, times=1)
    got_status, headers, body = raw_call(aws.emulator, "PUT", eic_path(fn.name), body={"MaximumRetryAttempts": 1})
    assert (got_status, headers["x-amzn-errortype"]) == (status, error_code)
    assert key in json.loads(body)


def test_faulted_call_changes_no_state(aws, fn):
    put(aws, fn, retries=0)
    aws.emulator.add_fault(operation=PUT, error_code="ServiceException", times=1)
    error_of(put, aws, fn, retries=2)
    assert aws.lam.get_function_event_invoke_config(FunctionName=fn.name)["MaximumRetryAttempts"] == 0


def test_faulted_create_creates_nothing(aws):
    aws.emulator.add_fault(operation="CreateQueue", error_code="InternalError", status=500, times=1)
    error_of(aws.sqs.create_queue, QueueName="never")
    assert aws.sqs.list_queues().get("QueueUrls", []) == []


def test_faulted_calls_are_logged_with_their_error_status(aws, fn):
    aws.emulator.clear_calls()
    aws.emulator.add_fault(operation=PUT, error_code="TooManyRequestsException", times=1)
    error_of(put, aws, fn)
    put(aws, fn)
    assert [call["status"] for call in aws.emulator.calls()] == [429, 200]


def test_custom_message(aws, fn):
    aws.emulator.add_fault(operation=PUT, error_code="ServiceException", message="boom", times=1)
    assert error_of(put, aws, fn)["Message"] == "boom"


def outcomes(aws, fn, seed: int, count: int = 30) -> list[bool]:
    aws.emulator.clear_faults()
    aws.emulator.add_fault(operation="GetFunction", error_code="TooManyRequestsException", probability=0.3, seed=seed)
    results = []
    for _index in range(count):
        try:
            aws.lam.get_function(FunctionName=fn.name)
            results.append(True)
        except aws.lam.exceptions.TooManyRequestsException:
            results.append(False)
    return results


def test_probability_with_a_seed_is_deterministic(aws, fn):
    first = outcomes(aws, fn, seed=7)
    second = outcomes(aws, fn, seed=7)
    assert first == second
    assert 0 < first.count(False) < len(first)


def test_different_seeds_give_different_sequences(aws, fn):
    assert outcomes(aws, fn, seed=7) != outcomes(aws, fn, seed=8)


def test_service_restricts_the_fault(aws):
    aws.emulator.add_fault(operation="ListTags", error_code="InternalError", service="lambda", times=1)
    aws.sqs.list_queues()
    assert aws.emulator.faults()[0]["times_left"] == 1


def test_several_faults_at_once(aws, fn):
    aws.emulator.add_fault(operation=PUT, error_code="TooManyRequestsException", times=1)
    aws.emulator.add_fault(operation="GetFunctionEventInvokeConfig", error_code="ServiceException", times=1)
    assert error_of(put, aws, fn)["Code"] == "TooManyRequestsException"
    assert error_of(aws.lam.get_function_event_invoke_config, FunctionName=fn.name)["Code"] == "ServiceException"


def test_list_and_clear_faults(aws):
    aws.emulator.add_fault(operation=PUT, error_code="TooManyRequestsException", times=2)
    listed = aws.emulator.faults()
    assert [(f["operation"], f["error_code"], f["times_left"]) for f in listed] == [
        (PUT, "TooManyRequestsException", 2)
    ]
    aws.emulator.clear_faults()
    assert aws.emulator.faults() == []


def test_without_times_or_probability_every_call_fails(aws, fn):
    aws.emulator.add_fault(operation="GetFunction", error_code="ServiceException")
    codes = [error_of(aws.lam.get_function, FunctionName=fn.name)["Code"] for _index in range(4)]
    assert codes == ["ServiceException"] * 4


@pytest.mark.parametrize(
    "spec",
    [
        {"error_code": "X"},
        {"operation": PUT},
        {"operation": PUT, "error_code": "X", "times": 0},
        {"operation": PUT, "error_code": "X", "probability": 2},
        {"operation": PUT, "error_code": "X", "bogus": 1},
    ],
)
def test_invalid_fault_specs_are_refused(aws, spec):
    with pytest.raises(EmulatorError, match="400"):
        aws.emulator.add_fault(**spec)


@pytest.mark.parametrize(
    ("service", "operation", "fault", "expected"),
    [
        # query (IAM), json (SQS), json 1.1 (EventBridge), rest-xml (S3)
        ("iam", "GetRole", {"error_code": "Throttling"}, ("Throttling", 400, "Rate exceeded")),
        (
            "sqs",
            "ListQueues",
            {"error_code": "RequestThrottled", "status": 403, "message": "slow down"},
            ("RequestThrottled", 403, "slow down"),
        ),
        (
            "events",
            "ListEventBuses",
            {"error_code": "ThrottlingException"},
            ("ThrottlingException", 400, "Rate exceeded"),
        ),
        (
            "s3",
            "ListBuckets",
            {"error_code": "SlowDown", "status": 503},
            ("SlowDown", 503, "SlowDown (simulated by the local AWS emulator)"),
        ),
    ],
)
def test_fault_of_each_protocol_parses_in_botocore(aws, service, operation, fault, expected):
    aws.emulator.add_fault(operation=operation, times=1, **fault)
    error = error_of(
        getattr(getattr(aws, service), xform_name(operation)), **({"RoleName": "any"} if service == "iam" else {})
    )
    assert (error["Code"], error["Status"], error["Message"]) == expected


def test_botocore_retries_through_a_short_throttling_fault(aws, fn):
    retrying = aws.emulator.client("lambda", config=Config(retries={"mode": "standard", "total_max_attempts": 2}))
    aws.emulator.clear_calls()
    aws.emulator.add_fault(operation="GetFunction", error_code="TooManyRequestsException", times=1)
    assert retrying.get_function(FunctionName=fn.name)["Configuration"]["FunctionName"] == fn.name
    assert [call["status"] for call in aws.emulator.calls()] == [429, 200]


def test_reset_clears_faults(aws):
    aws.emulator.add_fault(operation=PUT, error_code="TooManyRequestsException")
    aws.emulator.reset()
    assert aws.emulator.faults() == []
