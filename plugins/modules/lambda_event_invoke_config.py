#!/usr/bin/python

# Copyright: Contributors to the serverless.aws_lambda project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: lambda_event_invoke_config
version_added: 0.1.0
short_description: Manage the asynchronous invocation settings of a Lambda function, version or alias
description:
  - Creates, updates and deletes the event invoke config of an AWS Lambda function, that is how many times
    Lambda retries a failed asynchronous invocation, how old an event may get before it is dropped,
    and where records of successful and failed invocations are sent.
  - Each of V($LATEST), every published version and every alias has its own config. A config set on
    an alias does not apply to the version the alias points to, nor the other way round.
  - Options that are left out are not managed; their current values are kept. O(destination_config),
    when given, describes both destinations; a side left out of it is removed.
  - Only changed settings are sent (C(UpdateFunctionEventInvokeConfig)), so settings someone else
    changed meanwhile are kept. C(PutFunctionEventInvokeConfig) is used to create a config and to
    remove a destination.
author:
  - serverless.aws_lambda maintainers (@serverless-aws-lambda)
options:
  function_name:
    description:
      - The Lambda function whose config is managed.
      - A function name (V(my-function)), a partial ARN (V(123456789012:function:my-function)) or a full
        ARN (V(arn:aws:lambda:us-east-1:123456789012:function:my-function)) in any partition.
      - May end in a qualifier (V(my-function:prod), V(arn:aws:lambda:us-east-1:123456789012:function:my-function:3)).
        If O(qualifier) is also given, both must be equal.
      - A full ARN must be in the region of the connection (O(region)).
    type: str
    required: true
    aliases: ['name']
  qualifier:
    description:
      - V($LATEST), a version number, or an alias name.
      - When omitted (and O(function_name) carries no qualifier), the unqualified function is managed,
        which is the same config as V($LATEST).
    type: str
  state:
    description:
      - V(present) creates or updates the config; V(absent) deletes it.
      - With V(absent), a config, qualifier or function that does not exist is already absent.
    type: str
    choices: ['present', 'absent']
    default: present
  maximum_retry_attempts:
    description:
      - How many times Lambda retries when the function returns an error, from V(0) to V(2).
      - When not set on the config, AWS retries twice.
    type: int
  maximum_event_age_in_seconds:
    description:
      - The maximum age of a request that Lambda sends to the function, from V(60) to V(21600) seconds.
      - When not set on the config, AWS keeps events for 21600 seconds (6 hours).
    type: int
  destination_config:
    description:
      - Where Lambda sends a record of each asynchronous invocation once it has been processed.
      - Describes both destinations. A side left out (or set to V(null)) has no destination;
        V({}) removes both destinations. Leave the whole option out to keep the current destinations.
      - A destination is the ARN of a standard SQS queue, a standard SNS topic, a Lambda function or an
        EventBridge event bus; an S3 bucket is also allowed for O(destination_config.on_failure).
        FIFO queues and topics are refused because AWS fails every delivery to them.
      - The function's execution role needs V(sqs:SendMessage), V(sns:Publish), V(lambda:InvokeFunction),
        V(events:PutEvents), or V(s3:PutObject) and V(s3:ListBucket) on the destination.
    type: dict
    suboptions:
      on_success:
        description: The destination of records of successful invocations.
        type: dict
        suboptions:
          destination:
            description: The ARN of the destination.
            type: str
            required: true
      on_failure:
        description: The destination of records of invocations that failed every attempt or expired.
        type: dict
        suboptions:
          destination:
            description: The ARN of the destination.
            type: str
            required: true
  destination_retry_timeout:
    description:
      - How long, in seconds, to keep retrying when AWS rejects a destination as invalid or not permitted.
      - AWS gives that answer both for a destination that does not exist and for an execution role whose
        new permissions have not yet propagated through IAM, which usually takes a minute or two.
      - V(0) fails at the first rejection.
    type: int
    default: 120
notes:
  - Throttling, C(ResourceConflictException) (the function is being updated) and server errors are
    retried with a jittered backoff, 10 attempts in all, which take about a minute on average and at
    most about two minutes. For throttling and server errors, botocore's own retries (see
    C(AWS_RETRY_MODE) and C(AWS_MAX_ATTEMPTS)) happen within each of these attempts.
  - A run that changes nothing makes one API call (C(GetFunctionEventInvokeConfig)); a run that
    creates, updates or deletes makes two. Check mode never makes a write call; when no config exists
    it also checks that the function and qualifier exist, so it predicts the failure a real run would
    report.
  - A Lambda destination with the function's own name is refused as the function itself only when it
    is in the same account. With a bare O(function_name) that account is read from AWS, which costs
    one extra call when such a destination is set on a new config.
  - Supports C(check_mode) and C(diff_mode).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Complete error handling and destination configuration
  serverless.aws_lambda.lambda_event_invoke_config:
    function_name: my-function
    maximum_retry_attempts: 1
    maximum_event_age_in_seconds: 3600
    destination_config:
      on_success:
        destination: arn:aws:sqs:us-east-1:123456789012:my-success-queue
      on_failure:
        destination: arn:aws:sns:us-east-1:123456789012:my-failure-topic

- name: Error handling only (destinations are left as they are)
  serverless.aws_lambda.lambda_event_invoke_config:
    function_name: my-function
    maximum_retry_attempts: 0
    maximum_event_age_in_seconds: 60

- name: Configure an alias
  serverless.aws_lambda.lambda_event_invoke_config:
    function_name: my-function
    qualifier: prod
    maximum_retry_attempts: 2

- name: Configure a published version, qualifier given in the ARN
  serverless.aws_lambda.lambda_event_invoke_config:
    function_name: arn:aws:lambda:us-east-1:123456789012:function:my-function:3
    maximum_event_age_in_seconds: 7200

- name: Configure $LATEST (the same config as the unqualified function)
  serverless.aws_lambda.lambda_event_invoke_config:
    function_name: my-function
    qualifier: $LATEST
    maximum_retry_attempts: 1

- name: Send failures to an EventBridge bus and successes to another function
  serverless.aws_lambda.lambda_event_invoke_config:
    function_name: my-function
    destination_config:
      on_success:
        destination: arn:aws:lambda:us-east-1:123456789012:function:record-success
      on_failure:
        destination: arn:aws:events:us-east-1:123456789012:event-bus/default

- name: Keep failed events in an S3 bucket (S3 is allowed for on_failure only)
  serverless.aws_lambda.lambda_event_invoke_config:
    function_name: my-function
    destination_config:
      on_failure:
        destination: arn:aws:s3:::my-failed-events

- name: Remove both destinations, keep the retry settings
  serverless.aws_lambda.lambda_event_invoke_config:
    function_name: my-function
    destination_config: {}

- name: Preview a change without making it
  serverless.aws_lambda.lambda_event_invoke_config:
    function_name: my-function
    qualifier: prod
    maximum_retry_attempts: 0
  check_mode: true
  diff: true
  register: preview

- name: Remove the config of an alias
  serverless.aws_lambda.lambda_event_invoke_config:
    function_name: my-function
    qualifier: prod
    state: absent
"""

RETURN = r"""
event_invoke_config:
  description:
    - The config after the change; in check mode, the config the change would produce.
    - An empty dict when the config is absent.
  returned: always
  type: dict
  contains:
    function_arn:
      description:
        - The qualified ARN of the function, version or alias the config belongs to.
        - In check mode, before a config exists, the ARN AWS would return.
      type: str
      returned: when present
      sample: arn:aws:lambda:us-east-1:123456789012:function:my-function:prod
    qualifier:
      description: V($LATEST), the version or the alias the config belongs to.
      type: str
      returned: when present
      sample: prod
    last_modified:
      description:
        - When the config was last changed, as an ISO 8601 string.
        - V(null) in check mode when the run would change the config.
      type: str
      returned: when present
      sample: "2026-11-27T14:03:12+00:00"
    maximum_retry_attempts:
      description: The maximum number of retries; V(null) when unset (AWS then retries twice).
      type: int
      returned: when present
      sample: 1
    maximum_event_age_in_seconds:
      description: The maximum event age; V(null) when unset (AWS then uses 21600 seconds).
      type: int
      returned: when present
      sample: 3600
    destination_config:
      description: The destinations; a side is V(null) when it has no destination.
      type: dict
      returned: when present
      contains:
        on_success:
          description: The destination of successful invocations.
          type: dict
          returned: when present
          sample: {"destination": "arn:aws:sqs:us-east-1:123456789012:my-success-queue"}
        on_failure:
          description: The destination of failed invocations.
          type: dict
          returned: when present
          sample: {"destination": "arn:aws:sns:us-east-1:123456789012:my-failure-topic"}
diff:
  description:
    - The config before and after the change, in the shape of the module's options.
    - An empty dict stands for no config.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The settings before the change.
      type: dict
      returned: when diff mode is on
      sample: {"maximum_retry_attempts": 2, "maximum_event_age_in_seconds": null,
               "destination_config": {"on_success": null, "on_failure": null}}
    after:
      description: The settings after the change.
      type: dict
      returned: when diff mode is on
      sample: {"maximum_retry_attempts": 0, "maximum_event_age_in_seconds": null,
               "destination_config": {"on_success": null, "on_failure": null}}
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.serverless.aws_lambda.plugins.module_utils import lambda_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import may_be_self
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import refuse_self_destinations
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import SIDES
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import build_request
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import desired_settings
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import options_view
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import plan_change
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import put_params
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import result_from_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import result_view
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import settings_from_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import unqualified_arn
from ansible_collections.serverless.aws_lambda.plugins.module_utils.modules import AnsibleLambdaModule


def _destinations(settings):
    return [settings[side] for side in SIDES if settings[side]]


def _predicted_arn(client, target, current_config):
    """FunctionArn check mode predicts: the current config's, or the one AWS would give a new config.

    Fails like the real run would when the function, version or alias does not exist.
    """
    if current_config:
        return current_config["FunctionArn"]
    function = lambda_api.get_function(client, target)
    if function is None:
        raise lambda_api.missing_function_error(target)
    return "{0}:{1}".format(unqualified_arn(function["FunctionArn"]), target.key_qualifier)


def _write(module, client, request, plan):
    """Apply ``plan``; returns the config AWS returns (the new state, no read-after-write)."""
    target = request.target
    timeout = module.params["destination_retry_timeout"]
    config = lambda_api.write_config(
        client, target, plan.action, plan.params, destinations=_destinations(plan.after), retry_timeout=timeout
    )
    if config is None:
        # The Update found the config deleted since the Get: re-create it from what the task asks
        # for, not from the settings that were deleted.
        fresh = desired_settings(None, request.managed)
        config = lambda_api.write_config(
            client, target, "put", put_params(fresh), destinations=_destinations(fresh), retry_timeout=timeout
        )
    return config


def ensure_present(module, client, request, current_config):
    """Create or update the config. Returns (changed, event_invoke_config, after settings)."""
    target = request.target
    current = settings_from_api(current_config)
    plan = plan_change(current, request.managed)
    if plan.action == "none":
        return False, result_from_api(current_config), current
    # With a bare function name the account, and so whether a destination is the function itself,
    # is only known from AWS's answers: the current config's ARN, or the function's (in check mode,
    # and in the rare real run that creates a config with a same-named Lambda destination).
    destinations = {side: plan.after[side] for side in SIDES}
    function_arn = (current_config or {}).get("FunctionArn")
    if function_arn is None and (module.check_mode or (target.account is None and may_be_self(destinations, target))):
        function_arn = _predicted_arn(client, target, current_config)
    refuse_self_destinations(destinations, target, function_arn)
    if module.check_mode:
        return True, result_view(plan.after, function_arn), plan.after
    config = _write(module, client, request, plan)
    return True, result_from_api(config), settings_from_api(config)


def ensure_absent(module, client, request, current_config):
    """Delete the config if there is one. Returns (changed, event_invoke_config, after settings)."""
    if current_config is None:
        return False, {}, None
    if module.check_mode:
        return True, {}, None
    deleted = lambda_api.delete_config(client, request.target)
    return deleted, {}, None


def main():
    argument_spec = dict(
        function_name=dict(type="str", required=True, aliases=["name"]),
        qualifier=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        maximum_retry_attempts=dict(type="int"),
        maximum_event_age_in_seconds=dict(type="int"),
        destination_config=dict(
            type="dict",
            options=dict(
                on_success=dict(type="dict", options=dict(destination=dict(type="str", required=True))),
                on_failure=dict(type="dict", options=dict(destination=dict(type="str", required=True))),
            ),
        ),
        destination_retry_timeout=dict(type="int", default=lambda_api.DESTINATION_RETRY_TIMEOUT),
    )
    module = AnsibleLambdaModule(argument_spec=argument_spec, supports_check_mode=True)

    try:
        request = build_request(module.params, region=module.region)
    except InvalidOptionError as e:
        module.fail_json(msg=str(e), option=e.option)

    client = module.client("lambda", retry_decorator=lambda_api.retry_decorator())
    ensure = ensure_present if module.params["state"] == "present" else ensure_absent
    try:
        current_config = lambda_api.get_config(client, request.target)
        changed, config, after = ensure(module, client, request, current_config)
    except InvalidOptionError as e:
        module.fail_json(msg=f"{request.target.describe()}: {e}", option=e.option)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)

    result = dict(changed=changed, event_invoke_config=config)
    if module._diff:
        result["diff"] = dict(before=options_view(settings_from_api(current_config)), after=options_view(after))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
