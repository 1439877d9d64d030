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

import pytest
import yaml

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
    """'>=2.17.0' or '>=10.0.0,<12.0.0' -> (2, 17) or (10, 0)."""
    match = re.match(r"\s*>=\s*(\d+)\.(\d+)(?:\.\d+)?\s*(,|$)", spec)
    assert match, f"expected a '>=X.Y.Z' requirement, got {spec!r}"
    return int(match.group(1)), int(match.group(2))


def upper_major(spec):
    """'>=10.0.0,<12.0.0' -> 12."""
    match = re.search(r",\s*<\s*(\d+)\.0\.0\s*$", spec)
    assert match, f"expected an upper bound '<X.0.0', got {spec!r}"
    return int(match.group(1))


def test_matrix_starts_at_the_claimed_minimums():
    """The oldest environment of the matrix is exactly what meta/runtime.yml and galaxy.yml claim."""
    with open(os.path.join(ROOT, "meta", "runtime.yml"), encoding="utf-8") as stream:
        requires_ansible = lower_bound(yaml.safe_load(stream)["requires_ansible"])
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as stream:
        amazon_aws = lower_bound(yaml.safe_load(stream)["dependencies"]["amazon.aws"])
    oldest_core, oldest_amazon_aws = min(MATRIX.values())
    assert requires_ansible == tuple(int(part) for part in oldest_core.split("."))
    assert amazon_aws[0] == oldest_amazon_aws


def test_amazon_aws_upper_bound_is_the_next_major_after_the_newest_tested():
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as stream:
        spec = yaml.safe_load(stream)["dependencies"]["amazon.aws"]
    assert upper_major(spec) == max(major for _core, major in MATRIX.values()) + 1


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
