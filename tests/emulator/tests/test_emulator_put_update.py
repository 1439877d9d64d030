# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Contract sections C and D: Put replaces (items 13-18), Update merges and never creates (items 19-22)."""

from __future__ import annotations

import pytest

from tests.emulator.tests.emulator_helpers import ALIAS
from tests.emulator.tests.emulator_helpers import error_of
from tests.emulator.tests.emulator_helpers import fn_arn
from tests.emulator.tests.emulator_helpers import settings_of

EMPTY_DESTINATIONS = {"OnSuccess": {}, "OnFailure": {}}
NO_SETTINGS = "You must specify at least one of error handling or destination setting."
NO_FUNCTION = "The function doesn't exist."


def test_item13_put_drops_settings_left_out(lam, fn):
    lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=0)
    response = lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumEventAgeInSeconds=60)
    assert settings_of(response) == {
        "FunctionArn": f"{fn.arn}:$LATEST",
        "MaximumEventAgeInSeconds": 60,
        "DestinationConfig": EMPTY_DESTINATIONS,
    }


def test_item13_put_overwrite_is_confirmed_by_get(lam, fn):
    lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=2, MaximumEventAgeInSeconds=60)
    lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=0)
    got = lam.get_function_event_invoke_config(FunctionName=fn.name)
    assert got["MaximumRetryAttempts"] == 0
    assert "MaximumEventAgeInSeconds" not in got


def test_item13_put_with_an_empty_side_clears_destinations(lam, fn):
    lam.put_function_event_invoke_config(
        FunctionName=fn.name, DestinationConfig={"OnSuccess": {"Destination": fn.other_arn}}
    )
    response = lam.put_function_event_invoke_config(FunctionName=fn.name, DestinationConfig={"OnSuccess": {}})
    assert response["DestinationConfig"] == EMPTY_DESTINATIONS


@pytest.mark.parametrize("function_name", ["eic-fn", "doesnotexist", fn_arn("doesnotexist")])
def test_item14_put_without_settings_fails_before_the_existence_check(lam, fn, function_name):
    error = error_of(lam.put_function_event_invoke_config, FunctionName=function_name)
    assert (error["Code"], error["Status"], error["Message"]) == ("InvalidParameterValueException", 400, NO_SETTINGS)
    assert error["Response"]["Type"] == "User"


@pytest.mark.parametrize("side", ["OnSuccess", "OnFailure"])
def test_item14_an_empty_destination_side_counts_as_a_setting(lam, fn, side):
    response = lam.put_function_event_invoke_config(FunctionName=fn.name, DestinationConfig={side: {}})
    assert settings_of(response) == {"FunctionArn": f"{fn.arn}:$LATEST", "DestinationConfig": EMPTY_DESTINATIONS}


def test_item15_repeated_identical_puts_return_the_same_body(lam, fn):
    kwargs = {
        "FunctionName": fn.name,
        "MaximumRetryAttempts": 1,
        "DestinationConfig": {"OnFailure": {"Destination": fn.other_arn}},
    }
    first = lam.put_function_event_invoke_config(**kwargs)
    second = lam.put_function_event_invoke_config(**kwargs)
    assert settings_of(first) == settings_of(second)
    assert len(lam.list_function_event_invoke_configs(FunctionName=fn.name)["FunctionEventInvokeConfigs"]) == 1


@pytest.mark.parametrize("function_name", ["doesnotexist", fn_arn("doesnotexist")])
def test_item16_put_on_a_missing_function(lam, function_name):
    error = error_of(lam.put_function_event_invoke_config, FunctionName=function_name, MaximumRetryAttempts=1)
    assert (error["Code"], error["Status"], error["Message"]) == ("ResourceNotFoundException", 404, NO_FUNCTION)
    assert error["Response"]["Type"] == "User"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"FunctionName": "eic-fn", "Qualifier": "doesnotexist"},
        {"FunctionName": "eic-fn", "Qualifier": "7"},
        {"FunctionName": f"{fn_arn()}:doesnotexist"},
        {"FunctionName": "eic-fn:7"},
    ],
)
def test_item17_put_with_a_missing_alias_or_version(lam, fn, kwargs):
    error = error_of(lam.put_function_event_invoke_config, MaximumRetryAttempts=1, **kwargs)
    assert (error["Status"], error["Message"]) == (404, NO_FUNCTION)


@pytest.mark.parametrize("qualifier", ["1", ALIAS])
@pytest.mark.parametrize(("retries", "age"), [(0, 60), (1, 120), (2, 300), (2, 21600)])
def test_item18_put_on_a_version_and_an_alias(lam, fn, qualifier, retries, age):
    put = lam.put_function_event_invoke_config(
        FunctionName=fn.name, Qualifier=qualifier, MaximumRetryAttempts=retries, MaximumEventAgeInSeconds=age
    )
    got = lam.get_function_event_invoke_config(FunctionName=fn.name, Qualifier=qualifier)
    assert (
        settings_of(put)
        == settings_of(got)
        == {
            "FunctionArn": f"{fn.arn}:{qualifier}",
            "MaximumRetryAttempts": retries,
            "MaximumEventAgeInSeconds": age,
            "DestinationConfig": EMPTY_DESTINATIONS,
        }
    )


def test_item19_update_merges_into_the_existing_config(lam, fn):
    lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=2, MaximumEventAgeInSeconds=60)
    updated = lam.update_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=0)
    got = lam.get_function_event_invoke_config(FunctionName=fn.name)
    assert (updated["MaximumRetryAttempts"], updated["MaximumEventAgeInSeconds"]) == (0, 60)
    assert settings_of(updated) == settings_of(got)


def test_item19_update_adds_a_setting_and_keeps_the_others(lam, fn):
    lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumEventAgeInSeconds=60)
    updated = lam.update_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=1)
    assert (updated["MaximumEventAgeInSeconds"], updated["MaximumRetryAttempts"]) == (60, 1)


def test_item19_update_keeps_destinations_when_none_are_given(lam, fn):
    lam.put_function_event_invoke_config(
        FunctionName=fn.name, DestinationConfig={"OnFailure": {"Destination": fn.other_arn}}
    )
    updated = lam.update_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=1)
    assert updated["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {"Destination": fn.other_arn}}


def test_item19_update_with_the_same_value_returns_the_unchanged_config(lam, fn):
    put = lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumEventAgeInSeconds=60)
    updated = lam.update_function_event_invoke_config(FunctionName=fn.name, MaximumEventAgeInSeconds=60)
    assert settings_of(put) == settings_of(updated)


@pytest.mark.parametrize(("function_name", "qualified"), [(fn_arn(), "$LATEST"), (f"{fn_arn()}:{ALIAS}", ALIAS)])
def test_item20_update_never_creates_a_config(lam, fn, function_name, qualified):
    error = error_of(lam.update_function_event_invoke_config, FunctionName=function_name, MaximumRetryAttempts=1)
    assert (error["Code"], error["Status"]) == ("ResourceNotFoundException", 404)
    assert error["Message"] == f"The function {fn.arn}:{qualified} doesn't have an EventInvokeConfig"
    assert lam.list_function_event_invoke_configs(FunctionName=fn.name)["FunctionEventInvokeConfigs"] == []


@pytest.mark.parametrize("function_name", ["doesnotexist", fn_arn("doesnotexist")])
def test_item21_update_on_a_missing_function(lam, function_name):
    error = error_of(lam.update_function_event_invoke_config, FunctionName=function_name, MaximumRetryAttempts=1)
    assert (error["Status"], error["Message"]) == (404, NO_FUNCTION)


def test_item22_inferred_update_without_settings_fails_like_put(lam, fn):
    lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=1)
    error = error_of(lam.update_function_event_invoke_config, FunctionName=fn.name)
    assert (error["Code"], error["Message"]) == ("InvalidParameterValueException", NO_SETTINGS)


def test_item22_inferred_update_replaces_the_whole_destination_config(lam, fn, aws):
    queue_arn = aws.sqs.get_queue_attributes(
        QueueUrl=aws.sqs.create_queue(QueueName="q")["QueueUrl"], AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    lam.put_function_event_invoke_config(
        FunctionName=fn.name, DestinationConfig={"OnFailure": {"Destination": fn.other_arn}}
    )
    updated = lam.update_function_event_invoke_config(
        FunctionName=fn.name, DestinationConfig={"OnSuccess": {"Destination": queue_arn}}
    )
    assert updated["DestinationConfig"] == {"OnSuccess": {"Destination": queue_arn}, "OnFailure": {}}
