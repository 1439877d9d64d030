# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Contract section B: FunctionName forms, qualifiers and regions (items 7-12)."""

from __future__ import annotations

import json

import pytest

from tests.emulator.tests.emulator_helpers import ACCOUNT
from tests.emulator.tests.emulator_helpers import ALIAS
from tests.emulator.tests.emulator_helpers import FUNCTION
from tests.emulator.tests.emulator_helpers import eic_path
from tests.emulator.tests.emulator_helpers import error_of
from tests.emulator.tests.emulator_helpers import fn_arn
from tests.emulator.tests.emulator_helpers import raw_call
from tests.emulator.tests.emulator_helpers import settings_of

MISMATCH = "The derived qualifier from the function name does not match the specified qualifier."


def test_item7_unqualified_put_and_explicit_latest_put_address_the_same_config(lam, fn):
    unqualified = lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=1)
    explicit = lam.put_function_event_invoke_config(FunctionName=fn.name, Qualifier="$LATEST", MaximumRetryAttempts=1)
    assert unqualified["FunctionArn"] == explicit["FunctionArn"] == f"{fn.arn}:$LATEST"
    assert len(lam.list_function_event_invoke_configs(FunctionName=fn.name)["FunctionEventInvokeConfigs"]) == 1


def test_item7_get_unqualified_and_get_latest_return_the_same_config(lam, fn):
    lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumEventAgeInSeconds=120)
    unqualified = lam.get_function_event_invoke_config(FunctionName=fn.name)
    latest = lam.get_function_event_invoke_config(FunctionName=fn.name, Qualifier="$LATEST")
    assert settings_of(unqualified) == settings_of(latest)
    assert unqualified["MaximumEventAgeInSeconds"] == 120


def test_item7_unqualified_config_is_deleted_by_latest_qualifier(lam, fn):
    lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=1)
    response = lam.delete_function_event_invoke_config(FunctionName=fn.name, Qualifier="$LATEST")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert error_of(lam.get_function_event_invoke_config, FunctionName=fn.name)["Status"] == 404


@pytest.mark.parametrize(
    ("kwargs", "expected_suffix"),
    [
        ({"FunctionName": FUNCTION}, ":$LATEST"),
        ({"FunctionName": FUNCTION, "Qualifier": "1"}, ":1"),
        ({"FunctionName": FUNCTION, "Qualifier": ALIAS}, f":{ALIAS}"),
        ({"FunctionName": f"{fn_arn()}:{ALIAS}"}, f":{ALIAS}"),
        ({"FunctionName": f"{FUNCTION}:{ALIAS}"}, f":{ALIAS}"),
    ],
)
def test_item8_function_arn_is_always_qualified_and_the_alias_arn_for_an_alias(lam, fn, kwargs, expected_suffix):
    response = lam.put_function_event_invoke_config(MaximumRetryAttempts=0, **kwargs)
    assert response["FunctionArn"] == fn.arn + expected_suffix


@pytest.mark.parametrize(
    ("function_name", "qualifier"),
    [
        (FUNCTION, "$LATEST"),
        (fn_arn(), "$LATEST"),
        (f"{fn_arn()}:{ALIAS}", ALIAS),
        (f"{FUNCTION}:{ALIAS}", ALIAS),
        (f"{FUNCTION}:1", "1"),
        (f"{FUNCTION}:$LATEST", "$LATEST"),
        (f"{ACCOUNT}:function:{FUNCTION}", "$LATEST"),
        (f"{ACCOUNT}:function:{FUNCTION}:1", "1"),
        (f"{fn_arn()}:1", "1"),
    ],
)
def test_item9_accepted_function_name_forms(lam, fn, function_name, qualifier):
    put = lam.put_function_event_invoke_config(FunctionName=function_name, MaximumRetryAttempts=2)
    got = lam.get_function_event_invoke_config(FunctionName=function_name)
    assert put["FunctionArn"] == got["FunctionArn"] == f"{fn.arn}:{qualifier}"


@pytest.mark.parametrize(
    "path_label",
    [
        f"{fn_arn()}:{ALIAS}",
        f"arn%3Aaws%3Alambda%3Aus-east-1%3A{ACCOUNT}%3Afunction%3A{FUNCTION}%3A{ALIAS}",
        f"{FUNCTION}%3A%24LATEST",
        f"{FUNCTION}:$LATEST",
    ],
)
def test_item9_function_name_path_label_is_url_decoded(aws, fn, path_label):
    status, _headers, body = raw_call(aws.emulator, "PUT", eic_path(path_label), body={"MaximumRetryAttempts": 1})
    assert status == 200
    assert json.loads(body)["FunctionArn"].startswith(fn.arn + ":")


@pytest.mark.parametrize(
    ("function_name", "qualifier"),
    [
        (f"{fn_arn()}:{ALIAS}", ALIAS),
        (f"{FUNCTION}:{ALIAS}", ALIAS),
        (f"{FUNCTION}:$LATEST", "$LATEST"),
    ],
)
def test_item10_textually_equal_qualifiers_are_accepted(lam, fn, function_name, qualifier):
    response = lam.put_function_event_invoke_config(
        FunctionName=function_name, Qualifier=qualifier, MaximumRetryAttempts=1
    )
    assert response["FunctionArn"] == f"{fn.arn}:{qualifier}"


@pytest.mark.parametrize(
    ("function_name", "qualifier"),
    [
        (f"{FUNCTION}:1", "$LATEST"),
        (f"{FUNCTION}:$LATEST", "1"),
        (f"{FUNCTION}:1", ALIAS),
        (f"{fn_arn()}:{ALIAS}", ALIAS + "doesnotexist"),
        (f"{FUNCTION}:{ALIAS}", ALIAS + "doesnotexist"),
    ],
)
def test_item10_qualifier_mismatch_is_invalid_parameter_value(lam, fn, function_name, qualifier):
    error = error_of(
        lam.put_function_event_invoke_config, FunctionName=function_name, Qualifier=qualifier, MaximumRetryAttempts=1
    )
    assert (error["Code"], error["Status"], error["Message"]) == ("InvalidParameterValueException", 400, MISMATCH)


@pytest.mark.parametrize("operation", ["update", "get", "delete"])
def test_item10_qualifier_mismatch_applies_to_update_get_and_delete(lam, fn, operation):
    call = getattr(lam, f"{operation}_function_event_invoke_config")
    extra = {"MaximumRetryAttempts": 1} if operation == "update" else {}
    error = error_of(call, FunctionName=f"{FUNCTION}:1", Qualifier=ALIAS, **extra)
    assert (error["Code"], error["Message"]) == ("InvalidParameterValueException", MISMATCH)


def test_item10_mismatch_is_checked_before_existence(lam):
    error = error_of(
        lam.put_function_event_invoke_config, FunctionName="ghost:a", Qualifier="b", MaximumRetryAttempts=1
    )
    assert error["Message"] == MISMATCH


def test_item11_alias_version_and_latest_have_separate_configs(lam, fn):
    lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=0)
    lam.put_function_event_invoke_config(FunctionName=fn.name, Qualifier="1", MaximumRetryAttempts=1)
    lam.put_function_event_invoke_config(FunctionName=fn.name, Qualifier=ALIAS, MaximumRetryAttempts=2)
    configs = lam.list_function_event_invoke_configs(FunctionName=fn.name)["FunctionEventInvokeConfigs"]
    assert sorted((c["FunctionArn"], c["MaximumRetryAttempts"]) for c in configs) == [
        (f"{fn.arn}:$LATEST", 0),
        (f"{fn.arn}:1", 1),
        (f"{fn.arn}:{ALIAS}", 2),
    ]


def test_item11_publishing_a_version_does_not_copy_the_latest_config(lam, fn):
    lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=0)
    version = lam.publish_version(FunctionName=fn.name)["Version"]
    error = error_of(lam.get_function_event_invoke_config, FunctionName=fn.name, Qualifier=version)
    assert (error["Status"], error["Message"]) == (
        404,
        f"The function {fn.arn}:{version} doesn't have an EventInvokeConfig",
    )


WRONG_REGION = "Functions from 'us-east-1' are not reachable in this region ('us-west-2')"


@pytest.mark.parametrize(
    ("operation", "extra"),
    [
        ("get_function_event_invoke_config", {}),
        ("put_function_event_invoke_config", {"MaximumRetryAttempts": 1}),
        ("update_function_event_invoke_config", {"MaximumRetryAttempts": 1}),
        ("delete_function_event_invoke_config", {}),
        ("list_function_event_invoke_configs", {}),
    ],
)
def test_item12_arn_from_another_region_is_not_reachable(aws, fn, operation, extra):
    error = error_of(getattr(aws.west, operation), FunctionName=fn.arn, **extra)
    assert (error["Code"], error["Status"], error["Message"]) == ("ResourceNotFoundException", 404, WRONG_REGION)


def test_item12_configs_are_regional(aws, fn):
    aws.lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=1)
    error = error_of(aws.west.get_function_event_invoke_config, FunctionName=fn.name)
    assert error["Message"] == f"The function {fn_arn(region='us-west-2')}:$LATEST doesn't have an EventInvokeConfig"


@pytest.mark.parametrize("qualifier_suffix", ["", ":1", f":{ALIAS}"])
def test_partial_arn_reaches_moto_operations_too(lam, fn, qualifier_suffix):
    """AWS accepts ACCOUNT:function:NAME[:QUALIFIER] everywhere; the emulator hands moto the full ARN."""
    configuration = lam.get_function_configuration(FunctionName=f"{ACCOUNT}:function:{fn.name}{qualifier_suffix}")
    assert configuration["FunctionName"] == fn.name
