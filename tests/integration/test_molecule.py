# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run every molecule scenario under extensions/molecule against a freshly reset emulator.

Each scenario's sequence includes molecule's idempotence step, which fails when the second converge
changes anything.
"""

import os
import subprocess
import sys

import pytest

EXTENSIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "extensions")
SCENARIOS = sorted(
    name
    for name in os.listdir(os.path.join(EXTENSIONS, "molecule"))
    if os.path.exists(os.path.join(EXTENSIONS, "molecule", name, "molecule.yml"))
)


MOLECULE = os.path.join(os.path.dirname(sys.executable), "molecule")


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_molecule_scenario(ansible_env, scenario):
    # The emulator starts empty, but molecule keeps "prepared: true" from an earlier run and would
    # skip prepare: start from fresh molecule state too.
    subprocess.run(
        [MOLECULE, "reset", "--scenario-name", scenario],
        cwd=EXTENSIONS,
        env=ansible_env,
        capture_output=True,
        check=True,
    )
    completed = subprocess.run(
        [MOLECULE, "test", "--scenario-name", scenario],
        cwd=EXTENSIONS,
        env=ansible_env,
        capture_output=True,
        text=True,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-20000:]
    assert "idempotence" in output
