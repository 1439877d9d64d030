# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the reliability tests share: constants, Lambda resources made with boto3, and playbook results.

Resources are created with boto3 rather than the setup_lambda_resources role: the role costs an
ansible-playbook run per test, boto3 a fraction of a second.
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
INVENTORY = os.path.join(HERE, "inventory.ini")
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
REGION = "us-east-1"
ACCOUNT = "123456789012"
QUALIFIERS = ("$LATEST", "1", "2", "live", "blue")
ALIASES = {"live": "1", "blue": "2"}
EVENT_INVOKE_CONFIG_OPERATIONS = (
    "GetFunctionEventInvokeConfig",
    "PutFunctionEventInvokeConfig",
    "UpdateFunctionEventInvokeConfig",
    "DeleteFunctionEventInvokeConfig",
)
# botocore retries throttling and 5xx answers by itself (legacy mode: up to 5 attempts) before the
# module's AWSRetry sees them. Tests that count calls or bound a run's length turn botocore's own
# retries off, so that every retry in the call log is the module's and a failing run ends sooner.
MODULE_RETRIES_ONLY = {"AWS_RETRY_MODE": "standard", "AWS_MAX_ATTEMPTS": "1"}
# Hang guard for one ansible-playbook run (not a timing assertion): the longest legitimate run is a
# fault that never clears, which the module gives up on after about 10 attempts (at most ~2 minutes).
PLAYBOOK_TIMEOUT = 600


def normalized(config):
    """A Get/Put response (or None) as the four settings, with AWS's empty shapes as None."""
    if config is None:
        return None
    destinations = config.get("DestinationConfig") or {}
    return {
        "retries": config.get("MaximumRetryAttempts"),
        "event_age": config.get("MaximumEventAgeInSeconds"),
        "on_success": (destinations.get("OnSuccess") or {}).get("Destination"),
        "on_failure": (destinations.get("OnFailure") or {}).get("Destination"),
    }


class AwsResources:
    """Functions (each with versions 1 and 2 and aliases live -> 1, blue -> 2) and destinations, in the emulator."""

    def __init__(self, emulator):
        self.emulator = emulator
        self.lambda_client = emulator.client("lambda")
        self.success_queue = emulator.create_queue("reliability-success")
        self.failure_queue = emulator.create_queue("reliability-failure")
        self.fifo_queue = emulator.create_queue("reliability-queue.fifo", FifoQueue="true")
        sns = emulator.client("sns")
        self.topic = sns.create_topic(Name="reliability-topic")["TopicArn"]
        self.fifo_topic = sns.create_topic(Name="reliability-topic.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
        emulator.client("s3").create_bucket(Bucket="reliability-failed-events")
        self.bucket = "arn:aws:s3:::reliability-failed-events"

    def functions(self, count, prefix="reliability-fn"):
        """Create ``count`` functions with their versions and aliases; returns their names."""
        names = [f"{prefix}-{index:02d}" for index in range(count)]
        for name in names:
            self.emulator.create_function(name, versions=2, aliases=ALIASES)
        return names

    def function_arn(self, name):
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"

    def put_config(self, name, qualifier, *, retries=None, event_age=None, on_success=None, on_failure=None):
        """Write a config directly (as another tool or person would), bypassing the module."""
        params = {"FunctionName": name, "Qualifier": qualifier}
        if retries is not None:
            params["MaximumRetryAttempts"] = retries
        if event_age is not None:
            params["MaximumEventAgeInSeconds"] = event_age
        params["DestinationConfig"] = {
            "OnSuccess": {"Destination": on_success} if on_success else {},
            "OnFailure": {"Destination": on_failure} if on_failure else {},
        }
        self.lambda_client.put_function_event_invoke_config(**params)

    def config(self, name, qualifier):
        """The config of (name, qualifier) as normalized settings, or None when there is none."""
        try:
            found = self.lambda_client.get_function_event_invoke_config(FunctionName=name, Qualifier=qualifier)
        except self.lambda_client.exceptions.ResourceNotFoundException:
            return None
        return normalized(found)


class PlaybookRun:
    """The outcome of one ansible-playbook run; ``report`` is the ansible.posix.json document when that callback ran."""

    def __init__(self, completed):
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.report = None
        if completed.stdout.lstrip().startswith("{"):
            self.report = json.loads(completed.stdout)

    @property
    def output(self):
        return self.stdout + self.stderr

    def results(self, task_name, host="localhost"):
        """The results of the task named ``task_name`` on ``host``: one per loop item (a list)."""
        for play in self.report["plays"]:
            for task in play["tasks"]:
                if task["task"]["name"] == task_name:
                    result = task["hosts"][host]
                    return result.get("results", [result])
        raise AssertionError(f"no task named {task_name!r} ran; output:\n{self.output[-5000:]}")

    def result(self, task_name, host="localhost"):
        (only,) = self.results(task_name, host)
        return only

    def stats(self, host="localhost"):
        return self.report["stats"][host]
