# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The demo (``make demo``): event invoke configs applied to a local AWS emulator, as a user would run them.

Starts the emulator, creates the demo's function and destinations, then runs playbooks/demo.yml four
times: in check mode with --diff (no write call reaches AWS), for real, again (nothing changes), and
with demo_state=absent to clean up. Exits non-zero if any step does not behave that way.
"""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # run by path: the repository root, where the package tests.emulator lives

from tests.emulator.harness import Emulator  # noqa: E402

WRITE_OPERATIONS = {
    "PutFunctionEventInvokeConfig",
    "UpdateFunctionEventInvokeConfig",
    "DeleteFunctionEventInvokeConfig",
}
RECAP_RE = re.compile(r"^localhost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.MULTILINE)


def run_playbook(title, env, playbook, *args):
    """Run one playbook, echo its output, and return its PLAY RECAP counts."""
    print("\n" + "=" * 78 + "\n" + title + "\n" + "=" * 78, flush=True)
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), playbook, *args]
    completed = subprocess.run(command, cwd=ROOT, env=env, text=True, capture_output=True, check=False)
    print(completed.stdout, completed.stderr, sep="", flush=True)
    recap = RECAP_RE.search(completed.stdout)
    if completed.returncode != 0 or recap is None:
        sys.exit(f"demo failed: {title} exited {completed.returncode}")
    ok, changed, unreachable, failed = (int(group) for group in recap.groups())
    return dict(ok=ok, changed=changed, unreachable=unreachable, failed=failed)


def write_calls(emulator):
    return [call for call in emulator.calls() if call["operation"] in WRITE_OPERATIONS]


def config_reads(emulator):
    """The event invoke config reads of the task (the info module's List comes after it)."""
    reads = [call["operation"] for call in emulator.calls() if "EventInvokeConfig" in call["operation"]]
    return reads[:1]


def expect(condition, message):
    if not condition:
        sys.exit("demo failed: " + message)
    print("demo check passed: " + message, flush=True)


def main():
    demo = os.path.join(ROOT, "playbooks", "demo.yml")
    with Emulator.start() as emulator:
        env = emulator.ansible_env()
        run_playbook(
            "Create the function, its versions and alias, and the destinations",
            env,
            os.path.join(ROOT, "playbooks", "demo_resources.yml"),
        )

        emulator.clear_calls()
        recap = run_playbook("1. Check mode: what would change (--check --diff)", env, demo, "--check", "--diff")
        expect(recap["changed"] == 1, "check mode reports the task that would create the 3 configs")
        expect(not write_calls(emulator), "check mode sent no write call to AWS")
        expect(
            config_reads(emulator) == ["ListFunctionEventInvokeConfigs"], "the task read the function's configs once"
        )

        emulator.clear_calls()
        recap = run_playbook("2. The real run (--diff)", env, demo, "--diff")
        expect(recap["changed"] == 1, "the real run changed the configs")
        expect(len(write_calls(emulator)) == 3, "the real run created the 3 configs, one write each")

        emulator.clear_calls()
        recap = run_playbook("3. The same playbook again: nothing to do", env, demo)
        expect(recap["changed"] == 0, "the re-run changed nothing (changed=0)")
        expect(not write_calls(emulator), "the re-run sent no write call")

        emulator.clear_calls()
        recap = run_playbook("4. Clean up (demo_state=absent)", env, demo, "-e", "demo_state=absent")
        expect(len(write_calls(emulator)) == 3, "the clean-up removed the 3 configs")
    print("\nDemo complete.")


if __name__ == "__main__":
    main()
