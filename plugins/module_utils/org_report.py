# -*- coding: utf-8 -*-

# Copyright: Contributors to the serverless.aws_lambda collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The organisation report: per-host parts (one per account and region) -> one summary, as JSON, Markdown and HTML.

A part is what the role serverless.aws_lambda.org writes for its host: the host's account and region, the action
(``audit`` or ``apply``), whether it ran in check mode, and either the module's result or why the host failed.
The summary is a pure function of the set of parts, so parts merged from separate jobs (AWX slices) give the
summary one job gives.
"""

import html

STATES = ("missing", "unknown", "role not allowed (predicted)", "fifo")
STATE_LABELS = {
    "missing": "missing",
    "unknown": "unknown",
    "role not allowed (predicted)": "not allowed",
    "fifo": "FIFO",
}
SIDES = ("on_success", "on_failure")


def _audit_row(result, row):
    for function in result.get("functions") or []:
        row["functions"] += 1
        for config in function.get("event_invoke_configs") or []:
            row["configs"] += 1
            metrics = config.get("metrics") or {}
            row["events_dropped"] += metrics.get("async_events_dropped") or 0
            row["delivery_failures"] += metrics.get("destination_delivery_failures") or 0
            health = config.get("destination_health") or {}
            for side in SIDES:
                state = health.get(side) or {}
                if state.get("state") in STATES:
                    row["destinations"][STATE_LABELS[state["state"]]] += 1
                    row["problems"].append(
                        {
                            "function": function.get("function_name"),
                            "qualifier": config.get("qualifier"),
                            "side": side,
                            "destination": state.get("destination"),
                            "state": STATE_LABELS[state["state"]],
                            "reason": state.get("reason"),
                        }
                    )


def _apply_row(result, row):
    row["drift"] = 0
    functions = set()
    for config in result.get("configs") or []:
        functions.add(config.get("function_name"))
        row["configs"] += 1
        if config.get("changed"):
            row["drift"] += 1
        if config.get("failed"):
            row["failed_configs"] += 1
            row["problems"].append(
                {
                    "function": config.get("function_name"),
                    "qualifier": config.get("qualifier"),
                    "side": None,
                    "destination": None,
                    "state": "failed",
                    "reason": config.get("msg"),
                }
            )
        for check in config.get("destination_checks") or []:
            if check.get("state") in STATES:
                row["destinations"][STATE_LABELS[check["state"]]] += 1
    row["functions"] = len(functions)


def _flag(value):
    """A part's boolean, also as ansible-core before 2.19 may template it (a string)."""
    return value is True or str(value).lower() == "true"


def row_of(part):
    """One row of the summary from one host's part."""
    row = {
        "host": part.get("host"),
        "account_id": part.get("account_id"),
        "account_name": part.get("account_name"),
        "region": part.get("region"),
        "action": part.get("action"),
        "check_mode": _flag(part.get("check_mode")),
        "status": "ok",
        "reason": part.get("reason"),
        "functions": 0,
        "configs": 0,
        "drift": None,
        "failed_configs": 0,
        "destinations": {label: 0 for label in STATE_LABELS.values()},
        "events_dropped": 0,
        "delivery_failures": 0,
        "problems": [],
    }
    result = part.get("result") or {}
    if part.get("action") == "apply":
        _apply_row(result, row)
    else:
        _audit_row(result, row)
    if _flag(part.get("failed")):
        row["status"] = "failed"
    elif row["problems"] or row["drift"] or row["events_dropped"] or row["delivery_failures"]:
        row["status"] = "attention"
    return row


def summarize(parts, expected_hosts=None, title=None):
    """The summary of a set of parts; ``expected_hosts`` that have no part are listed as not run."""
    rows = sorted(
        (row_of(part) for part in parts), key=lambda r: (r["account_name"] or "", r["region"] or "", r["host"] or "")
    )
    seen = {row["host"] for row in rows}
    not_run = sorted(set(expected_hosts or []) - seen)
    totals = {
        "accounts": len({row["account_id"] for row in rows}),
        "regions": len({row["region"] for row in rows}),
        "hosts": len(rows),
        "failed_hosts": sum(row["status"] == "failed" for row in rows),
        "hosts_needing_attention": sum(row["status"] == "attention" for row in rows),
        "not_run": len(not_run),
        "functions": sum(row["functions"] for row in rows),
        "configs": sum(row["configs"] for row in rows),
        "drift": sum(row["drift"] or 0 for row in rows),
        "failed_configs": sum(row["failed_configs"] for row in rows),
        "events_dropped": sum(row["events_dropped"] for row in rows),
        "delivery_failures": sum(row["delivery_failures"] for row in rows),
    }
    for label in STATE_LABELS.values():
        totals[f"destinations_{label.replace(' ', '_').lower()}"] = sum(row["destinations"][label] for row in rows)
    actions = sorted({row["action"] for row in rows if row["action"]})
    return {
        "title": title or "Lambda asynchronous invocation across the organisation",
        "actions": actions,
        "check_mode": any(row["check_mode"] for row in rows),
        "totals": totals,
        "rows": rows,
        "failed_hosts": [
            {key: row[key] for key in ("host", "account_id", "account_name", "region", "reason")}
            for row in rows
            if row["status"] == "failed"
        ],
        "not_run": not_run,
    }


def _count(value):
    return "-" if value is None else str(value)


def _destinations(row):
    found = [f"{count} {label}" for label, count in row["destinations"].items() if count]
    return ", ".join(found) or "all fine"


def markdown(summary):
    totals = summary["totals"]
    lines = [
        f"# {summary['title']}",
        "",
        f"{totals['hosts']} hosts ({totals['accounts']} accounts x {totals['regions']} regions), "
        f"{totals['configs']} configs of {totals['functions']} functions; action: {', '.join(summary['actions']) or '-'}"
        + (" (check mode: nothing was changed)" if summary["check_mode"] else "")
        + ".",
        "",
        f"- Hosts failed: {totals['failed_hosts']}; needing attention: {totals['hosts_needing_attention']}; "
        f"not run: {totals['not_run']}",
        f"- Drift (configs changed, or that would change in check mode): {totals['drift']}; configs failed: "
        f"{totals['failed_configs']}",
        f"- Destinations missing: {totals['destinations_missing']}, unknown: {totals['destinations_unknown']}, "
        f"not allowed: {totals['destinations_not_allowed']}, FIFO: {totals['destinations_fifo']}",
        f"- Events dropped: {totals['events_dropped']}; delivery failures: {totals['delivery_failures']}",
        "",
        "| account | account id | region | status | functions | configs | drift | destinations | dropped | delivery failures |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in summary["rows"]:
        lines.append(
            f"| {row['account_name']} | {row['account_id']} | {row['region']} | {row['status']} | {row['functions']} "
            f"| {row['configs']} | {_count(row['drift'])} | {_destinations(row)} | {row['events_dropped']} "
            f"| {row['delivery_failures']} |"
        )
    if summary["failed_hosts"]:
        lines += ["", "## Failed hosts", ""]
        lines += [
            f"- **{f['host']}** ({f['account_id']}, {f['region']}): {f['reason']}" for f in summary["failed_hosts"]
        ]
    problems = [(row, problem) for row in summary["rows"] for problem in row["problems"]]
    if problems:
        lines += ["", "## Needs attention", ""]
        for row, problem in problems:
            where = f"{problem['function']}:{problem['qualifier']}" + (f" {problem['side']}" if problem["side"] else "")
            lines.append(f"- {row['host']}: {where}: {problem['state']}. {problem['reason'] or ''}".rstrip())
    if summary["not_run"]:
        lines += ["", "## Not run", "", "- " + ", ".join(summary["not_run"])]
    return "\n".join(lines) + "\n"


_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1d2733;background:#f6f8fa}
h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin:2rem 0 .6rem}
.sub{color:#5a6b7b;margin-bottom:1.2rem}.cards{display:flex;flex-wrap:wrap;gap:.8rem}
.card{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:.7rem 1rem;min-width:8.5rem}
.card b{display:block;font-size:1.6rem}.card span{color:#5a6b7b;font-size:.85rem}
.card.bad b{color:#b42318}.card.warn b{color:#b54708}.card.good b{color:#067647}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d8dee4;border-radius:8px;font-size:.9rem}
th,td{padding:.45rem .6rem;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}
th{background:#f0f3f6;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
.badge{border-radius:999px;padding:.1rem .55rem;font-size:.8rem;font-weight:600;white-space:nowrap}
.ok{background:#dcfae6;color:#067647}.attention{background:#fef0c7;color:#93370d}
.failed{background:#fee4e2;color:#b42318}.notrun{background:#eaecf0;color:#344054}
code{font-size:.82rem;word-break:break-all}
"""


def _card(value, label, kind=""):
    return f'<div class="card {kind}"><b>{value}</b><span>{html.escape(label)}</span></div>'


def html_page(summary):
    """A self-contained page (no scripts, no external files)."""
    esc = html.escape
    totals = summary["totals"]
    mode = " Check mode: nothing was changed." if summary["check_mode"] else ""
    cards = [
        _card(totals["hosts"], f"hosts ({totals['accounts']} accounts x {totals['regions']} regions)"),
        _card(totals["configs"], f"configs of {totals['functions']} functions"),
        _card(totals["failed_hosts"], "hosts failed", "bad" if totals["failed_hosts"] else "good"),
        _card(
            totals["hosts_needing_attention"],
            "hosts needing attention",
            "warn" if totals["hosts_needing_attention"] else "good",
        ),
        _card(totals["drift"], "configs drifted", "warn" if totals["drift"] else "good"),
        _card(
            totals["destinations_missing"] + totals["destinations_not_allowed"] + totals["destinations_fifo"],
            "destinations broken",
            (
                "bad"
                if totals["destinations_missing"] + totals["destinations_not_allowed"] + totals["destinations_fifo"]
                else "good"
            ),
        ),
        _card(
            totals["destinations_unknown"], "destinations unknown", "warn" if totals["destinations_unknown"] else "good"
        ),
        _card(totals["events_dropped"], "events dropped", "bad" if totals["events_dropped"] else "good"),
        _card(totals["delivery_failures"], "delivery failures", "bad" if totals["delivery_failures"] else "good"),
    ]
    rows = []
    for row in summary["rows"]:
        rows.append(
            "<tr>"
            f"<td>{esc(str(row['account_name']))}<br><code>{esc(str(row['account_id']))}</code></td>"
            f"<td>{esc(str(row['region']))}</td>"
            f'<td><span class="badge {row["status"]}">{esc(row["status"])}</span></td>'
            f'<td class="n">{row["functions"]}</td><td class="n">{row["configs"]}</td>'
            f'<td class="n">{_count(row["drift"])}</td><td>{esc(_destinations(row))}</td>'
            f'<td class="n">{row["events_dropped"]}</td><td class="n">{row["delivery_failures"]}</td>'
            f"<td>{esc(row['reason'] or '')}</td>"
            "</tr>"
        )
    for host in summary["not_run"]:
        rows.append(
            f'<tr><td colspan="2">{esc(host)}</td><td><span class="badge notrun">not run</span></td><td colspan="7"></td></tr>'
        )
    problems = [
        "<tr>"
        f"<td>{esc(str(row['account_name']))}</td><td>{esc(str(row['region']))}</td>"
        f"<td>{esc(str(problem['function']))}:{esc(str(problem['qualifier']))}</td>"
        f"<td>{esc(problem['side'] or '')}</td><td><code>{esc(problem['destination'] or '')}</code></td>"
        f'<td><span class="badge {"failed" if problem["state"] != "unknown" else "attention"}">{esc(problem["state"])}</span></td>'
        f"<td>{esc(problem['reason'] or '')}</td>"
        "</tr>"
        for row in summary["rows"]
        for problem in row["problems"]
    ]
    body = [
        f"<h1>{esc(summary['title'])}</h1>",
        f'<div class="sub">Action: {esc(", ".join(summary["actions"]) or "-")}.{esc(mode)}</div>',
        f'<div class="cards">{"".join(cards)}</div>',
        "<h2>Accounts and regions</h2>",
        "<table><tr><th>account</th><th>region</th><th>status</th><th>functions</th><th>configs</th><th>drift</th>"
        "<th>destinations</th><th>events dropped</th><th>delivery failures</th><th>why it failed</th></tr>"
        + "".join(rows)
        + "</table>",
    ]
    if problems:
        body += [
            "<h2>Needs attention</h2>",
            "<table><tr><th>account</th><th>region</th><th>function:qualifier</th><th>side</th><th>destination</th>"
            "<th>state</th><th>why</th></tr>" + "".join(problems) + "</table>",
        ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(summary['title'])}</title><style>{_STYLE}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )
