# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What AWS will make of a config's destinations, read before any write: does each destination exist, and may
the function's execution role deliver to it.

Lambda refuses a Put or Update whose destination the execution role may not use, with a generic message; the
check-mode preflight, the opt-in preflight of real runs and the info module's health audit predict that from
reads: the destination's own read (SQS GetQueueUrl and GetQueueAttributes, SNS GetTopicAttributes, Lambda
GetFunction, EventBridge DescribeEventBus, S3 HeadBucket), the execution role (GetFunctionConfiguration) and
iam:SimulatePrincipalPolicy for the actions of destinations.DELIVERY_PERMISSIONS. Each read is made once per
task, however many configs share it, and threads asking for the same read wait for the first.

A prediction, never a verdict: the simulation sees the role's identity policies, not the destination's resource
policy, the KMS key policy or an organization's SCPs, so AWS may refuse what passes here, or (rarely) accept
what is predicted to fail.
"""

import threading
from collections import namedtuple

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore.

from ansible_collections.serverless.aws_lambda.plugins.module_utils import lambda_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import delivery_permissions
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import parse_destination
from ansible_collections.serverless.aws_lambda.plugins.module_utils.pacing import Pacer
from ansible_collections.serverless.aws_lambda.plugins.module_utils.pacing import pace

OK = "ok"
MISSING = "missing"
UNKNOWN = "unknown"
FIFO = "fifo"
NOT_ALLOWED = "role not allowed (predicted)"

# ``state`` is OK, MISSING, UNKNOWN or FIFO; ``kms_key`` the ARN of the customer-managed KMS key of an
# encrypted queue or topic (None otherwise); ``reason`` says why a destination is not OK, in words.
DestinationState = namedtuple("DestinationState", "arn state kms_key reason")

# Error codes that mean "no such destination", per service.
_MISSING_CODES = {
    "sqs": ("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"),
    "sns": ("NotFound", "NotFoundException"),
    "lambda": ("ResourceNotFoundException",),
    "events": ("ResourceNotFoundException",),
    "s3": ("404", "NoSuchBucket", "NotFound"),
}


class _Once:
    """A thread-safe cache: compute(key) runs once per key; a failed computation is retried by the next caller."""

    def __init__(self):
        self._lock = threading.Lock()
        self._locks = {}
        self._values = {}

    def get(self, key, compute):
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._values:
                self._values[key] = compute()
            return self._values[key]


def _kms_key_arn(key, parsed):
    """The ARN of a queue's or topic's KMS key as IAM policies name it; None for no key or an AWS-managed key."""
    if not key or key.startswith("alias/aws/"):
        return None  # AWS-managed keys allow every principal of the account that may use the service
    if key.startswith("arn:"):
        return key
    return f"arn:{parsed.partition}:kms:{parsed.region}:{parsed.account}:{key if key.startswith('alias/') else 'key/' + key}"


class DestinationChecks:
    """Reads about destinations and execution roles, each made once per task; thread-safe.

    ``client_for(service, region)`` returns the boto3 client of a service other than Lambda (``region`` None:
    the task's region), paced by the task's second Pacer; Lambda reads use the caller's Lambda client.
    """

    def __init__(self, client_for):
        self._client_for = client_for
        self._clients = _Once()
        self._destinations = _Once()
        self._functions = _Once()
        self._simulations = _Once()

    def client(self, service, region=None):
        """The paced client of ``service`` (other than Lambda), with retry state of its own."""
        return lambda_api.retrying(self._clients.get((service, region), lambda: self._client_for(service, region)))

    # --- existence ------------------------------------------------------------------------------------------

    def destination(self, lambda_client, arn):
        """The DestinationState of ``arn``: one read per destination per task."""
        return self._destinations.get(arn, lambda: self._read_destination(lambda_client, arn))

    def _read_destination(self, lambda_client, arn):
        parsed = parse_destination(arn)
        try:
            kms_key, fifo = self._describe(lambda_client, parsed)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            code = lambda_api.error_code(e)
            if code in _MISSING_CODES[parsed.service]:
                return DestinationState(arn, MISSING, None, f"AWS answered {code}: it does not exist")
            return DestinationState(
                arn, UNKNOWN, None, f"it could not be read ({code or e}): {_unknown_advice(parsed)}"
            )
        if fifo:
            return DestinationState(
                arn, FIFO, kms_key, "it is FIFO, and Lambda never delivers to a FIFO queue or topic"
            )
        return DestinationState(arn, OK, kms_key, None)

    def _describe(self, lambda_client, parsed):
        """(KMS key ARN or None, FIFO or not) of an existing destination; raises the read's botocore error."""
        service, region = parsed.service, parsed.region
        if service == "sqs":
            sqs = self.client("sqs", region)
            url = sqs.get_queue_url(aws_retry=True, QueueName=parsed.resource, QueueOwnerAWSAccountId=parsed.account)
            answer = sqs.get_queue_attributes(
                aws_retry=True, QueueUrl=url["QueueUrl"], AttributeNames=["FifoQueue", "KmsMasterKeyId"]
            )
            attributes = answer.get("Attributes", {})  # absent when the queue has none of the attributes asked for
            return _kms_key_arn(attributes.get("KmsMasterKeyId"), parsed), attributes.get("FifoQueue") == "true"
        if service == "sns":
            answer = self.client("sns", region).get_topic_attributes(aws_retry=True, TopicArn=parsed.arn)
            attributes = answer["Attributes"]  # every topic has some (TopicArn, Owner, Policy)
            return _kms_key_arn(attributes.get("KmsMasterKeyId"), parsed), attributes.get("FifoTopic") == "true"
        if service == "lambda":
            lambda_api.retrying(lambda_client).get_function(aws_retry=True, FunctionName=parsed.arn)
        elif service == "events":
            self.client("events", region).describe_event_bus(aws_retry=True, Name=parsed.arn)
        else:
            self.client("s3").head_bucket(aws_retry=True, Bucket=parsed.resource)
        return None, False

    # --- the execution role ----------------------------------------------------------------------------------

    def function_configuration(self, lambda_client, target):
        """GetFunctionConfiguration's answer for the function of ``target``, None when it cannot be read.

        One answer per function per task: every qualifier is judged by one execution role, that of the first
        answer the task has for the function (check mode reads the function, version or alias of each new
        config; remember() keeps that answer), else $LATEST's, read here. A version published with another
        role keeps that one; the prediction then speaks of the role it read.
        """
        function = target._replace(qualifier=None)
        return self._functions.get(function.name, lambda: self._read_function(lambda_client, function))

    def remember(self, target, configuration):
        """Keep a GetFunctionConfiguration answer the task read anyway, so that its function needs no read here."""
        self._functions.get(target.name, lambda: configuration)

    def execution_role(self, lambda_client, target):
        """The ARN of the function's execution role, or None when the function cannot be read."""
        return (self.function_configuration(lambda_client, target) or {}).get("Role")

    @staticmethod
    def _read_function(lambda_client, function):
        try:
            return lambda_api.retrying(lambda_client).get_function_configuration(
                aws_retry=True, **function.api_params()
            )
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError):
            return None  # a missing function is the converge's to report; the prediction stays silent

    # --- the simulation --------------------------------------------------------------------------------------

    def denied(self, role_arn, state):
        """The (action, resource) pairs the role may not use to deliver to ``state``'s destination.

        [] when all are allowed; None when the simulation could not run (no iam:SimulatePrincipalPolicy, say).
        One iam:SimulatePrincipalPolicy per (role, destination) per task.
        """
        return self._simulations.get((role_arn, state.arn), lambda: self._simulate(role_arn, state))

    def _simulate(self, role_arn, state):
        pairs = delivery_permissions(state.arn, state.kms_key)
        try:
            answer = self.client("iam").simulate_principal_policy(
                aws_retry=True,
                PolicySourceArn=role_arn,
                ActionNames=sorted({action for action, _resource in pairs}),
                ResourceArns=sorted({resource for _action, resource in pairs}),
            )
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError):
            return None
        allowed = {
            (result["EvalActionName"].lower(), result.get("EvalResourceName"))
            for result in answer["EvaluationResults"]
            if result["EvalDecision"] == "allowed"
        }
        return [(action, resource) for action, resource in pairs if (action.lower(), resource) not in allowed]

    # --- the prediction --------------------------------------------------------------------------------------

    def predict(self, lambda_client, target, arns, permissions=True):
        """Why AWS would refuse a config of ``target`` with the destinations ``arns``: a list of reasons, [] if none.

        ``permissions`` False leaves out the role's permissions (the task grants them itself).
        """
        reasons = []
        role = self.execution_role(lambda_client, target) if permissions else None
        for arn in arns:
            state = self.destination(lambda_client, arn)
            if state.state in (MISSING, FIFO):
                reasons.append(f"the destination {arn} cannot receive records: {state.reason}")
            elif role is not None:
                denied = self.denied(role, state)
                if denied:
                    needs = ", ".join(f"{action} on {resource}" for action, resource in denied)
                    reasons.append(f"the execution role {role} is not allowed {needs}")
        return reasons


def module_checks(module):
    """The DestinationChecks of a module's task: its clients share one Pacer at ``max_requests_per_second``.

    These reads do not count against Lambda's quota, which the task's Lambda client is paced for; they get a
    Pacer of their own at the same rate, so that no IAM, SQS, SNS, S3 or EventBridge read is unbounded either.
    """
    pacer = Pacer(module.params["max_requests_per_second"])

    def client_for(service, region):
        client = module.client(service, **({"region": region} if region else {}))
        pace(client, pacer)
        return client

    return DestinationChecks(client_for)


def _unknown_advice(parsed):
    if parsed.service == "lambda":
        return "the caller may not read it (lambda:GetFunction), or it is in another account"
    return "the caller may not read it, or it is in another account; it may still exist"
