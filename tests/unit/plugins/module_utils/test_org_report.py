# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organisation report: rows from audit and apply parts, totals, failed and not-run hosts, and the pages."""

from ansible_collections.serverless.aws_lambda.plugins.module_utils.org_report import html_page
from ansible_collections.serverless.aws_lambda.plugins.module_utils.org_report import markdown
from ansible_collections.serverless.aws_lambda.plugins.module_utils.org_report import summarize

QUEUE = "arn:aws:sqs:us-east-1:111111111111:failures"


def part(host, *, action="audit", result=None, failed=False, reason=None, account="111111111111", name="team-a"):
    return {
        "host": host,
        "account_id": account,
        "account_name": name,
        "region": host.rsplit("-", 1)[-1],
        "action": action,
        "check_mode": False,
        "failed": failed,
        "reason": reason,
        "result": result or {},
    }


def config(qualifier, state="ok", dropped=0, failures=0):
    side = {"destination": QUEUE, "state": state, "reason": None if state == "ok" else f"it is {state} <b>"}
    return {
        "qualifier": qualifier,
        "destination_health": {"on_success": None, "on_failure": side},
        "metrics": {"async_events_dropped": dropped, "destination_delivery_failures": failures, "hours": 24},
    }


AUDIT = {
    "functions": [
        {
            "function_name": "orders",
            "event_invoke_configs": [
                config("$LATEST", "missing", dropped=4),
                config("live"),
                config("blue", "missing"),
            ],
        },
        {"function_name": "idle", "event_invoke_configs": []},
    ]
}
APPLY = {
    "configs": [
        {"function_name": "orders", "qualifier": "$LATEST", "changed": True},
        {"function_name": "orders", "qualifier": "live", "changed": False, "failed": True, "msg": "refused"},
        {
            "function_name": "billing",
            "qualifier": "$LATEST",
            "changed": False,
            "destination_checks": [{"destination": QUEUE, "state": "unknown", "prediction": "unknown"}],
        },
    ]
}


def test_an_audit_row_counts_functions_configs_broken_destinations_and_metrics():
    (row,) = summarize([part("a-1", result=AUDIT)])["rows"]
    assert (row["functions"], row["configs"], row["events_dropped"], row["drift"]) == (2, 3, 4, None)
    assert row["destinations"]["missing"] == 2 and row["status"] == "attention"
    assert row["problems"][:1] == [
        {
            "function": "orders",
            "qualifier": "$LATEST",
            "side": "on_failure",
            "destination": QUEUE,
            "state": "missing",
            "reason": "it is missing <b>",
        }
    ]


def test_an_apply_row_counts_drift_failed_configs_and_predictions():
    (row,) = summarize([part("a-1", action="apply", result=APPLY)])["rows"]
    assert (row["functions"], row["configs"], row["drift"], row["failed_configs"]) == (2, 3, 1, 1)
    assert row["destinations"]["unknown"] == 1
    assert [(problem["state"], problem["reason"]) for problem in row["problems"]] == [
        ("failed", "refused"),
        ("unknown", None),
    ]


def test_failed_and_not_run_hosts_and_totals_do_not_depend_on_the_parts_order():
    parts = [
        # ansible-core before 2.19 may template a part's booleans as strings
        part("b-2", name="team-b", account="222222222222", failed="True", reason="AccessDenied on sts:AssumeRole"),
        part("a-1", result={"functions": [{"function_name": "f", "event_invoke_configs": [config("$LATEST")]}]}),
    ]
    summary = summarize(parts, expected_hosts=["a-1", "b-2", "c-3"])
    assert summary == summarize(parts[::-1], expected_hosts=["c-3", "b-2", "a-1"])
    assert [row["host"] for row in summary["rows"]] == ["a-1", "b-2"]
    assert [row["status"] for row in summary["rows"]] == ["ok", "failed"]
    assert summarize([part("a-1", failed="False")])["rows"][0]["status"] == "ok"
    assert summary["failed_hosts"] == [
        {
            "host": "b-2",
            "account_id": "222222222222",
            "account_name": "team-b",
            "region": "2",
            "reason": "AccessDenied on sts:AssumeRole",
        }
    ]
    assert summary["not_run"] == ["c-3"]
    totals = summary["totals"]
    assert (totals["hosts"], totals["accounts"], totals["failed_hosts"], totals["not_run"], totals["configs"]) == (
        2,
        2,
        1,
        1,
        1,
    )


def test_the_pages_escape_what_aws_and_hosts_say_and_list_failures():
    parts = [part("a-1", result=AUDIT), part("b-2", failed=True, reason="<script>x</script>")]
    summary = summarize(parts)
    page = html_page(summary)
    assert "<script>" not in page and "&lt;script&gt;" in page and "it is missing &lt;b&gt;" in page
    text = markdown(summary)
    assert "| team-a | 111111111111 | 1 | attention | 2 | 3 | - | 2 missing | 4 | 0 |" in text
    assert "- **b-2** (111111111111, 2): <script>x</script>" in text
    # Two configs on one missing queue: one line that lists both.
    assert "- a-1: orders:$LATEST, orders:blue on_failure: missing. it is missing <b>" in text
    assert "<td>orders:$LATEST, orders:blue</td>" in page
    assert '<td class="attention" title="a-1">3 configs: 2 missing, 4 dropped</td>' in page
