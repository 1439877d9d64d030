# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organisation benchmark: org_audit and org_apply over accounts x regions of the emulator, at several forks.

``.venv/bin/python benchmarks/org.py`` (defaults: 20 accounts x 3 regions x 20 functions = 60 hosts and 1200
configs, 40 ms of latency on every AWS call, forks 1, 10 and 30). Per run: wall time, the busiest second of Lambda
calls of any one account and region (the quota is per account and region), the controller's CPU seconds (every
process ansible-playbook ran) and the largest process's peak RSS. Then the same audit as 3 AWX-style slices (one
ansible-playbook per slice, parts in S3) merged by org_report, compared with the one job's summary.
Writes benchmarks/results/org-<timestamp>.md and prints it. Not a test: a mismatch is reported, not raised.
"""

import argparse
import datetime
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from tests.emulator.harness import Emulator  # noqa: E402
from tests.emulator.harness import link_collection  # noqa: E402
from tests.emulator.harness import max_calls_in_window  # noqa: E402
from tests.integration.org_fleet import create_organization  # noqa: E402
from tests.integration.org_fleet import read_summary  # noqa: E402
from tests.integration.org_fleet import write_inventory  # noqa: E402

PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")


def children_usage():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def run(emulator, env, playbook, inventory, forks, *args):
    emulator.clear_calls()
    cpu_before = children_usage()[0]
    started = time.monotonic()
    subprocess.run(
        [PLAYBOOK, f"serverless.aws_lambda.{playbook}", "-i", inventory, "-f", str(forks), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.monotonic() - started
    cpu_after, peak = children_usage()
    per_host = {}
    for call in emulator.calls(times=True):
        if call["service"] == "lambda":
            per_host.setdefault((call["account"], call["region"]), []).append(call)
    busiest = max((max_calls_in_window(calls) for calls in per_host.values()), default=0)
    lambda_calls = sum(len(calls) for calls in per_host.values())
    return {
        "wall": wall,
        "busiest": busiest,
        "cpu": cpu_after - cpu_before,
        "peak": peak,
        "calls": lambda_calls,
    }


def main():  # noqa: PLR0915 - one straight script: setup, the runs, the table
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--regions", type=int, default=3)
    parser.add_argument("--functions", type=int, default=20)
    parser.add_argument("--forks", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--latency", type=float, default=0.04)
    args = parser.parse_args()
    regions = REGIONS[: args.regions]
    link_collection()
    work = tempfile.mkdtemp(prefix="org-bench-")
    rows = []
    with Emulator.start() as emulator:
        started = time.monotonic()
        org = create_organization(emulator, args.accounts, regions, args.functions, no_role=("team-00",))
        setup = time.monotonic() - started
        inventory = write_inventory(work, regions, args.functions)
        emulator.set_latency(args.latency)
        env = emulator.ansible_env()
        configs = f"@{os.path.join(work, 'configs.yml')}"
        report = os.path.join(work, "report")
        first = run(emulator, env, "org_apply", inventory, 30, "-e", configs, "-e", f"report_dir={report}")
        applied = read_summary(report)["totals"]
        for forks in args.forks:
            audit = run(emulator, env, "org_audit", inventory, forks, "-e", f"report_dir={report}")
            totals = read_summary(report)["totals"]
            rows.append(("org audit", forks, audit, f"{totals['hosts']} hosts, {totals['failed_hosts']} failed"))
            again = run(emulator, env, "org_apply", inventory, forks, "-e", configs, "-e", f"report_dir={report}")
            totals = read_summary(report)["totals"]
            rows.append(("org re-apply", forks, again, f"drift {totals['drift']}, {totals['failed_hosts']} failed"))
        run(emulator, env, "org_audit", inventory, max(args.forks), "-e", f"report_dir={report}")
        whole = read_summary(report)
        emulator.client("s3").create_bucket(Bucket="org-reports")
        hosts = org.hosts()
        slices = []
        for index in range(3):
            limit = ",".join(hosts[index::3])
            extra = "report_bucket=org-reports run_id=bench org_skip_report=true"
            sliced = run(emulator, env, "org_audit", inventory, max(args.forks), "--limit", limit, "-e", extra)
            slices.append(sliced)
        merged_dir = os.path.join(work, "merged")
        merge = run(
            emulator,
            env,
            "org_report",
            inventory,
            1,
            "-e",
            f"report_bucket=org-reports run_id=bench report_dir={merged_dir}",
        )
        identical = read_summary(merged_dir) == whole
        kept = os.path.join(HERE, "results", f"org-{datetime.datetime.now():%Y%m%d-%H%M%S}-report")
        shutil.copytree(report, kept, ignore=shutil.ignore_patterns("parts"))
    lines = [
        f"# Organisation benchmark {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        "",
        f"`.venv/bin/python benchmarks/org.py --accounts {args.accounts} --regions {args.regions} --functions "
        f"{args.functions} --forks {' '.join(map(str, args.forks))} --latency {args.latency}`: "
        f"{args.accounts} accounts x {len(regions)} regions = {len(org.hosts())} hosts, "
        f"{args.functions} functions each ({len(org.hosts()) * args.functions} configs), {args.latency * 1000:.0f} ms "
        f"latency on every AWS call, one account's role missing (AssumeRole denied). Setup {setup:.0f} s. "
        f"First apply (forks 30): {first['wall']:.1f} s, drift {applied['drift']}. {os.cpu_count()} CPUs.",
        "",
        "| run | forks | wall s | busiest second, Lambda calls of one account and region | Lambda calls | controller CPU s | peak RSS MB | result |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, forks, numbers, result in rows:
        lines.append(
            f"| {name} | {forks} | {numbers['wall']:.1f} | {numbers['busiest']} | {numbers['calls']} | {numbers['cpu']:.1f} "
            f"| {numbers['peak']:.0f} | {result} |"
        )
    lines += [
        "",
        f"Sliced audit (3 slices run one after the other, forks {max(args.forks)} each): "
        + ", ".join(f"{s['wall']:.1f} s" for s in slices)
        + f"; merge {merge['wall']:.1f} s; merged summary identical to the one job's: {identical}.",
        "",
        f"The audit's report: {os.path.relpath(kept, ROOT)} (`python scripts/screenshots.py --org-report {os.path.relpath(kept, ROOT)}`).",
    ]
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    path = os.path.join(HERE, "results", f"org-{datetime.datetime.now():%Y%m%d-%H%M%S}.md")
    with open(path, "w", encoding="utf-8") as stream:
        stream.write(text)
    print(path)
    print(text)


if __name__ == "__main__":
    main()
