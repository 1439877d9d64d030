# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The version matrix: the integration targets under the oldest and the newest Ansible the collection claims.

.venv (ansible 12: ansible-core 2.19, amazon.aws 10) runs everything else. The Makefile makes two more
virtual environments (``make matrix-setup``): .venv-core217 (ansible-core 2.17, the oldest that
meta/runtime.yml claims, with amazon.aws 10, the oldest that galaxy.yml claims) and .venv-core221
(ansible 14: ansible-core 2.21, amazon.aws 11). Each molecule scenario of extensions/molecule runs here
step by step with that environment's ansible-playbook, as molecule runs it (syntax, prepare, converge,
idempotence, verify), against this session's emulator: molecule itself needs a newer ansible-core.

Without those environments the tests are skipped, unless VERSION_MATRIX=required (set by ``make test``
and ``make matrix``), where a missing environment fails.
"""

import json
import os
import re
import shutil
import zipfile

import pytest
import yaml

from ansible_collections.serverless.aws_lambda.plugins.module_utils import modules

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SCENARIOS = os.path.join(ROOT, "extensions", "molecule")
# Virtual environment -> (ansible-core major.minor, amazon.aws major) it must contain.
MATRIX = {
    ".venv-core217": ("2.17", 10),
    ".venv-core221": ("2.21", 11),
}
SCENARIO_NAMES = sorted(
    name for name in os.listdir(SCENARIOS) if os.path.exists(os.path.join(SCENARIOS, name, "molecule.yml"))
)
INVENTORY = {
    "all": {
        "hosts": {
            "localhost": {
                "ansible_connection": "local",
                "ansible_python_interpreter": "{{ ansible_playbook_python }}",
            }
        }
    }
}
RECAP = re.compile(r"^localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.MULTILINE)


def venv_bin(venv):
    """The bin directory of ``venv``; skips (or fails, with VERSION_MATRIX=required) when it is missing."""
    path = os.path.join(ROOT, venv, "bin")
    if not os.path.exists(os.path.join(path, "ansible-playbook")):
        message = f"{venv} is missing: run `make matrix-setup`"
        if os.environ.get("VERSION_MATRIX") == "required":
            pytest.fail(message)
        pytest.skip(message)
    return path


def lower_bound(spec):
    """'>=2.17.0' or '>=10.0.0' -> (2, 17) or (10, 0)."""
    match = re.match(r"\s*>=\s*(\d+)\.(\d+)(?:\.\d+)?\s*(,|$)", spec)
    assert match, f"expected a '>=X.Y.Z' requirement, got {spec!r}"
    return int(match.group(1)), int(match.group(2))


def test_matrix_starts_at_the_claimed_minimums():
    """The oldest environment of the matrix is exactly what meta/runtime.yml and galaxy.yml claim."""
    with open(os.path.join(ROOT, "meta", "runtime.yml"), encoding="utf-8") as stream:
        requires_ansible = lower_bound(yaml.safe_load(stream)["requires_ansible"])
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as stream:
        amazon_aws = lower_bound(yaml.safe_load(stream)["dependencies"]["amazon.aws"])
    oldest_core, oldest_amazon_aws = min(MATRIX.values())
    assert requires_ansible == tuple(int(part) for part in oldest_core.split("."))
    assert amazon_aws[0] == oldest_amazon_aws


def test_amazon_aws_has_a_lower_bound_and_the_readme_names_the_tested_majors():
    """As community.aws: galaxy.yml only bounds amazon.aws from below; the README says which majors are tested."""
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as stream:
        spec = yaml.safe_load(stream)["dependencies"]["amazon.aws"]
    assert "<" not in spec
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as stream:
        (line,) = [line for line in stream if line.startswith("- `amazon.aws` >=")]
    assert sorted(
        {int(version.split(".")[0]) for version in re.findall(r"tested with ([\d.]+) and ([\d.]+)", line)[0]}
    ) == sorted({major for _core, major in MATRIX.values()}), line


@pytest.mark.parametrize("venv", sorted(MATRIX))
def test_environment_has_the_versions_it_stands_for(tools, venv):
    path = venv_bin(venv)
    core, amazon_aws_major = MATRIX[venv]
    completed = tools.run([os.path.join(path, "ansible-playbook"), "--version"])
    assert completed.returncode == 0, tools.output_of(completed)
    assert re.match(rf"ansible-playbook \[core {re.escape(core)}\.\d+\]", completed.stdout), completed.stdout
    completed = tools.run(
        [os.path.join(path, "ansible-galaxy"), "collection", "list", "amazon.aws", "--format", "json"]
    )
    assert completed.returncode == 0, tools.output_of(completed)
    versions = [entry["version"] for found in json.loads(completed.stdout).values() for entry in found.values()]
    assert versions, completed.stdout
    # The first one listed is the one Ansible uses (the environment's site-packages here).
    assert int(versions[0].split(".")[0]) == amazon_aws_major, versions


def playbook(tools, path, env, scenario, name, *options):
    completed = tools.run(
        [os.path.join(path, "ansible-playbook"), "-i", env["MATRIX_INVENTORY"], *options, name],
        env=env,
        cwd=os.path.join(SCENARIOS, scenario),
    )
    assert completed.returncode == 0, tools.output_of(completed)
    return completed


def recap(completed):
    """(changed, failed) of localhost in the PLAY RECAP of the last play."""
    found = RECAP.findall(completed.stdout)
    assert found, completed.stdout[-5000:]
    _ok, changed, unreachable, failed = (int(value) for value in found[-1])
    assert unreachable == 0
    return changed, failed


def scenario_params():
    for venv in sorted(MATRIX):
        for scenario in SCENARIO_NAMES:
            yield pytest.param(venv, scenario, id=f"{venv}-{scenario}")


@pytest.mark.parametrize(("venv", "scenario"), list(scenario_params()))
def test_integration_scenario(tools, ansible_env, tmp_path, venv, scenario):
    path = venv_bin(venv)
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(yaml.safe_dump(INVENTORY), encoding="utf-8")
    env = dict(
        ansible_env,
        # That environment's tools and Python (the modules run with ansible_playbook_python: its boto3).
        PATH=path + os.pathsep + ansible_env["PATH"],
        MATRIX_INVENTORY=str(inventory),
        TMPDIR=str(tmp_path),
    )
    playbook(tools, path, env, scenario, "converge.yml", "--syntax-check")
    playbook(tools, path, env, scenario, "prepare.yml")
    first = playbook(tools, path, env, scenario, "converge.yml")
    changed, failed = recap(first)
    assert failed == 0
    assert changed > 0, "the first converge changed nothing:\n" + first.stdout[-5000:]
    second = playbook(tools, path, env, scenario, "converge.yml")
    assert recap(second) == (0, 0), "not idempotent:\n" + second.stdout[-5000:]
    verify = playbook(tools, path, env, scenario, "verify.yml")
    assert recap(verify)[1] == 0


OLD_AMAZON_AWS = os.path.join(ROOT, ".build", "amazon-aws-8")


@pytest.fixture(scope="session")
def old_amazon_aws(tools):
    """amazon.aws 8.2.1, as the ansible 10.7.0 package (ansible-core 2.17) carries it, in a collections path: the
    wheel is downloaded from PyPI once and only amazon/aws is unpacked."""
    manifest = os.path.join(OLD_AMAZON_AWS, "ansible_collections", "amazon", "aws", "MANIFEST.json")
    if not os.path.exists(manifest):
        download = os.path.join(OLD_AMAZON_AWS, "download")
        completed = tools.run(
            [
                "python",
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                "ansible==10.7.0",
                "-d",
                download,
            ]
        )
        assert completed.returncode == 0, tools.output_of(completed)
        (wheel,) = os.listdir(download)
        with zipfile.ZipFile(os.path.join(download, wheel)) as archive:
            archive.extractall(
                OLD_AMAZON_AWS,
                [name for name in archive.namelist() if name.startswith("ansible_collections/amazon/aws/")],
            )
        shutil.rmtree(download)
    return OLD_AMAZON_AWS


def test_minimum_amazon_aws_of_the_modules_is_galaxy_yml_s():
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as stream:
        spec = yaml.safe_load(stream)["dependencies"]["amazon.aws"]
    assert lower_bound(spec) == tuple(int(part) for part in modules.MINIMUM_AMAZON_AWS.split(".")[:2])


def test_an_older_amazon_aws_is_refused_with_both_versions(tools, ansible_env, old_amazon_aws):
    """ansible 10's amazon.aws 8 found first (as after `--no-deps` on an ansible 10 install): the module says which
    version it found, which it needs and how to upgrade, instead of running an untested combination."""
    path = venv_bin(".venv-core217")
    env = dict(
        ansible_env, ANSIBLE_COLLECTIONS_PATH=os.pathsep.join([old_amazon_aws, ansible_env["ANSIBLE_COLLECTIONS_PATH"]])
    )
    completed = tools.run(
        [
            os.path.join(path, "ansible"),
            "localhost",
            "-m",
            "serverless.aws_lambda.lambda_event_invoke_config_info",
            "-a",
            "function_name=my-function",
            "-e",
            f"ansible_python_interpreter={os.path.join(path, 'python')}",
        ],
        env=env,
    )
    assert completed.returncode != 0
    said = " ".join(completed.stdout.replace("''", "'").split())  # the default callback folds the msg
    assert "needs amazon.aws 10.0.0 or later, and Ansible loaded amazon.aws 8.2.1. Upgrade it" in said, tools.output_of(
        completed
    )
