# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The info module's main(): what it reads for one function and for the region, and a bad option refused."""

import lambda_fakes

from ansible_collections.serverless.aws_lambda.plugins.modules import lambda_event_invoke_config_info as module_file

QUEUE = lambda_fakes.QUEUE
CONFIG = {"MaximumRetryAttempts": 1, "DestinationConfig": {"OnSuccess": {}, "OnFailure": {"Destination": QUEUE}}}


def test_main_reads_every_config_of_a_function(monkeypatch, capsys):
    client = lambda_fakes.FakeLambda({"my-function": {"$LATEST": CONFIG, "1": None}})
    result = lambda_fakes.run_main(
        module_file, {"function_name": "my-function"}, {"lambda": client}, monkeypatch, capsys
    )
    (config,) = result["event_invoke_configs"]
    assert (result["changed"], config["qualifier"], config["maximum_retry_attempts"]) == (False, "$LATEST", 1)
    assert config["destination_config"]["on_failure"] == {"destination": QUEUE}
    assert client.operations() == ["ListFunctionEventInvokeConfigs"]


def test_main_audits_the_region(monkeypatch, capsys):
    client = lambda_fakes.FakeLambda({"first": {"$LATEST": CONFIG}, "second": {"$LATEST": None}})
    result = lambda_fakes.run_main(module_file, {}, {"lambda": client}, monkeypatch, capsys)
    assert [function["function_name"] for function in result["functions"]] == ["first", "second"]
    assert [config["function_name"] for config in result["event_invoke_configs"]] == ["first"]


def test_main_refuses_a_bad_option_before_any_call(monkeypatch, capsys):
    client = lambda_fakes.FakeLambda({})
    result = lambda_fakes.run_main(module_file, {"metrics_hours": 0}, {"lambda": client}, monkeypatch, capsys)
    assert (result["failed"], result["option"]) == (True, "metrics_hours")
    assert client.calls == []
