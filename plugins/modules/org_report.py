#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the serverless.aws_lambda project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: org_report
version_added: 0.2.0
short_description: Summarise an organisation-wide audit or apply into one HTML, Markdown and JSON report
description:
  - Reads the parts the role C(serverless.aws_lambda.org) wrote, one per account and region, and writes one summary
    in O(dest) as C(summary.html) (a self-contained page), C(summary.md) and C(summary.json).
  - Per account and region the summary gives the functions and configs, the drift (configs changed by an apply, or
    that would change in check mode), the destinations C(missing), C(unknown), C(not allowed) and C(FIFO), the
    events dropped and the delivery failures over the audit's window, and for a host that failed, why.
  - The summary depends only on the set of parts, so parts gathered from several jobs (AWX job slices) give the
    same summary as one job.
  - Runs on the controller and calls no AWS API.
author:
  - serverless.aws_lambda maintainers (@serverless-aws-lambda)
options:
  parts_dir:
    description:
      - A directory whose C(*.json) files are parts.
      - One of O(parts_dir) and O(parts) is required.
    type: path
  parts:
    description:
      - The parts themselves, for example gathered from S3 or from AWX artifacts.
    type: list
    elements: dict
  expected_hosts:
    description:
      - The hosts that should have a part; those without one are listed as not run (for example when
        C(max_fail_percentage) stopped the play before them).
    type: list
    elements: str
    default: []
  dest:
    description:
      - The directory to write the summary to; made when missing.
    type: path
    required: true
  title:
    description:
      - The report's title.
    type: str
    default: Lambda asynchronous invocation across the organisation
attributes:
  check_mode:
    support: full
    details: In check mode nothing is written; RV(summary) is returned all the same.
  diff_mode:
    support: none
  platform:
    platforms: posix
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
notes:
  - The playbooks C(serverless.aws_lambda.org_audit), C(serverless.aws_lambda.org_apply) and
    C(serverless.aws_lambda.org_report) call this module; see the organisation guide.
"""

EXAMPLES = r"""
- name: Summarise the parts of the last org audit
  serverless.aws_lambda.org_report:
    parts_dir: /var/reports/lambda/parts
    dest: /var/reports/lambda
  delegate_to: localhost
  run_once: true
"""

RETURN = r"""
summary:
  description: The summary, as written to C(summary.json).
  returned: always
  type: dict
  contains:
    totals:
      description: Counts over every host (hosts, accounts, regions, failed_hosts, configs, drift, destinations_*,
        events_dropped, delivery_failures, and more).
      type: dict
      returned: always
    rows:
      description: One row per host, sorted by account name and region.
      type: list
      elements: dict
      returned: always
    failed_hosts:
      description: The hosts that failed, with their reason.
      type: list
      elements: dict
      returned: always
    not_run:
      description: O(expected_hosts) without a part.
      type: list
      elements: str
      returned: always
files:
  description: The paths of the summary's files.
  returned: always
  type: list
  elements: str
  sample: [/var/reports/lambda/summary.html, /var/reports/lambda/summary.md, /var/reports/lambda/summary.json]
"""

import glob
import json
import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.serverless.aws_lambda.plugins.module_utils.org_report import html_page
from ansible_collections.serverless.aws_lambda.plugins.module_utils.org_report import markdown
from ansible_collections.serverless.aws_lambda.plugins.module_utils.org_report import summarize


def read_parts(module, directory):
    parts = []
    for path in sorted(glob.glob(os.path.join(directory, "*.json"))):
        try:
            with open(path, encoding="utf-8") as stream:
                parts.append(json.load(stream))
        except (OSError, ValueError) as error:
            module.fail_json(msg=f"Cannot read the part {path}: {error}. Remove it or run its host again.")
    return parts


def write(module, path, text):
    """Write ``text`` to ``path`` unless it holds it already; whether it changed."""
    try:
        with open(path, encoding="utf-8") as stream:
            if stream.read() == text:
                return False
    except OSError:
        pass
    if not module.check_mode:
        with open(path + ".tmp", "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(path + ".tmp", path)
    return True


def main():
    module = AnsibleModule(
        argument_spec=dict(
            parts_dir=dict(type="path"),
            parts=dict(type="list", elements="dict"),
            expected_hosts=dict(type="list", elements="str", default=[]),
            dest=dict(type="path", required=True),
            title=dict(type="str", default="Lambda asynchronous invocation across the organisation"),
        ),
        required_one_of=[("parts_dir", "parts")],
        mutually_exclusive=[("parts_dir", "parts")],
        supports_check_mode=True,
    )
    params = module.params
    parts = params["parts"] if params["parts"] is not None else read_parts(module, params["parts_dir"])
    summary = summarize(parts, params["expected_hosts"], params["title"])
    texts = {
        "summary.html": html_page(summary),
        "summary.md": markdown(summary),
        "summary.json": json.dumps(summary, indent=2, sort_keys=True) + "\n",
    }
    if not module.check_mode:
        os.makedirs(params["dest"], exist_ok=True)
    files = [os.path.join(params["dest"], name) for name in texts]
    changed = False
    for path, text in zip(files, texts.values()):
        changed = write(module, path, text) or changed
    module.exit_json(changed=changed, summary=summary, files=files)


if __name__ == "__main__":
    main()
