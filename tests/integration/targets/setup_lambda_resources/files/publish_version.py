# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Publish a version of a Lambda function and print its number (no amazon.aws module publishes versions).

Reads the endpoint from AWS_URL, as amazon.aws modules do.
"""

import os
import sys

import boto3

client = boto3.client("lambda", endpoint_url=os.environ.get("AWS_URL"))
print(client.publish_version(FunctionName=sys.argv[1])["Version"])
