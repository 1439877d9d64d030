# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX example's job playbook run as its two job templates run it: ansible_runner.run() on a private data
directory laid out as AWX writes it.

project/ holds examples/event_invoke_config_job.yml (the job templates' playbook), as a project sync leaves it;
the collection is installed from its tarball in a directory on ANSIBLE_COLLECTIONS_PATH, where the example's
execution environment has it; inventory/hosts is the example's host;
env/envvars holds only what AWX's "Amazon Web Services" credential injects (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY) plus the endpoint (AWS_URL) a user sets for a non-AWS endpoint, so the region must come
from the playbook; env/extravars holds what examples/awx_job_templates.yml gives each job template: the drift
template's extra variables, or the apply template's extra variables and its survey's answers (the defaults, as
AWX sends them when nobody changes them). The drift job runs with --check --diff, the apply job with --diff.
"""

import itertools
import os
import re
import shutil

import ansible_runner
import pytest
import yaml

from tests.emulator.harness import ACCESS_KEY
from tests.emulator.harness import SECRET_KEY

MODULE = "serverless.aws_lambda.lambda_event_invoke_config"
SETUP = "examples/awx_job_templates.yml"


def write_yaml(path, data):
    with open(path, "w", encoding="utf-8") as stream:
        yaml.safe_dump(data, stream)


@pytest.fixture(scope="module")
def example(tools):
    (play,) = tools.load_yaml(SETUP)
    desired = play["vars"]["awx_desired"]

    def resolve(value):
        """The example's "{{ awx_desired.x }}" references, as its setup playbook renders them for AWX."""
        match = re.fullmatch(r"\{\{ awx_desired\.(\w+) \}\}", value) if isinstance(value, str) else None
        return desired[match.group(1)] if match else value

    templates = {
        task["awx.awx.job_template"]["job_type"]: task["awx.awx.job_template"]
        for task in play["tasks"]
        if "awx.awx.job_template" in task
    }
    (host,) = [task["awx.awx.host"] for task in play["tasks"] if "awx.awx.host" in task]
    drift, apply = templates["check"], templates["run"]
    survey = apply["survey_spec"]["spec"]
    return dict(
        playbook=play["vars"]["awx_playbook"],
        host=host["variables"],
        desired=desired,
        drift_vars={key: resolve(value) for key, value in drift["extra_vars"].items()},
        apply_vars=dict(
            {key: resolve(value) for key, value in apply["extra_vars"].items()},
            **{question["variable"]: resolve(question["default"]) for question in survey},
        ),
        survey={question["variable"]: question for question in survey},
    )


@pytest.fixture(scope="module")
def execution_environment_collections(tools, tmp_path_factory, collection_tarball):
    """The collection installed from its tarball, as the execution environment image has it."""
    path = tmp_path_factory.mktemp("ee") / "collections"
    installed = tools.run(
        ["ansible-galaxy", "collection", "install", "--no-deps", "-p", str(path), str(collection_tarball)],
        env=tools.bare_env(ANSIBLE_COLLECTIONS_PATH=str(path)),
    )
    assert installed.returncode == 0, tools.output_of(installed)
    return str(path)


@pytest.fixture
def job_process(monkeypatch, tools, execution_environment_collections):
    """ansible_runner.run() passes os.environ on: keep only what a job's process has in the execution
    environment besides envvars."""
    for key in list(os.environ):
        if key.startswith(("AWS_", "ANSIBLE_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PATH", tools.BIN + os.pathsep + os.environ.get("PATH", ""))
    monkeypatch.setenv("ANSIBLE_COLLECTIONS_PATH", execution_environment_collections)


@pytest.fixture
def run_job(tmp_path, clean_emulator, example, tools, job_process):  # noqa: ARG001 - job_process sets os.environ
    """Runs one job in a fresh private data directory, as AWX does for each job; returns the module's result."""
    numbers = itertools.count()

    def run(extravars, cmdline):
        pdd = tmp_path / f"job-{next(numbers)}"
        (pdd / "project" / os.path.dirname(example["playbook"])).mkdir(parents=True)
        shutil.copy2(os.path.join(tools.ROOT, example["playbook"]), pdd / "project" / example["playbook"])
        (pdd / "inventory").mkdir()
        host = " ".join(f"{key}='{value}'" for key, value in example["host"].items())
        (pdd / "inventory" / "hosts").write_text(f"localhost {host}\n", encoding="utf-8")
        (pdd / "env").mkdir()
        envvars = {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_URL": clean_emulator.url}
        write_yaml(pdd / "env" / "envvars", envvars)
        write_yaml(pdd / "env" / "extravars", extravars)
        runner = ansible_runner.run(
            private_data_dir=str(pdd), playbook=example["playbook"], cmdline=cmdline, quiet=True
        )
        assert runner.status == "successful", runner.stdout.read()[-20000:]
        (result,) = [
            event["event_data"]["res"]
            for event in runner.events
            if event["event"] == "runner_on_ok" and event["event_data"].get("resolved_action") == MODULE
        ]
        return result

    return run


def test_drift_then_surveyed_apply_jobs(run_job, clean_emulator, example, tools):
    desired = example["desired"]
    name, qualifier = desired["function_name"], desired["qualifier"]
    clean_emulator.create_function(name, versions=1, aliases={qualifier: "1"})
    topic = clean_emulator.client("sns", region=desired["aws_region"]).create_topic(Name="set-elsewhere")
    queue = clean_emulator.create_queue("failures", region=desired["aws_region"])
    lambda_client = clean_emulator.client("lambda", region=desired["aws_region"])
    lambda_client.put_function_event_invoke_config(
        FunctionName=name,
        Qualifier=qualifier,
        MaximumRetryAttempts=2,
        DestinationConfig={"OnSuccess": {"Destination": topic["TopicArn"]}},
    )
    clean_emulator.clear_calls()

    # The drift job reports the difference and writes nothing.
    drift = run_job(example["drift_vars"], "--check --diff")
    assert drift["changed"] is True
    assert drift["diff"]["before"]["maximum_retry_attempts"] == 2
    assert drift["diff"]["after"]["maximum_retry_attempts"] == desired["maximum_retry_attempts"]
    assert tools.write_calls(clean_emulator) == []

    # The apply job with the survey's defaults: the settings, and no destination at all, as the survey says.
    assert "removes a success destination set elsewhere" in example["survey"]["failure_destination"][
        "question_description"
    ].replace("\n", " ")
    assert run_job(example["apply_vars"], "--diff")["changed"] is True
    config = lambda_client.get_function_event_invoke_config(FunctionName=name, Qualifier=qualifier)
    assert config["MaximumRetryAttempts"] == desired["maximum_retry_attempts"]
    assert config["MaximumEventAgeInSeconds"] == desired["maximum_event_age_in_seconds"]
    assert config["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}

    # A failure destination answered in the survey; the same answers again change nothing.
    answers = dict(example["apply_vars"], failure_destination=queue)
    assert run_job(answers, "--diff")["changed"] is True
    config = lambda_client.get_function_event_invoke_config(FunctionName=name, Qualifier=qualifier)
    assert config["DestinationConfig"]["OnFailure"] == {"Destination": queue}
    clean_emulator.clear_calls()
    assert run_job(answers, "--diff")["changed"] is False
    assert tools.write_calls(clean_emulator) == []
