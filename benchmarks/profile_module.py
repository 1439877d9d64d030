# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one Ansible module in this (fresh) interpreter, as its AnsiballZ wrapper would, and report where the time goes.

Usage: profile_module.py MODULE ARGS_JSON [--profile PSTATS_FILE]

MODULE is the module's Python name (ansible_collections.<ns>.<coll>.plugins.modules.<name>), ARGS_JSON
its arguments. Without --profile the run is timed only; with it, the run is profiled with cProfile and
the summary says how much of it went to each stage. Prints one JSON object. The emulator's endpoint and
credentials come from the environment, as they would for the module.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import runpy
import sys
import time

COLLECTIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".build", "collections")

# Stages of a module run: (name, file suffix, function) of the call whose cumulative time is the stage's.
STAGES = (
    ("import ansible.module_utils.basic", "ansible/module_utils/basic.py", "<module>"),
    ("import boto3 (and botocore)", "boto3/__init__.py", "<module>"),
    ("create the boto3 client", "botocore/session.py", "create_client"),
    ("AWS API calls", "botocore/client.py", "_make_api_call"),
)
OWN_CODE = ("serverless/aws_lambda/plugins/",)


def run_module(module, arguments):
    """Run ``module`` as __main__ with ``arguments``; returns what it printed (its JSON result)."""
    from ansible.module_utils import basic  # noqa: PLC0415 - timed and profiled as part of the run

    basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": arguments}).encode("utf-8")
    basic._ANSIBLE_PROFILE = "legacy"
    captured, sys.stdout = sys.stdout, io.StringIO()
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit:
        pass
    finally:
        printed, sys.stdout = sys.stdout.getvalue(), captured
    return printed


def stage_times(stats):
    """Cumulative seconds of each stage, and the seconds spent in the collection's own functions."""
    stages = {}
    own = 0.0
    for (filename, _line, function), (_calls, _primitive, total, cumulative, _callers) in stats.stats.items():
        normalized = filename.replace(os.sep, "/")
        for name, suffix, wanted in STAGES:
            if function == wanted and normalized.endswith(suffix):
                stages[name] = max(stages.get(name, 0.0), cumulative)
        if any(part in normalized for part in OWN_CODE):
            own += total
    return stages, own


def top_functions(stats, count=12):
    rows = sorted(stats.stats.items(), key=lambda entry: entry[1][2], reverse=True)[:count]
    return [
        {"function": f"{os.path.basename(filename)}:{line}({function})", "own_seconds": round(total, 4)}
        for (filename, line, function), (_calls, _primitive, total, _cumulative, _callers) in rows
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module")
    parser.add_argument("arguments")
    parser.add_argument("--profile", help="write cProfile stats here and summarise them")
    options = parser.parse_args()
    sys.path.insert(0, COLLECTIONS)
    arguments = json.loads(options.arguments)
    profiler = cProfile.Profile() if options.profile else None
    started, cpu_started = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    printed = run_module(options.module, arguments)
    if profiler:
        profiler.disable()
    summary = {
        "wall_seconds": round(time.perf_counter() - started, 4),
        "cpu_seconds": round(time.process_time() - cpu_started, 4),
        "result": json.loads(printed) if printed.strip().startswith("{") else printed,
    }
    if profiler:
        profiler.dump_stats(options.profile)
        stats = pstats.Stats(options.profile)
        stages, own = stage_times(stats)
        summary.update(
            profiled_seconds=round(stats.total_tt, 4),
            stages={name: round(seconds, 4) for name, seconds in stages.items()},
            own_code_seconds=round(own, 4),
            top_functions=top_functions(stats),
        )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
