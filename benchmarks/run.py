# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmarks of serverless.aws_lambda.lambda_event_invoke_config against a fresh local AWS emulator.

Run by ``make benchmark`` (or ``python benchmarks/run.py --help``). In one run, side by side:

1. AWS API calls per run type (create, update, no-op, check mode, absent), read from the call log;
2. per-task wall and CPU time of a 50-task loop, this module against amazon.aws.lambda_alias, and a
   cProfile of one run of each;
3. a fleet of 200 configs (50 functions x $LATEST, version 1 and two aliases) applied, then re-applied
   as a no-op, as a loop on localhost and as one inventory host per config with 10 and 20 forks.

Writes benchmarks/results/<timestamp>.md and .json and prints the path and the tables. Not a test:
nothing is asserted beyond each playbook having done what it should.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PLAYBOOKS = os.path.join(HERE, "playbooks")
INVENTORY = os.path.join(HERE, "inventory.ini")
RESULTS = os.path.join(HERE, "results")
BIN = os.path.dirname(sys.executable)
sys.path.insert(0, ROOT)  # run by path: the repository root, where the package tests.emulator lives

from profile_module import STAGES  # noqa: E402 - benchmarks/ is on sys.path when run.py runs as a script

from tests.emulator.harness import Emulator  # noqa: E402
from tests.emulator.harness import link_collection  # noqa: E402

OUR_MODULE = "ansible_collections.serverless.aws_lambda.plugins.modules.lambda_event_invoke_config"
PEER_MODULE = "ansible_collections.amazon.aws.plugins.modules.lambda_alias"
FLEET_QUALIFIERS = ("$LATEST", "1", "blue", "green")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
# Why a run type may make more calls than its floor (1 for a run that changes nothing, 2 for a change).
ABOVE_FLOOR_REASONS = {
    "check mode: create": (
        "GetFunctionEventInvokeConfig answers a missing function, version or alias with the same 404 as a "
        "missing config, so check mode also reads the function (GetFunctionConfiguration) to predict the "
        "failure a real run would report, and the FunctionArn of the config it would create"
    ),
}


# --- running playbooks ----------------------------------------------------------------------------------------------


class Measurement:
    """Wall time, CPU time of the ansible-playbook process tree, emulator CPU time, and the JSON report."""

    def __init__(self, wall, cpu, emulator_cpu, report):
        self.wall = wall
        self.cpu = cpu
        self.emulator_cpu = emulator_cpu
        self.report = report

    def stats(self):
        """Module runs that changed something and that failed, counting each loop item (all tasks, all hosts)."""
        totals = {"runs": 0, "changed": 0, "failures": 0}
        for play in self.report["plays"]:
            for task in play["tasks"]:
                for result in task["hosts"].values():
                    for item in result.get("results", [result]):
                        totals["runs"] += 1
                        totals["changed"] += bool(item.get("changed"))
                        totals["failures"] += bool(item.get("failed") or item.get("unreachable"))
        return totals


def process_cpu_seconds(pid):
    """User + system CPU seconds of a running process (Linux /proc); None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Runner:
    """Runs ansible-playbook against the emulator and measures each run."""

    def __init__(self, emulator, workdir):
        self.emulator = emulator
        self.workdir = workdir
        self.env = emulator.ansible_env(ANSIBLE_STDOUT_CALLBACK="ansible.posix.json")

    def playbook(self, name, extra_vars, inventory=INVENTORY, forks=None):
        variables = os.path.join(self.workdir, "vars.json")
        with open(variables, "w", encoding="utf-8") as handle:
            json.dump(extra_vars, handle)
        command = [os.path.join(BIN, "ansible-playbook"), "-i", inventory, os.path.join(PLAYBOOKS, name)]
        command += ["-e", f"@{variables}"] + (["--forks", str(forks)] if forks else [])
        emulator_before = process_cpu_seconds(self.emulator.process.pid)
        cpu_before = children_cpu_seconds()
        started = time.monotonic()
        completed = subprocess.run(command, env=self.env, cwd=ROOT, capture_output=True, text=True, check=False)
        wall = time.monotonic() - started
        cpu = children_cpu_seconds() - cpu_before
        emulator_after = process_cpu_seconds(self.emulator.process.pid)
        if completed.returncode != 0:
            raise RuntimeError(
                f"{name} failed ({completed.returncode}):\n{completed.stdout[-4000:]}\n{completed.stderr[-4000:]}"
            )
        emulator_cpu = None if emulator_before is None else emulator_after - emulator_before
        return Measurement(wall, cpu, emulator_cpu, json.loads(completed.stdout))

    def profile(self, module, arguments, profile_path=None):
        command = [sys.executable, os.path.join(HERE, "profile_module.py"), module, json.dumps(arguments)]
        if profile_path:
            command += ["--profile", profile_path]
        completed = subprocess.run(command, env=self.env, capture_output=True, text=True, check=True)
        return json.loads(completed.stdout)


# --- AWS resources (boto3, straight to the emulator) -------------------------------------------------------------------


class Resources:
    def __init__(self, emulator):
        self.emulator = emulator
        self.lambda_client = emulator.client("lambda")
        sqs = emulator.client("sqs")
        url = sqs.create_queue(QueueName="benchmark-failure")["QueueUrl"]
        self.failure_queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]

    def function(self, name, aliases=()):
        """A function with version 1 and ``aliases`` pointing at it."""
        self.emulator.create_function(name, versions=1, aliases={alias: "1" for alias in aliases})

    def delete_configs(self, targets):
        for name, qualifier in targets:
            self.lambda_client.delete_function_event_invoke_config(FunctionName=name, Qualifier=qualifier)


# --- 1. API calls per run type ------------------------------------------------------------------------------------------


def run_types(function, queue):
    """The run types, in an order where each one finds the state it needs; (name, floor, arguments, check mode)."""
    full = {
        "function_name": function,
        "maximum_retry_attempts": 1,
        "maximum_event_age_in_seconds": 600,
        "destination_config": {"on_failure": {"destination": queue}},
    }
    return [
        ("create", 2, full, False),
        ("no-op", 1, full, False),
        ("update (Update: retries only)", 2, {"function_name": function, "maximum_retry_attempts": 0}, False),
        ("update (Put: remove a destination)", 2, {"function_name": function, "destination_config": {}}, False),
        ("check mode: create", 1, {"function_name": function, "qualifier": "1", "maximum_retry_attempts": 1}, True),
        ("check mode: update", 1, {"function_name": function, "maximum_retry_attempts": 2}, True),
        ("check mode: no-op", 1, {"function_name": function, "maximum_retry_attempts": 0}, True),
        ("absent: config present", 2, {"function_name": function, "state": "absent"}, False),
        ("absent: already absent", 1, {"function_name": function, "state": "absent"}, False),
    ]


def measure_api_calls(runner, resources):
    function = "benchmark-calls"
    resources.function(function)
    types = run_types(function, resources.failure_queue)
    output = os.path.join(runner.workdir, "api_calls.json")
    runner.playbook(
        "api_calls.yml",
        {
            "bench_run_types": [
                {"name": name, "args": args, "check_mode": check} for name, _floor, args, check in types
            ],
            "bench_output": output,
        },
    )
    with open(output, encoding="utf-8") as handle:
        measured = {entry["name"]: entry for entry in json.load(handle)}
    rows = []
    for name, floor, _args, _check in types:
        calls = measured[name]["calls"]
        count = len(calls)
        rows.append(
            {
                "run_type": name,
                "changed": measured[name]["changed"],
                "calls": count,
                "floor": floor,
                "operations": " + ".join(call["operation"] for call in calls),
                "above_floor_because": (
                    ABOVE_FLOOR_REASONS.get(name, "not explained: investigate") if count > floor else ""
                ),
            }
        )
    return rows


# --- 2. per-task cost against amazon.aws.lambda_alias ----------------------------------------------------------------------


def per_task_row(label, measurement, baseline, tasks, calls):
    return {
        "run": label,
        "tasks": tasks,
        "wall_seconds": round(measurement.wall, 2),
        "cpu_seconds": round(measurement.cpu, 2),
        "wall_per_task": round((measurement.wall - baseline.wall) / tasks, 3),
        "cpu_per_task": round((measurement.cpu - baseline.cpu) / tasks, 3),
        "api_calls_per_task": round(calls / tasks, 2),
        "emulator_cpu_per_task": (
            None if measurement.emulator_cpu is None else round(measurement.emulator_cpu / tasks, 3)
        ),
        "changed": measurement.stats()["changed"],
    }


def measure_per_task(runner, resources, tasks):
    function = "benchmark-aliases"
    resources.function(function)
    common = {"bench_function": function, "bench_alias_prefix": "bench-"}
    playbooks = {"ours": "per_task_event_invoke_config.yml", "peer": "per_task_lambda_alias.yml"}
    baselines = {who: runner.playbook(playbook, dict(common, bench_tasks=0)) for who, playbook in playbooks.items()}
    rows = {}
    # The peer creates the aliases our module then configures; each pair runs back to back.
    for phase in ("create", "no-op"):
        for who in ("peer", "ours"):
            runner.emulator.clear_calls()
            measurement = runner.playbook(playbooks[who], dict(common, bench_tasks=tasks))
            expected_changed = tasks if phase == "create" else 0
            if measurement.stats()["changed"] != expected_changed or measurement.stats()["failures"]:
                raise RuntimeError(f"{who} {phase}: unexpected stats {measurement.stats()}")
            label = ("lambda_event_invoke_config" if who == "ours" else "amazon.aws.lambda_alias") + f" ({phase})"
            rows[who, phase] = per_task_row(label, measurement, baselines[who], tasks, len(runner.emulator.calls()))
    ratios = {
        phase: {
            "wall": round(rows["ours", phase]["wall_per_task"] / rows["peer", phase]["wall_per_task"], 2),
            "cpu": round(rows["ours", phase]["cpu_per_task"] / rows["peer", phase]["cpu_per_task"], 2),
        }
        for phase in ("create", "no-op")
    }
    baseline_rows = {
        who: {"wall_seconds": round(m.wall, 2), "cpu_seconds": round(m.cpu, 2)} for who, m in baselines.items()
    }
    return {"rows": list(rows.values()), "ratios": ratios, "baselines": baseline_rows, "function": function}


def measure_profiles(runner, function, workdir):
    """One no-op run of each module, timed (three times, best kept) and profiled (once)."""
    cases = {
        "lambda_event_invoke_config": (
            OUR_MODULE,
            {
                "function_name": function,
                "qualifier": "bench-00",
                "maximum_retry_attempts": 1,
                "maximum_event_age_in_seconds": 3600,
            },
        ),
        "amazon.aws.lambda_alias": (
            PEER_MODULE,
            {"function_name": function, "name": "bench-00", "function_version": "1"},
        ),
    }
    profiles = {}
    for label, (module, arguments) in cases.items():
        timed = [runner.profile(module, arguments) for _attempt in range(3)]
        best = min(timed, key=lambda summary: summary["cpu_seconds"])
        profiled = runner.profile(module, arguments, os.path.join(workdir, f"{label}.pstats"))
        if profiled["result"].get("changed") is not False or profiled["result"].get("failed"):
            raise RuntimeError(f"profiled run of {label} was not a no-op: {profiled['result']}")
        profiles[label] = {
            "wall_seconds": best["wall_seconds"],
            "cpu_seconds": best["cpu_seconds"],
            "profiled_seconds": profiled["profiled_seconds"],
            "stages": profiled["stages"],
            "own_code_seconds": profiled["own_code_seconds"],
            "top_functions": profiled["top_functions"],
        }
    return profiles


# --- 3. fleet ---------------------------------------------------------------------------------------------------------------


def fleet_items(functions):
    items = []
    for index in range(functions):
        for position, qualifier in enumerate(FLEET_QUALIFIERS):
            number = index * len(FLEET_QUALIFIERS) + position
            items.append(
                {
                    "function_name": f"fleet-{index:03d}",
                    "qualifier": qualifier,
                    "maximum_retry_attempts": number % 3,
                    "maximum_event_age_in_seconds": 60 * (1 + number % 360),
                }
            )
    return items


def fleet_inventory(workdir, items):
    hosts = {
        f"config-{number:04d}": {f"bench_{key}": value for key, value in item.items()}
        for number, item in enumerate(items)
    }
    local = {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}
    path = os.path.join(workdir, "fleet_inventory.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"all": {"children": {"fleet": {"hosts": hosts, "vars": local}}}}, handle)
    return path


def measure_fleet(runner, resources, functions, forks):
    for index in range(functions):
        resources.function(f"fleet-{index:03d}", aliases=("blue", "green"))
    items = fleet_items(functions)
    targets = [(item["function_name"], item["qualifier"]) for item in items]
    inventory = fleet_inventory(runner.workdir, items)
    patterns = [("loop on localhost", "fleet_loop.yml", INVENTORY, None)]
    patterns += [(f"hosts, forks {count}", "fleet_hosts.yml", inventory, count) for count in forks]
    rows = []
    for label, playbook, pattern_inventory, pattern_forks in patterns:
        extra_vars = {"bench_fleet": items, "bench_failure_destination": resources.failure_queue}
        for phase in ("apply", "re-apply (no-op)"):
            measurement = runner.playbook(playbook, extra_vars, inventory=pattern_inventory, forks=pattern_forks)
            stats = measurement.stats()
            expected_changed = len(items) if phase == "apply" else 0
            if stats["changed"] != expected_changed or stats["failures"]:
                raise RuntimeError(f"fleet {label} {phase}: unexpected stats {stats}")
            rows.append(
                {
                    "pattern": label,
                    "phase": phase,
                    "configs": len(items),
                    "wall_seconds": round(measurement.wall, 1),
                    "wall_per_config": round(measurement.wall / len(items), 3),
                    "cpu_seconds": round(measurement.cpu, 1),
                    "cpu_per_config": round(measurement.cpu / len(items), 3),
                    "emulator_cpu_seconds": (
                        None if measurement.emulator_cpu is None else round(measurement.emulator_cpu, 1)
                    ),
                }
            )
        resources.delete_configs(targets)
    return rows


# --- reporting --------------------------------------------------------------------------------------------------------------


def table(rows, columns):
    lines = ["| " + " | ".join(title for title, _key in columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = []
        for _title, key in columns:
            value = row.get(key)
            cells.append("" if value is None else str(value).replace("|", "\\|"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def environment():
    def command_output(*command):
        try:
            return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return None

    import ansible  # noqa: PLC0415 - only for its version
    import boto3  # noqa: PLC0415
    import botocore  # noqa: PLC0415

    return {
        "cpus": os.cpu_count(),
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "python": platform.python_version(),
        "ansible_core": ansible.__version__,
        "boto3": boto3.__version__,
        "botocore": botocore.__version__,
        "git_commit": command_output("git", "rev-parse", "--short", "HEAD"),
    }


def markdown(results):
    env = results["environment"]
    out = [f"# Benchmark results {results['timestamp']}", ""]
    out.append(
        f"Machine: {env['cpus']} CPUs, load average at start {env['load_average_start']}, at end {env['load_average_end']}; "
        f"Python {env['python']}, ansible-core {env['ansible_core']}, boto3 {env['boto3']}, botocore {env['botocore']}, "
        f"commit {env['git_commit']} (plus uncommitted changes, if any). Emulator: tests/emulator (moto), local."
    )
    out += ["", "## 1. AWS API calls per run type", ""]
    out.append(
        table(
            results["api_calls"],
            [
                ("run type", "run_type"),
                ("changed", "changed"),
                ("calls", "calls"),
                ("floor", "floor"),
                ("operations", "operations"),
                ("above the floor because", "above_floor_because"),
            ],
        )
    )
    per_task = results["per_task"]
    out += ["", f"## 2. Per-task cost, {per_task['rows'][0]['tasks']}-task loop, against amazon.aws.lambda_alias", ""]
    out.append(
        "Per task = (run time - the same playbook with an empty loop) / tasks. CPU = user + system time of the "
        "ansible-playbook process tree (getrusage RUSAGE_CHILDREN); the emulator's own CPU is shown apart."
    )
    out.append("")
    out.append(
        table(
            per_task["rows"],
            [
                ("run", "run"),
                ("wall s", "wall_seconds"),
                ("CPU s", "cpu_seconds"),
                ("wall s/task", "wall_per_task"),
                ("CPU s/task", "cpu_per_task"),
                ("API calls/task", "api_calls_per_task"),
                ("emulator CPU s/task", "emulator_cpu_per_task"),
            ],
        )
    )
    out.append("")
    ratio_rows = [
        {"phase": phase, "wall": ratio["wall"], "cpu": ratio["cpu"]} for phase, ratio in per_task["ratios"].items()
    ]
    out.append("Ratio lambda_event_invoke_config / amazon.aws.lambda_alias (per task):")
    out.append("")
    out.append(table(ratio_rows, [("phase", "phase"), ("wall", "wall"), ("CPU", "cpu")]))
    out.append("")
    baselines = per_task["baselines"]
    out.append(
        f"Fixed cost of a playbook run (empty loop): ours {baselines['ours']['wall_seconds']} s wall / "
        f"{baselines['ours']['cpu_seconds']} s CPU, peer {baselines['peer']['wall_seconds']} s / {baselines['peer']['cpu_seconds']} s."
    )
    out += ["", "### One module run (no-op), outside Ansible's task machinery", ""]
    profile_rows = []
    for label, profile in results["profiles"].items():
        row = {
            "module": label,
            "wall": profile["wall_seconds"],
            "cpu": profile["cpu_seconds"],
            "profiled": profile["profiled_seconds"],
        }
        row.update(profile["stages"])
        row["own code"] = profile["own_code_seconds"]
        profile_rows.append(row)
    stage_columns = [("module", "module"), ("wall s", "wall"), ("CPU s", "cpu"), ("profiled s", "profiled")]
    stage_columns += [(name + " s", name) for name in results["profile_stages"]]
    stage_columns.append(("collection's own code s", "own code"))
    out.append(table(profile_rows, stage_columns))
    out.append("")
    out.append(
        "Stages are cumulative cProfile times (profiler overhead included, and the stages overlap: the client "
        "is created inside the module's code, imports happen inside the import of the module). "
        "'collection's own code' is the time spent in the lines of plugins/ themselves."
    )
    fleet = results.get("fleet")
    if fleet:
        out += ["", f"## 3. Fleet: {fleet[0]['configs']} configs", ""]
        out.append(
            table(
                fleet,
                [
                    ("pattern", "pattern"),
                    ("phase", "phase"),
                    ("wall s", "wall_seconds"),
                    ("wall s/config", "wall_per_config"),
                    ("CPU s", "cpu_seconds"),
                    ("CPU s/config", "cpu_per_config"),
                    ("emulator CPU s", "emulator_cpu_seconds"),
                ],
            )
        )
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description="Benchmark lambda_event_invoke_config against the local emulator.")
    parser.add_argument("--tasks", type=int, default=50, help="tasks in the per-task loop (default 50)")
    parser.add_argument(
        "--fleet-functions", type=int, default=50, help="functions in the fleet, 4 configs each (default 50)"
    )
    parser.add_argument(
        "--forks", type=int, nargs="+", default=[10, 20], help="forks of the hosts pattern (default 10 20)"
    )
    parser.add_argument("--skip-fleet", action="store_true", help="leave out the fleet (the longest part)")
    options = parser.parse_args()

    link_collection()
    os.makedirs(RESULTS, exist_ok=True)
    timestamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    results = {"timestamp": timestamp, "environment": environment()}
    results["environment"]["load_average_start"] = results["environment"].pop("load_average")
    with Emulator.start(python=sys.executable) as emulator, tempfile.TemporaryDirectory(prefix="benchmark-") as workdir:
        runner = Runner(emulator, workdir)
        resources = Resources(emulator)
        print("1/3 API calls per run type ...", flush=True)
        results["api_calls"] = measure_api_calls(runner, resources)
        print(f"2/3 per-task cost, {options.tasks} tasks each ...", flush=True)
        results["per_task"] = measure_per_task(runner, resources, options.tasks)
        results["profiles"] = measure_profiles(runner, results["per_task"]["function"], workdir)
        results["profile_stages"] = [name for name, _suffix, _function in STAGES]
        if not options.skip_fleet:
            configs = options.fleet_functions * len(FLEET_QUALIFIERS)
            print(f"3/3 fleet of {configs} configs ...", flush=True)
            results["fleet"] = measure_fleet(runner, resources, options.fleet_functions, options.forks)
    results["environment"]["load_average_end"] = [round(value, 2) for value in os.getloadavg()]
    report = markdown(results)
    path = os.path.join(RESULTS, timestamp)
    with open(path + ".json", "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2)
    with open(path + ".md", "w", encoding="utf-8") as handle:
        handle.write(report)
    print(report)
    print(f"Results: {path}.md and {path}.json")


if __name__ == "__main__":
    main()
