# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The unit tests' one stand-in for the boto3 Lambda client (and a small IAM one), and the AWS errors they raise.

It is a small model of the event invoke config API as AWS behaves (tests/emulator/CONTRACT.md):
functions with qualifiers, each with a config or none. Scripted answers per operation come first,
for tests of one call's handling (an exception is raised, anything else returned).
"""

import datetime
import json
import re
import threading
import urllib.parse
from collections import namedtuple

import botocore.exceptions
import botocore.paginate
import botocore.session
import pytest

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/my-function-role"
WHEN = datetime.datetime(2026, 11, 27, 14, 3, 12, tzinfo=datetime.timezone.utc)
NO_DESTINATIONS = {"OnSuccess": {}, "OnFailure": {}}
FN_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:my-function"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:success-queue"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:failure-topic"
BUCKET = "arn:aws:s3:::failed-events"
WRITE_OPERATIONS = (
    "PutFunctionEventInvokeConfig",
    "UpdateFunctionEventInvokeConfig",
    "DeleteFunctionEventInvokeConfig",
)

_SESSION = botocore.session.get_session()
_LAMBDA_MODEL = _SESSION.get_service_model("lambda")
_PAGINATORS = _SESSION.get_paginator_model("lambda")
_SNAKE = {
    "get_function_event_invoke_config": "GetFunctionEventInvokeConfig",
    "put_function_event_invoke_config": "PutFunctionEventInvokeConfig",
    "update_function_event_invoke_config": "UpdateFunctionEventInvokeConfig",
    "delete_function_event_invoke_config": "DeleteFunctionEventInvokeConfig",
    "list_function_event_invoke_configs": "ListFunctionEventInvokeConfigs",
    "get_function_configuration": "GetFunctionConfiguration",
    "get_function": "GetFunction",
    "list_functions": "ListFunctions",
    "get_policy": "GetPolicy",
}

_MODEL = object()  # _record's answer when no scripted answer is due: the model answers


def _operation(name):
    """A client method: the call is recorded, then a due failure or scripted answer wins over the model's."""

    def wrap(model):
        def method(self, aws_retry=False, **params):
            scripted = self._record(name, aws_retry, params)
            return model(self, params) if scripted is _MODEL else scripted

        method.__name__ = model.__name__
        return method

    return wrap


def settings(retries=None, event_age=None, on_success=None, on_failure=None):
    """A config's settings as module_utils.plan holds them."""
    return {
        "maximum_retry_attempts": retries,
        "maximum_event_age_in_seconds": event_age,
        "on_success": on_success,
        "on_failure": on_failure,
    }


def destination_config(on_success=None, on_failure=None):
    """destination_config as AnsibleModule gives it: both suboptions present, None when left out."""
    return {
        "on_success": None if on_success is None else {"destination": on_success},
        "on_failure": None if on_failure is None else {"destination": on_failure},
    }


# One request the fake received; aws_retry says whether the code asked for AWSRetry's retries (False behind
# lambda_api.retrying(), whose amazon.aws wrapper takes the flag and does the retrying).
Call = namedtuple("Call", "operation aws_retry params")


def function_arn(name, account=ACCOUNT):
    return f"arn:aws:lambda:{REGION}:{account}:function:{name}"


def client_error(code, body, operation, status=400):
    """A ClientError as botocore builds it from a Lambda rest-json error body.

    botocore copies the body's ``message`` (or ``Message``) into Error.Message and the modelled
    members (``Type``, ``message``/``Message``) to the top level of the response.
    """
    response = {
        "Error": {"Code": code, "Message": body.get("message", body.get("Message", ""))},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    response.update(body)
    return botocore.exceptions.ClientError(response, operation)


def no_config(operation, qualified_arn):
    return client_error(
        "ResourceNotFoundException",
        {"Type": "User", "Message": f"The function {qualified_arn} doesn't have an EventInvokeConfig"},
        operation,
        404,
    )


def no_function(operation):
    return client_error(
        "ResourceNotFoundException", {"Type": "User", "Message": "The function doesn't exist."}, operation, 404
    )


def invalid_parameter(message, operation="PutFunctionEventInvokeConfig"):
    return client_error("InvalidParameterValueException", {"Type": "User", "message": message}, operation)


def throttled(operation):
    return client_error("TooManyRequestsException", {"Type": "User", "message": "Rate exceeded"}, operation, 429)


def no_such_entity(message, operation):
    """IAM's 404 as botocore builds it from a query-protocol error (Code, Message; no modelled members)."""
    return client_error("NoSuchEntity", {"Message": message}, operation, 404)


def access_denied(operation, action):
    message = f"User: arn:aws:iam::{ACCOUNT}:user/ansible is not authorized to perform: {action}"
    return client_error("AccessDenied", {"Message": message}, operation, 403)


class FakeIAM:
    """The IAM client as the grant uses it: the inline policies of roles.

    ``role_policies`` maps a role name to its inline policies (name -> document dict); a role not in it does
    not exist. GetRolePolicy answers the document as botocore decodes it (a dict) or, with ``encoded``, as the
    wire carries it (URL-encoded JSON). ``failures`` maps an operation to exceptions raised by its next calls.
    """

    def __init__(self, role_policies=None, encoded=False):
        self.role_policies = role_policies if role_policies is not None else {}
        self.encoded = encoded
        self.calls = []
        self.failures = {}

    @_operation("GetRolePolicy")
    def get_role_policy(self, params):
        document = self._policies("GetRolePolicy", params).get(params["PolicyName"])
        if document is None:
            raise no_such_entity(f"The role policy with name {params['PolicyName']} cannot be found.", "GetRolePolicy")
        if self.encoded:
            document = urllib.parse.quote(json.dumps(document))
        return {"RoleName": params["RoleName"], "PolicyName": params["PolicyName"], "PolicyDocument": document}

    @_operation("ListRolePolicies")
    def list_role_policies(self, params):
        return {"PolicyNames": sorted(self._policies("ListRolePolicies", params)), "IsTruncated": False}

    @_operation("PutRolePolicy")
    def put_role_policy(self, params):
        self._policies("PutRolePolicy", params)[params["PolicyName"]] = json.loads(params["PolicyDocument"])
        return {}

    @_operation("DeleteRolePolicy")
    def delete_role_policy(self, params):
        policies = self._policies("DeleteRolePolicy", params)
        if params["PolicyName"] not in policies:
            raise no_such_entity(
                f"The role policy with name {params['PolicyName']} cannot be found.", "DeleteRolePolicy"
            )
        del policies[params["PolicyName"]]
        return {}

    @property
    def writes(self):
        return [call for call in self.calls if call.operation in ("PutRolePolicy", "DeleteRolePolicy")]

    def _record(self, operation, aws_retry, params):
        self.calls.append(Call(operation, aws_retry, dict(params)))
        pending = self.failures.get(operation)
        if pending:
            raise pending.pop(0)
        return _MODEL

    def _policies(self, operation, params):
        if params["RoleName"] not in self.role_policies:
            raise no_such_entity(f"The role with name {params['RoleName']} cannot be found.", operation)
        return self.role_policies[params["RoleName"]]


class FakeTime:
    """A clock that only moves when the code under test sleeps (or a test moves ``now``)."""

    def __init__(self, now=0.0):
        self.now = now
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class FakeLambda:
    """The Lambda client as the collection uses it.

    ``functions`` maps a function name to its qualifiers; each qualifier maps to the config's settings
    (API keys) or to None when the qualifier exists without a config. Lists are paged ``page_size``
    items at a time through botocore's own paginator. ``answers`` (keyword arguments named as the client
    method) script the next answers of an operation, before the model answers; with ``repeat_last`` the
    last scripted answer is repeated. ``failures`` maps an operation to exceptions raised by its next
    calls, ``page_failures`` a List marker to exceptions raised by the next requests of that page.
    ``on_call(call)`` runs when a call arrives, before it is answered.
    """

    def __init__(self, functions=None, page_size=50, function_page_size=50, repeat_last=False, **answers):
        self.functions = functions if functions is not None else {}
        self.page_size = page_size
        self.function_page_size = function_page_size
        self.repeat_last = repeat_last
        self.answers = {_SNAKE[name]: list(outcomes) for name, outcomes in answers.items()}
        self.calls = []
        self.failures = {}
        self.page_failures = {}
        self.on_call = None
        self.roles = {}  # function name, or (name, qualifier) for one version or alias -> its role, when not ROLE
        self.policies = {}  # function name -> its resource policy (a dict), when it has one
        self._lock = threading.Lock()

    # --- what the collection calls ---------------------------------------------------------------------------

    @_operation("GetFunctionEventInvokeConfig")
    def get_function_event_invoke_config(self, params):
        name, qualifier = self._address(params)
        config = self.functions.get(name, {}).get(qualifier)
        if config is None:
            raise no_config("GetFunctionEventInvokeConfig", f"{function_arn(name)}:{qualifier}")
        return self._render(name, qualifier, config)

    @_operation("PutFunctionEventInvokeConfig")
    def put_function_event_invoke_config(self, params):
        name, qualifier = self._existing("PutFunctionEventInvokeConfig", params)
        with self._lock:
            self.functions[name][qualifier] = self._settings(params)
        return self._render(name, qualifier, self.functions[name][qualifier])

    @_operation("UpdateFunctionEventInvokeConfig")
    def update_function_event_invoke_config(self, params):
        name, qualifier = self._existing("UpdateFunctionEventInvokeConfig", params)
        with self._lock:
            current = self.functions[name][qualifier]
            if current is None:
                raise no_config("UpdateFunctionEventInvokeConfig", f"{function_arn(name)}:{qualifier}")
            current.update(self._settings(params))
        return self._render(name, qualifier, current)

    @_operation("DeleteFunctionEventInvokeConfig")
    def delete_function_event_invoke_config(self, params):
        name, qualifier = self._address(params)
        with self._lock:
            if self.functions.get(name, {}).get(qualifier) is None:
                raise no_config("DeleteFunctionEventInvokeConfig", f"{function_arn(name)}:{qualifier}")
            self.functions[name][qualifier] = None
        return {}

    @_operation("ListFunctionEventInvokeConfigs")
    def list_function_event_invoke_configs(self, params):
        assert set(params) <= {"FunctionName", "Marker", "MaxItems"}
        pending = self.page_failures.get(params.get("Marker"))
        if pending:
            raise pending.pop(0)
        name, qualifier = self._address(params)
        assert qualifier == "$LATEST", "List takes no qualifier"
        if name not in self.functions:
            raise no_function("ListFunctionEventInvokeConfigs")
        configs = [self._render(name, q, config) for q, config in self.functions[name].items() if config is not None]
        return self._page("FunctionEventInvokeConfigs", configs, params, self.page_size)

    @_operation("GetFunctionConfiguration")
    def get_function_configuration(self, params):
        return self._configuration("GetFunctionConfiguration", params)

    @_operation("GetFunction")
    def get_function(self, params):
        return {"Configuration": self._configuration("GetFunction", params)}

    @_operation("GetPolicy")
    def get_policy(self, params):
        name, _qualifier = self._existing("GetPolicy", params)
        if name not in self.policies:
            raise client_error("ResourceNotFoundException", {"Message": "No policy is found"}, "GetPolicy", 404)
        return {"Policy": json.dumps(self.policies[name])}

    @_operation("ListFunctions")
    def list_functions(self, params):
        assert set(params) <= {"Marker", "MaxItems", "FunctionVersion"}
        every = params.get("FunctionVersion") == "ALL"
        functions = [
            {
                "FunctionName": name,
                "FunctionArn": function_arn(name) + ("" if version == "$LATEST" else f":{version}"),
                "Version": version,
                "Role": self.roles.get((name, version), self.roles.get(name, ROLE)),
            }
            for name, qualifiers in self.functions.items()
            for version in ["$LATEST"]
            + ([qualifier for qualifier in qualifiers if qualifier.isdigit()] if every else [])
        ]
        return self._page("Functions", functions, params, self.function_page_size)

    def get_paginator(self, name):
        operation = _SNAKE[name]
        config = _PAGINATORS.get_paginator(operation)
        return botocore.paginate.Paginator(getattr(self, name), config, _LAMBDA_MODEL.operation_model(operation))

    # --- what tests read ---------------------------------------------------------------------------------------

    def operations(self):
        return [call.operation for call in self.calls]

    @property
    def writes(self):
        return [call for call in self.calls if call.operation in WRITE_OPERATIONS]

    # --- helpers ---------------------------------------------------------------------------------------------

    def _record(self, operation, aws_retry, params):
        call = Call(operation, aws_retry, dict(params))
        with self._lock:
            self.calls.append(call)
        if self.on_call:
            self.on_call(call)
        pending = self.failures.get(operation)
        if pending:
            raise pending.pop(0)
        scripted = self.answers.get(operation)
        if scripted:
            outcome = scripted[0] if self.repeat_last and len(scripted) == 1 else scripted.pop(0)
            if isinstance(outcome, Exception):
                raise outcome
            return outcome
        return _MODEL

    def _configuration(self, operation, params):
        name, qualifier = self._existing(operation, params)
        arn = function_arn(name) if qualifier == "$LATEST" else f"{function_arn(name)}:{qualifier}"
        return {
            "FunctionName": name,
            "FunctionArn": arn,
            "Role": self.roles.get((name, qualifier), self.roles.get(name, ROLE)),
        }

    def _existing(self, operation, params):
        name, qualifier = self._address(params)
        if qualifier not in self.functions.get(name, {}):
            raise no_function(operation)
        return name, qualifier

    @staticmethod
    def _address(params):
        """Name and qualifier from FunctionName (name, partial or full ARN, maybe qualified) and Qualifier."""
        function_name = params["FunctionName"]
        if ":function:" in function_name:
            function_name = function_name.split(":function:", 1)[1]
        name, embedded = (function_name.split(":", 1) + [""])[:2]
        return name, params.get("Qualifier") or embedded or "$LATEST"

    @staticmethod
    def _settings(params):
        return {
            key: params[key]
            for key in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")
            if key in params
        }

    @staticmethod
    def _render(name, qualifier, settings):
        config = {"FunctionArn": f"{function_arn(name)}:{qualifier}", "LastModified": WHEN}
        config.update(settings)
        config.setdefault("DestinationConfig", NO_DESTINATIONS)
        return config

    @staticmethod
    def _page(key, items, params, page_size):
        start = int(params.get("Marker") or 0)
        size = min(int(params.get("MaxItems") or page_size), page_size)
        page = {key: items[start : start + size]}
        if start + size < len(items):
            page["NextMarker"] = str(start + size)
        return page


class FakeService:
    """A client of any service but Lambda: ``handlers`` maps a client method to a function of its parameters,
    which returns the answer or raises; every call is recorded, as FakeLambda records them."""

    def __init__(self, **handlers):
        self.handlers = handlers
        self.calls = []
        self._lock = threading.Lock()

    def __getattr__(self, name):
        if name not in self.handlers:
            raise AttributeError(name)

        def method(aws_retry=False, **params):
            with self._lock:
                self.calls.append(Call(name, aws_retry, dict(params)))
            return self.handlers[name](**params)

        return method

    def operations(self):
        return [call.operation for call in self.calls]


def simulator(denied=(), decision="implicitDeny", missing_context=()):
    """An IAM client whose iam:SimulatePrincipalPolicy allows every (action, resource) pair but ``denied``, which get
    ``decision`` and ``missing_context`` (MissingContextValues); ``denied`` "*" denies every pair."""

    def simulate_principal_policy(PolicySourceArn, ActionNames, ResourceArns):
        results = [
            {
                "EvalActionName": action,
                "EvalResourceName": resource,
                "EvalDecision": decision if denied == "*" or (action, resource) in denied else "allowed",
                "MissingContextValues": list(missing_context),
            }
            for action in ActionNames
            for resource in ResourceArns
        ]
        return {"EvaluationResults": results}

    return FakeService(simulate_principal_policy=simulate_principal_policy)


QUERY_ID_RE = re.compile(r"^[a-z][a-zA-Z0-9_]*$")


class FakeCloudWatch:
    """The CloudWatch client of the audit: data points of metrics, and GetMetricData as AWS answers it.

    ``put(metric, dimensions, value, when)`` stores a data point of namespace AWS/Lambda. A query matches the
    series with exactly its dimensions, as CloudWatch does; each result holds the Sum of every period of the
    query (periods counted from StartTime) that has data. A response holds at most ``page_size`` values;
    the rest follow with a NextToken, the queries repeated. ``failures`` are raised by the next calls.
    """

    def __init__(self, page_size=100800):
        self.page_size = page_size
        self.series = {}
        self.calls = []
        self.failures = []

    def put(self, metric, dimensions, value, when):
        key = (metric, tuple(sorted(dimensions.items())))
        self.series.setdefault(key, []).append((when, value))

    def get_metric_data(self, aws_retry=False, **params):
        self.calls.append(Call("GetMetricData", aws_retry, params))
        if self.failures:
            raise self.failures.pop(0)
        queries = params["MetricDataQueries"]
        if len(queries) > 500:
            raise client_error(
                "ValidationError",
                {"Message": "The collection MetricDataQueries must not have a size greater than 500."},
                "GetMetricData",
            )
        values = [(query["Id"], value) for query in queries for value in self._sums(query, params)]
        start = int(params.get("NextToken") or 0)
        page = {"MetricDataResults": []}
        for query_id, value in values[start : start + self.page_size]:
            if not page["MetricDataResults"] or page["MetricDataResults"][-1]["Id"] != query_id:
                page["MetricDataResults"].append({"Id": query_id, "Values": [], "StatusCode": "Complete"})
            page["MetricDataResults"][-1]["Values"].append(value)
        if start + self.page_size < len(values):
            page["NextToken"] = str(start + self.page_size)
        return page

    def _sums(self, query, params):
        assert QUERY_ID_RE.match(query["Id"]), query["Id"]
        stat = query["MetricStat"]
        metric = stat["Metric"]
        assert metric["Namespace"] == "AWS/Lambda" and stat["Stat"] == "Sum" and stat["Period"] % 60 == 0
        key = (metric["MetricName"], tuple(sorted((d["Name"], d["Value"]) for d in metric["Dimensions"])))
        start, end, period = params["StartTime"], params["EndTime"], datetime.timedelta(seconds=stat["Period"])
        periods = {}
        for when, value in self.series.get(key, []):
            if start <= when < end:
                index = (when - start) // period
                periods[index] = periods.get(index, 0.0) + value
        return [periods[index] for index in sorted(periods, reverse=True)]  # newest first, as AWS's default


# --- a module's main(), run in-process ---------------------------------------------------------------------------

try:  # ansible-core 2.19 and later
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core 2.17 and 2.18 (make matrix)
    import contextlib as _contextlib

    from ansible.module_utils import basic as _basic

    @_contextlib.contextmanager
    def patch_module_args(args):
        saved = _basic._ANSIBLE_ARGS
        _basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()
        try:
            yield
        finally:
            _basic._ANSIBLE_ARGS = saved


def run_main(module_file, args, clients, monkeypatch, capsys):
    """Run ``module_file.main()`` with the task arguments ``args`` (and the region of these fakes), its clients the
    fakes of ``clients`` (service -> fake) and no pacing hook; returns the result it printed."""
    from ansible_collections.serverless.aws_lambda.plugins.module_utils import modules  # noqa: PLC0415

    monkeypatch.setattr(modules.AnsibleLambdaModule, "client", lambda self, service, **kwargs: clients[service])
    monkeypatch.setattr(module_file, "pace", lambda client, pacer: None)
    with patch_module_args(dict({"region": REGION}, **args)):
        with pytest.raises(SystemExit):
            module_file.main()
    return json.loads(capsys.readouterr().out)
