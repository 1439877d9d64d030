#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the serverless.aws_lambda project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: lambda_event_invoke_config_info
version_added: 0.1.0
short_description: Read the asynchronous invocation settings of Lambda functions, versions and aliases
description:
  - Reads event invoke configs (retries, maximum event age, destinations) without changing anything.
  - With a qualifier, in O(qualifier) or at the end of O(function_name), returns that one config.
  - With a function but no qualifier, returns every config of the function, on V($LATEST), on each
    version and on each alias, following every page of results.
  - Without O(function_name), returns the configs of every function in the region, and in RV(functions)
    every function with its configs, so functions without any config can be found.
  - A function, version, alias or config that does not exist gives an empty result, not a failure.
author:
  - serverless.aws_lambda maintainers (@serverless-aws-lambda)
options:
  function_name:
    description:
      - A function name, a partial ARN or a full ARN, optionally ending in a qualifier, as in
        M(serverless.aws_lambda.lambda_event_invoke_config).
      - When omitted, every function of the region is read.
    type: str
    aliases: ['name']
  qualifier:
    description:
      - V($LATEST), a version number or an alias name. Only the config of that qualifier is returned.
      - Requires O(function_name).
    type: str
  destination_health:
    description:
      - Adds RV(event_invoke_configs[].destination_health) to every config returned, the state of each of its
        destinations.
      - Each destination is read once per task, however many configs share it, in its own region (SQS
        C(GetQueueAttributes), SNS C(GetTopicAttributes), Lambda C(GetFunction), EventBridge C(DescribeEventBus), S3
        C(HeadBucket)). A destination that exists is then judged against the execution role of the config's own
        qualifier (a version keeps the role it was published with; C(GetFunctionConfiguration) once per qualifier)
        with IAM's C(SimulatePrincipalPolicy), once per role and destination, and, for what the simulation denies,
        the destination's resource policy.
      - The judgement is the one the prediction of
        O(serverless.aws_lambda.lambda_event_invoke_config#module:validate_destinations) makes. A destination of
        another account that AWS answers "does not exist", a read the caller may not make and an allow that only a
        condition decides are V(unknown), never V(missing) or V(role not allowed (predicted)). SCPs and KMS key
        policies are not seen; the states are predictions, and AWS may decide otherwise.
      - These reads go to IAM, SQS, SNS, S3, KMS, STS and EventBridge, which do not count against Lambda's quota; they are
        paced all together at O(max_requests_per_second), apart from the Lambda calls.
      - Needs the read permission of each destination service and C(iam:SimulatePrincipalPolicy).
    type: bool
    default: false
    version_added: 0.2.0
  metrics_hours:
    description:
      - Adds RV(event_invoke_configs[].metrics) to every config returned, the sums of the CloudWatch metrics
        C(AsyncEventsDropped) and C(DestinationDeliveryFailures) (namespace C(AWS/Lambda)) over the last
        O(metrics_hours) hours, up to the last whole minute.
      - Lambda publishes these metrics per function (dimension C(FunctionName), the aggregate of every version and
        alias) and per version or alias (dimensions C(FunctionName) and C(Resource), V(NAME:QUALIFIER)). The config of
        a version or an alias is summed from its own series; the config of V($LATEST) from the function's aggregate
        (AWS documents C(Resource) series for versions and aliases), so it also counts the events of the function's
        versions and aliases.
      - All the sums of the task are read with as few C(GetMetricData) calls as the API allows (two queries per
        config, 500 queries per call). Needs the C(cloudwatch:GetMetricData) permission.
      - From V(1) to V(360) (15 days, for which CloudWatch keeps one-minute data points). When omitted, no metrics
        are read.
    type: int
    version_added: 0.2.0
notes:
  - Throttling and server errors are retried with a jittered backoff, each worker with its own.
  - Makes only read calls.
attributes:
  diff_mode:
    support: none
  action_group:
    support: full
    membership:
      - serverless.aws_lambda.aws
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
  - serverless.aws_lambda.modules
  - serverless.aws_lambda.pacing
  - amazon.aws.common.modules
  - amazon.aws.region.modules
"""

EXAMPLES = r"""
- name: Read the config of an alias
  serverless.aws_lambda.lambda_event_invoke_config_info:
    function_name: my-function
    qualifier: prod
  register: prod_config

- name: Read every config of a function ($LATEST, versions and aliases)
  serverless.aws_lambda.lambda_event_invoke_config_info:
    function_name: arn:aws:lambda:us-east-1:123456789012:function:my-function
  register: all_configs

- name: Audit the region
  serverless.aws_lambda.lambda_event_invoke_config_info:
  register: audit

- name: List functions that have no config at all
  ansible.builtin.debug:
    msg: "{{ audit.functions | selectattr('event_invoke_configs', 'equalto', []) | map(attribute='function_name') }}"

- name: Audit the region with the asynchronous delivery metrics of the last day
  serverless.aws_lambda.lambda_event_invoke_config_info:
    metrics_hours: 24
  register: health

- name: List configs that dropped events
  ansible.builtin.debug:
    msg: >-
      {{ health.event_invoke_configs
         | selectattr('metrics.async_events_dropped', 'gt', 0)
         | map(attribute='function_arn') }}

- name: Check every destination of a function's configs
  serverless.aws_lambda.lambda_event_invoke_config_info:
    function_name: my-function
    destination_health: true
  register: destinations

- name: List the destinations that cannot receive records
  ansible.builtin.debug:
    msg: >-
      {{ destinations.event_invoke_configs
         | map(attribute='destination_health') | map('dict2items') | flatten
         | map(attribute='value') | select | rejectattr('state', 'equalto', 'ok') }}

- name: List configs that send failures nowhere
  ansible.builtin.debug:
    msg: "{{ audit.event_invoke_configs | rejectattr('destination_config.on_failure') | map(attribute='function_arn') }}"
"""

RETURN = r"""
event_invoke_configs:
  description:
    - The configs found, sorted by function name, then V($LATEST), versions in numeric order and aliases by name.
    - Each item has the shape of RV(serverless.aws_lambda.lambda_event_invoke_config#module:event_invoke_config)
      plus RV(event_invoke_configs[].function_name).
  returned: always
  type: list
  elements: dict
  contains:
    function_name:
      description: The name of the function.
      type: str
      returned: always
      sample: my-function
    function_arn:
      description: The qualified ARN of the function, version or alias the config belongs to.
      type: str
      returned: always
      sample: arn:aws:lambda:us-east-1:123456789012:function:my-function:prod
    qualifier:
      description: V($LATEST), the version or the alias the config belongs to.
      type: str
      returned: always
      sample: prod
    last_modified:
      description: When the config was last changed, as an ISO 8601 string.
      type: str
      returned: always
      sample: "2026-11-27T14:03:12+00:00"
    maximum_retry_attempts:
      description: The maximum number of retries; V(null) when unset (AWS then retries twice).
      type: int
      returned: always
      sample: 1
    maximum_event_age_in_seconds:
      description: The maximum event age; V(null) when unset (AWS then uses 21600 seconds).
      type: int
      returned: always
      sample: 3600
    destination_config:
      description: The destinations; a side is V(null) when it has no destination.
      type: dict
      returned: always
      contains:
        on_success:
          description: The destination of successful invocations.
          type: dict
          returned: always
          sample: {"destination": "arn:aws:sqs:us-east-1:123456789012:my-success-queue"}
        on_failure:
          description: The destination of failed invocations.
          type: dict
          returned: always
          sample: {"destination": "arn:aws:sns:us-east-1:123456789012:my-failure-topic"}
    destination_health:
      description:
        - The state of each destination of the config, when O(destination_health=true).
        - A side is V(null) when it has no destination.
      type: dict
      returned: when O(destination_health=true)
      version_added: 0.2.0
      contains:
        on_success:
          description:
            - The state of the destination of successful invocations.
            - RV(event_invoke_configs[].destination_health.on_success.state) is V(ok) (the destination exists and the
              role may deliver to it), V(missing) (it does not exist in the caller's account), V(unknown) (it could
              not be judged, such as a destination in another account, or the role could not be simulated), V(fifo)
              (a FIFO queue or topic, to which Lambda never delivers) or V(role not allowed (predicted)).
            - RV(event_invoke_configs[].destination_health.on_success.reason) says why, in words; V(null) when the
              state is V(ok), unless a resource policy of the destination is what allows the role.
          type: dict
          returned: always
          sample:
            destination: arn:aws:sqs:us-east-1:123456789012:my-deleted-queue
            state: missing
            reason: "the destination arn:aws:sqs:us-east-1:123456789012:my-deleted-queue does not exist (AWS answered
                     AWS.SimpleQueueService.NonExistentQueue: it does not exist)"
          contains:
            destination:
              description: The destination's ARN.
              type: str
              returned: always
            state:
              description: V(ok), V(missing), V(unknown), V(fifo) or V(role not allowed (predicted)).
              type: str
              returned: always
            reason:
              description: Why the state is not V(ok); V(null) when it is.
              type: str
              returned: always
        on_failure:
          description: The state of the destination of failed invocations, as for RV(event_invoke_configs[].destination_health.on_success).
          type: dict
          returned: always
          sample:
            destination: arn:aws:sqs:us-east-1:123456789012:my-failures.fifo
            state: fifo
            reason: it is FIFO, and Lambda never delivers to a FIFO queue or topic
    metrics:
      description:
        - Sums of the config's CloudWatch metrics over the last O(metrics_hours) hours (see O(metrics_hours) for
          the series of each qualifier); V(0) when CloudWatch has no data point.
      type: dict
      returned: when O(metrics_hours) is given
      version_added: 0.2.0
      contains:
        async_events_dropped:
          description: C(AsyncEventsDropped), events dropped without being processed (too old, or out of retries).
          type: int
          returned: always
          sample: 0
        destination_delivery_failures:
          description: C(DestinationDeliveryFailures), records Lambda failed to send to a destination.
          type: int
          returned: always
          sample: 3
        hours:
          description: The window, O(metrics_hours).
          type: int
          returned: always
          sample: 24
functions:
  description:
    - Every function of the region, sorted by name, each with its configs (an empty list when it has none).
  returned: when O(function_name) is not given
  type: list
  elements: dict
  contains:
    function_name:
      description: The name of the function.
      type: str
      returned: always
      sample: my-function
    event_invoke_configs:
      description: The configs of the function, in the shape of RV(event_invoke_configs).
      type: list
      elements: dict
      returned: always
      sample: []
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.serverless.aws_lambda.plugins.module_utils import lambda_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import module_checks
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_health import add_destination_health
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_health import add_metrics
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import MissingFunctionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import parse_function_name
from ansible_collections.serverless.aws_lambda.plugins.module_utils.modules import AnsibleLambdaModule
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import info_argument_spec
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import validate_metrics_hours
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import validate_pacing
from ansible_collections.serverless.aws_lambda.plugins.module_utils.pacing import Pacer
from ansible_collections.serverless.aws_lambda.plugins.module_utils.pacing import map_units
from ansible_collections.serverless.aws_lambda.plugins.module_utils.pacing import pace
from ansible_collections.serverless.aws_lambda.plugins.module_utils.results import config_item
from ansible_collections.serverless.aws_lambda.plugins.module_utils.results import sorted_items


def configs_of_function(client, target):
    """Every config of the function of ``target``, sorted; none when the function does not exist."""
    try:
        return sorted_items(target.name, lambda_api.list_configs(client, target))
    except MissingFunctionError:
        return []  # a function deleted since the region was listed, or never created


def configs_of_target(client, target, checks=None):
    """The config of one qualifier, or every config of the function when no qualifier is given.

    With ``checks`` (a DestinationChecks), each config gets its destination_health.
    """
    if target.qualifier:
        config = lambda_api.get_config(client, target)
        configs = [config_item(target.name, config)] if config else []
    else:
        configs = configs_of_function(client, target)
    if checks is not None:
        add_destination_health(checks, client, target, configs)
    return configs


def configs_of_region(client, workers=1, checks=None):
    """Every function of the region with its configs, sorted by name; one List per function on ``workers`` threads.

    With ``checks``, each config gets its destination_health, read by the worker of its function.
    """

    def function(name):
        unit_client = lambda_api.retrying(client)  # retry state of its own; the pacer is shared
        return dict(
            function_name=name, event_invoke_configs=configs_of_target(unit_client, parse_function_name(name), checks)
        )

    return map_units(function, sorted(lambda_api.list_function_names(client)), workers)


def main():
    module = AnsibleLambdaModule(
        argument_spec=info_argument_spec(), supports_check_mode=True, required_by=dict(qualifier="function_name")
    )
    params = module.params
    target = None
    try:
        validate_pacing(params)
        validate_metrics_hours(params)
        if params["function_name"] is not None:
            target = parse_function_name(params["function_name"], params["qualifier"], module.region)
    except InvalidOptionError as e:
        module.fail_json(msg=str(e), option=e.option)

    client = module.client("lambda", retry_decorator=lambda_api.retry_decorator())
    pace(client, Pacer(params["max_requests_per_second"]))
    # The reads of services but Lambda (destinations, IAM, CloudWatch) share the paced clients of the checks.
    checks = module_checks(module)
    health = checks if params["destination_health"] else None
    try:
        if target is not None:
            result = dict(event_invoke_configs=configs_of_target(client, target, health))
        else:
            functions = configs_of_region(client, params["workers"], health)
            configs = [config for function in functions for config in function["event_invoke_configs"]]
            result = dict(event_invoke_configs=configs, functions=functions)
        if params["metrics_hours"] is not None:
            add_metrics(checks.client("cloudwatch"), result["event_invoke_configs"], params["metrics_hours"])
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
