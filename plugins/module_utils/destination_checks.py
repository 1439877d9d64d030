# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What AWS will make of a config's destinations, read before any write: does each destination exist, and may
the function's execution role deliver to it.

Lambda refuses a Put or Update whose destination does not exist or whose delivery action the execution role may
not use, with a generic message. The check-mode preflight, the opt-in preflight of real runs and the info module's
health audit predict that from reads: the destination's own read (SQS GetQueueUrl and GetQueueAttributes, SNS
GetTopicAttributes, Lambda GetFunction, EventBridge DescribeEventBus, S3 HeadBucket), the execution role
(GetFunctionConfiguration of each qualifier: a version keeps the role it was published with), the KMS key an
encrypted queue or topic names by alias (kms:DescribeKey) and iam:SimulatePrincipalPolicy for the actions of
destinations.DELIVERY_PERMISSIONS. What the simulation denies is
then looked up in the destination's resource policy (read with the destination for queues, topics and buses; with
lambda:GetPolicy or s3:GetBucketPolicy, on that path only, for functions and buckets). Each read is made once per
task, however many configs share it, and threads asking for the same read wait for the first.

A prediction, never a verdict, and it says which: ``unknown`` where it cannot know (another account's destination,
a read or a simulation the caller may not make, a condition the simulation cannot decide); and the caller's
missing permissions are collected (blind_spots()) so the task can say once what it did not check. An
organization's SCPs and KMS key policies stay unseen.
"""

import functools
import json
import re
import threading
from collections import namedtuple

try:
    import botocore.exceptions

    # The errors of every call; a read's failure is an answer here (see _answering).
    _CLIENT_ERRORS = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)
except ImportError:
    _CLIENT_ERRORS = ()  # AnsibleAWSModule reports a missing botocore before any call.

from ansible_collections.serverless.aws_lambda.plugins.module_utils import lambda_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import KINDS
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import delivery_permissions
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import parse_destination
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import put_checked
from ansible_collections.serverless.aws_lambda.plugins.module_utils.pacing import Pacer
from ansible_collections.serverless.aws_lambda.plugins.module_utils.pacing import pace

# Destination states (the audit's destination_health.state).
OK = "ok"
MISSING = "missing"
UNKNOWN = "unknown"
FIFO = "fifo"
NOT_ALLOWED = "role not allowed (predicted)"

# What a state means for a config (the preflight's destination_checks[].prediction).
REFUSED = "refused"  # Lambda's Put or Update refuses the config
UNDELIVERABLE = "undeliverable"  # Lambda accepts the config; deliveries to the destination fail

# The preflight's modes: WARN (check mode's default) predicts and says so; STRICT (validate_destinations: true)
# also fails a config whose destinations it predicts refused or undeliverable, before any write of it.
WARN = "warn"
STRICT = "strict"
STRICT_ADVICE = (
    "Predicted from reads of the destinations and their resource policies and an IAM policy simulation of the "
    "execution role (blind to an organization's SCPs and to KMS key policies); nothing was written because "
    "validate_destinations is true. Create the destination or allow the role those actions "
    "(grant_destination_permissions: true writes that policy), or set validate_destinations: false"
)

# ``state`` is OK, MISSING, UNKNOWN or FIFO; ``kms_key`` the exact ARN of the customer-managed KMS key of an
# encrypted queue or topic (None otherwise); ``kms_problem`` says why a key the destination names could not be
# made an exact key ARN (None when there is no such problem); ``policy`` the destination's resource policy as a
# dict when its read returns one; ``reason`` says why a destination is not OK, in words.
DestinationState = namedtuple("DestinationState", "arn state kms_key kms_problem policy reason")

# The judgement of one destination for one config: ``state`` (the audit's vocabulary), ``prediction`` (OK,
# REFUSED, UNDELIVERABLE or UNKNOWN) and ``reason`` (None when OK and nothing needs saying).
Judgement = namedtuple("Judgement", "destination state prediction reason")

_NO_POLICY_CODES = ("ResourceNotFoundException", "NoSuchBucketPolicy")

KEY_ARN_RE = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):kms:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):key/[A-Za-z0-9-]{1,128}\Z"
)
_KEY_ID_RE = re.compile(r"^[A-Za-z0-9-]{1,128}\Z")
_ALIAS_ARN_RE = re.compile(r"^arn:(?P<partition>aws[a-z-]*):kms:(?P<region>[a-z0-9-]+):\d{12}:alias/.+\Z")


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


def _aws_managed(key):
    return key.startswith("alias/aws/") or ":alias/aws/" in key


def listed(value):
    """A policy element (absent, one value or a list) as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _matches(pattern, value, ignore_case=False):
    """IAM's wildcards: ``*`` any run, ``?`` one character."""
    regex = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL) is not None


def _principal_matches(principal, role_arn):
    """Whether a resource policy's Principal names the role itself or everyone.

    A statement that names the role's account (its id or ``:root``) delegates to the account's IAM policies, which
    the simulation already judged: it allows nothing by itself (IAM policy evaluation logic).
    """
    names = listed(principal.get("AWS")) if isinstance(principal, dict) else listed(principal)
    return any(name in ("*", role_arn) for name in names)


def resource_policy_allows(policy, role_arn, action, resource):
    """What the destination's resource ``policy`` says of ``role_arn`` doing ``action`` on ``resource``.

    "allowed" (a statement without a condition allows it, none denies it), "conditional" (only a statement with a
    Condition would allow it, which a prediction cannot decide) or None (the policy does not allow it).
    """
    verdict = None
    for statement in listed((policy or {}).get("Statement")):
        if "Principal" not in statement or not _principal_matches(statement["Principal"], role_arn):
            continue
        actions = listed(statement.get("Action"))
        resources = listed(statement.get("Resource")) or ["*"]
        if not any(_matches(pattern, action, ignore_case=True) for pattern in actions):
            continue
        if not any(_matches(pattern, resource) for pattern in resources):
            continue
        if statement.get("Effect") == "Deny":
            return None
        if statement.get("Condition"):
            verdict = verdict or "conditional"
        else:
            verdict = "allowed"
    return verdict


def _policy(text):
    """A resource policy as AWS returns it (JSON text), as a dict; None when there is none or it is unreadable."""
    try:
        document = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def _code(exception):
    """AWS's error code, or the name of botocore's own error (a timeout, a connection that failed)."""
    return lambda_api.error_code(exception) or type(exception).__name__


def _answering(permission, subject, answer=lambda code, *args: None, quiet=()):
    """The error boundary of DestinationChecks' reads, whose failure is an answer rather than the task's failure.

    When the decorated read fails, the task notes once that ``permission`` (a string, or a function of the read's
    arguments) left ``subject(*args)`` unchecked, unless AWS's code is in ``quiet`` (an answer of its own, such as
    "there is no policy"); the read then gives ``answer(code, *args)``.
    """

    def wrapper(read):
        @functools.wraps(read)
        def handler(self, *args):
            try:
                return read(self, *args)
            except _CLIENT_ERRORS as e:
                code = _code(e)
                if code not in quiet:
                    self._not_checked(permission(*args) if callable(permission) else permission, code, subject(*args))
                return answer(code, *args)

        return handler

    return wrapper


class DestinationChecks:
    """Reads about destinations and execution roles, each made once per task; thread-safe.

    ``client_for(service, region)`` returns the boto3 client of a service (``region`` None: the task's region),
    paced by the task's second Pacer; Lambda reads of a function's own configuration use the caller's Lambda
    client, Lambda reads of a destination function a client of the destination's region.
    """

    def __init__(self, client_for):
        self._client_for = client_for
        self._clients = _Once()
        self._destinations = _Once()
        self._functions = _Once()
        self._simulations = _Once()
        self._keys = _Once()
        self._caller = _Once()
        self._policies = _Once()
        self._blind = {}
        self._blind_lock = threading.Lock()

    def client(self, service, region=None):
        """The paced client of ``service``, with retry state of its own."""
        return lambda_api.retrying(self._clients.get((service, region), lambda: self._client_for(service, region)))

    # --- what the task could not check ------------------------------------------------------------------------

    def _not_checked(self, permission, code, subject):
        with self._blind_lock:
            self._blind.setdefault((permission, code), set()).add(subject)

    def blind_spots(self):
        """What the task could not check: ``(permission, AWS's answer, sorted subjects)``, sorted."""
        with self._blind_lock:
            return sorted((permission, code, sorted(subjects)) for (permission, code), subjects in self._blind.items())

    # --- existence ------------------------------------------------------------------------------------------

    def missing_here(self, arn):
        """Whether ``arn`` does not exist in the caller's account (one read per destination per task)."""
        return self.destination(arn).state == MISSING

    def destination(self, arn):
        """The DestinationState of ``arn``: one read per destination per task."""
        return self._destinations.get(arn, lambda: self._read_destination(arn))

    def caller_account(self):
        """The account of the identity that runs the task (one sts:GetCallerIdentity per task); None if unknown."""
        return self._caller.get("account", self._read_caller)

    @_answering("sts:GetCallerIdentity", lambda: "the caller's account")
    def _read_caller(self):
        return self.client("sts").get_caller_identity(aws_retry=True)["Account"]

    def _read_destination(self, arn):
        parsed = parse_destination(arn)
        try:
            kms_key, fifo, policy = KINDS[parsed.service].read(self._clients_of(parsed), parsed)
        except _CLIENT_ERRORS as e:
            return self._unread(parsed, _code(e))  # AWS's code is the answer: missing, or not readable
        state = DestinationState(arn, OK, *self._kms_key(kms_key, parsed), _policy(policy), None)
        if fifo:
            return state._replace(state=FIFO, reason="it is FIFO, and Lambda never delivers to a FIFO queue or topic")
        return state

    def _clients_of(self, parsed):
        """The clients of the destination's own region (a bucket's: the task's)."""
        return lambda service: self.client(service, parsed.region or None)

    def _unread(self, parsed, code):
        arn = parsed.arn
        kind = KINDS[parsed.service]
        if code in kind.missing_codes:
            caller = self.caller_account() if parsed.account else None
            if parsed.account and parsed.account != caller:
                return DestinationState(
                    arn,
                    UNKNOWN,
                    None,
                    None,
                    None,
                    (
                        f"it is in account {parsed.account}, not in the caller's account {caller}"
                        if caller
                        else f"the caller's account could not be read, so account {parsed.account} may be another's"
                    )
                    + f", and AWS answers {code} both for a destination that does not exist and for one the caller "
                    "may not read; whether it exists and accepts deliveries is for its owner's policy to say",
                )
            return DestinationState(arn, MISSING, None, None, None, f"AWS answered {code}: it does not exist")
        self._not_checked(kind.read_permission, code, arn)
        return DestinationState(
            arn,
            UNKNOWN,
            None,
            None,
            None,
            f"it could not be read ({code}): the caller may not read it ({kind.read_permission}), "
            "or it is in another account; it may still exist",
        )

    def _kms_key(self, key, parsed):
        """(exact key ARN or None, problem or None) for the KMS key a queue or topic names.

        A key id becomes the key ARN of the destination's region and account; an alias (name or ARN) is resolved
        with kms:DescribeKey, once per key per task; AWS-managed keys need nothing of the role. Anything that does
        not end as an exact key ARN of the destination's partition (a wildcard, another partition) is a problem:
        the grant never writes it, and the prediction says it cannot judge the key.
        """
        if not key or _aws_managed(key):
            return None, None
        if _KEY_ID_RE.match(key):
            candidate = f"arn:{parsed.partition}:kms:{parsed.region}:{parsed.account}:key/{key}"
        elif key.startswith("alias/") or _ALIAS_ARN_RE.match(key):
            alias_region = _ALIAS_ARN_RE.match(key).group("region") if key.startswith("arn:") else parsed.region
            candidate, problem = self._keys.get((alias_region, key), lambda: self._describe_key(alias_region, key))
            if problem:
                return None, problem
        else:
            candidate = key
        match = KEY_ARN_RE.match(candidate)
        if match is None or match.group("partition") != parsed.partition:
            return None, (
                f"its KMS key {key!r} is not an exact KMS key ARN of partition {parsed.partition}: no key policy "
                "statement can be written or judged for it"
            )
        return candidate, None

    @_answering(
        "kms:DescribeKey",
        lambda region, key: key,
        lambda code, region, key: (
            None,
            f"its KMS key alias {key} could not be resolved to a key (kms:DescribeKey answered {code})",
        ),
    )
    def _describe_key(self, region, key):
        return self.client("kms", region).describe_key(aws_retry=True, KeyId=key)["KeyMetadata"]["Arn"], None

    def _resource_policy(self, state):
        """The destination's resource policy: read with the destination, or (functions, buckets) read here once."""
        parsed = parse_destination(state.arn)
        if KINDS[parsed.service].policy_read is None:
            return state.policy
        return self._policies.get(state.arn, lambda: self._read_policy(parsed))

    @_answering(lambda parsed: KINDS[parsed.service].policy_read[0], lambda parsed: parsed.arn, quiet=_NO_POLICY_CODES)
    def _read_policy(self, parsed):
        return _policy(KINDS[parsed.service].policy_read[1](self._clients_of(parsed), parsed))

    # --- the execution role ----------------------------------------------------------------------------------

    def function_configuration(self, lambda_client, target):
        """GetFunctionConfiguration's answer for the function, version or alias of ``target``; None when it cannot be
        read.

        A version keeps the role it was published with, and an alias answers for its version, so every qualifier is
        judged by its own role: one read per qualifier per task, none where the task read it anyway (check mode
        reads the function, version or alias of each new config; remember() keeps that answer).
        """
        key = (target.name, target.key_qualifier)
        return self._functions.get(key, lambda: self._read_function(lambda_client, target))

    def remember(self, target, configuration):
        """Keep a GetFunctionConfiguration answer the task read anyway, so that its qualifier needs no read here."""
        self._functions.get((target.name, target.key_qualifier), lambda: configuration)

    def execution_role(self, lambda_client, target):
        """The ARN of the function's execution role, or None when the function cannot be read."""
        return (self.function_configuration(lambda_client, target) or {}).get("Role")

    @_answering(
        "lambda:GetFunctionConfiguration",
        lambda lambda_client, target: f"the execution role of {target.describe()}",
        quiet=("ResourceNotFoundException",),  # a missing function is the converge's to report
    )
    def _read_function(self, lambda_client, target):
        return lambda_api.retrying(lambda_client).get_function_configuration(aws_retry=True, **target.api_params())

    # --- the simulation --------------------------------------------------------------------------------------

    def simulation(self, role_arn, state):
        """What IAM's simulator says of the role and ``state``'s destination: a dict from each (action, resource)
        pair to "allowed", "explicitDeny", "implicitDeny" or "unknown" (a decision that needs context values the
        simulation lacks); None when the simulation could not run. One iam:SimulatePrincipalPolicy per (role,
        destination) per task.
        """
        return self._simulations.get((role_arn, state.arn, state.kms_key), lambda: self._simulate(role_arn, state))

    @_answering("iam:SimulatePrincipalPolicy", lambda role_arn, state: role_arn)
    def _simulate(self, role_arn, state):
        pairs = delivery_permissions(state.arn, state.kms_key)
        answer = self.client("iam").simulate_principal_policy(
            aws_retry=True,
            PolicySourceArn=role_arn,
            ActionNames=sorted({action for action, _resource in pairs}),
            ResourceArns=sorted({resource for _action, resource in pairs}),
        )
        decisions = {}
        for result in answer["EvaluationResults"]:
            key = (result["EvalActionName"].lower(), result.get("EvalResourceName"))
            if result["EvalDecision"] in ("allowed", "explicitDeny"):
                decisions[key] = result["EvalDecision"]
            elif result.get("MissingContextValues"):
                decisions[key] = "unknown"
            else:
                decisions[key] = "implicitDeny"
        return {
            (action, resource): decisions.get((action.lower(), resource), "implicitDeny") for action, resource in pairs
        }

    def denied(self, role_arn, state):
        """The (action, resource) pairs the simulation denies the role for ``state``'s destination; None when it could
        not run."""
        decisions = self.simulation(role_arn, state)
        if decisions is None:
            return None
        return [pair for pair, decision in decisions.items() if decision.endswith("Deny")]

    # --- the judgement ---------------------------------------------------------------------------------------

    def judge(self, lambda_client, target, arn, permissions=True):
        """The Judgement of destination ``arn`` for a config of ``target``.

        ``permissions`` False leaves out the role's permissions (the task grants them itself).
        """
        state = self.destination(arn)
        if state.state == MISSING:
            return Judgement(arn, MISSING, REFUSED, f"the destination {arn} does not exist ({state.reason})")
        if state.state == UNKNOWN:
            return _unknown(arn, f"the destination {arn} was not checked: {state.reason}")
        if state.state == FIFO:
            return Judgement(arn, FIFO, UNDELIVERABLE, f"the destination {arn} {state.reason}")
        if not permissions:
            return Judgement(arn, OK, OK, None)
        role = self.execution_role(lambda_client, target)
        if role is None:
            return _unknown(
                arn,
                f"the execution role of {target.describe()} could not be read, so whether it may deliver to {arn} "
                "was not checked",
            )
        return self._judge_role(role, state)

    def _judge_role(self, role, state):
        arn = state.arn
        decisions = self.simulation(role, state)
        if decisions is None:
            return _unknown(
                arn,
                f"whether the execution role {role} may deliver to {arn} was not checked: IAM's policy simulation "
                "could not run (the task needs iam:SimulatePrincipalPolicy)",
            )
        denied, undecided, by_policy = [], [], False
        for (action, resource), decision in decisions.items():
            if decision == "allowed":
                continue
            # An explicit deny of the role's own policies stands whatever the destination allows; a key policy is
            # not read.
            verdict = None
            if decision != "explicitDeny" and not action.startswith("kms:"):
                verdict = resource_policy_allows(self._resource_policy(state), role, action, resource)
            if verdict == "allowed":
                by_policy = True
            elif decision == "unknown" or verdict == "conditional":
                undecided.append((action, resource))
            else:
                denied.append((action, resource))
        if denied:
            needs = ", ".join(f"{action} on {resource}" for action, resource in denied)
            refused = any(put_checked(action, arn) for action, _resource in denied)
            return Judgement(
                arn,
                NOT_ALLOWED,
                REFUSED if refused else UNDELIVERABLE,
                f"the execution role {role} is not allowed {needs} (IAM's policy simulation, and no resource policy "
                "of the destination allows it)",
            )
        if state.kms_problem:
            return _unknown(arn, f"the destination {arn} was not fully checked: {state.kms_problem}")
        if undecided:
            needs = ", ".join(f"{action} on {resource}" for action, resource in undecided)
            return _unknown(
                arn,
                f"whether the execution role {role} may do {needs} depends on a condition the prediction cannot evaluate",
            )
        if by_policy:
            return Judgement(arn, OK, OK, "allowed by the destination's resource policy, not simulated")
        return Judgement(arn, OK, OK, None)


def _unknown(arn, reason):
    return Judgement(arn, UNKNOWN, UNKNOWN, reason)


# How a prediction opens its sentence: refused only for what Lambda's Put checks.
_HEADS = {REFUSED: "AWS would refuse", UNDELIVERABLE: "Lambda would accept, but deliveries would fail for"}


def refusal_message(described, judgements):
    """Why the configs ``described`` (words) are predicted to fail, from their REFUSED or UNDELIVERABLE
    ``judgements``: refused only for what Lambda's Put checks (the destination exists, the delivery action)."""
    reasons = "; ".join(judgement.reason for judgement in judgements)
    refused = any(judgement.prediction == REFUSED for judgement in judgements)
    return f"{_HEADS[REFUSED if refused else UNDELIVERABLE]} the config of {described}: {reasons}"


def prediction_warnings(judged, blind_spots, check_mode):
    """The task's warnings about its predictions, each said once.

    ``judged`` holds (config described in words, Judgement) pairs; the configs that share a destination and a
    reason are listed in one warning. ``blind_spots`` (DestinationChecks.blind_spots()) become one warning that
    says what was not checked and which permission the caller lacked.
    """
    groups = {}
    for described, judgement in judged:
        if judgement.prediction != OK:
            groups.setdefault((judgement.prediction, judgement.reason), []).append(described)
    when = "check mode" if check_mode else "before the writes"
    warnings = []
    for (prediction, reason), configs in groups.items():
        many = len(configs) > 1
        which = f"{'configs' if many else 'config'} of {', '.join(configs)}"
        if prediction == UNKNOWN:
            warnings.append(f"Predicted ({when}): not known for the {which}: {reason}.")
        else:
            warnings.append(f"Predicted ({when}): {_HEADS[prediction]} the {which}: {reason}.")
    if blind_spots:
        gaps = "; ".join(
            f"{permission} ({code}) for {', '.join(subjects)}" for permission, code, subjects in blind_spots
        )
        warnings.append(
            f"The destination checks could not read or simulate everything, so part of the prediction is unknown: "
            f"{gaps}. Allow those actions to the identity that runs Ansible for a complete prediction."
        )
    return warnings


# The most requests per second to the services around destinations (IAM above all, which throttles per account
# without a published rate), also when max_requests_per_second lifts Lambda's limit.
OTHER_SERVICES_MAX_RATE = 10


def module_checks(module):
    """The DestinationChecks of a module's task: its clients share one Pacer of their own.

    These calls do not count against Lambda's event-invoke-config quota, which the task's Lambda client is paced
    for; they get a Pacer at the same rate, and at most OTHER_SERVICES_MAX_RATE, so that no IAM, SQS, SNS, S3, KMS,
    STS, EventBridge or CloudWatch call is unbounded, also when the task lifts Lambda's limit.
    """
    rate = module.params["max_requests_per_second"]
    pacer = Pacer(min(rate, OTHER_SERVICES_MAX_RATE) if rate else OTHER_SERVICES_MAX_RATE)

    def client_for(service, region):
        client = module.client(service, **({"region": region} if region else {}))
        pace(client, pacer)
        return client

    return DestinationChecks(client_for)
