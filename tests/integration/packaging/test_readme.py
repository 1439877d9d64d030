# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""README.md as a new user follows it: its order, its links from the installed tarball, its commands."""

import json
import os
import re
import shutil
import socket
import tarfile

import pytest

from tests.emulator.harness import Emulator

SECTIONS = [
    "Included content",
    "Requirements",
    "Installation",
    "Try it without AWS",
    "Quick start",
    "Audit",
    "Every account and region",
    "AWX and execution environments",
    "Development and tests",
    "Contributing",
    "Communication",
    "Release and support policy",
    "License",
]
REPOSITORY = "https://github.com/serverless-aws-lambda/serverless.aws_lambda/"


def readme(tools):
    with open(os.path.join(tools.ROOT, "README.md"), encoding="utf-8") as stream:
        return stream.read()


def bash_blocks(tools):
    return re.findall(r"```bash\n(.*?)```", readme(tools), re.DOTALL)


def yaml_blocks(tools):
    return re.findall(r"```yaml\n(.*?)```", readme(tools), re.DOTALL)


def test_sections_go_from_what_it_is_to_development_and_the_contents_list_them(tools):
    assert re.findall(r"^## (.+)$", readme(tools), re.MULTILINE) == SECTIONS
    contents = re.search(r"^Contents: (.*?)\n\n", readme(tools), re.MULTILINE | re.DOTALL).group(1)
    anchors = [(name, f"#{name.lower().replace(' ', '-')}") for name in SECTIONS]
    assert re.findall(r"\[([^\]]+)\]\((#[^)]+)\)", contents) == anchors


def test_relative_links_point_at_files_the_tarball_ships(tools, collection_tarball):
    """Galaxy renders the README from the tarball: a relative link to an unshipped file would be dead there."""
    with tarfile.open(collection_tarball) as tarball:
        shipped = set(tarball.getnames())
    links = re.findall(r"\]\(([^)#]+)\)", readme(tools))
    relative = [link for link in links if not link.startswith("https://")]
    assert relative
    assert [link for link in relative if link.rstrip("/") not in shipped] == []
    for link in links:
        if link.startswith((REPOSITORY + "blob/", REPOSITORY + "tree/")):
            path = re.sub(r"^(blob|tree)/main/", "", link[len(REPOSITORY) :])
            assert os.path.exists(os.path.join(tools.ROOT, path)), link


def test_make_commands_are_makefile_targets(tools):
    targets = [
        line.split()[1] for block in bash_blocks(tools) for line in block.splitlines() if line.startswith("make ")
    ]
    assert {"demo", "test"} <= set(targets)
    for target in targets:
        completed = tools.run([shutil.which("make"), "-n", target], env=tools.bare_env())
        assert completed.returncode == 0, tools.output_of(completed)


def test_make_demo_runs_as_written(tools):
    """The README's first command: the demo checks its own results (scripts/run_demo.py) and exits 1 otherwise."""
    env = {key: value for key, value in tools.bare_env().items() if not key.startswith("MAKE")}
    completed = tools.run([shutil.which("make"), "demo"], env=env)
    assert completed.returncode == 0, tools.output_of(completed)
    assert completed.stdout.rstrip().endswith("Demo complete."), tools.output_of(completed)


def shims(tmp_path, **scripts):
    """A directory of shell scripts that go first on PATH, by command name."""
    directory = tmp_path / "shims"
    directory.mkdir()
    for name, body in scripts.items():
        (directory / name).write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        (directory / name).chmod(0o755)
    return str(directory)


def run_block(tools, block, cwd, shim_dir, **env):
    """One README block, line by line in bash -e, with the shims first on PATH."""
    env = tools.bare_env(**env)
    env["PATH"] = f"{shim_dir}{os.pathsep}{env['PATH']}"
    completed = tools.run([shutil.which("bash"), "-e", "-x", "-c", block], cwd=str(cwd), env=env)
    assert completed.returncode == 0, tools.output_of(completed)
    # pip is a shim that resolves the same arguments against what is installed (--dry-run --no-index): boto3 and
    # botocore must be among them, already there.
    assert "Would install" not in completed.stdout, tools.output_of(completed)
    assert re.search(r"Requirement already satisfied: boto3>=", completed.stdout), tools.output_of(completed)
    return completed


def pip_shim(tools):
    return f'exec "{tools.BIN}/python" -m pip "$@" --dry-run --no-index'


def test_install_with_galaxy_runs_as_written(tools, tmp_path, collection_tarball):
    """The Galaxy block with a new HOME: ansible-galaxy is a shim that installs the built tarball where Galaxy's
    would go (amazon.aws from site-packages, as Galaxy is out of reach), so the pip line finds requirements.txt."""
    (block,) = [block for block in bash_blocks(tools) if "collection install serverless.aws_lambda" in block]
    real = f'"{tools.BIN}/ansible-galaxy"'
    galaxy = f'[ "$3" = serverless.aws_lambda ] && exec {real} "$1" "$2" --no-deps "{collection_tarball}"'
    home = tmp_path / "home"
    home.mkdir()
    run_block(tools, block, home, shims(tmp_path, pip=pip_shim(tools), **{"ansible-galaxy": galaxy}), HOME=str(home))
    installed = home / ".ansible" / "collections" / "ansible_collections" / "serverless" / "aws_lambda"
    assert (installed / "MANIFEST.json").is_file()


def test_install_without_galaxy_runs_as_written(tools, tmp_path):
    """The no-Galaxy block in a copy of the repository."""
    (block,) = [block for block in bash_blocks(tools) if "collection build --output-path dist/" in block]
    assert "-r requirements.txt" in block
    clone = tmp_path / "clone"
    shutil.copytree(
        tools.ROOT,
        clone,
        symlinks=True,
        ignore=shutil.ignore_patterns(".git", ".venv*", ".build", "__pycache__", "*.tar.gz", "dist"),
    )
    collections = tmp_path / "collections"
    completed = run_block(
        tools, block, clone, shims(tmp_path, pip=pip_shim(tools)), ANSIBLE_COLLECTIONS_PATH=str(collections)
    )
    version = re.escape(tools.load_yaml("galaxy.yml")["version"])
    assert re.search(rf"serverless\.aws_lambda\s+{version}", completed.stdout), tools.output_of(completed)
    assert (collections / "ansible_collections" / "serverless" / "aws_lambda" / "MANIFEST.json").is_file()


@pytest.mark.parametrize("path", ["examples/awx_requirements.yml", "examples/execution-environment.yml"])
def test_files_the_commands_name_exist(tools, path):
    assert any(path in block for block in bash_blocks(tools)), path
    assert os.path.isfile(os.path.join(tools.ROOT, path))


def quick_start_playbook(tools):
    """The quick start's play with the fleet task and the audit's tasks after its own, as the README adds them."""
    (play,) = [block for block in yaml_blocks(tools) if block.startswith("- name:")]
    tasks = [block for block in yaml_blocks(tools) if block.startswith("    - name:")]
    assert len(tasks) == 2, tasks
    return play + "".join(tasks)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def exported(text):
    """The variables of the ``export`` lines of ``text``."""
    lines = [line for line in text.splitlines() if line.startswith("export ")]
    return dict(pair.split("=", 1) for line in lines for pair in line.split()[1:])


def test_try_it_without_aws_then_quick_start_and_audit_run_as_written(tools, installed_collections, tmp_path):
    """The "Try it without AWS" section, then the README's playbook text, unchanged, on the installed tarball: the
    environment is what make try printed (only its port differs from the README's). Run twice: the second run
    changes nothing. Then make try-stop ends the emulator."""
    make = [shutil.which("make"), "--no-print-directory"]
    env = {key: value for key, value in tools.bare_env().items() if not key.startswith("MAKE")}
    port = free_port()
    started = tools.run([*make, "try", f"TRY_PORT={port}"], env=env)
    try:
        assert started.returncode == 0, tools.output_of(started)
        block, _stop = [block for block in bash_blocks(tools) if "make try" in block]
        printed = exported(started.stdout)
        assert printed == dict(exported(block), AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}")
        queue_arn = re.search(r"queue (arn:\S+)", started.stdout).group(1)

        playbook = tmp_path / "quick_start.yml"
        playbook.write_text(quick_start_playbook(tools), encoding="utf-8")
        run_env = tools.bare_env(
            ANSIBLE_COLLECTIONS_PATH=str(installed_collections),
            ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
            HOME=str(tmp_path),
            **printed,
        )
        runs = []
        for _run in range(2):
            completed = tools.run(["ansible-playbook", str(playbook)], env=run_env, cwd=str(tmp_path))
            assert completed.returncode == 0, tools.output_of(completed)
            runs.append(json.loads(completed.stdout))
        assert [run["stats"]["localhost"]["changed"] for run in runs] == [2, 0]
        check_quick_start_results(runs, Emulator(None, printed["AWS_ENDPOINT_URL"], ""), queue_arn)
    finally:
        stopped = tools.run([*make, "try-stop"], env=env)
    assert stopped.returncode == 0, tools.output_of(stopped)
    assert "stopped" in stopped.stdout, tools.output_of(stopped)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


def check_quick_start_results(runs, emulator, queue_arn):
    """What the quick start, fleet and audit tasks leave, as AWS (the emulator) has it."""
    lambda_client = emulator.client("lambda")
    prod = lambda_client.get_function_event_invoke_config(FunctionName="my-function", Qualifier="prod")
    assert (prod["MaximumRetryAttempts"], prod["MaximumEventAgeInSeconds"]) == (1, 3600)
    assert prod["DestinationConfig"]["OnFailure"] == {"Destination": queue_arn}
    fleet = {
        config["FunctionArn"].split(":", 6)[6]: config
        for name in ("orders", "billing")
        for config in lambda_client.list_function_event_invoke_configs(FunctionName=name)["FunctionEventInvokeConfigs"]
    }
    assert {key: config["MaximumEventAgeInSeconds"] for key, config in fleet.items()} == {
        "orders:$LATEST": 3600,
        "orders:prod": 3600,
        "billing:live": 3600,
    }
    assert fleet["orders:$LATEST"]["MaximumRetryAttempts"] == 0
    assert fleet["billing:live"]["MaximumRetryAttempts"] == 2

    # The audit's debug task names every config that sends failures nowhere: the fleet's three.
    (debug,) = [task for task in runs[1]["plays"][0]["tasks"] if task["task"]["name"].startswith("List configs")]
    unsent = debug["hosts"]["localhost"]["msg"]
    assert sorted(arn.split(":", 6)[6] for arn in unsent) == ["billing:live", "orders:$LATEST", "orders:prod"]
