# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmarks of serverless.aws_lambda.lambda_event_invoke_config against a fresh local AWS emulator.

Run by ``make benchmark`` (or ``python benchmarks/run.py --help``). In one run, side by side:

1. AWS API calls per run type (create, update, no-op, check mode, absent), read from the call log;
2. per-task wall and CPU time of a 50-task loop, this module against amazon.aws.lambda_alias, and a
   cProfile of one run of each;
3. a fleet of 200 configs (50 functions x $LATEST, version 1 and two aliases) as one task (configs):
   applied from nothing and re-applied as a no-op, with the rate limit lifted, at the default limit and
   with 100 ms of simulated latency, in check mode, and the no-op re-apply as a loop of 200 single-config
   tasks. Each case's own time is its playbook's minus the same playbook with a one-config task; each
   case prints its targets and whether they were met.
4. with --scale, region audits of 250 functions at 40 ms latency and 200 configs on one rejected queue;
5. with --destinations, the check-mode preflight of 200 configs on 4 roles and 10 destinations, against the
   same run with validate_destinations false, and a region audit of 250 functions with metrics_hours; the
   call counts are checked against the preflight's and GetMetricData's bounds (PASS or FAIL).

Writes benchmarks/results/<timestamp>.md and .json and prints the path and the tables. Not a test:
nothing is asserted beyond each playbook having done what it should; a missed target is reported, not
raised.
"""

import argparse
import collections
import datetime
import json
import os
import platform
import resource
import statistics
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

from tests.emulator.harness import DELIVERY_POLICY  # noqa: E402
from tests.emulator.harness import DESTINATIONS_POLICY  # noqa: E402
from tests.emulator.harness import TRUST_POLICY  # noqa: E402
from tests.emulator.harness import Emulator  # noqa: E402
from tests.emulator.harness import link_collection  # noqa: E402
from tests.emulator.harness import max_calls_in_window  # noqa: E402

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

    def playbook(self, name, extra_vars):
        variables = os.path.join(self.workdir, "vars.json")
        with open(variables, "w", encoding="utf-8") as handle:
            json.dump(extra_vars, handle)
        command = [os.path.join(BIN, "ansible-playbook"), "-i", INVENTORY, os.path.join(PLAYBOOKS, name)]
        command += ["-e", f"@{variables}"]
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

    def function(self, name, aliases=(), role=None):
        """A function with version 1 and ``aliases`` pointing at it; ``role`` None: the emulator's execution role."""
        self.emulator.create_function(name, versions=1, aliases={alias: "1" for alias in aliases}, role=role)

    def delete_configs(self, targets):
        """Delete the configs of ``targets`` (function, qualifier); those already absent are skipped."""
        for name, qualifier in targets:
            try:
                self.lambda_client.delete_function_event_invoke_config(FunctionName=name, Qualifier=qualifier)
            except self.lambda_client.exceptions.ResourceNotFoundException:
                pass


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

# The fleet's module options: the failure destination is a top-level default, the items set the rest.
WRITE_OPERATIONS = {
    "PutFunctionEventInvokeConfig",
    "UpdateFunctionEventInvokeConfig",
    "DeleteFunctionEventInvokeConfig",
}
DEFAULT_RATE = 10  # the module's default max_requests_per_second
LATENCY = 0.1  # seconds added to every Lambda call by the emulator in the latency cases
BASELINE_FUNCTION = "fleet-baseline"


def fleet_function(index, prefix="fleet"):
    return f"{prefix}-{index:03d}"


def fleet_items(functions, drift=0, prefix="fleet"):
    """One item per function and qualifier; ``drift`` shifts the retries, so that every item would change."""
    items = []
    for index in range(functions):
        for position, qualifier in enumerate(FLEET_QUALIFIERS):
            number = index * len(FLEET_QUALIFIERS) + position
            items.append(
                {
                    "function_name": fleet_function(index, prefix),
                    "qualifier": qualifier,
                    "maximum_retry_attempts": (number + drift) % 3,
                    "maximum_event_age_in_seconds": 60 * (1 + number % 360),
                }
            )
    return items


class FleetCase:
    """One row of the fleet table: a playbook run, what it should do, and the target it is held to."""

    def __init__(self, label, kind, *, rate=DEFAULT_RATE, latency=False, check=False, drift=0, loop=False):
        self.label = label
        self.kind = kind  # "apply" (from nothing) or "re-apply" (nothing to change)
        self.rate = rate
        self.latency = latency
        self.check = check
        self.drift = drift
        self.loop = loop

    def extra_vars(self, items, destination):
        if self.loop:
            return {"bench_fleet": items, "bench_failure_destination": destination}
        return {
            "bench_configs": items,
            "bench_max_rps": self.rate,
            "bench_check": self.check,
            "bench_failure_destination": destination,
        }

    @property
    def playbook(self):
        return "fleet_loop.yml" if self.loop else "fleet_task.yml"


def fleet_cases():
    """The cases in the order they run; each finds the state it needs (run.py empties the fleet before "apply")."""
    return [
        FleetCase("apply from nothing, one task, no rate limit", "apply", rate=0),
        FleetCase("re-apply (no-op), one task, no rate limit", "re-apply", rate=0),
        FleetCase("check mode with changes (drift), one task, default limit", "re-apply", check=True, drift=1),
        FleetCase("re-apply (no-op), loop of single-config tasks", "re-apply", loop=True),
        FleetCase("check mode from nothing, one task, no rate limit", "apply", rate=0, check=True),
        FleetCase("apply from nothing, one task, default limit", "apply"),
        FleetCase("re-apply (no-op), one task, default limit", "re-apply"),
        FleetCase(
            f"apply from nothing, one task, default limit, {LATENCY * 1000:.0f} ms latency", "apply", latency=True
        ),
        FleetCase(
            f"re-apply (no-op), one task, default limit, {LATENCY * 1000:.0f} ms latency", "re-apply", latency=True
        ),
    ]


def fleet_task_results(measurement):
    """The per-config results of the playbook's one task (a fleet task's configs, or a loop's items)."""
    (play,) = measurement.report["plays"]
    (task,) = play["tasks"]
    result = task["hosts"]["localhost"]
    return result.get("configs") or result.get("results", [])


def target(case, row, loop_wall):
    """(What the case is held to, whether it was met); None when the case has only the call-count expectations."""
    calls, own, wall = row["calls"], row["own_seconds"], row["wall_seconds"]
    added = row["configs"] - 1
    if case.loop:
        return None
    if case.check:
        return None
    if case.rate == 0:
        per_config = 0.005 if case.kind == "re-apply" else 0.010
        limit = per_config * added
        text = f"task <= {limit:.2f} s ({per_config * 1000:.0f} ms per added config)"
        met = own <= limit
        if case.kind == "re-apply" and loop_wall and row["configs"] >= 200:
            text += f"; playbook >= 30x faster than the loop ({loop_wall:.1f} s / 30 = {loop_wall / 30:.2f} s)"
            met = met and wall * 30 <= loop_wall
        return text, met
    floor = calls / case.rate
    limit = 1.2 * floor if case.latency else 1.1 * floor + 1
    formula = "1.2 x floor" if case.latency else "1.1 x floor + 1 s"
    return f"task <= {limit:.1f} s ({formula}, floor {calls} / {case.rate} = {floor:.1f} s)", own <= limit


def measure_fleet(runner, resources, functions, baseline_runs):
    """Each case of fleet_cases(): the task's own time is its playbook's minus the same playbook with one config."""
    emulator = runner.emulator
    for index in range(functions):
        resources.function(fleet_function(index), aliases=("blue", "green"))
    resources.function(BASELINE_FUNCTION)
    baseline_item = {
        "function_name": BASELINE_FUNCTION,
        "qualifier": "$LATEST",
        "maximum_retry_attempts": 1,
        "maximum_event_age_in_seconds": 60,
    }
    targets = [(item["function_name"], item["qualifier"]) for item in fleet_items(functions)]
    destination = resources.failure_queue
    # The one-config baseline is a no-op on a config of its own, untouched by the cases.
    runner.playbook("fleet_task.yml", FleetCase("", "apply").extra_vars([baseline_item], destination))

    def baseline(case):
        """Wall times of the same playbook with one config, in the case's conditions."""
        one = case.extra_vars([baseline_item], destination)
        return [runner.playbook(case.playbook, one).wall for _run in range(baseline_runs)]

    rows = []
    loop_wall = None
    for number, case in enumerate(fleet_cases(), 1):
        print(f"    {number}. {case.label}", flush=True)
        if case.kind == "apply":
            resources.delete_configs(targets)
        if case.latency:
            emulator.set_latency(LATENCY, service="lambda")
        one_config = baseline(case)
        items = fleet_items(functions, drift=case.drift)
        emulator.clear_calls()
        measurement = runner.playbook(case.playbook, case.extra_vars(items, destination))
        calls = [call for call in emulator.calls(times=True) if call["service"] == "lambda"]
        one_config = statistics.median(one_config + baseline(case))
        emulator.clear_latency()
        results = fleet_task_results(measurement)
        changed = sum(bool(result.get("changed")) for result in results)
        failed = sum(bool(result.get("failed")) for result in results)
        expected_changed = len(items) if case.kind == "apply" or case.check else 0
        if changed != expected_changed or failed or len(results) != len(items):
            raise RuntimeError(f"fleet case {case.label!r}: {changed} changed, {failed} failed of {len(results)}")
        own = measurement.wall - one_config
        writes = sum(call["operation"] in WRITE_OPERATIONS for call in calls)
        if case.loop:
            loop_wall = measurement.wall
        row = {
            "case": case.label,
            "configs": len(items),
            "calls": len(calls),
            "writes": writes,
            "operations": dict(sorted(collections.Counter(call["operation"] for call in calls).items())),
            "max_calls_in_1s": max_calls_in_window(calls),
            "rate": case.rate if not case.loop else None,
            "wall_seconds": round(measurement.wall, 2),
            "one_config_seconds": round(one_config, 2),
            "own_seconds": round(own, 2),
            "cpu_seconds": round(measurement.cpu, 1),
            "checks": [],
            # Arrival times, relative to the first call: the evidence behind max_calls_in_1s.
            "call_times": [round(call["time"] - calls[0]["time"], 4) for call in calls] if calls else [],
        }
        row["checks"] += expectations(case, row, functions)
        rows.append(row)
    # The loop runs after the no-limit re-apply: its comparison is filled in once both are known.
    for case, row in zip(fleet_cases(), rows):
        held = target(case, row, loop_wall)
        if held:
            row["checks"].append({"target": held[0], "met": held[1]})
    return rows


def expectations(case, row, functions):
    """The call counts and rate each case must show (targets that do not depend on timing)."""
    checks = []
    configs = row["configs"]
    if case.loop:
        expected = configs
        checks.append(
            {
                "target": f"{expected} calls (one Get per task), 0 writes",
                "met": row["calls"] == expected and not row["writes"],
            }
        )
    elif case.check:
        reads = functions + (configs if case.kind == "apply" else 0)
        checks.append(
            {"target": f"reads only ({reads}), 0 writes", "met": row["writes"] == 0 and row["calls"] == reads}
        )
    elif case.kind == "apply":
        expected = functions + configs
        checks.append(
            {"target": f"{functions} + {configs} calls", "met": row["calls"] == expected and row["writes"] == configs}
        )
    else:
        checks.append(
            {
                "target": f"{functions} calls (one List per function), 0 writes",
                "met": row["calls"] == functions and not row["writes"],
            }
        )
    if case.rate and not case.loop:
        checks.append({"target": f"no 1 s window above {case.rate} calls", "met": row["max_calls_in_1s"] <= case.rate})
    return checks


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


def fleet_markdown(rows):
    """The fleet table: calls, time and each target with whether it was met."""
    table_rows = []
    for row in rows:
        table_rows.append(
            {
                "case": row["case"],
                "calls": f"{row['calls']} ({row['writes']} writes)",
                "window": row["max_calls_in_1s"],
                "time": f"{row['own_seconds']:.2f}",
                "playbook": f"{row['wall_seconds']:.2f} - {row['one_config_seconds']:.2f}",
                "targets": "; ".join(
                    f"{check['target']}: {'met' if check['met'] else 'MISSED'}" for check in row["checks"]
                ),
            }
        )
    columns = [
        ("case", "case"),
        ("calls", "calls"),
        ("time (task s)", "time"),
        ("playbook s - one-config playbook s", "playbook"),
        ("most calls in 1 s", "window"),
        ("targets", "targets"),
    ]
    notes = [
        "",
        "time = the playbook's wall time minus that of the same playbook with a one-config task (the median "
        "of the runs just before and just after). Calls are the Lambda calls in the emulator's call log; "
        "'most calls in 1 s' is max_calls_in_window over their arrival times.",
    ]
    return table(table_rows, columns) + "\n" + "\n".join(notes)


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
    per_task = results.get("per_task")
    if per_task:
        out += per_task_markdown(results)
    fleet = results.get("fleet")
    if fleet:
        out += ["", f"## 3. Fleet: {fleet[0]['configs']} configs", ""]
        out.append(fleet_markdown(fleet))
    scale = results.get("scale")
    if scale:
        out += ["", "## 4. Scale", ""]
        columns = [("case", "case"), ("wall s", "wall"), ("rc", "rc"), ("Lambda calls (writes for the queue)", "calls")]
        out.append(table(scale, columns + [("most Lambda calls in 1 s", "busiest_second")]))
    destinations = results.get("destinations")
    if destinations:
        out += destinations_markdown(destinations)
    if results.get("shared_roles"):
        out += shared_markdown(results["shared_roles"])
    return "\n".join(out) + "\n"


def verdicts(checks):
    return "; ".join(f"{'PASS' if check['met'] else 'FAIL'} {check['target']}" for check in checks)


def destinations_markdown(destinations):
    preflight, audit = destinations["preflight"], destinations["audit"]
    out = ["", f"## 5. Destinations: check-mode preflight of {preflight[0]['configs']} configs, audit with metrics", ""]
    out.append(
        f"{DESTINATION_ROLES} execution roles, {sum(count for count, _read in DESTINATION_KINDS.values())} destinations "
        f"({', '.join(f'{count} {kind}' for kind, (count, _read) in DESTINATION_KINDS.items())}). Calls per operation "
        "from the emulator's call log; the bounds hold the preflight to what it adds to the same run without it."
    )
    out.append("")
    rows = [dict(row, **row["operations"], bounds=verdicts(row["checks"])) for row in preflight]
    columns = [("case", "case"), ("wall s", "wall")]
    columns += [(operation, operation) for operation in PREFLIGHT_OPERATIONS]
    columns += [
        ("other calls", "other_calls"),
        ("most Lambda calls in 1 s", "lambda_busiest_second"),
        ("most other calls in 1 s", "other_busiest_second"),
        ("bounds", "bounds"),
    ]
    out.append(table(rows, columns))
    out.append("")
    grant = [dict(row, **row["operations"], bounds=verdicts(row["checks"])) for row in destinations.get("grant", [])]
    columns = [("case", "case"), ("wall s", "wall"), ("policies changed", "changed")]
    columns += [(operation, operation) for operation in GRANT_OPERATIONS]
    columns += [
        ("IAM calls per function", "iam_per_function"),
        ("most Lambda calls in 1 s", "lambda_busiest_second"),
        ("most IAM calls in 1 s", "iam_busiest_second"),
        ("bounds", "bounds"),
    ]
    out.append(table(grant, columns))
    out.append("")
    columns = [
        ("case", "case"),
        ("wall s", "wall"),
        ("functions in the region", "functions"),
        ("configs returned", "configs"),
        ("Lambda calls", "lambda_calls"),
        ("GetMetricData calls", "metric_calls"),
        ("bounds", "bounds"),
    ]
    out.append(table([dict(audit, bounds=verdicts(audit["checks"]))], columns))
    return out


def per_task_markdown(results):
    per_task = results["per_task"]
    out = []
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
    return out


# --- 4. Scale: region audit, one rejected destination shared by many configs -------------------------------------------


def ad_hoc(runner, module, arguments, check=False):
    """Run ``module`` once with ansible's ad-hoc command (``--check`` with ``check``).

    Returns (wall seconds, return code, the module's result, the emulator's calls of the run with their times).
    """
    command = [os.path.join(BIN, "ansible"), "localhost", "-i", INVENTORY, "-m", f"serverless.aws_lambda.{module}"]
    if arguments:  # ad hoc refuses '{}' as raw params
        # Through a file: a thousand configs on the command line pass the kernel's limit ("Argument list too long").
        # A value that is one Jinja expression templates to the variable itself, so types are kept.
        path = os.path.join(runner.workdir, "ad_hoc_arguments.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump({"ad_hoc_arguments": arguments}, handle)
        command += ["-e", f"@{path}", "-a", " ".join(f"{key}={{{{ ad_hoc_arguments.{key} }}}}" for key in arguments)]
    command += ["--check"] if check else []
    env = dict(runner.env, ANSIBLE_LOAD_CALLBACK_PLUGINS="1")  # ad hoc then prints with the JSON callback too
    runner.emulator.clear_calls()
    started = time.monotonic()
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = round(time.monotonic() - started, 2)
    try:
        (play,) = json.loads(completed.stdout)["plays"]
        result = play["tasks"][0]["hosts"]["localhost"]
    except (ValueError, KeyError, IndexError) as e:
        raise RuntimeError(f"{module}: no result in ad hoc output ({e}):\n{completed.stdout[-2000:]}") from e
    return wall, completed.returncode, result, runner.emulator.calls(times=True)


def lambda_calls(calls):
    return [call for call in calls if call["service"] == "lambda"]


def scale_row(case, wall, code, calls, busiest=True):
    busiest_second = max_calls_in_window(calls) if busiest else None
    return dict(case=case, wall=wall, rc=code, calls=len(calls), busiest_second=busiest_second)


def measure_scale(runner, resources, functions, configs):
    """Region audits of ``functions`` functions at 40 ms latency, and ``configs`` configs sharing one rejected queue."""
    emulator = runner.emulator
    names = [f"scale-{index:04d}" for index in range(functions)]
    for name in names:
        emulator.create_function(name)
    rows = []
    emulator.set_latency(0.04, service="lambda")
    for label, arguments in (
        ("serial, unpaced (the audit before workers and pacing)", {"workers": 1, "max_requests_per_second": 0}),
        ("default (4 workers, 10 requests/s)", {}),
        ("limit lifted (4 workers)", {"max_requests_per_second": 0}),
        ("limit lifted, 8 workers", {"max_requests_per_second": 0, "workers": 8}),
    ):
        wall, code, _result, calls = ad_hoc(runner, "lambda_event_invoke_config_info", arguments)
        rows.append(scale_row(f"audit of {functions} functions, {label}", wall, code, lambda_calls(calls)))
    emulator.set_latency(0.0, service="lambda")
    bad = resources.failure_queue.rsplit(":", 1)[0] + ":no-such-queue"
    items = [
        {"function_name": name, "destination_config": {"on_failure": {"destination": bad}}} for name in names[:configs]
    ]
    wall, code, _result, calls = ad_hoc(runner, "lambda_event_invoke_config", {"configs": items})
    writes = [call for call in calls if call["operation"].startswith(("Put", "Update"))]
    case = f"{configs} configs sharing one rejected queue, destination_retry_timeout 120"
    rows.append(scale_row(case, wall, code, writes, busiest=False))
    return rows


# --- 5. Destinations: the check-mode preflight, and the audit with metrics ------------------------------------------

DESTINATION_ROLES = 4
DESTINATION_PREFIX = "destinations"  # the preflight's functions, fleet_function(index, DESTINATION_PREFIX)
# The destinations of the preflight's fleet, by kind: (how many, the read that finds each one).
DESTINATION_KINDS = {
    "queue": (5, "GetQueueAttributes"),
    "topic": (3, "GetTopicAttributes"),
    "bus": (1, "DescribeEventBus"),
    "bucket": (1, "HeadBucket"),  # on_failure only: Lambda takes a bucket as a failure destination only
}
# The reads only the preflight makes, and the table's columns: with the role reads and the config reads.
PREFLIGHT_READS = (
    "SimulatePrincipalPolicy",
    "GetQueueUrl",
    "GetQueueAttributes",
    "GetTopicAttributes",
    "DescribeEventBus",
    "HeadBucket",
    "GetPolicy",
    "GetBucketPolicy",
    "DescribeKey",
    "GetCallerIdentity",
)
GRANT_OPERATIONS = (
    "GetFunctionConfiguration",
    "ListFunctions",
    "ListFunctionEventInvokeConfigs",
    "GetRolePolicy",
    "PutRolePolicy",
    "DeleteRolePolicy",
)
PREFLIGHT_OPERATIONS = (
    "GetFunctionConfiguration",
    *PREFLIGHT_READS,
    "ListFunctionEventInvokeConfigs",
    "GetFunctionEventInvokeConfig",
)
METRICS_HOURS = 3
QUERIES_PER_CONFIG = 2  # AsyncEventsDropped and DestinationDeliveryFailures
QUERIES_PER_CALL = 500  # GetMetricData's limit


def make_destinations(emulator):
    """Queues, topics, an event bus and a bucket (DESTINATION_KINDS); their ARNs by kind."""
    sqs, sns = emulator.client("sqs"), emulator.client("sns")
    arns = {"queue": [], "topic": []}
    for index in range(DESTINATION_KINDS["queue"][0]):
        url = sqs.create_queue(QueueName=f"bench-destination-{index}")["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
        arns["queue"].append(attributes["QueueArn"])
    for index in range(DESTINATION_KINDS["topic"][0]):
        arns["topic"].append(sns.create_topic(Name=f"bench-destination-{index}")["TopicArn"])
    arns["bus"] = [emulator.client("events").create_event_bus(Name="bench-destination")["EventBusArn"]]
    emulator.client("s3").create_bucket(Bucket="bench-destination-failures")
    arns["bucket"] = ["arn:aws:s3:::bench-destination-failures"]
    return arns


def make_roles(emulator, count):
    """``count`` execution roles, each with the inline delivery policy the emulator's own role has."""
    iam = emulator.client("iam")
    roles = []
    for index in range(count):
        name = f"bench-destination-role-{index}"
        roles.append(iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST_POLICY)["Role"]["Arn"])
        iam.put_role_policy(RoleName=name, PolicyName=DESTINATIONS_POLICY, PolicyDocument=DELIVERY_POLICY)
    return roles


def destination_fleet(functions, arns):
    """fleet_items with destinations: on_failure turns through every destination, on_success through all but the
    bucket, so that the functions of each role (every fourth function) use every destination (at 50 functions)."""
    failures = [arn for kind in DESTINATION_KINDS for arn in arns[kind]]
    successes = [arn for arn in failures if arn not in arns["bucket"]]
    return [
        dict(
            item,
            destination_config={
                "on_success": {"destination": successes[number // len(failures) % len(successes)]},
                "on_failure": {"destination": failures[number % len(failures)]},
            },
        )
        for number, item in enumerate(fleet_items(functions, prefix=DESTINATION_PREFIX))
    ]


def bound(text, held):
    return {"target": text, "met": held}


def preflight_bounds(counts, baseline, items, roles, arns):
    """The preflight's bounds: what it adds to the same run without it (``baseline``, the same call counts)."""
    used = {
        (roles[item["function_name"]], side["destination"])
        for item in items
        for side in item["destination_config"].values()
    }
    destinations = {arn for _role, arn in used}
    functions = len(roles)
    added = counts.get("GetFunctionConfiguration", 0) - baseline.get("GetFunctionConfiguration", 0)
    checks = [
        bound(f"role reads +{added} <= {functions} functions", added <= functions),
        bound(
            f"simulations {counts.get('SimulatePrincipalPolicy', 0)} <= {len(used)} (role, destination) pairs used",
            counts.get("SimulatePrincipalPolicy", 0) <= len(used),
        ),
    ]
    for kind, (_count, operation) in DESTINATION_KINDS.items():
        limit = len(destinations & set(arns[kind]))
        reads = [operation, "GetQueueUrl"] if kind == "queue" else [operation]
        for read in reads:
            checks.append(bound(f"{read} {counts.get(read, 0)} <= {limit}", counts.get(read, 0) <= limit))
    return checks


def measure_preflight(runner, resources, functions):
    """The fleet in check mode without and with the preflight (validate_destinations false, then its default), at
    the default limit and with the limit lifted."""
    emulator = runner.emulator
    arns = make_destinations(emulator)
    role_arns = make_roles(emulator, DESTINATION_ROLES)
    roles = {}
    for index in range(functions):
        name = fleet_function(index, DESTINATION_PREFIX)
        roles[name] = role_arns[index % DESTINATION_ROLES]
        resources.function(name, aliases=("blue", "green"), role=roles[name])
    items = destination_fleet(functions, arns)
    rows = []
    for rate_label, rate in (("default limit", {}), ("limit lifted", {"max_requests_per_second": 0})):
        baseline = None
        for label, validate in (("validate_destinations: false", {"validate_destinations": False}), ("preflight", {})):
            arguments = dict({"configs": items}, **rate, **validate)
            wall, code, result, calls = ad_hoc(runner, "lambda_event_invoke_config", arguments, check=True)
            changed = sum(bool(config.get("changed")) for config in result.get("configs", []))
            if code or changed != len(items):
                raise RuntimeError(f"preflight {label}, {rate_label}: rc {code}, {changed} of {len(items)} changed")
            counts = collections.Counter(call["operation"] for call in calls)
            others = [call for call in calls if call["service"] != "lambda"]
            row_counts = {operation: counts.get(operation, 0) for operation in PREFLIGHT_OPERATIONS}
            row = {
                "case": f"check mode, {label}, {rate_label}",
                "configs": len(items),
                "wall": wall,
                "operations": row_counts,
                "other_calls": sum(counts.values()) - sum(row_counts.values()),
                "lambda_busiest_second": max_calls_in_window(lambda_calls(calls)),
                "other_busiest_second": max_calls_in_window(others) if others else 0,
            }
            if baseline is None:
                preflight_reads = sum(row["operations"][operation] for operation in PREFLIGHT_READS)
                row["checks"] = [bound(f"no preflight reads ({preflight_reads})", preflight_reads == 0)]
                baseline = counts
            else:
                row["checks"] = preflight_bounds(counts, baseline, items, roles, arns)
            rows.append(row)
    return rows, items


GRANT_PREFIX = "granted"


def measure_grant(runner, resources, items):
    """The preflight's fleet, on functions with an execution role each that allows nothing, applied with
    grant_destination_permissions, limit lifted, then re-applied at the default limit: the IAM calls per function
    and the busiest second of each service. (Roles shared by many functions meet IAM's 10,240-character quota.)"""
    iam = runner.emulator.client("iam")
    renamed = {}
    for item in items:
        name = item["function_name"]
        if name not in renamed:
            renamed[name] = name.replace(DESTINATION_PREFIX, GRANT_PREFIX)
            role = iam.create_role(RoleName=f"{renamed[name]}-role", AssumeRolePolicyDocument=TRUST_POLICY)
            resources.function(renamed[name], aliases=("blue", "green"), role=role["Role"]["Arn"])
    items = [dict(item, function_name=renamed[item["function_name"]]) for item in items]
    functions = len(renamed)
    rows = []
    for label, rate in (("apply, limit lifted", {"max_requests_per_second": 0}), ("re-apply, default limit", {})):
        arguments = dict({"configs": items, "grant_destination_permissions": True}, **rate)
        wall, code, result, calls = ad_hoc(runner, "lambda_event_invoke_config", arguments)
        counts = collections.Counter(call["operation"] for call in calls)
        iam = [call for call in calls if call["service"] == "iam"]
        writes = counts.get("PutRolePolicy", 0) + counts.get("DeleteRolePolicy", 0)
        rows.append(
            {
                "case": f"grant, {label}",
                "wall": wall,
                "rc": code,
                "changed": sum(bool(policy.get("changed")) for policy in result.get("role_policies", [])),
                "operations": {operation: counts.get(operation, 0) for operation in GRANT_OPERATIONS},
                "iam_per_function": round(len(iam) / functions, 2),
                "lambda_busiest_second": max_calls_in_window(lambda_calls(calls)),
                "iam_busiest_second": max_calls_in_window(iam) if iam else 0,
                "checks": [
                    bound(f"rc {code} == 0", code == 0),
                    bound(f"IAM writes {writes} <= {functions} functions", writes <= functions),
                    *([bound(f"re-apply IAM writes {writes} == 0", writes == 0)] if "re-apply" in label else []),
                ],
            }
        )
    return rows


SHARED_PREFIX = "shared"
SHARED_QUEUES = 10


SHARED_RATES = {"limit lifted": {"max_requests_per_second": 0}, "default limit": {}}
SHARED_POLICY = "serverless-aws-lambda-destinations-us-east-1"


def granted_configs(runner, items, rate):
    arguments = dict({"configs": items, "grant_destination_permissions": True}, **SHARED_RATES[rate])
    return ad_hoc(runner, "lambda_event_invoke_config", arguments)


def shared_grant_row(runner, case, items, rate, *, roles, check):
    """One grant run of the shared-roles fleet: calls, writes, policy characters per role, and ``check(result,
    writes)``'s bounds."""
    wall, code, result, calls = granted_configs(runner, items, rate)
    counts = collections.Counter(call["operation"] for call in calls)
    iam_calls = [call for call in calls if call["service"] == "iam"]
    writes = counts.get("PutRolePolicy", 0) + counts.get("DeleteRolePolicy", 0)
    iam = runner.emulator.client("iam")
    sizes = []
    for role in roles:
        try:
            document = iam.get_role_policy(RoleName=role, PolicyName=SHARED_POLICY)["PolicyDocument"]
            sizes.append(len("".join(json.dumps(document).split())))
        except iam.exceptions.NoSuchEntityException:
            sizes.append(0)
    return {
        "case": f"{case}, {rate}",
        "configs": len(items),
        "wall": wall,
        "operations": {operation: counts.get(operation, 0) for operation in GRANT_OPERATIONS},
        "iam_calls": len(iam_calls),
        "iam_writes": writes,
        "policy_characters": "/".join(str(size) for size in sizes),
        "lambda_busiest_second": max_calls_in_window(lambda_calls(calls)),
        "iam_busiest_second": max_calls_in_window(iam_calls) if iam_calls else 0,
        "checks": [bound(f"rc {code} == 0", code == 0), *check(result, writes)],
    }


def statement_bound(queue, removed):
    def check(result, _writes):
        statements = [s for p in result.get("role_policies", []) for s in (p["policy"] or {}).get("Statement", [])]
        present = any(statement["Resource"] == queue for statement in statements)
        return [bound(f"statement of {queue.rsplit(':', 1)[1]} {'removed' if removed else 'kept'}", present != removed)]

    return check


def measure_shared_grant(runner, functions, roles=4):
    """``functions`` functions on ``roles`` shared execution roles that allow nothing, 2 configs each ($LATEST and
    version 1) over SHARED_QUEUES queues, function 0's success queue its own: the grant applied (limit lifted) and
    re-applied (default limit); then, at each limit, function 4 (on role 0 with many others) leaves a queue other
    functions of the role use, and function 0 leaves the queue no other function uses (each taken back after)."""
    emulator = runner.emulator
    sqs, iam = emulator.client("sqs"), emulator.client("iam")
    queues = []
    for index in range(SHARED_QUEUES + 1):
        url = sqs.create_queue(QueueName=f"shared-destination-{index}")["QueueUrl"]
        queues.append(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])
    own_queue = queues.pop()
    role_names = [f"{SHARED_PREFIX}-role-{index}" for index in range(roles)]
    role_arns = [
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST_POLICY)["Role"]["Arn"] for name in role_names
    ]
    names = [fleet_function(index, SHARED_PREFIX) for index in range(functions)]
    for index, name in enumerate(names):
        emulator.create_function(name, versions=1, role=role_arns[index % roles])

    def configs(index, leave=None):
        """Function ``index``'s two configs; with ``leave``, version 1 sends its successes to its failure queue."""
        failure = queues[index % SHARED_QUEUES]
        success = own_queue if index == 0 else queues[(index + 1) % SHARED_QUEUES]
        return [
            {"function_name": names[index], "destination_config": {"on_failure": {"destination": failure}}},
            {
                "function_name": names[index],
                "qualifier": "1",
                "destination_config": {"on_success": {"destination": failure if leave else success}},
            },
        ]

    items = [item for index in range(functions) for item in configs(index)]
    rows = [
        shared_grant_row(
            runner,
            "apply",
            items,
            "limit lifted",
            roles=role_names,
            check=lambda _result, writes: [bound(f"IAM writes {writes} <= {roles} roles", writes <= roles)],
        ),
        shared_grant_row(
            runner,
            "re-apply",
            items,
            "default limit",
            roles=role_names,
            check=lambda _result, writes: [bound(f"IAM writes {writes} == 0", writes == 0)],
        ),
    ]
    leaves = (
        ("function 4 leaves a queue other functions of its role use", 4, queues[5], False),
        ("function 0 leaves the queue no other function uses", 0, own_queue, True),
    )
    for case, index, queue, removed in leaves:
        for rate in SHARED_RATES:
            rows.append(
                shared_grant_row(
                    runner,
                    case,
                    configs(index, leave=True),
                    rate,
                    roles=role_names,
                    check=statement_bound(queue, removed),
                )
            )
            granted_configs(runner, configs(index), rate)  # taken back, for the next case
    return rows


def shared_markdown(rows):
    out = [
        "",
        f"## 6. The grant on shared roles: {rows[0]['configs'] // 2} functions on 4 roles, {rows[0]['configs']} configs",
        "",
    ]
    out.append(
        f"{SHARED_QUEUES} queues, 2 configs per function ($LATEST and version 1), one policy per role and region. "
        "Calls per operation from the emulator's call log; policy characters per role after the run, whitespace not "
        "counted (IAM's quota: 10,240 per role)."
    )
    out.append("")
    columns = [("case", "case"), ("configs", "configs"), ("wall s", "wall")]
    columns += [(operation, operation) for operation in GRANT_OPERATIONS]
    columns += [
        ("IAM calls", "iam_calls"),
        ("IAM writes", "iam_writes"),
        ("policy characters per role", "policy_characters"),
        ("most Lambda calls in 1 s", "lambda_busiest_second"),
        ("most IAM calls in 1 s", "iam_busiest_second"),
        ("bounds", "bounds"),
    ]
    out.append(table([dict(row, **row["operations"], bounds=verdicts(row["checks"])) for row in rows], columns))
    return out


def measure_audit(runner, functions):
    """A region audit with metrics_hours after a config on every function ($LATEST, and version 1 of every fourth)."""
    emulator = runner.emulator
    lambda_client = emulator.client("lambda")
    for index in range(functions):
        name = f"audit-{index:04d}"
        qualifiers = ("$LATEST", "1") if index % 4 == 0 else ("$LATEST",)
        emulator.create_function(name, versions=len(qualifiers) - 1)
        for qualifier in qualifiers:
            lambda_client.put_function_event_invoke_config(
                FunctionName=name, Qualifier=qualifier, MaximumRetryAttempts=1
            )
    wall, code, result, calls = ad_hoc(runner, "lambda_event_invoke_config_info", {"metrics_hours": METRICS_HOURS})
    configs = result.get("event_invoke_configs", [])
    metric_calls = sum(call["operation"] == "GetMetricData" for call in calls)
    queries = QUERIES_PER_CONFIG * len(configs)
    limit = -(-queries // QUERIES_PER_CALL)
    return {
        "case": f"region audit, {functions} functions given configs, metrics_hours {METRICS_HOURS}, default limit",
        "wall": wall,
        "rc": code,
        "functions": len(result.get("functions", [])),
        "configs": len(configs),
        "lambda_calls": len(lambda_calls(calls)),
        "metric_calls": metric_calls,
        "checks": [
            bound(f"GetMetricData {metric_calls} <= ceil({queries} queries / 500) = {limit}", metric_calls <= limit),
            bound("every config has its metrics", code == 0 and all("metrics" in config for config in configs)),
        ],
    }


def parse_options():
    parser = argparse.ArgumentParser(description="Benchmark lambda_event_invoke_config against the local emulator.")
    parser.add_argument("--tasks", type=int, default=50, help="tasks in the per-task loop (default 50)")
    parser.add_argument(
        "--fleet-functions", type=int, default=50, help="functions in the fleet, 4 configs each (default 50)"
    )
    parser.add_argument(
        "--baseline-runs",
        type=int,
        default=2,
        help="one-config runs before and after each fleet case, whose median is subtracted (default 2)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smaller run in about 2 minutes: 10 tasks, a fleet of 10 functions (40 configs)",
    )
    parser.add_argument("--skip-per-task", action="store_true", help="leave out the per-task comparison")
    parser.add_argument("--skip-fleet", action="store_true", help="leave out the fleet")
    parser.add_argument(
        "--scale", action="store_true", help="add region audits of 250 functions and 200 configs on one rejected queue"
    )
    parser.add_argument(
        "--destinations",
        action="store_true",
        help="add the check-mode preflight of a fleet with destinations and a region audit with metrics",
    )
    parser.add_argument(
        "--destination-functions",
        type=int,
        default=50,
        help="with --destinations: functions of the preflight's fleet, 4 configs each; the audit has 5 times as many "
        "(default 50)",
    )
    parser.add_argument(
        "--shared-roles",
        type=int,
        default=0,
        metavar="FUNCTIONS",
        help="add the grant on FUNCTIONS functions sharing 4 execution roles, 2 configs each (issue: 500)",
    )
    options = parser.parse_args()
    if options.quick:
        options.tasks, options.fleet_functions = 10, 10
    return options


def main():
    options = parse_options()

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
        if not options.skip_per_task:
            print(f"2/3 per-task cost, {options.tasks} tasks each ...", flush=True)
            results["per_task"] = measure_per_task(runner, resources, options.tasks)
            results["profiles"] = measure_profiles(runner, results["per_task"]["function"], workdir)
            results["profile_stages"] = [name for name, _suffix, _function in STAGES]
        if not options.skip_fleet:
            configs = options.fleet_functions * len(FLEET_QUALIFIERS)
            print(f"3/3 fleet of {configs} configs ...", flush=True)
            results["fleet"] = measure_fleet(runner, resources, options.fleet_functions, options.baseline_runs)
        if options.scale:
            print("4/4 scale: region audits, one rejected destination ...", flush=True)
            results["scale"] = measure_scale(runner, resources, 250, 200)
        if options.destinations:
            functions = options.destination_functions
            print(f"destinations: check-mode preflight of {functions * len(FLEET_QUALIFIERS)} configs ...", flush=True)
            preflight, items = measure_preflight(runner, resources, functions)
            results["destinations"] = {"preflight": preflight}
            print(f"destinations: grant of {len(items)} configs ...", flush=True)
            results["destinations"]["grant"] = measure_grant(runner, resources, items)
            print(f"destinations: region audit of {5 * functions} functions with metrics ...", flush=True)
            results["destinations"]["audit"] = measure_audit(runner, 5 * functions)
        if options.shared_roles:
            print(f"shared roles: grant of {options.shared_roles} functions on 4 roles ...", flush=True)
            results["shared_roles"] = measure_shared_grant(runner, options.shared_roles)
    results["environment"]["load_average_end"] = [round(value, 2) for value in os.getloadavg()]
    report = markdown(results)
    path = os.path.join(RESULTS, timestamp)
    with open(path + ".json", "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2)
    with open(path + ".md", "w", encoding="utf-8") as handle:
        handle.write(report)
    print(report)
    destinations = results.get("destinations", {})
    grant_rows = destinations.get("grant", [])
    shared = results.get("shared_roles", [])
    for row in (
        destinations.get("preflight", []) + grant_rows + ([destinations["audit"]] if destinations else []) + shared
    ):
        for check in row["checks"]:
            print(f"{'PASS' if check['met'] else 'FAIL'} {row['case']}: {check['target']}")
    for row in results.get("fleet", []):
        for check in row["checks"]:
            print(f"{'met   ' if check['met'] else 'MISSED'} {row['case']}: {check['target']}")
    print(f"Results: {path}.md and {path}.json")


if __name__ == "__main__":
    main()
