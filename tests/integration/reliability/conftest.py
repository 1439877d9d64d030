# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the reliability tests: Lambda resources in the reset emulator and a runner for this directory's playbooks."""

import json
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from reliability_support import ANSIBLE_PLAYBOOK  # noqa: E402
from reliability_support import HERE  # noqa: E402
from reliability_support import INVENTORY  # noqa: E402
from reliability_support import PLAYBOOK_TIMEOUT  # noqa: E402
from reliability_support import AwsResources  # noqa: E402
from reliability_support import PlaybookRun  # noqa: E402


@pytest.fixture
def aws(clean_emulator):
    """The destinations and a factory of functions, in the freshly reset emulator."""
    return AwsResources(clean_emulator)


class PlaybookRunner:
    """Runs a playbook of this directory against the reset emulator (see the ``run_playbook`` fixture)."""

    def __init__(self, env, tmp_path):
        self.env = env
        self.tmp_path = tmp_path

    def _command(self, playbook, extra_vars, *, env, args, callback, unset, inventory):
        variables = self.tmp_path / f"vars-{playbook}.json"
        variables.write_text(json.dumps(extra_vars or {}), encoding="utf-8")
        run_env = dict(self.env, ANSIBLE_STDOUT_CALLBACK=callback)
        run_env.update(env or {})
        for name in unset:
            run_env.pop(name, None)
        command = [ANSIBLE_PLAYBOOK, "-i", inventory, os.path.join(HERE, playbook), "-e", f"@{variables}", *args]
        return command, run_env

    def __call__(
        self,
        playbook,
        extra_vars=None,
        *,
        env=None,
        args=(),
        callback="ansible.posix.json",
        unset=(),
        inventory=INVENTORY,
    ):
        command, run_env = self._command(
            playbook, extra_vars, env=env, args=args, callback=callback, unset=unset, inventory=inventory
        )
        completed = subprocess.run(
            command, env=run_env, cwd=HERE, capture_output=True, text=True, timeout=PLAYBOOK_TIMEOUT, check=False
        )
        return PlaybookRun(completed)

    def start(
        self, playbook, extra_vars=None, *, env=None, args=(), callback="ansible.posix.json", inventory=INVENTORY
    ):
        """Start the playbook in the background; ``finish(process)`` waits for it and returns the PlaybookRun."""
        command, run_env = self._command(
            playbook, extra_vars, env=env, args=args, callback=callback, unset=(), inventory=inventory
        )
        return subprocess.Popen(
            command, env=run_env, cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    @staticmethod
    def finish(process):
        try:
            stdout, stderr = process.communicate(timeout=PLAYBOOK_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
        return PlaybookRun(subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr))


@pytest.fixture
def run_playbook(ansible_env, tmp_path):
    """Run a playbook of this directory: ``run_playbook("name.yml", extra_vars={...}, env={...}, args=[...])``.

    The ansible.posix.json callback is used unless ``callback`` says otherwise, so results can be read
    per task and per loop item. ``unset`` names environment variables to remove for the run;
    ``inventory`` replaces the localhost-only inventory of this directory. ``run_playbook.start()``
    and ``run_playbook.finish()`` run one in the background.
    """
    return PlaybookRunner(ansible_env, tmp_path)


@pytest.fixture
def host_inventory(tmp_path):
    """Write an inventory whose hosts stand for configs: ``host_inventory({"host": {"var": value}})`` returns its path.

    Every host runs its modules locally with the Python that runs ansible-playbook.
    """

    def write(hosts):
        inventory = tmp_path / "inventory.json"
        local = {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}
        inventory.write_text(json.dumps({"all": {"hosts": hosts, "vars": local}}), encoding="utf-8")
        return str(inventory)

    return write


@pytest.fixture(scope="session")
def shared_runs():
    """Results shared by the parametrized cases of one playbook run (run by the first case, read by the others)."""
    return {}


@pytest.fixture
def run_fleet(run_playbook):
    """Run apply_fleet.yml: ``run_fleet(configs, options={...}, env={...}, args=())`` returns a PlaybookRun."""

    def run(configs, options=None, env=None, args=()):
        variables = {"fleet_configs": configs, "fleet_options": options or {}}
        return run_playbook("apply_fleet.yml", variables, env=env, args=args)

    return run
