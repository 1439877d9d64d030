# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``make try`` and ``make try-stop``: the README's quick start, fleet and audit without an AWS account.

``start`` runs the local AWS emulator (tests/emulator) in the background on ``--port``, creates exactly what the
README's snippets use (the functions my-function, orders and billing, each with version 1, the aliases prod and
live, and the queue my-function-failures, in us-east-1 of account 123456789012), and prints the environment to
export. ``stop`` ends it. The emulator's process id and log are in .build/try/.
"""

import argparse
import os
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # run by path: the repository root, where the package tests.emulator lives

from tests.emulator.harness import ACCESS_KEY  # noqa: E402
from tests.emulator.harness import DEFAULT_REGION  # noqa: E402
from tests.emulator.harness import SECRET_KEY  # noqa: E402
from tests.emulator.harness import SERVER_COMMAND  # noqa: E402
from tests.emulator.harness import Emulator  # noqa: E402

STATE = os.path.join(ROOT, ".build", "try")
PID_FILE = os.path.join(STATE, "emulator.pid")
LOG_FILE = os.path.join(STATE, "emulator.log")
# What the README's snippets name: function -> aliases of its version 1.
FUNCTIONS = {"my-function": ("prod",), "orders": ("prod",), "billing": ("live",)}
QUEUE = "my-function-failures"


def running_pid():
    """The emulator's process id when one started by ``start`` still runs, else None."""
    try:
        with open(PID_FILE, encoding="utf-8") as stream:
            pid = int(stream.read().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def wait_ready(process, timeout=120.0):
    """The URL the emulator prints once it accepts connections (its first stdout line, in the log)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        with open(LOG_FILE, encoding="utf-8", errors="replace") as stream:
            for line in stream:
                if line.startswith("emulator ready"):
                    return line.split()[-1]
        time.sleep(0.2)  # polling a log file the server writes: nothing to wait on instead
    process.kill()
    with open(LOG_FILE, encoding="utf-8", errors="replace") as stream:
        sys.exit(f"The emulator did not start; its log ({LOG_FILE}) ends with:\n{stream.read()[-3000:]}")


def start(port):
    if running_pid() is not None:
        sys.exit(f"An emulator started by 'make try' already runs (process {running_pid()}); 'make try-stop' ends it.")
    os.makedirs(STATE, exist_ok=True)
    with open(LOG_FILE, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, *SERVER_COMMAND, "--port", str(port)],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # it outlives make
        )
    url = wait_ready(process)
    with open(PID_FILE, "w", encoding="utf-8") as stream:
        stream.write(str(process.pid))
    emulator = Emulator(process, url, LOG_FILE)
    for name, aliases in FUNCTIONS.items():
        emulator.create_function(name, versions=1, aliases={alias: "1" for alias in aliases})
    queue = emulator.create_queue(QUEUE)
    print(f"The local AWS emulator runs at {url} (process {process.pid}, log {LOG_FILE}), with:")
    for name, aliases in FUNCTIONS.items():
        print(f"  function {name}: version 1, alias {', '.join(aliases)}")
    print(f"  queue {queue}")
    print("\nIn the shell where you run the README's playbooks, export:\n")
    print(f"export AWS_ENDPOINT_URL={url}")
    print(f"export AWS_ACCESS_KEY_ID={ACCESS_KEY}")
    print(f"export AWS_SECRET_ACCESS_KEY={SECRET_KEY}")
    print(f"export AWS_REGION={DEFAULT_REGION}")
    print("\n'make try-stop' ends the emulator (and forgets everything it holds).")


def stop():
    pid = running_pid()
    if pid is None:
        print("No emulator started by 'make try' runs.")
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and running_pid() is not None:
        time.sleep(0.1)  # another process's exit: no handle to wait on
    if running_pid() is not None:
        os.kill(pid, signal.SIGKILL)
    os.remove(PID_FILE)
    print(f"The emulator (process {pid}) stopped.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--port", type=int, default=5000, help="the emulator's port (default 5000)")
    options = parser.parse_args()
    if options.action == "start":
        start(options.port)
    else:
        stop()


if __name__ == "__main__":
    main()
