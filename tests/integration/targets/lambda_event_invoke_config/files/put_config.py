# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Put an event invoke config straight through the Lambda API, as another tool would.

The module refuses some settings that AWS accepts (a FIFO destination, for one); the targets use this
to create such a config and check that the module leaves what a task does not manage alone. Reads the
endpoint from AWS_URL, as amazon.aws modules do.

Usage: put_config.py FUNCTION_NAME QUALIFIER JSON_BODY
"""

import json
import os
import sys

import boto3


def main():
    function_name, qualifier, body = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    client = boto3.client("lambda", endpoint_url=os.environ.get("AWS_URL") or None)
    config = client.put_function_event_invoke_config(FunctionName=function_name, Qualifier=qualifier, **body)
    print(config["FunctionArn"])


if __name__ == "__main__":
    main()
