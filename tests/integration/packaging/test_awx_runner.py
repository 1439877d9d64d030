# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The demo playbook run as an AWX job template runs it: ansible_runner.run() on a private data directory.

The private data directory is laid out as AWX writes it: project/ (the playbook, with the collection
installed from its tarball into project/collections as a project sync does), inventory/hosts, env/envvars
and env/extravars. env/envvars holds only what AWX's "Amazon Web Services" credential injects
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SECURITY_TOKEN when the credential has a token) plus the
endpoint (AWS_URL) and region (AWS_REGION) a user sets for a non-AWS endpoint. The job types are "Check"
(--check) and "Run".
"""

import os
import shutil

import ansible_runner
import pytest
import yaml

from tests.emulator.harness import ACCESS_KEY
from tests.emulator.harness import SECRET_KEY

MODULE = "serverless.aws_lambda.lambda_event_invoke_config"
CONFIGURED = 3  # the demo's one configs task configures $LATEST, version 1 and the alias live
INVENTORY = '[local]\nlocalhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n'


def write_yaml(path, data):
    with open(path, "w", encoding="utf-8") as stream:
        yaml.safe_dump(data, stream)


@pytest.fixture
def demo_resources(tools, ansible_env, tmp_path):
    """The demo's function, versions, alias and destinations (playbooks/demo_resources.yml)."""
    # TMPDIR: the role builds its deployment package there; keep it apart from other test processes.
    env = dict(ansible_env, TMPDIR=str(tmp_path))
    completed = tools.run(["ansible-playbook", os.path.join(tools.ROOT, "playbooks", "demo_resources.yml")], env=env)
    assert completed.returncode == 0, tools.output_of(completed)


@pytest.fixture
def synced_project(tools, tmp_path, collection_tarball):
    """The project as a project sync leaves it: the playbook, and the collection installed from its tarball."""
    project = tmp_path / "project-sync"
    project.mkdir()
    shutil.copy2(os.path.join(tools.ROOT, "playbooks", "demo.yml"), project / "demo.yml")
    installed = tools.run(
        [
            "ansible-galaxy",
            "collection",
            "install",
            "--no-deps",
            "-p",
            str(project / "collections"),
            str(collection_tarball),
        ],
        env=tools.bare_env(ANSIBLE_COLLECTIONS_PATH=str(project / "collections")),
    )
    assert installed.returncode == 0, tools.output_of(installed)
    return project


@pytest.fixture
def new_job(tmp_path, synced_project, emulator):
    """Returns a function that writes a fresh private data directory for one job, as AWX does for each job."""

    def write_private_data_dir(name):
        pdd = tmp_path / name
        shutil.copytree(synced_project, pdd / "project", symlinks=True)
        (pdd / "inventory").mkdir()
        (pdd / "inventory" / "hosts").write_text(INVENTORY, encoding="utf-8")
        (pdd / "env").mkdir()
        # The credential's injection (its access key has no STS token, so no AWS_SECURITY_TOKEN), then the
        # endpoint and region.
        envvars = {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
        envvars.update(AWS_URL=emulator.url, AWS_REGION="us-east-1")
        write_yaml(pdd / "env" / "envvars", envvars)
        write_yaml(pdd / "env" / "extravars", {"demo_state": "present", "demo_function": "demo-function"})
        return pdd

    return write_private_data_dir


@pytest.fixture
def awx_process_env(tools, monkeypatch):
    """ansible_runner.run() passes os.environ on: keep only what a job's process would have besides envvars."""
    for key in list(os.environ):
        if key.startswith(("AWS_", "ANSIBLE_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PATH", tools.BIN + os.pathsep + os.environ.get("PATH", ""))


def run_job(pdd, check=False):
    kwargs = dict(private_data_dir=str(pdd), playbook="demo.yml", quiet=True)
    if check:
        kwargs["cmdline"] = "--check"
    runner = ansible_runner.run(**kwargs)
    assert runner.status == "successful", runner.stdout.read()[-20000:]
    assert runner.rc == 0
    return runner


def module_results(runner):
    """event_data.res of every runner_on_ok event of lambda_event_invoke_config tasks, in task order."""
    return [
        event["event_data"]["res"]
        for event in runner.events
        if event["event"] == "runner_on_ok" and event["event_data"].get("resolved_action") == MODULE
    ]


def failed_events(runner):
    return [event for event in runner.events if event["event"] in ("runner_on_failed", "runner_on_unreachable")]


@pytest.mark.usefixtures("demo_resources", "awx_process_env")
def test_demo_as_awx_check_then_run_jobs(tools, new_job, emulator):
    emulator.clear_calls()
    check = run_job(new_job("check-job"), check=True)
    (result,) = module_results(check)
    assert result["changed"] is True
    assert [config["changed"] for config in result["configs"]] == [True] * CONFIGURED
    assert [config["event_invoke_config"]["last_modified"] for config in result["configs"]] == [None] * CONFIGURED
    assert not failed_events(check)
    assert tools.write_calls(emulator) == []
    lambda_client = emulator.client("lambda")
    assert (
        lambda_client.list_function_event_invoke_configs(FunctionName="demo-function")["FunctionEventInvokeConfigs"]
        == []
    )

    emulator.clear_calls()
    first = run_job(new_job("run-job"))
    (result,) = module_results(first)
    assert [config["changed"] for config in result["configs"]] == [True] * CONFIGURED
    assert first.stats["changed"] == {"localhost": 1}
    assert len(tools.write_calls(emulator)) == CONFIGURED
    configs = lambda_client.list_function_event_invoke_configs(FunctionName="demo-function")
    assert len(configs["FunctionEventInvokeConfigs"]) == CONFIGURED

    emulator.clear_calls()
    second = run_job(new_job("second-run-job"))
    (result,) = module_results(second)
    assert [config["changed"] for config in result["configs"]] == [False] * CONFIGURED
    assert second.stats["changed"] == {}
    assert tools.write_calls(emulator) == []
