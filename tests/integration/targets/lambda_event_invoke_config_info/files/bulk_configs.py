# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Give a Lambda function many versions, aliases and event invoke configs, so that listing them takes pages.

Publishes versions until the function has VERSION_COUNT of them, creates the aliases PREFIX000 ... (ALIAS_COUNT of
them) and the --bare-alias ones, all pointing at version 1, and puts a config on every PREFIXNNN alias and on every
--config-version. The settings follow from the qualifier, so a reader can check each one:

- alias PREFIXNNN: MaximumRetryAttempts NNN % 3, MaximumEventAgeInSeconds 60 + NNN;
- version V: MaximumRetryAttempts V % 3, MaximumEventAgeInSeconds 3600 + V.

Only what is missing or different is written. Prints a JSON summary whose "changed" says whether anything was.
Reads the endpoint from AWS_URL, as amazon.aws modules do. boto3 is used because there are hundreds of calls to make;
amazon.aws.lambda_alias and serverless.aws_lambda.lambda_event_invoke_config would take minutes for them.

Usage: bulk_configs.py FUNCTION_NAME --version-count N --alias-prefix P --alias-count N
       [--bare-alias NAME ...] [--config-version V ...]
"""

import argparse
import json
import os

import boto3


def alias_settings(number):
    return {"MaximumRetryAttempts": number % 3, "MaximumEventAgeInSeconds": 60 + number}


def version_settings(version):
    return {"MaximumRetryAttempts": version % 3, "MaximumEventAgeInSeconds": 3600 + version}


def published_versions(client, function_name):
    pages = client.get_paginator("list_versions_by_function").paginate(FunctionName=function_name)
    return [version["Version"] for page in pages for version in page["Versions"] if version["Version"] != "$LATEST"]


def existing_aliases(client, function_name):
    pages = client.get_paginator("list_aliases").paginate(FunctionName=function_name)
    return {alias["Name"] for page in pages for alias in page["Aliases"]}


def publish_versions(client, function_name, count):
    published = 0
    for number in range(len(published_versions(client, function_name)) + 1, count + 1):
        # Lambda publishes a new version only when the function changed since the last one.
        client.update_function_configuration(FunctionName=function_name, Description="version %d" % number)
        client.publish_version(FunctionName=function_name)
        published += 1
    return published


def create_aliases(client, function_name, names):
    existing = existing_aliases(client, function_name)
    missing = [name for name in names if name not in existing]
    for name in missing:
        client.create_alias(FunctionName=function_name, Name=name, FunctionVersion="1")
    return len(missing)


def current_settings(client, function_name, qualifier):
    try:
        config = client.get_function_event_invoke_config(FunctionName=function_name, Qualifier=qualifier)
    except client.exceptions.ResourceNotFoundException:
        return None
    return {key: config.get(key) for key in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds")}


def put_configs(client, function_name, wanted):
    written = 0
    for qualifier, settings in wanted.items():
        if current_settings(client, function_name, qualifier) != settings:
            client.put_function_event_invoke_config(FunctionName=function_name, Qualifier=qualifier, **settings)
            written += 1
    return written


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("function_name")
    parser.add_argument("--version-count", type=int, required=True)
    parser.add_argument("--alias-prefix", required=True)
    parser.add_argument("--alias-count", type=int, required=True)
    parser.add_argument("--bare-alias", action="append", default=[])
    parser.add_argument("--config-version", type=int, action="append", default=[])
    return parser.parse_args()


def main():
    args = parse_args()
    client = boto3.client("lambda", endpoint_url=os.environ.get("AWS_URL") or None)
    bulk = {"%s%03d" % (args.alias_prefix, number): alias_settings(number) for number in range(args.alias_count)}
    wanted = dict(bulk)
    wanted.update({str(version): version_settings(version) for version in args.config_version})
    summary = {
        "published": publish_versions(client, args.function_name, args.version_count),
        "aliases_created": create_aliases(client, args.function_name, list(bulk) + args.bare_alias),
        "configs_put": put_configs(client, args.function_name, wanted),
        "configs": len(wanted),
    }
    summary["changed"] = any(summary[key] for key in ("published", "aliases_created", "configs_put"))
    print(json.dumps(summary, sort_keys=True))


if __name__ == "__main__":
    main()
