# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Contract section A: the wire contract of the five operations (items 1-6)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ParamValidationError

from tests.emulator.tests.emulator_helpers import PATTERN_PREFIX
from tests.emulator.tests.emulator_helpers import body_of
from tests.emulator.tests.emulator_helpers import eic_path
from tests.emulator.tests.emulator_helpers import error_of
from tests.emulator.tests.emulator_helpers import fn_arn
from tests.emulator.tests.emulator_helpers import raw_call

CONFIG_KEYS = {"LastModified", "FunctionArn", "MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig"}


def test_item1_operations_answer_with_modelled_statuses(aws, fn):
    statuses = [
        aws.lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=1),
        aws.lam.update_function_event_invoke_config(FunctionName=fn.name, MaximumEventAgeInSeconds=60),
        aws.lam.get_function_event_invoke_config(FunctionName=fn.name),
        aws.lam.list_function_event_invoke_configs(FunctionName=fn.name),
        aws.lam.delete_function_event_invoke_config(FunctionName=fn.name),
    ]
    assert [response["ResponseMetadata"]["HTTPStatusCode"] for response in statuses] == [200, 200, 200, 200, 204]
    assert aws.emulator.calls()[-5:] == [
        {"service": "lambda", "operation": "PutFunctionEventInvokeConfig", "status": 200},
        {"service": "lambda", "operation": "UpdateFunctionEventInvokeConfig", "status": 200},
        {"service": "lambda", "operation": "GetFunctionEventInvokeConfig", "status": 200},
        {"service": "lambda", "operation": "ListFunctionEventInvokeConfigs", "status": 200},
        {"service": "lambda", "operation": "DeleteFunctionEventInvokeConfig", "status": 204},
    ]


def test_item1_delete_returns_204_with_an_empty_body(aws, fn):
    aws.lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=1)
    status, _headers, body = raw_call(aws.emulator, "DELETE", eic_path(fn.name))
    assert (status, body) == (204, b"")


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [
        ("PUT", "/2019-09-25/functions/f/event-invoke-config", "PutFunctionEventInvokeConfig"),
        ("POST", "/2019-09-25/functions/f/event-invoke-config", "UpdateFunctionEventInvokeConfig"),
        ("GET", "/2019-09-25/functions/f/event-invoke-config", "GetFunctionEventInvokeConfig"),
        ("DELETE", "/2019-09-25/functions/f/event-invoke-config", "DeleteFunctionEventInvokeConfig"),
        ("GET", "/2019-09-25/functions/f/event-invoke-config/list", "ListFunctionEventInvokeConfigs"),
    ],
)
def test_item1_methods_and_uris_name_the_operations(aws, method, path, operation):
    raw_call(aws.emulator, method, path, body={} if method in ("PUT", "POST") else None)
    assert aws.emulator.calls()[0]["operation"] == operation


def test_item2_request_members_qualifier_and_body(aws, fn):
    response = aws.lam.put_function_event_invoke_config(
        FunctionName=fn.name,
        Qualifier="1",
        MaximumRetryAttempts=2,
        MaximumEventAgeInSeconds=300,
        DestinationConfig={"OnFailure": {"Destination": fn.other_arn}},
    )
    assert body_of(response) | {"LastModified": None} == {
        "LastModified": None,
        "FunctionArn": f"{fn.arn}:1",
        "MaximumRetryAttempts": 2,
        "MaximumEventAgeInSeconds": 300,
        "DestinationConfig": {"OnSuccess": {}, "OnFailure": {"Destination": fn.other_arn}},
    }


def test_item2_list_paginator_uses_marker_and_max_items(aws, fn):
    for qualifier in ("$LATEST", "1", "live"):
        aws.lam.put_function_event_invoke_config(FunctionName=fn.name, Qualifier=qualifier, MaximumRetryAttempts=0)
    pages = aws.lam.get_paginator("list_function_event_invoke_configs").paginate(
        FunctionName=fn.name, PaginationConfig={"PageSize": 1}
    )
    arns = [item["FunctionArn"] for page in pages for item in page["FunctionEventInvokeConfigs"]]
    assert sorted(arns) == sorted([f"{fn.arn}:$LATEST", f"{fn.arn}:1", f"{fn.arn}:live"])


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"FunctionName": "bad name!"}, "functionName"),
        ({"FunctionName": "eic-fn", "Qualifier": "bad.q"}, "qualifier"),
        ({"FunctionName": "f" * 257}, "functionName"),
    ],
)
def test_item3_function_name_and_qualifier_constraints(aws, kwargs, path):
    error = error_of(aws.raw.get_function_event_invoke_config, **kwargs)
    assert (error["Code"], error["Status"]) == ("ValidationException", 400)
    assert f"at '{path}' failed to satisfy constraint" in error["Message"]


def test_item3_function_name_longer_than_256_breaks_the_length_constraint(aws):
    error = error_of(aws.raw.get_function_event_invoke_config, FunctionName="f" * 257)
    assert error["Message"] == (
        "1 validation error detected: Value '"
        + "f" * 257
        + "' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 256"
    )


def test_item3_destination_longer_than_350_breaks_the_length_constraint(aws, fn):
    destination = "arn:aws:sqs:us-east-1:123456789012:" + "q" * 320
    error = error_of(
        aws.raw.put_function_event_invoke_config,
        FunctionName=fn.name,
        DestinationConfig={"OnFailure": {"Destination": destination}},
    )
    assert error["Code"] == "ValidationException"
    assert error["Message"].endswith(
        "at 'destinationConfig.onFailure.destination' failed to satisfy constraint: "
        "Member must have length less than or equal to 350"
    )


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        (
            {"MaximumEventAgeInSeconds": 59},
            "Invalid value for parameter MaximumEventAgeInSeconds, value: 59, valid min value: 60",
        ),
        (
            {"MaximumRetryAttempts": -1},
            "Invalid value for parameter MaximumRetryAttempts, value: -1, valid min value: 0",
        ),
        ({"Qualifier": "", "MaximumRetryAttempts": 1}, "Invalid length for parameter Qualifier"),
    ],
)
def test_item4_botocore_rejects_below_minimum_before_sending(aws, kwargs, text):
    with pytest.raises(ParamValidationError) as caught:
        aws.lam.put_function_event_invoke_config(FunctionName="eic-fn", **kwargs)
    assert text in str(caught.value)
    assert aws.emulator.calls() == []


def test_item4_botocore_lets_maximum_breaches_through_to_the_server(aws, fn):
    error = error_of(aws.lam.put_function_event_invoke_config, FunctionName=fn.name, MaximumRetryAttempts=3)
    assert error["Code"] == "ValidationException"
    assert aws.emulator.calls()[-1] == {"service": "lambda", "operation": "PutFunctionEventInvokeConfig", "status": 400}


def test_item5_success_body_shape_on_the_wire(aws, fn):
    status, headers, body = raw_call(aws.emulator, "PUT", eic_path(fn.name), body={"MaximumRetryAttempts": 0})
    payload = json.loads(body)
    assert status == 200
    assert headers["content-type"] == "application/json"
    assert list(payload) == ["LastModified", "FunctionArn", "MaximumRetryAttempts", "DestinationConfig"]
    assert isinstance(payload["LastModified"], (int, float))
    assert payload["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}


def test_item5_unset_integers_are_absent_not_defaulted(aws, fn):
    response = aws.lam.put_function_event_invoke_config(
        FunctionName=fn.name, DestinationConfig={"OnSuccess": {"Destination": fn.other_arn}}
    )
    assert set(body_of(response)) == CONFIG_KEYS - {"MaximumRetryAttempts", "MaximumEventAgeInSeconds"}
    assert response["DestinationConfig"] == {"OnSuccess": {"Destination": fn.other_arn}, "OnFailure": {}}


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (("GET", None), (404, "ResourceNotFoundException", ["Message", "Type"])),
        (("PUT", {}), (400, "InvalidParameterValueException", ["Type", "message"])),
        (("PUT", {"MaximumRetryAttempts": 9}), (400, "ValidationException", ["message"])),
    ],
)
def test_item6_error_body_key_casing_and_error_type_header(aws, request_, expected):
    method, body = request_
    status, headers, raw_body = raw_call(aws.emulator, method, eic_path("nope"), body=body)
    payload = json.loads(raw_body)
    assert (status, headers["x-amzn-errortype"], sorted(payload)) == expected
    assert payload.get("Type", "User") == "User"


def test_item6_validation_exception_carries_no_type(aws):
    error = error_of(aws.raw.put_function_event_invoke_config, FunctionName="eic-fn", MaximumRetryAttempts=5)
    assert "Type" not in error["Response"]
    assert error["Message"].startswith("1 validation error detected: ")


def test_item6_resource_not_found_parses_type_and_message(aws):
    error = error_of(aws.lam.get_function_event_invoke_config, FunctionName="nope")
    assert error["Response"]["Type"] == "User"
    assert error["Response"]["Message"] == f"The function {fn_arn('nope')}:$LATEST doesn't have an EventInvokeConfig"


def test_item3_destination_pattern_uses_the_2025_regex_text(aws, fn):
    error = error_of(
        aws.raw.put_function_event_invoke_config,
        FunctionName=fn.name,
        DestinationConfig={"OnFailure": {"Destination": "arn:aws:_-/!lambda:x"}},
    )
    assert PATTERN_PREFIX + " $|kafka://" in error["Message"]
    assert "((eusc-)?[a-z]{2}" in error["Message"]
