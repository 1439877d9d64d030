# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reset, and configs disappearing with their function, version or alias."""

from __future__ import annotations

from tests.emulator.tests.emulator_helpers import ALIAS
from tests.emulator.tests.emulator_helpers import error_of


def test_reset_clears_moto_state_configs_and_the_call_log(aws, fn):
    aws.lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=1)
    aws.emulator.reset()
    assert aws.emulator.calls() == []
    assert aws.lam.list_functions()["Functions"] == []
    assert aws.iam.list_roles()["Roles"] == []


def test_reset_forgets_configs_of_a_function_recreated_afterwards(aws, fn):
    aws.lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=1)
    aws.emulator.reset()
    aws.emulator.create_function(fn.name)
    assert error_of(aws.lam.get_function_event_invoke_config, FunctionName=fn.name)["Status"] == 404


def test_deleting_the_function_deletes_its_configs(aws, fn):
    for qualifier in ("$LATEST", "1", ALIAS):
        aws.lam.put_function_event_invoke_config(FunctionName=fn.name, Qualifier=qualifier, MaximumRetryAttempts=1)
    aws.lam.delete_function(FunctionName=fn.name)
    aws.emulator.create_function(fn.name)
    assert aws.lam.list_function_event_invoke_configs(FunctionName=fn.name)["FunctionEventInvokeConfigs"] == []


def test_deleting_the_function_makes_list_say_it_does_not_exist(aws, fn):
    aws.lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=1)
    aws.lam.delete_function(FunctionName=fn.name)
    error = error_of(aws.lam.list_function_event_invoke_configs, FunctionName=fn.name)
    assert error["Message"] == "The function doesn't exist."


def test_deleting_an_alias_deletes_only_its_config(aws, fn):
    aws.lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=0)
    aws.lam.put_function_event_invoke_config(FunctionName=fn.name, Qualifier=ALIAS, MaximumRetryAttempts=1)
    aws.lam.delete_alias(FunctionName=fn.name, Name=ALIAS)
    aws.lam.create_alias(FunctionName=fn.name, Name=ALIAS, FunctionVersion="1")
    configs = aws.lam.list_function_event_invoke_configs(FunctionName=fn.name)["FunctionEventInvokeConfigs"]
    assert [config["FunctionArn"] for config in configs] == [f"{fn.arn}:$LATEST"]


def test_deleting_a_version_deletes_its_config(aws, fn):
    aws.lam.put_function_event_invoke_config(FunctionName=fn.name, Qualifier="1", MaximumRetryAttempts=1)
    aws.lam.delete_alias(FunctionName=fn.name, Name=ALIAS)
    aws.lam.delete_function(FunctionName=fn.name, Qualifier="1")
    error = error_of(aws.lam.get_function_event_invoke_config, FunctionName=fn.name, Qualifier="1")
    assert error["Message"] == f"The function {fn.arn}:1 doesn't have an EventInvokeConfig"
