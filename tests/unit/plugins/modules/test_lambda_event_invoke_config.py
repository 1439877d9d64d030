# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module's report: one exit for a failed task, with one config as with many, that always carries changed, the
diff and role_policies."""

import lambda_fakes
import pytest

from ansible_collections.serverless.aws_lambda.plugins.module_utils import grant
from ansible_collections.serverless.aws_lambda.plugins.module_utils.converge import converge
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import DestinationChecks
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import CONFIG_OPTIONS
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import build_requests
from ansible_collections.serverless.aws_lambda.plugins.modules import lambda_event_invoke_config as module_file

REGION = lambda_fakes.REGION
BUS = f"arn:aws:events:{REGION}:{lambda_fakes.ACCOUNT}:event-bus/default"
ROLE_NAME = lambda_fakes.ROLE.rsplit("/", 1)[1]


class Exited(Exception):
    def __init__(self, **result):
        super().__init__(result.get("msg"))
        self.result = result


class FakeModule:
    """What report() uses of AnsibleAWSModule."""

    def __init__(self, check_mode=False):
        self.check_mode = check_mode
        self._diff = True
        self.warnings = []

    def warn(self, warning):
        self.warnings.append(warning)

    def fail_json(self, **result):
        raise Exited(failed=True, **result)

    def exit_json(self, **result):
        raise Exited(**result)


@pytest.mark.parametrize("fleet", [False, True])
def test_a_task_that_wrote_the_policy_and_then_failed_reports_it(fleet):
    client = lambda_fakes.FakeLambda({"my-function": {"$LATEST": None}})
    client.failures["PutFunctionEventInvokeConfig"] = [
        lambda_fakes.client_error("InvalidParameterValueException", {"message": "bad"}, "Put")
    ]
    iam = lambda_fakes.FakeIAM({ROLE_NAME: {}})
    clients = {"iam": iam, "events": lambda_fakes.FakeService(describe_event_bus=lambda Name: {"Arn": Name})}
    checks = DestinationChecks(lambda service, region: clients[service])
    granting = grant.Grant(checks)
    item = {"function_name": "my-function", "destination_config": {"on_failure": {"destination": BUS}}}
    top = dict(dict.fromkeys(CONFIG_OPTIONS), state="present", destination_retry_timeout=0)
    items = [("configs[0]", dict(top, **item))] if fleet else [(None, dict(top, **item))]
    outcomes = converge(client, build_requests(items, top, REGION), checks=checks, grant=granting)

    with pytest.raises(Exited) as exited:
        module_file.report(FakeModule(), outcomes, fleet, granting, checks)

    result = exited.value.result
    policy = grant.policy_document([(BUS, None)])
    assert (result["failed"], result["changed"]) == (True, True)
    assert result["role_policies"] == [
        dict(
            role_arn=lambda_fakes.ROLE,
            policy_name=f"serverless-aws-lambda-destinations-{REGION}",
            functions=["my-function"],
            changed=True,
            policy=policy,
        )
    ]
    assert result["diff"][-1]["after"] == policy
    assert iam.role_policies[ROLE_NAME] == {f"serverless-aws-lambda-destinations-{REGION}": policy}
    if not fleet:
        assert result["msg"].startswith("Failed to put the event invoke config of function my-function")
        assert result["error"] == {"code": "InvalidParameterValueException", "message": "bad"}


# --- main() ---------------------------------------------------------------------------------------------------------


def test_main_predicts_a_change_in_check_mode_without_a_write(monkeypatch, capsys):
    client = lambda_fakes.FakeLambda({"my-function": {"$LATEST": {"MaximumRetryAttempts": 2}}})
    result = lambda_fakes.run_main(
        module_file,
        {
            "function_name": "my-function",
            "maximum_retry_attempts": 0,
            "_ansible_check_mode": True,
            "_ansible_diff": True,
        },
        {"lambda": client},
        monkeypatch,
        capsys,
    )
    assert (result["changed"], result["event_invoke_config"]["maximum_retry_attempts"]) == (True, 0)
    assert (result["diff"]["before"]["maximum_retry_attempts"], result["diff"]["after"]["maximum_retry_attempts"]) == (
        2,
        0,
    )
    assert client.operations() == ["GetFunctionEventInvokeConfig"]


def test_main_refuses_a_bad_option_before_any_call(monkeypatch, capsys):
    client = lambda_fakes.FakeLambda({"my-function": {"$LATEST": None}})
    result = lambda_fakes.run_main(
        module_file,
        {"function_name": "my-function", "maximum_retry_attempts": 3},
        {"lambda": client},
        monkeypatch,
        capsys,
    )
    assert (result["failed"], result["option"]) == (True, "maximum_retry_attempts")
    assert client.calls == []
