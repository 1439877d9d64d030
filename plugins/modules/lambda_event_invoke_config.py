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
  - One task can manage many configs with O(configs), at the speed Lambda's API quota allows; see
    O(configs), O(purge_configs), O(workers) and O(max_requests_per_second).
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
      - Exactly one of O(function_name) and O(configs) is required.
    type: str
    aliases: ['name']
  qualifier:
    description:
      - V($LATEST), a version number, or an alias name.
      - When omitted (and O(function_name) carries no qualifier), the unqualified function is managed,
        which is the same config as V($LATEST).
      - Not with O(configs); give each item its own O(configs[].qualifier).
    type: str
  state:
    description:
      - V(present) creates or updates the config; V(absent) deletes it.
      - With V(absent), a config, qualifier or function that does not exist is already absent.
      - With V(present), a task that sets nothing (no option, or only O(destination_config={})) on a
        qualifier without a config changes nothing.
      - With O(configs), the state of every item that does not set its own.
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
    suboptions: &destination_sides
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
      - The write is retried after pauses of 1, 2, 4 and 8 seconds, then 15 seconds each, within the
        destination's retry window, which opens at its first rejection in the task and lasts this many
        seconds; with the default of 120, the last retry starts about two minutes after the first attempt.
        V(0) fails at the first rejection.
      - The window is per destination, not per config. Configs that share a rejected destination wait
        for it once, and once its window has run out they fail at once with the same advice. Configs with
        other destinations are not affected.
      - With O(configs), the value of every item that does not set its own.
    type: int
    default: 120
  configs:
    description:
      - Many configs in one task, each item with the options of a single task and the same meaning.
      - The task's top-level O(state), O(maximum_retry_attempts), O(maximum_event_age_in_seconds),
        O(destination_config) and O(destination_retry_timeout) apply to every item that does not set them.
      - Every item is validated before any API call. Two items that address the same config are refused
        (an unqualified function is the same config as V($LATEST); a name, a partial ARN and a full ARN
        of the same function are the same function).
      - The items of RV(serverless.aws_lambda.lambda_event_invoke_config_info#module:event_invoke_configs) can be given as they
        are; on unchanged configs the run is a no-op.
      - An item that fails does not stop the others; the task fails after all have run and names every
        failed item.
      - Mutually exclusive with O(function_name) and O(qualifier).
    type: list
    elements: dict
    suboptions:
      function_name:
        description: As the top-level O(function_name).
        type: str
        required: true
        aliases: ['name']
      qualifier:
        description: As the top-level O(qualifier).
        type: str
      state:
        description: As the top-level O(state), which applies when this is not set.
        type: str
        choices: ['present', 'absent']
      maximum_retry_attempts:
        description: As the top-level O(maximum_retry_attempts), which applies when this is not set.
        type: int
      maximum_event_age_in_seconds:
        description: As the top-level O(maximum_event_age_in_seconds), which applies when this is not set.
        type: int
      destination_config:
        description: As the top-level O(destination_config), which applies when this is not set.
        type: dict
        suboptions: *destination_sides
      destination_retry_timeout:
        description: As the top-level O(destination_retry_timeout), which applies when this is not set.
        type: int
      function_arn:
        description:
          - Ignored. Accepted so that the items that P(serverless.aws_lambda.lambda_event_invoke_config_info#module)
            returns can be given as they are.
        type: str
      last_modified:
        description:
          - Ignored, like O(configs[].function_arn).
        type: str
  purge_configs:
    description:
      - With O(configs), delete the configs of every function that O(configs) names on the qualifiers that
        O(configs) does not list for it. Functions that O(configs) does not name are left alone.
      - Check mode and diff mode show what would be deleted; RV(configs) lists each purged config.
    type: bool
    default: false
  validate_destinations:
    description:
      - Whether to predict what AWS will make of the destinations a write sends, before the write.
      - When not set, check mode predicts and warns, and real runs do not predict. A predicted refusal is a
        warning that names the destination, the reason and every config it concerns (once), and each config's
        RV(configs[].destination_checks) (RV(destination_checks) for one config) holds the judgement, so a CI play
        can assert on it; the task does not fail, and the diffs of the other configs still show. A whole-playbook
        dry run whose earlier tasks create the queue or the role's permission therefore passes with a warning.
      - V(true) predicts in check mode and in real runs, and fails every config it predicts AWS refuses, or whose
        deliveries would fail, without writing it. V(false) never predicts.
      - AWS refuses a config whose destination does not exist or whose delivery action (V(sqs:SendMessage),
        V(sns:Publish), V(lambda:InvokeFunction), V(events:PutEvents), V(s3:PutObject)) the execution role may not
        use; what only deliveries need (V(s3:ListBucket), the KMS key of an encrypted queue or topic) is predicted as
        "Lambda would accept, but deliveries would fail".
      - The prediction reads each destination (in its own region), its resource policy (queues, topics and buses with
        the destination's read; V(lambda:GetPolicy) or V(s3:GetBucketPolicy) only when the role's policies deny),
        the KMS key an encrypted queue or topic names by alias (V(kms:DescribeKey)), the function's execution role
        (C(GetFunctionConfiguration), once per function), and asks C(iam:SimulatePrincipalPolicy) whether the role may
        deliver there (once per role and destination). A resource policy that allows the role, its account or
        everyone the delivery action without a condition counts as allowed.
      - It says V(unknown), never a refusal, for what it cannot know - a destination of another account whose read AWS
        answers "does not exist" (for SQS also the answer to a queue the caller may not read), a read or a simulation
        the caller may not make, a decision that depends on a condition - and says once per task which permissions the
        caller lacked. An organization's SCPs and KMS key policies stay unseen.
      - In a real run, a destination AWS rejects is read once; when it does not exist in the caller's account, every
        config that uses it fails at once instead of waiting O(destination_retry_timeout) for IAM changes.
    type: bool
    version_added: 0.2.0
  grant_destination_permissions:
    description:
      - Make one inline policy on each execution role of the task's functions allow what their destinations need,
        and nothing else; see the guide's section on the grant for the policy.
      - The policy is named C(serverless-aws-lambda-destinations-<region>), one per role and region, shared by
        every function of the region that runs with the role; each destination has one statement, however many
        functions use it. It covers the destinations of every config of the task's functions that remains after the
        task (all qualifiers, so each function's configs are read with one C(ListFunctionEventInvokeConfigs)).
      - Before any config write of the task, each policy only widens (what it allowed, plus what the configs need).
        After the writes, a statement goes only when a config of the task stopped using its destination and no
        function of the region on the role uses it any more, which is read on that path only (C(ListFunctions) once,
        then C(ListFunctionEventInvokeConfigs) for each function with a version on the role). A read that fails, or
        a queue or topic whose KMS key could not be read, keeps the statements and says so in a warning; statements
        no function on the role uses are reported and left in place.
      - One statement per resource, as SAM writes them, with the delivery action on the queue, topic, function
        or event bus; V(s3:PutObject) on C(bucket/*) and V(s3:ListBucket) on the bucket; V(kms:GenerateDataKey) and
        V(kms:Decrypt) on the exact key ARN of the customer-managed key of an encrypted queue or topic (a key id or
        alias is resolved; a key that cannot be resolved to an exact key ARN of the destination's partition is
        refused). No statement holds a wildcard, other than the objects of an S3 bucket.
      - Every statement's Sid starts with C(LambdaDestination); a policy of that name whose statements lack the mark
        was not written by the module and is never changed (the task fails and says so).
      - The role is that of each qualifier, read once (C(GetFunctionConfiguration)). A role of another account and a
        service-linked role are refused. A policy that cannot fit IAM's quota of 10,240 characters of inline policy
        per role fails the functions of that role before any of their configs is written, with the numbers.
        IAM changes take a while to reach Lambda, so the writes that follow retry a rejected destination for
        O(destination_retry_timeout) seconds.
      - Check mode and diff mode show the policy change; RV(role_policies) lists each policy, also when the task
        fails after writing it.
      - Needs C(iam:GetRolePolicy), C(iam:PutRolePolicy), C(iam:DeleteRolePolicy) and C(iam:ListRolePolicies) on the
        role, and C(lambda:ListFunctions).
    type: bool
    default: false
    version_added: 0.2.0
notes:
  - Throttling, C(ResourceConflictException) (the function is being updated) and server errors are
    retried with a jittered backoff, 10 attempts in all, which take about a minute on average and at
    most about two minutes. For throttling and server errors, botocore's own retries (see
    C(AWS_RETRY_MODE) and C(AWS_MAX_ATTEMPTS)) happen within each of these attempts.
  - A run that changes nothing makes one API call (C(GetFunctionEventInvokeConfig)); a run that
    creates, updates or deletes makes two. Check mode never makes a write call; when no config exists
    it also checks that the function and qualifier exist, so it predicts the failure a real run would
    report.
  - With O(configs), each function is read once, with C(GetFunctionEventInvokeConfig) when the task names
    one of its qualifiers and with C(ListFunctionEventInvokeConfigs) when it names several or purges.
    A function that does not exist fails its own items only.
  - A destination that the task gives is validated; a destination the task leaves alone is kept as AWS
    has it, with a warning when it is a FIFO queue or topic, to which every delivery fails.
  - A Lambda destination that is the function itself is refused before any write when the account is
    known (from an ARN in O(function_name), or from a config AWS returned); otherwise AWS's own refusal
    is reported.
  - When a config to delete is already gone by the time of the C(DeleteFunctionEventInvokeConfig) call
    (a retried call whose first attempt went through, or someone else deleted it), the result still
    reports a change, since the config the task read is gone as the task asked; the diff says the same.
attributes:
  diff_mode:
    support: full
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

- name: Many configs in one task; top-level settings apply where an item sets none
  serverless.aws_lambda.lambda_event_invoke_config:
    maximum_event_age_in_seconds: 3600
    destination_config:
      on_failure:
        destination: arn:aws:sqs:us-east-1:123456789012:failures
    configs:
      - function_name: orders
        maximum_retry_attempts: 0
      - function_name: orders
        qualifier: prod
        maximum_retry_attempts: 2
      - function_name: billing:live
        maximum_event_age_in_seconds: 600
      - function_name: legacy
        state: absent

- name: Keep only the listed configs of these functions (delete the others)
  serverless.aws_lambda.lambda_event_invoke_config:
    configs: "{{ async_configs }}"
    purge_configs: true

- name: Read every config of a function, then apply them again as they are (a no-op)
  serverless.aws_lambda.lambda_event_invoke_config_info:
    function_name: my-function
  register: current

- name: Apply what was read
  serverless.aws_lambda.lambda_event_invoke_config:
    configs: "{{ current.event_invoke_configs }}"

- name: A large fleet while other tools share the account's Lambda API quota (15 requests per second)
  serverless.aws_lambda.lambda_event_invoke_config:
    configs: "{{ async_configs }}"
    max_requests_per_second: 5
    workers: 8

- name: Let the execution role deliver to the destinations (least privilege), then configure them
  serverless.aws_lambda.lambda_event_invoke_config:
    function_name: my-function
    destination_config:
      on_failure:
        destination: arn:aws:sqs:us-east-1:123456789012:my-failure-queue
    grant_destination_permissions: true

- name: Hold back any write whose destination AWS is predicted to refuse (check mode predicts and warns anyway)
  serverless.aws_lambda.lambda_event_invoke_config:
    configs: "{{ async_configs }}"
    validate_destinations: true

- name: A CI dry run that fails only on a predicted refusal, after the plays that create the destinations
  serverless.aws_lambda.lambda_event_invoke_config:
    configs: "{{ async_configs }}"
  check_mode: true
  register: dry_run

- name: Stop when AWS would refuse a config
  ansible.builtin.assert:
    that: refused | length == 0
    fail_msg: "{{ refused }}"
  vars:
    refused: "{{ dry_run.configs | map(attribute='destination_checks', default=[]) | flatten
                 | selectattr('prediction', 'equalto', 'refused') | list }}"
"""

RETURN = r"""
event_invoke_config:
  description:
    - The config after the change; in check mode, the config the change would produce.
    - An empty dict when the config is absent.
  returned: when O(function_name) is given
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
destination_checks:
  description:
    - What the destination prediction says of each destination the write of the config sends (see
      O(validate_destinations)); an empty list when the write sends none.
  returned: when O(function_name) is given and the prediction ran (check mode, or O(validate_destinations=true))
  type: list
  elements: dict
  contains:
    destination:
      description: The destination ARN.
      type: str
      returned: always
      sample: arn:aws:sqs:us-east-1:123456789012:my-failure-queue
    state:
      description:
        - V(ok), V(missing), V(unknown), V(fifo) or V(role not allowed (predicted)), as the info module's
          destination_health says it.
      type: str
      returned: always
      sample: missing
    prediction:
      description:
        - V(ok); V(refused) when AWS would refuse the config (the destination does not exist, or the role may not
          use its delivery action); V(undeliverable) when Lambda would accept it but deliveries would fail;
          V(unknown) when it could not be checked.
      type: str
      returned: always
      sample: refused
    reason:
      description: Why, in words; V(null) when there is nothing to say.
      type: str
      returned: always
      sample: "the destination arn:aws:sqs:us-east-1:123456789012:my-failure-queue does not exist (AWS answered
               AWS.SimpleQueueService.NonExistentQueue: it does not exist)"
configs:
  description:
    - With O(configs), one entry per item in the task's order, then one per config deleted by
      O(purge_configs).
  returned: when O(configs) is given
  type: list
  elements: dict
  contains:
    function_name:
      description: The name of the function.
      type: str
      returned: always
      sample: my-function
    qualifier:
      description: V($LATEST), the version or the alias.
      type: str
      returned: always
      sample: prod
    state:
      description: V(present) or V(absent), as the item asked.
      type: str
      returned: always
      sample: present
    changed:
      description: Whether this config changed (in check mode, would change).
      type: bool
      returned: always
      sample: true
    event_invoke_config:
      description: The config after the change, in the shape of RV(event_invoke_config); V({}) when absent or failed.
      type: dict
      returned: always
      sample: {}
    purged:
      description: V(true) for a config deleted because O(purge_configs) is on and no item names it.
      type: bool
      returned: when purged
      sample: true
    failed:
      description: V(true) when this config could not be brought to its desired state.
      type: bool
      returned: on failure
      sample: true
    msg:
      description: What went wrong for this config and what to do.
      type: str
      returned: on failure
      sample: "Cannot configure function my-function (qualifier 7): the function or its version/alias 7 does not exist"
    destination_checks:
      description: What the destination prediction says of the destinations the config's write sends, as
        RV(destination_checks) says it for one config.
      type: list
      elements: dict
      returned: when the prediction ran for the config
      sample: [{"destination": "arn:aws:sqs:us-east-1:123456789012:my-failure-queue", "state": "ok",
                "prediction": "ok", "reason": null}]
role_policies:
  description:
    - With O(grant_destination_permissions), one entry per execution role and region of the functions whose
      configs the task manages.
  returned: when O(grant_destination_permissions=true)
  type: list
  elements: dict
  contains:
    role_arn:
      description: The execution role that holds the policy.
      type: str
      returned: always
      sample: arn:aws:iam::123456789012:role/my-function-role
    policy_name:
      description: The name of the inline policy.
      type: str
      returned: always
      sample: serverless-aws-lambda-destinations-us-east-1
    functions:
      description: The functions of the task whose destinations the policy allows (other functions on the role may
        use it too).
      type: list
      elements: str
      returned: always
      sample: ["my-function"]
    changed:
      description: Whether the policy changed (in check mode, would change).
      type: bool
      returned: always
      sample: true
    policy:
      description: The policy document after the task; V(null) when no destination of the role's functions is left.
      type: dict
      returned: always
      sample: {"Version": "2012-10-17", "Statement": [{"Sid": "LambdaDestinationSqsMySuccessQueue1a2b3c4d", "Effect": "Allow",
               "Action": ["sqs:SendMessage"], "Resource": "arn:aws:sqs:us-east-1:123456789012:my-success-queue"}]}
diff:
  description:
    - The config before and after the change, in the shape of the module's options.
    - An empty dict stands for no config.
    - For one config, a dict with C(before) and C(after), headed (C(before_header), C(after_header)) by its function
      and qualifier; when a setting shows as V(null), the header says that it is not set and AWS's default
      applies (2 retries, 21600 seconds).
    - With O(configs), a list of such dicts, one per changed config.
    - With O(grant_destination_permissions), a list of the configs' diffs, then one per changed role policy.
  returned: when diff mode is on
  type: raw
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

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.serverless.aws_lambda.plugins.module_utils import lambda_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.converge import converge
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import STRICT
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import WARN
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import module_checks
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import prediction_warnings
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.grant import Grant
from ansible_collections.serverless.aws_lambda.plugins.module_utils.modules import AnsibleLambdaModule
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import build_requests
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import module_argument_spec
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import validate_pacing
from ansible_collections.serverless.aws_lambda.plugins.module_utils.pacing import Pacer
from ansible_collections.serverless.aws_lambda.plugins.module_utils.pacing import pace
from ansible_collections.serverless.aws_lambda.plugins.module_utils.results import failure_message


def granted(grant):
    """The role_policies result and the diffs of the changed policies of a task with the grant on."""
    results, diffs = [], []
    for policy in sorted(grant.policies, key=lambda policy: (policy["role_arn"], policy["policy_name"])):
        results.append(
            dict(
                {key: policy[key] for key in ("role_arn", "policy_name", "functions", "changed")},
                policy=policy["after"],
            )
        )
        if policy["changed"]:
            header = f"inline policy {policy['policy_name']} of role {policy['role_arn']}"
            diffs.append(
                dict(
                    before=policy["before"] or {},
                    after=policy["after"] or {},
                    before_header=header,
                    after_header=header,
                )
            )
    return results, diffs


def failure(outcomes, fleet, check_mode):
    """The keys a failed task adds to its result: the msg, and for one config the option or AWS's error."""
    failed = [outcome for outcome in outcomes if outcome.error is not None]
    if fleet:
        return dict(msg=failure_message(outcomes, check_mode))
    error = failed[0].error
    if isinstance(error, InvalidOptionError):
        return dict(msg=failed[0].message(), option=error.option)
    response = getattr(error.exception, "response", None)
    return dict(camel_dict_to_snake_dict(response) if response else {}, msg=failed[0].message())


def report(module, outcomes, fleet, grant, checks):
    """The task's result, failed or not: one config's, or with configs one entry per item in the task's order, then
    the purged configs; with the grant, its role policies; changed and the diff always."""
    changed = any(outcome.changed for outcome in outcomes)
    if fleet:
        result = dict(configs=[outcome.result() for outcome in outcomes])
        diffs = [outcome.diff() for outcome in outcomes if outcome.changed]
    else:
        (outcome,) = outcomes
        result = dict(event_invoke_config=outcome.config)
        if outcome.judgements is not None:
            result["destination_checks"] = outcome.destination_checks()
        diffs = outcome.diff()
    if grant is not None:
        result["role_policies"], policy_diffs = granted(grant)
        changed = changed or bool(policy_diffs)
        diffs = (diffs if fleet else [diffs]) + policy_diffs
    if module._diff:
        result["diff"] = diffs
    for warning in task_warnings(outcomes, fleet, grant, checks, module.check_mode):
        module.warn(warning)
    if any(outcome.error is not None for outcome in outcomes):
        module.fail_json(changed=changed, **dict(result, **failure(outcomes, fleet, module.check_mode)))
    module.exit_json(changed=changed, **result)


def task_warnings(outcomes, fleet, grant, checks, check_mode):
    """Every warning of the task, each said once: unmanaged destinations, predictions, what the grant kept."""
    warnings = [
        f"{outcome.describe()}: {warning}" if fleet else warning for outcome in outcomes for warning in outcome.warnings
    ]
    judged = [(outcome.describe(), judgement) for outcome in outcomes for judgement in outcome.judgements or []]
    if any(outcome.judgements is not None for outcome in outcomes):
        warnings.extend(prediction_warnings(judged, checks.blind_spots(), check_mode))
    return warnings + (grant.warnings if grant is not None else [])


def main():
    module = AnsibleLambdaModule(
        argument_spec=module_argument_spec(),
        supports_check_mode=True,
        mutually_exclusive=[("function_name", "configs"), ("qualifier", "configs")],
        required_one_of=[("function_name", "configs")],
    )
    params = module.params
    fleet = params["configs"] is not None
    if params["purge_configs"] and not fleet:
        module.fail_json(
            msg="purge_configs needs configs: list the configs to keep in configs.", option="purge_configs"
        )
    labelled = (
        [(f"configs[{index}]", item) for index, item in enumerate(params["configs"])] if fleet else [(None, params)]
    )
    try:
        validate_pacing(params)
        requests = build_requests(labelled, params, region=module.region)
    except InvalidOptionError as e:
        module.fail_json(msg=str(e), option=e.option)

    client = module.client("lambda", retry_decorator=lambda_api.retry_decorator())
    pace(client, Pacer(params["max_requests_per_second"]))
    # Check mode predicts and warns unless validate_destinations says otherwise; true also fails what it predicts.
    validate = params["validate_destinations"]
    preflight = STRICT if validate else (WARN if validate is None and module.check_mode else None)
    checks = module_checks(module)  # its clients are made on first use: a task that reads nothing makes none
    grant = Grant(checks) if params["grant_destination_permissions"] else None
    outcomes = converge(
        client,
        requests,
        checks=checks,
        check_mode=module.check_mode,
        purge=params["purge_configs"],
        workers=params["workers"],
        preflight=preflight,
        grant=grant,
    )
    report(module, outcomes, fleet, grant, checks)


if __name__ == "__main__":
    main()
