# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One module_defaults block for group/serverless.aws_lambda.aws configures amazon.aws modules too.

meta/runtime.yml puts amazon.aws.aws into the group with ``metadata: extend_group``. The playbook runs in
an environment without AWS_* variables and with an empty HOME (no ~/.aws), so the endpoint, region and
credentials can only come from module_defaults.
"""

import os

from tests.emulator.harness import ACCESS_KEY
from tests.emulator.harness import SECRET_KEY


def isolated_env(tools, installed_collections, home):
    env = tools.bare_env(ANSIBLE_COLLECTIONS_PATH=str(installed_collections), HOME=str(home))
    assert not [key for key in env if key.startswith("AWS_")]
    return env


def test_without_module_defaults_amazon_aws_has_no_credentials(tools, installed_collections, clean_emulator, tmp_path):
    """The control: the same environment gives an amazon.aws module no credentials of its own."""
    completed = tools.run(
        [
            "ansible",
            "localhost",
            "-i",
            os.path.join(tools.PLAYBOOKS, "inventory.ini"),
            "-m",
            "amazon.aws.aws_caller_info",
            "-a",
            f"region=us-east-1 endpoint_url={clean_emulator.url}",
        ],
        env=isolated_env(tools, installed_collections, tmp_path),
        cwd=str(tmp_path),
    )
    assert completed.returncode != 0, tools.output_of(completed)
    assert "credentials" in completed.stdout.lower(), tools.output_of(completed)


def test_group_defaults_reach_both_collections(tools, installed_collections, lambda_function, clean_emulator, tmp_path):
    completed = tools.run(
        [
            "ansible-playbook",
            "-i",
            os.path.join(tools.PLAYBOOKS, "inventory.ini"),
            "-e",
            f"packaging_endpoint_url={clean_emulator.url}",
            "-e",
            f"packaging_access_key={ACCESS_KEY}",
            "-e",
            f"packaging_secret_key={SECRET_KEY}",
            "-e",
            "packaging_function_name=" + lambda_function["name"],
            os.path.join(tools.PLAYBOOKS, "module_defaults.yml"),
        ],
        env=isolated_env(tools, installed_collections, tmp_path),
        cwd=str(tmp_path),
    )
    assert completed.returncode == 0, tools.output_of(completed)
    assert "failed=0" in completed.stdout

    operations = [call["operation"] for call in clean_emulator.calls()]
    assert "GetCallerIdentity" in operations
    assert "PutFunctionEventInvokeConfig" in operations
    config = clean_emulator.client("lambda").get_function_event_invoke_config(FunctionName=lambda_function["name"])
    assert config["MaximumRetryAttempts"] == 0
