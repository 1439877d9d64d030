# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every account and region in one job: the aws_organization inventory, the playbooks
serverless.aws_lambda.org_apply / org_audit / org_report and their summary, over 6 accounts x 2 regions of the
emulator's organisation, one of which cannot be assumed; and AWX-style slices whose merged summary is the one job's."""

import os
import subprocess

from reliability_support import ANSIBLE_PLAYBOOK
from reliability_support import PLAYBOOK_TIMEOUT

from tests.emulator.harness import max_calls_in_window
from tests.integration.org_fleet import create_organization
from tests.integration.org_fleet import read_summary
from tests.integration.org_fleet import write_inventory
from tests.integration.org_fleet import write_static_inventory

REGIONS = ("us-east-1", "eu-west-1")
FUNCTIONS = 8


def organization(emulator, tmp_path):
    org = create_organization(emulator, 6, REGIONS, FUNCTIONS, no_queue=("team-01",), no_role=("team-05",))
    return org, write_inventory(str(tmp_path), REGIONS, FUNCTIONS)


def org_playbook(env, name, inventory, *args):
    completed = subprocess.run(
        [ANSIBLE_PLAYBOOK, f"serverless.aws_lambda.{name}", "-i", inventory, *args],
        env=dict(env, ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default"),
        capture_output=True,
        text=True,
        timeout=PLAYBOOK_TIMEOUT,
        check=False,
    )
    return completed


def test_org_apply_and_audit_over_accounts_and_regions(clean_emulator, ansible_env, tmp_path):
    org, inventory = organization(clean_emulator, tmp_path)
    configs = f"@{tmp_path / 'configs.yml'}"
    report = str(tmp_path / "report")
    denied = {f"team-05-{region}" for region in REGIONS}

    clean_emulator.clear_calls()
    dry = org_playbook(ansible_env, "org_apply", inventory, "-e", configs, "-e", f"report_dir={report}", "--check")
    # The denied account fails its two hosts (exit 2); the other ten hosts ran, and nothing was written.
    assert dry.returncode == 2, dry.stdout[-3000:]
    summary = read_summary(report)
    writes = [c for c in clean_emulator.calls() if c["operation"].startswith(("Put", "Update", "Delete", "Create"))]
    assert writes == []
    assert summary["check_mode"] is True
    assert {f["host"] for f in summary["failed_hosts"]} == denied
    assert all("sts:AssumeRole" in f["reason"] and "AccessDenied" in f["reason"] for f in summary["failed_hosts"])
    assert summary["totals"]["hosts"] == 12 and summary["totals"]["drift"] == 10 * FUNCTIONS
    # check mode predicts the missing queue of team-01 (a warning: the dry run does not fail those hosts)
    assert {r["host"]: r["destinations"]["missing"] for r in summary["rows"] if r["destinations"]["missing"]} == {
        f"team-01-{region}": FUNCTIONS for region in REGIONS
    }

    clean_emulator.clear_calls()
    applied = org_playbook(ansible_env, "org_apply", inventory, "-e", configs, "-e", f"report_dir={report}")
    assert applied.returncode == 2, applied.stdout[-3000:]
    summary = read_summary(report)
    rows = {row["host"]: row for row in summary["rows"]}
    # team-01's queue does not exist: AWS refuses its configs; every other account converges.
    assert {host for host, row in rows.items() if row["failed_configs"]} == {f"team-01-{r}" for r in REGIONS}
    assert {f["host"] for f in summary["failed_hosts"]} == denied | {f"team-01-{r}" for r in REGIONS}
    assert summary["totals"]["drift"] == 8 * FUNCTIONS
    # Lambda's quota (15 requests/s) is per account and region: each host paces its own calls (10/s by default;
    # arrivals at a busy emulator may bunch by one or two), so no account and region ever passes its quota, however
    # many hosts run at once. Each converged host makes more calls than the quota, so unpaced it would pass it.
    per_host = {}
    for call in clean_emulator.calls(times=True):
        if call["service"] == "lambda":
            per_host.setdefault((call["account"], call["region"]), []).append(call)
    assert len(per_host) == 10  # the denied account made no Lambda call
    converged = [calls for (account, _region), calls in per_host.items() if account != org.accounts["team-01"]]
    assert min(len(calls) for calls in converged) > 15
    assert max(max_calls_in_window(calls) for calls in per_host.values()) < 15

    again = org_playbook(ansible_env, "org_apply", inventory, "-e", configs, "-e", f"report_dir={report}")
    assert again.returncode == 2
    assert read_summary(report)["totals"]["drift"] == 0

    audit = org_playbook(ansible_env, "org_audit", inventory, "-e", f"report_dir={report}")
    assert audit.returncode == 2, audit.stdout[-3000:]
    summary = read_summary(report)
    assert summary["actions"] == ["audit"]
    assert summary["totals"]["configs"] == 8 * FUNCTIONS and summary["totals"]["functions"] == 10 * FUNCTIONS
    assert summary["totals"]["events_dropped"] == 0 and summary["totals"]["destinations_missing"] == 0
    assert {f["host"] for f in summary["failed_hosts"]} == denied
    with open(os.path.join(report, "summary.md"), encoding="utf-8") as stream:
        text = stream.read()
    assert "| team-00 | " in text and "## Failed hosts" in text and "sts:AssumeRole" in text
    with open(os.path.join(report, "summary.html"), encoding="utf-8") as stream:
        page = stream.read()
    assert page.count('<span class="badge failed">failed</span>') == 2 and "<script" not in page


def test_awx_slices_merged_give_the_one_job_summary(clean_emulator, ansible_env, tmp_path):
    org, inventory = organization(clean_emulator, tmp_path)
    whole = str(tmp_path / "whole")
    assert org_playbook(ansible_env, "org_audit", inventory, "-e", f"report_dir={whole}").returncode == 2
    clean_emulator.client("s3").create_bucket(Bucket="org-reports")
    hosts = org.hosts()
    # AWX gives slice i of 3 the hosts i, i+3, i+6...; each slice job writes its parts to the bucket, not a report.
    for index in range(3):
        sliced = org_playbook(
            ansible_env,
            "org_audit",
            inventory,
            "--limit",
            ",".join(hosts[index::3]),
            "-e",
            "report_bucket=org-reports run_id=job-7 org_skip_report=true",
        )
        assert sliced.returncode in (0, 2), sliced.stdout[-3000:]
        assert not os.path.exists(tmp_path / "merged")
    merged = str(tmp_path / "merged")
    bucket = f"report_bucket=org-reports run_id=job-7 report_dir={merged} org_consume_parts=true"
    merge = org_playbook(ansible_env, "org_report", inventory, "-e", bucket)
    assert merge.returncode == 0, merge.stdout[-3000:]
    assert read_summary(merged) == read_summary(whole)
    keys = clean_emulator.client("s3").list_objects_v2(Bucket="org-reports", Prefix="serverless-aws-lambda-org/job-7/")
    # The report is next to where the parts were; the parts it read are gone, so the next run starts from none.
    assert sorted(item["Key"].rsplit("/", 1)[1] for item in keys["Contents"]) == [
        "summary.html",
        "summary.json",
        "summary.md",
    ]


def test_max_fail_percentage_stops_the_run_and_the_report_lists_the_hosts_not_run(
    clean_emulator, ansible_env, tmp_path
):
    # The hosts from a static inventory (the guide's example), team-00's role trusting another account only.
    org = create_organization(clean_emulator, 3, REGIONS, 1, untrusted=("team-00",))
    inventory = write_static_inventory(str(tmp_path), org)
    report = str(tmp_path / "report")
    stopped = org_playbook(
        ansible_env,
        "org_audit",
        inventory,
        "-e",
        f"report_dir={report} org_serial=2 org_max_fail_percentage=0",
    )
    # The first batch (team-00's two regions) fails: Ansible starts no later batch and no later play.
    assert stopped.returncode == 2, stopped.stdout[-3000:]
    assert not os.path.exists(os.path.join(report, "summary.json"))
    written = org_playbook(ansible_env, "org_report", inventory, "-e", f"report_dir={report}")
    assert written.returncode == 0, written.stdout[-3000:]
    summary = read_summary(report)
    assert [f["host"] for f in summary["failed_hosts"]] == [f"team-00-{region}" for region in sorted(REGIONS)]
    assert all("AccessDenied" in f["reason"] for f in summary["failed_hosts"])
    assert summary["not_run"] == sorted(f"team-{n:02d}-{region}" for n in (1, 2) for region in REGIONS)
