# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make sure a Lambda function has at least COUNT published versions; print "published N" or "unchanged".

No amazon.aws module publishes versions. Lambda publishes a new version only when the function changed
since the last one, so the description is changed before each publish. Reads the endpoint from AWS_URL,
as amazon.aws modules do.

Usage: publish_versions.py FUNCTION_NAME COUNT
"""

import os
import sys

import boto3


def published_versions(client, function_name):
    pages = client.get_paginator("list_versions_by_function").paginate(FunctionName=function_name)
    return [version["Version"] for page in pages for version in page["Versions"] if version["Version"] != "$LATEST"]


def main():
    function_name, count = sys.argv[1], int(sys.argv[2])
    client = boto3.client("lambda", endpoint_url=os.environ.get("AWS_URL") or None)
    missing = count - len(published_versions(client, function_name))
    for _attempt in range(missing):
        number = len(published_versions(client, function_name)) + 1
        client.update_function_configuration(FunctionName=function_name, Description="version %d" % number)
        client.publish_version(FunctionName=function_name)
    print("published %d" % missing if missing > 0 else "unchanged")


if __name__ == "__main__":
    main()
