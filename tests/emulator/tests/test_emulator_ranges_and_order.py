# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Contract sections I and J: ranges (items 42-43) and the order of the checks (item 44)."""

from __future__ import annotations

import pytest

from tests.emulator.tests.emulator_helpers import ACCOUNT
from tests.emulator.tests.emulator_helpers import ALIAS
from tests.emulator.tests.emulator_helpers import eic_path
from tests.emulator.tests.emulator_helpers import error_of
from tests.emulator.tests.emulator_helpers import fn_arn
from tests.emulator.tests.emulator_helpers import raw_call


@pytest.mark.parametrize(
    "kwargs",
    [
        {"MaximumRetryAttempts": 0},
        {"MaximumRetryAttempts": 1},
        {"MaximumRetryAttempts": 2},
        {"MaximumEventAgeInSeconds": 60},
        {"MaximumEventAgeInSeconds": 21600},
    ],
)
def test_item42_bounds_are_accepted(lam, fn, kwargs):
    response = lam.put_function_event_invoke_config(FunctionName=fn.name, **kwargs)
    assert all(response[key] == value for key, value in kwargs.items())


@pytest.mark.parametrize(
    ("kwargs", "violation"),
    [
        (
            {"MaximumRetryAttempts": 3},
            "Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2",
        ),
        (
            {"MaximumRetryAttempts": -1},
            "Value '-1' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value greater than or equal to 0",
        ),
        (
            {"MaximumEventAgeInSeconds": 21601},
            "Value '21601' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value less than or equal to 21600",
        ),
        (
            {"MaximumEventAgeInSeconds": 59},
            "Value '59' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60",
        ),
    ],
)
@pytest.mark.parametrize("operation", ["put", "update"])
def test_item43_out_of_range_values(raw, fn, kwargs, violation, operation):
    call = getattr(raw, f"{operation}_function_event_invoke_config")
    error = error_of(call, FunctionName=fn.name, **kwargs)
    assert (error["Code"], error["Status"]) == ("ValidationException", 400)
    assert error["Message"] == f"1 validation error detected: {violation}"


def test_item43_max_items_below_1_with_validation_off(raw, fn):
    error = error_of(raw.list_function_event_invoke_configs, FunctionName=fn.name, MaxItems=0)
    assert error["Message"] == (
        "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )


def test_item43_two_violations_are_reported_together(raw, fn):
    error = error_of(
        raw.put_function_event_invoke_config, FunctionName=fn.name, MaximumRetryAttempts=3, MaximumEventAgeInSeconds=59
    )
    assert error["Message"] == (
        "2 validation errors detected: "
        "Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2; "
        "Value '59' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60"
    )


def test_item44_validation_comes_before_the_settings_check(raw):
    error = error_of(raw.put_function_event_invoke_config, FunctionName="bad name!")
    assert error["Code"] == "ValidationException"


def test_item44_settings_check_comes_before_the_region_check(aws):
    error = error_of(aws.west.put_function_event_invoke_config, FunctionName=fn_arn("ghost"))
    assert error["Code"] == "InvalidParameterValueException"


def test_item44_region_check_comes_before_the_qualifier_mismatch(aws):
    error = error_of(aws.west.get_function_event_invoke_config, FunctionName=f"{fn_arn('ghost')}:a", Qualifier="b")
    assert error["Message"] == "Functions from 'us-east-1' are not reachable in this region ('us-west-2')"


def test_item44_existence_comes_before_destination_checks(lam):
    error = error_of(
        lam.put_function_event_invoke_config,
        FunctionName="ghost",
        DestinationConfig={"OnFailure": {"Destination": f"arn:aws:iam::{ACCOUNT}:role/x"}},
    )
    assert (error["Status"], error["Message"]) == (404, "The function doesn't exist.")


def test_item44_inferred_update_checks_destinations_before_the_config(lam, fn):
    error = error_of(
        lam.update_function_event_invoke_config,
        FunctionName=fn.name,
        Qualifier=ALIAS,
        DestinationConfig={"OnFailure": {"Destination": fn.arn}},
    )
    assert error["Message"] == "You can't specify the function as a destination for itself."


@pytest.mark.parametrize(
    "body", [b"{not json", b"[1, 2]", b'{"MaximumRetryAttempts": "two"}', b'{"DestinationConfig": []}']
)
def test_inferred_malformed_body_is_invalid_request_content(aws, fn, body):
    status, headers, payload = raw_call(aws.emulator, "PUT", eic_path(fn.name), body=body)
    assert (status, headers["x-amzn-errortype"]) == (400, "InvalidRequestContentException")
    assert b"Could not parse request body into json" in payload
