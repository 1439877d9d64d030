# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Contract sections E, F and G: Get (items 23-24), Delete (items 25-28) and List (items 29-33)."""

from __future__ import annotations

import pytest

from tests.emulator.tests.emulator_helpers import ALIAS
from tests.emulator.tests.emulator_helpers import body_of
from tests.emulator.tests.emulator_helpers import eic_path
from tests.emulator.tests.emulator_helpers import error_of
from tests.emulator.tests.emulator_helpers import fn_arn
from tests.emulator.tests.emulator_helpers import raw_call
from tests.emulator.tests.emulator_helpers import settings_of

NO_FUNCTION = "The function doesn't exist."


def no_config(arn: str) -> str:
    return f"The function {arn} doesn't have an EventInvokeConfig"


def put_three(lam, fn) -> None:
    for qualifier, retries in (("$LATEST", 0), ("1", 1), (ALIAS, 2)):
        lam.put_function_event_invoke_config(FunctionName=fn.name, Qualifier=qualifier, MaximumRetryAttempts=retries)


def test_item23_get_returns_the_put_body(lam, fn):
    put = lam.put_function_event_invoke_config(
        FunctionName=fn.name, MaximumRetryAttempts=1, DestinationConfig={"OnSuccess": {"Destination": fn.other_arn}}
    )
    got = lam.get_function_event_invoke_config(FunctionName=fn.name)
    assert settings_of(got) == {
        "FunctionArn": f"{fn.arn}:$LATEST",
        "MaximumRetryAttempts": 1,
        "DestinationConfig": {"OnSuccess": {"Destination": fn.other_arn}, "OnFailure": {}},
    }
    assert body_of(put) == body_of(got)


@pytest.mark.parametrize(
    ("kwargs", "arn"),
    [
        ({"FunctionName": "eic-fn"}, f"{fn_arn()}:$LATEST"),
        ({"FunctionName": f"{fn_arn()}:{ALIAS}"}, f"{fn_arn()}:{ALIAS}"),
        ({"FunctionName": "doesnotexist"}, f"{fn_arn('doesnotexist')}:$LATEST"),
        ({"FunctionName": "eic-fn", "Qualifier": "doesnotexist"}, f"{fn_arn()}:doesnotexist"),
        ({"FunctionName": "eic-fn", "Qualifier": "1221"}, f"{fn_arn()}:1221"),
    ],
)
def test_item24_every_get_miss_is_doesnt_have_an_event_invoke_config(lam, fn, kwargs, arn):
    error = error_of(lam.get_function_event_invoke_config, **kwargs)
    assert (error["Code"], error["Status"], error["Message"]) == ("ResourceNotFoundException", 404, no_config(arn))


@pytest.mark.parametrize("qualifier", ["$LATEST", "1", ALIAS])
def test_item25_delete_succeeds_with_204_and_empty_body(aws, fn, qualifier):
    aws.lam.put_function_event_invoke_config(FunctionName=fn.name, Qualifier=qualifier, MaximumRetryAttempts=1)
    status, _headers, body = raw_call(aws.emulator, "DELETE", eic_path(fn.name, qualifier))
    assert (status, body) == (204, b"")
    assert (
        error_of(aws.lam.get_function_event_invoke_config, FunctionName=fn.name, Qualifier=qualifier)["Status"] == 404
    )


def test_item25_unqualified_delete_removes_only_the_latest_config(lam, fn):
    lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=1)
    lam.put_function_event_invoke_config(FunctionName=fn.name, Qualifier="1", MaximumRetryAttempts=1)
    lam.delete_function_event_invoke_config(FunctionName=fn.name)
    configs = lam.list_function_event_invoke_configs(FunctionName=fn.name)["FunctionEventInvokeConfigs"]
    assert [config["FunctionArn"] for config in configs] == [f"{fn.arn}:1"]


def test_item26_delete_of_a_missing_config(lam, fn):
    error = error_of(lam.delete_function_event_invoke_config, FunctionName=fn.name)
    assert (error["Code"], error["Status"], error["Message"]) == (
        "ResourceNotFoundException",
        404,
        no_config(f"{fn.arn}:$LATEST"),
    )


def test_item27_delete_on_a_missing_function_is_not_function_doesnt_exist(lam):
    error = error_of(lam.delete_function_event_invoke_config, FunctionName=fn_arn("doesnotexist"))
    assert (error["Status"], error["Message"]) == (404, no_config(f"{fn_arn('doesnotexist')}:$LATEST"))


def test_item28_delete_is_not_idempotent(lam, fn):
    lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=1)
    lam.delete_function_event_invoke_config(FunctionName=fn.name)
    error = error_of(lam.delete_function_event_invoke_config, FunctionName=fn.name)
    assert (error["Status"], error["Message"]) == (404, no_config(f"{fn.arn}:$LATEST"))


def test_item29_list_covers_every_qualifier_with_get_shaped_items(lam, fn):
    put_three(lam, fn)
    listed = lam.list_function_event_invoke_configs(FunctionName=fn.name)
    gets = [
        body_of(lam.get_function_event_invoke_config(FunctionName=fn.name, Qualifier=q))
        for q in ("$LATEST", "1", ALIAS)
    ]
    listed_items = sorted(listed["FunctionEventInvokeConfigs"], key=lambda c: c["FunctionArn"])
    assert listed_items == sorted(gets, key=lambda c: c["FunctionArn"])
    # What put_three wrote, not only what Get says.
    assert [(c["FunctionArn"], c["MaximumRetryAttempts"]) for c in listed_items] == [
        (f"{fn.arn}:$LATEST", 0),
        (f"{fn.arn}:1", 1),
        (f"{fn.arn}:{ALIAS}", 2),
    ]
    assert "NextMarker" not in listed


def test_item29_empty_list_still_has_the_key(lam, fn):
    assert body_of(lam.list_function_event_invoke_configs(FunctionName=fn.name)) == {"FunctionEventInvokeConfigs": []}


def test_item29_list_after_deleting_everything_is_empty(lam, fn):
    put_three(lam, fn)
    for qualifier in ("$LATEST", "1", ALIAS):
        lam.delete_function_event_invoke_config(FunctionName=fn.name, Qualifier=qualifier)
    assert lam.list_function_event_invoke_configs(FunctionName=fn.name)["FunctionEventInvokeConfigs"] == []


def test_item30_max_items_1_over_2_configs_pages_through_both(lam, fn):
    lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=0)
    lam.put_function_event_invoke_config(FunctionName=fn.name, Qualifier="1", MaximumRetryAttempts=0)
    first = lam.list_function_event_invoke_configs(FunctionName=fn.name, MaxItems=1)
    second = lam.list_function_event_invoke_configs(FunctionName=fn.name, MaxItems=1, Marker=first["NextMarker"])
    everything = lam.list_function_event_invoke_configs(FunctionName=fn.name)["FunctionEventInvokeConfigs"]
    pages = first["FunctionEventInvokeConfigs"] + second["FunctionEventInvokeConfigs"]
    assert len(first["FunctionEventInvokeConfigs"]) == len(second["FunctionEventInvokeConfigs"]) == 1
    assert "NextMarker" not in second
    assert sorted(c["FunctionArn"] for c in pages) == sorted(c["FunctionArn"] for c in everything)


def test_item30_max_items_2_over_3_configs_has_a_next_marker(lam, fn):
    put_three(lam, fn)
    page = lam.list_function_event_invoke_configs(FunctionName=fn.name, MaxItems=2)
    assert len(page["FunctionEventInvokeConfigs"]) == 2
    assert page["NextMarker"]


@pytest.mark.parametrize("page_size", [1, 2, 3, 50])
def test_item31_every_page_size_yields_each_config_exactly_once(lam, fn, page_size):
    put_three(lam, fn)
    pages = lam.get_paginator("list_function_event_invoke_configs").paginate(
        FunctionName=fn.name, PaginationConfig={"PageSize": page_size}
    )
    arns = [config["FunctionArn"] for page in pages for config in page["FunctionEventInvokeConfigs"]]
    assert sorted(arns) == sorted([f"{fn.arn}:$LATEST", f"{fn.arn}:1", f"{fn.arn}:{ALIAS}"])


@pytest.mark.parametrize("function_name", ["doesnotexist", fn_arn("doesnotexist")])
def test_item32_list_on_a_missing_function(lam, function_name):
    error = error_of(lam.list_function_event_invoke_configs, FunctionName=function_name)
    assert (error["Code"], error["Status"], error["Message"]) == ("ResourceNotFoundException", 404, NO_FUNCTION)


def test_item33_max_items_above_50_is_a_validation_error(lam, fn):
    error = error_of(lam.list_function_event_invoke_configs, FunctionName=fn.name, MaxItems=51)
    assert (error["Code"], error["Status"]) == ("ValidationException", 400)
    assert error["Message"] == (
        "1 validation error detected: Value '51' at 'maxItems' failed to satisfy constraint: "
        "Member must have value less than or equal to 50"
    )


def test_item33_inferred_invalid_marker_is_refused(lam, fn):
    error = error_of(lam.list_function_event_invoke_configs, FunctionName=fn.name, Marker="garbage")
    assert (error["Code"], error["Status"]) == ("InvalidParameterValueException", 400)


def test_item33_inferred_qualified_function_name_lists_every_qualifier(lam, fn):
    put_three(lam, fn)
    configs = lam.list_function_event_invoke_configs(FunctionName=f"{fn.arn}:1")["FunctionEventInvokeConfigs"]
    assert len(configs) == 3


def test_item33_inferred_marker_of_a_deleted_config_continues_with_the_next(lam, fn):
    put_three(lam, fn)
    first = lam.list_function_event_invoke_configs(FunctionName=fn.name, MaxItems=1)
    marker = first["NextMarker"]
    qualifier = marker.rsplit(":", 1)[1]
    lam.delete_function_event_invoke_config(FunctionName=fn.name, Qualifier=qualifier)
    rest = lam.list_function_event_invoke_configs(FunctionName=fn.name, Marker=marker)["FunctionEventInvokeConfigs"]
    seen = {c["FunctionArn"] for c in first["FunctionEventInvokeConfigs"] + rest}
    assert seen == {f"{fn.arn}:$LATEST", f"{fn.arn}:1", f"{fn.arn}:{ALIAS}"} - {marker}
