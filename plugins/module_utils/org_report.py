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
import re

STATES = ("missing", "unknown", "role not allowed (predicted)", "fifo")
STATE_LABELS = {
    "missing": "missing",
    "unknown": "unknown",
    "role not allowed (predicted)": "not allowed",
    "fifo": "FIFO",
}
SIDES = ("on_success", "on_failure")
TITLE = "Lambda asynchronous invocation across the organisation"
# botocore's words for an AWS error: "An error occurred (AccessDenied) when calling the AssumeRole operation: ...".
_BOTOCORE_ERROR = re.compile(r"An error occurred \((?P<code>[^)\s]+)\) when calling the (?P<operation>\w+) operation")


def _problem(row, function, qualifier, side, finding):
    """Record one finding of a config: a destination's state (counted by label) or, with no destination, a failed
    config (``finding`` is then its failure message)."""
    if isinstance(finding, dict):
        label = STATE_LABELS[finding["state"]]
        row["destinations"][label] += 1
        destination, reason = finding.get("destination"), finding.get("reason")
    else:
        row["failed_configs"] += 1
        label, destination, reason = "failed", None, finding
    row["problems"].append(
        {
            "function": function,
            "qualifier": qualifier,
            "side": side,
            "destination": destination,
            "state": label,
            "reason": reason,
        }
    )


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
                    _problem(row, function.get("function_name"), config.get("qualifier"), side, state)


def _apply_row(result, row):
    row["drift"] = 0
    functions = set()
    for config in result.get("configs") or []:
        name, qualifier = config.get("function_name"), config.get("qualifier")
        functions.add(name)
        row["configs"] += 1
        if config.get("changed"):
            row["drift"] += 1
        if config.get("failed"):
            _problem(row, name, qualifier, None, config.get("msg"))
        for check in config.get("destination_checks") or []:
            if check.get("state") in STATES:
                _problem(row, name, qualifier, None, check)
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
        "title": title or TITLE,
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


def grouped_problems(summary):
    """The problems of every row, one per (host, side, destination, state, reason) with its configs listed once:
    100 configs on one missing queue make one line, not 100."""
    groups = {}
    for row in summary["rows"]:
        for problem in row["problems"]:
            key = (row["host"], problem["side"], problem["destination"], problem["state"], problem["reason"])
            groups.setdefault(key, []).append(f"{problem['function']}:{problem['qualifier']}")
    return [
        {"host": host, "side": side, "destination": destination, "state": state, "reason": reason, "configs": configs}
        for (host, side, destination, state, reason), configs in groups.items()
    ]


def grouped_failures(summary):
    """The failed hosts, one entry per account and reason with its hosts and regions: an account whose role cannot be
    assumed fails once in the report however many regions it has. Each entry's ``headline`` names AWS's operation and
    error code when the reason is botocore's ("AssumeRole: AccessDenied"), else None."""
    groups = {}
    for failed in summary["failed_hosts"]:
        key = (failed["account_id"], failed["account_name"], failed["reason"])
        groups.setdefault(key, []).append(failed)
    return [
        {
            "account_id": account_id,
            "account_name": account_name,
            "hosts": [str(failed["host"]) for failed in members],
            "regions": [str(failed["region"]) for failed in members],
            "reason": reason,
            "headline": _headline(reason),
        }
        for (account_id, account_name, reason), members in groups.items()
    ]


def _headline(reason):
    found = _BOTOCORE_ERROR.search(str(reason))
    return f"{found.group('operation')}: {found.group('code')}" if found else None


def _count(value):
    return "-" if value is None else str(value)


def _destinations(row):
    if row["status"] == "failed":
        return "-"
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
    failures = grouped_failures(summary)
    if failures:
        lines += ["", "## Failed hosts", ""]
        lines += [
            f"- {f['account_name']} ({f['account_id']}), {', '.join(f['hosts'])}: "
            + (f"**{f['headline']}**. " if f["headline"] else "")
            + str(f["reason"])
            for f in failures
        ]
    problems = grouped_problems(summary)
    if problems:
        lines += ["", "## Needs attention", ""]
        for problem in problems:
            where = ", ".join(problem["configs"]) + (f" {problem['side']}" if problem["side"] else "")
            lines.append(f"- {problem['host']}: {where}: {problem['state']}. {problem['reason'] or ''}".rstrip())
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
table{border-collapse:collapse;background:#fff;border:1px solid #d8dee4;font-size:.9rem;max-width:100%}
th,td{padding:.45rem .6rem;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}
th{background:#f0f3f6;font-weight:600;white-space:nowrap}td.n{text-align:right;font-variant-numeric:tabular-nums}
td.why{max-width:38rem;overflow-wrap:anywhere}td.nowrap,span.nowrap{white-space:nowrap}
.grid td{text-align:center;min-width:7rem}.grid td.account{text-align:left;white-space:nowrap}
.badge{border-radius:999px;padding:.1rem .55rem;font-size:.8rem;font-weight:600;white-space:nowrap}
.ok{background:#dcfae6;color:#067647}.attention{background:#fef0c7;color:#93370d}
.failed{background:#fee4e2;color:#b42318}.notrun{background:#eaecf0;color:#344054}
td.ok,td.attention,td.failed,td.notrun{font-weight:600;font-size:.85rem}
code{font-size:.82rem;overflow-wrap:anywhere}summary{cursor:pointer;font-weight:600;margin:2rem 0 .6rem}
"""


def _card(value, label, kind=""):
    return f'<div class="card {kind}"><b>{value}</b><span>{html.escape(label)}</span></div>'


def _cards(totals):
    broken = totals["destinations_missing"] + totals["destinations_not_allowed"] + totals["destinations_fifo"]
    counted = [
        (totals["failed_hosts"], "hosts failed", "bad"),
        (totals["hosts_needing_attention"], "hosts needing attention", "warn"),
        (totals["not_run"], "hosts not run", "warn"),
        (totals["drift"], "configs drifted", "warn"),
        (broken, "destinations broken", "bad"),
        (totals["destinations_unknown"], "destinations unknown", "warn"),
        (totals["events_dropped"], "events dropped", "bad"),
        (totals["delivery_failures"], "delivery failures", "bad"),
    ]
    return [
        _card(totals["hosts"], f"hosts ({totals['accounts']} accounts x {totals['regions']} regions)"),
        _card(totals["configs"], f"configs of {totals['functions']} functions"),
    ] + [_card(value, label, kind if value else "good") for value, label, kind in counted]


def _grid(summary):
    """Accounts down, regions across: each cell the host's status, to see the organisation at a glance."""
    esc = html.escape
    regions = sorted({row["region"] for row in summary["rows"]})
    accounts = {}
    for row in summary["rows"]:
        accounts.setdefault((row["account_name"] or "", row["account_id"] or ""), {})[row["region"]] = row
    lines = []
    for (name, account_id), by_region in sorted(accounts.items()):
        cells = []
        for region in regions:
            row = by_region.get(region)
            if row is None:
                cells.append("<td></td>")
                continue
            text = (
                "failed"
                if row["status"] == "failed"
                else f"{row['configs']} config{'' if row['configs'] == 1 else 's'}"
            )
            if row["status"] == "attention":
                text += ": " + ", ".join(_findings(row))
            cells.append(f'<td class="{row["status"]}" title="{esc(row["host"] or "")}">{esc(text)}</td>')
        lines.append(f'<tr><td class="account">{esc(name)} <code>{esc(account_id)}</code></td>{"".join(cells)}</tr>')
    head = "".join(f"<th>{esc(str(region))}</th>" for region in regions)
    return f'<table class="grid"><tr><th>account</th>{head}</tr>{"".join(lines)}</table>'


def _findings(row):
    """What makes a row need attention, in a few words: "3 drifted, 3 missing, 12 dropped"."""
    found = [f"{row['drift']} drifted"] if row["drift"] else []
    found += [f"{row['failed_configs']} failed"] if row["failed_configs"] else []
    found += [f"{count} {label}" for label, count in row["destinations"].items() if count]
    found += [f"{row['events_dropped']} dropped"] if row["events_dropped"] else []
    found += [f"{row['delivery_failures']} not delivered"] if row["delivery_failures"] else []
    return found


def _table(headers, rows):
    return "<table><tr>" + "".join(f"<th>{header}</th>" for header in headers) + "</tr>" + "".join(rows) + "</table>"


def _unbroken(names):
    """Names separated by commas, each kept on one line."""
    return ", ".join(f'<span class="nowrap">{html.escape(name)}</span>' for name in names)


def html_page(summary):
    """A self-contained page (no scripts, no external files): cards, the accounts x regions grid, the failed hosts,
    what needs attention, then every row."""
    esc = html.escape
    mode = " Check mode: nothing was changed." if summary["check_mode"] else ""
    body = [
        f"<h1>{esc(summary['title'])}</h1>",
        f'<div class="sub">Action: {esc(", ".join(summary["actions"]) or "-")}.{esc(mode)}</div>',
        f'<div class="cards">{"".join(_cards(summary["totals"]))}</div>',
        "<h2>Accounts and regions</h2>",
        _grid(summary),
    ]
    failed = [
        f'<tr><td class="nowrap">{esc(str(f["account_name"]))} <code>{esc(str(f["account_id"]))}</code></td>'
        f"<td>{_unbroken(f['regions'])}</td><td>{_unbroken(f['hosts'])}</td><td class=\"why\">"
        + (f"<b>{esc(f['headline'])}</b><br>" if f["headline"] else "")
        + f'{esc(f["reason"] or "")}</td></tr>'
        for f in grouped_failures(summary)
    ]
    if failed:
        body += ["<h2>Failed hosts</h2>", _table(("account", "regions", "hosts", "why"), failed)]
    problems = [
        f'<tr><td class="nowrap">{esc(str(problem["host"]))}</td><td>{esc(", ".join(problem["configs"]))}</td>'
        f"<td>{esc(problem['side'] or '')}</td><td><code>{esc(problem['destination'] or '')}</code></td>"
        f'<td><span class="badge {"attention" if problem["state"] == "unknown" else "failed"}">'
        f'{esc(problem["state"])}</span></td><td class="why">{esc(problem["reason"] or "")}</td></tr>'
        for problem in grouped_problems(summary)
    ]
    if problems:
        headers = ("host", "configs (function:qualifier)", "side", "destination", "state", "why")
        body += ["<h2>Needs attention</h2>", _table(headers, problems)]
    if summary["not_run"]:
        body += ["<h2>Not run</h2>", f"<p>{esc(', '.join(summary['not_run']))}</p>"]
    rows = [
        f'<tr><td class="nowrap">{esc(str(row["account_name"]))} <code>{esc(str(row["account_id"]))}</code></td>'
        f'<td class="nowrap">{esc(str(row["region"]))}</td>'
        f'<td><span class="badge {row["status"]}">{esc(row["status"])}</span></td>'
        f'<td class="n">{row["functions"]}</td><td class="n">{row["configs"]}</td>'
        f'<td class="n">{_count(row["drift"])}</td><td>{esc(_destinations(row))}</td>'
        f'<td class="n">{row["events_dropped"]}</td><td class="n">{row["delivery_failures"]}</td></tr>'
        for row in summary["rows"]
    ]
    headers = ("account", "region", "status", "functions", "configs", "drift", "destinations", "events dropped")
    body += [
        f"<details{' open' if len(rows) <= 20 else ''}><summary>Every account and region ({len(rows)})</summary>",
        _table((*headers, "delivery failures"), rows),
        "</details>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(summary['title'])}</title><style>{_STYLE}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )
