# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organisation report: rows from audit and apply parts, totals, failed and not-run hosts, and the pages."""

import json
import os

import pytest

from ansible_collections.serverless.aws_lambda.plugins.module_utils.org_report import html_page
from ansible_collections.serverless.aws_lambda.plugins.module_utils.org_report import markdown
from ansible_collections.serverless.aws_lambda.plugins.module_utils.org_report import summarize

QUEUE = "arn:aws:sqs:us-east-1:111111111111:failures"


def part(host, *, action="audit", result=None, failed=False, reason=None, account="111111111111", name="team-a"):
    """A host's part; its region is what follows the account name in the host's name ("team-a-us-east-1")."""
    return {
        "host": host,
        "account_id": account,
        "account_name": name,
        "region": host[len(name) + 1 :] if host.startswith(name + "-") else host.rsplit("-", 1)[-1],
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
    assert "- team-a (111111111111), b-2: <script>x</script>" in text
    # Two configs on one missing queue: one line that lists both.
    assert "- a-1: orders:$LATEST, orders:blue on_failure: missing. it is missing <b>" in text
    assert "<td>orders:$LATEST, orders:blue</td>" in page
    assert '<td class="attention" title="a-1">3 configs: 2 missing, 4 dropped</td>' in page


GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "org_report_golden")
# Every kind of row and finding the report renders: an audit with a missing and an unknown destination and metrics,
# a function without configs, an apply in check mode with drift, a refused config and two predictions, a host where
# all is fine, an account whose two hosts failed alike, and an expected host without a part.
GOLDEN_PARTS = [
    part(
        "team-a-us-east-1",
        result={
            "functions": [
                {
                    "function_name": "orders",
                    "event_invoke_configs": [
                        config("$LATEST", "missing", dropped=4, failures=2),
                        {
                            **config("live"),
                            "destination_health": {
                                "on_success": {"destination": QUEUE, "state": "unknown", "reason": "another account"},
                                "on_failure": None,
                            },
                        },
                    ],
                },
                {"function_name": "idle", "event_invoke_configs": []},
            ]
        },
    ),
    part(
        "team-c-eu-west-1",
        name="team-c",
        account="333333333333",
        result={"functions": [{"function_name": "orders", "event_invoke_configs": [config("$LATEST")]}]},
    ),
    *(
        part(
            f"team-b-{region}",
            name="team-b",
            account="222222222222",
            failed=True,
            reason="Unable to assume role: An error occurred (AccessDenied) when calling the AssumeRole operation: "
            "User <emulator> is not authorized to perform: sts:AssumeRole",
        )
        for region in ("eu-west-1", "us-east-1")
    ),
    {
        **part(
            "team-a-eu-west-1",
            action="apply",
            result={
                "configs": [
                    *APPLY["configs"],
                    {
                        "function_name": "billing",
                        "qualifier": "live",
                        "changed": True,
                        "destination_checks": [
                            {
                                "destination": QUEUE,
                                "state": "role not allowed (predicted)",
                                "reason": "no sqs:SendMessage",
                            },
                            {"destination": QUEUE + ".fifo", "state": "fifo", "reason": "it is FIFO"},
                        ],
                    },
                ]
            },
        ),
        "check_mode": True,
    },
]


def golden_texts():
    summary = summarize(GOLDEN_PARTS, expected_hosts=["team-a-us-east-1", "team-c-us-east-1"], title="Golden <report>")
    return {
        "summary.html": html_page(summary),
        "summary.md": markdown(summary),
        "summary.json": json.dumps(summary, indent=2, sort_keys=True) + "\n",
    }


@pytest.mark.parametrize("name", ["summary.html", "summary.md", "summary.json"])
def test_the_report_renders_as_its_reviewed_copy(name):
    """The whole rendering, compared with a copy reviewed in a browser (tests/unit/.../org_report_golden; regenerate
    with UPDATE_GOLDEN=1 after a deliberate change, and look at it again)."""
    text = golden_texts()[name]
    path = os.path.join(GOLDEN, name)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(text)
    with open(path, encoding="utf-8") as stream:
        assert text == stream.read()


def test_a_large_report_folds_its_full_table():
    parts = [part(f"h{n:02d}-r", name=f"team-{n:02d}") for n in range(21)]
    assert "<details><summary>Every account and region (21)</summary>" in html_page(summarize(parts))
    assert "<details open><summary>Every account and region (20)</summary>" in html_page(summarize(parts[:20]))


def test_an_empty_run_renders_its_defaults_and_the_hosts_not_run():
    summary = summarize([], expected_hosts=["b-1", "a-1"])
    assert summary["title"] == "Lambda asynchronous invocation across the organisation"
    text, page = markdown(summary), html_page(summary)
    assert "0 configs of 0 functions; action: -.\n" in text and "- a-1, b-1\n" in text
    assert '<div class="sub">Action: -.</div>' in page and "<p>a-1, b-1</p>" in page
    assert '<div class="card good"><b>0</b><span>hosts failed</span></div>' in page


def test_rows_sort_by_account_region_and_host_whatever_is_missing():
    """A missing name sorts first (as ""), also before names that sort before letters."""
    parts = [
        {"host": "2", "account_name": "AAA", "region": "9"},
        {"host": "1", "account_name": "AAA", "region": "9"},
        {"host": "h0", "account_name": "AAA", "region": None},
        {"host": None, "account_name": "AAA", "region": "9"},
        {"host": "x", "account_name": "AAA", "region": "2"},
        {"host": "y", "account_name": "AAA", "region": "1"},
        {"host": "z", "account_name": None, "region": "9"},
    ]
    assert [row["host"] for row in summarize(parts)["rows"]] == ["z", "h0", "y", "x", None, "1", "2"]


def test_what_makes_a_row_need_attention_and_the_grid_s_empty_cells():
    rows = summarize(
        [
            part("a-1", name="a", action="apply", result={"configs": [{"function_name": "f", "changed": True}]}),
            part(
                "b-1",
                name="b",
                result={"functions": [{"function_name": "f", "event_invoke_configs": [config("1", "missing")]}]},
            ),
            part(
                "c-1",
                name="c",
                result={"functions": [{"function_name": "f", "event_invoke_configs": [config("1", dropped=1)]}]},
            ),
            part(
                "d-1",
                name="d",
                result={"functions": [{"function_name": "f", "event_invoke_configs": [config("1", failures=1)]}]},
            ),
            part("e-1", name="e", action="apply", result={"configs": [{"failed": True, "msg": "a"}, {"failed": True}]}),
        ]
    )["rows"]
    assert [row["status"] for row in rows] == ["attention"] * 5
    assert rows[-1]["failed_configs"] == 2
    nameless = {"host": None, "account_name": None, "account_id": None, "region": "r2", "failed": True, "reason": None}
    page = html_page(summarize([part("a-r1", name="a"), part("a-r2", name="a"), nameless]))
    # The nameless account (no region r1) first: an empty cell, then its r2 cell; its failure without a reason.
    assert '<tr><td class="account"> <code></code></td><td></td><td class="failed" title="">failed</td></tr>' in page
    assert '<td class="why"></td>' in page
