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
  - Runs on the controller. It calls AWS only with O(parts_bucket) (C(s3:ListBucket), C(s3:GetObject), and
    C(s3:DeleteObject) with O(consume_parts)), with the standard AWS connection options.
author:
  - serverless.aws_lambda maintainers (@serverless-aws-lambda)
options:
  parts_dir:
    description:
      - A directory whose C(*.json) files are parts.
      - One of O(parts_dir), O(parts_bucket) and O(parts) is required.
    type: path
  parts_bucket:
    description:
      - An S3 bucket whose objects under O(parts_prefix) ending in C(.json) are parts, as the role
        C(serverless.aws_lambda.org) writes them with C(org_report_bucket) (AWX job slices share no file system).
    type: str
  parts_prefix:
    description:
      - The key prefix of the parts in O(parts_bucket).
    type: str
    default: ""
  consume_parts:
    description:
      - Delete the parts read from O(parts_bucket) once the summary is written, so that the next run under the same
        prefix starts from none. Never in check mode.
    type: bool
    default: false
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
    details: In check mode nothing is written or deleted; RV(summary) is returned all the same.
  diff_mode:
    support: none
  platform:
    platforms: posix
  action_group:
    support: full
    membership:
      - serverless.aws_lambda.aws
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
  - amazon.aws.common.modules
  - amazon.aws.region.modules
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

- name: Summarise the parts every AWX slice wrote to S3, then delete them
  serverless.aws_lambda.org_report:
    parts_bucket: my-lambda-reports
    parts_prefix: serverless-aws-lambda-org/latest/parts/
    consume_parts: true
    expected_hosts: "{{ groups['aws_organization'] }}"
    dest: /runner/artifacts/lambda-report
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
consumed:
  description: The keys of the parts deleted from O(parts_bucket) (in check mode, that would be).
  returned: when O(consume_parts=true)
  type: list
  elements: str
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

try:
    import botocore
except ImportError:
    pass  # AnsibleLambdaModule says so

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.serverless.aws_lambda.plugins.module_utils.modules import AnsibleLambdaModule
from ansible_collections.serverless.aws_lambda.plugins.module_utils.org_report import TITLE
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


def read_bucket(module, s3, bucket, prefix):
    """(parts, keys) of the ``*.json`` objects under ``prefix``: one listing a page, one GetObject a part."""
    where = f"s3://{bucket}/{prefix}"
    try:
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix).build_full_result()
        keys = sorted(item["Key"] for item in pages.get("Contents", []) if item["Key"].endswith(".json"))
        bodies = [(key, s3.get_object(aws_retry=True, Bucket=bucket, Key=key)["Body"].read()) for key in keys]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to read the parts in {where} (s3:ListBucket and s3:GetObject)")
    parts = []
    for key, body in bodies:
        try:
            parts.append(json.loads(body))
        except ValueError as error:
            module.fail_json(msg=f"Cannot read the part s3://{bucket}/{key}: {error}. Delete it or run its host again.")
    return parts, keys


def consume(module, s3, bucket, keys):
    """Delete the parts read, 1,000 keys a request."""
    try:
        for start in range(0, len(keys), 1000):
            batch = [{"Key": key} for key in keys[start : start + 1000]]
            answer = s3.delete_objects(aws_retry=True, Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
            if answer.get("Errors"):
                error = answer["Errors"][0]
                module.fail_json(
                    msg=f"Could not delete s3://{bucket}/{error['Key']}: {error['Code']} {error['Message']}"
                )
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to delete the parts read from s3://{bucket} (s3:DeleteObject)")


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
    module = AnsibleLambdaModule(
        argument_spec=dict(
            parts_dir=dict(type="path"),
            parts_bucket=dict(type="str"),
            parts_prefix=dict(type="str", default=""),
            consume_parts=dict(type="bool", default=False),
            parts=dict(type="list", elements="dict"),
            expected_hosts=dict(type="list", elements="str", default=[]),
            dest=dict(type="path", required=True),
            title=dict(type="str", default=TITLE),
        ),
        required_one_of=[("parts_dir", "parts_bucket", "parts")],
        mutually_exclusive=[("parts_dir", "parts_bucket", "parts")],
        supports_check_mode=True,
    )
    params = module.params
    if params["consume_parts"] and not params["parts_bucket"]:
        module.fail_json(msg="consume_parts=true deletes parts read from S3: it needs parts_bucket.")
    keys = []
    if params["parts_bucket"]:
        s3 = module.client("s3", retry_decorator=AWSRetry.jittered_backoff())
        parts, keys = read_bucket(module, s3, params["parts_bucket"], params["parts_prefix"])
    elif params["parts_dir"]:
        parts = read_parts(module, params["parts_dir"])
    else:
        parts = params["parts"]
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
    result = dict(summary=summary, files=files)
    if params["consume_parts"]:
        if keys and not module.check_mode:
            consume(module, s3, params["parts_bucket"], keys)
        result["consumed"] = keys
        changed = changed or bool(keys)
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
