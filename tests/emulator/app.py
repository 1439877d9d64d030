# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The WSGI application: moto's server, with the call log, fault injection and event invoke configs in front."""

from __future__ import annotations

import re
import sys
import time
import traceback
from urllib.parse import parse_qs
from urllib.parse import quote

from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.moto_server.werkzeug_app import create_backend_app

from . import guards
from . import iam_policies
from .accounts import caller_account
from .aws_errors import AwsError
from .aws_errors import default_message
from .aws_errors import render_error
from .calls import CallLog
from .config_store import ConfigStore
from .control import ControlEndpoints
from .event_invoke_config import OPERATIONS
from .event_invoke_config import Call
from .event_invoke_config import EventInvokeConfigService
from .faults import Fault
from .faults import FaultRegistry
from .http_response import status_code
from .latency import LatencyRegistry
from .operation_names import RequestIdentifier
from .operation_names import RequestInfo
from .operation_names import read_body


class EmulatorApp:
    """Routes ``/_emulator/*`` to the control endpoints, ``/moto-api/*`` to moto, and AWS calls through the log.

    The server runs each request in its own thread, so a call held back by latency delays no other call.
    """

    def __init__(self, moto_app=None):
        self.moto_app = moto_app or default_moto_app()
        self.identifier = RequestIdentifier()
        self.calls = CallLog()
        self.faults = FaultRegistry()
        self.latency = LatencyRegistry()
        self.store = ConfigStore()
        self.event_invoke_configs = EventInvokeConfigService(self.store, self.identifier.catalog.model("lambda"))
        self.control = ControlEndpoints(self.calls, self.faults, self.latency)

    def __call__(self, environ: dict, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_emulator"):
            return self.control(environ, start_response)
        if path.startswith("/moto-api"):
            return self.moto_api(environ, start_response)
        return self.aws_call(environ, start_response)

    def moto_api(self, environ: dict, start_response):
        result = self.moto_app(environ, start_response)
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO", "").rstrip("/") == "/moto-api/reset":
            self.reset()
        return result

    def reset(self) -> None:
        """Everything of ours goes with moto's state: configs, the call log, the faults and the latency."""
        self.store.clear()
        self.calls.clear()
        self.faults.clear()
        self.latency.clear()

    def aws_call(self, environ: dict, start_response):
        arrived = self.calls.now()
        info = self.identifier.identify(environ)
        info.account = caller_account(info.headers)
        entry = self.calls.record(info, arrived)
        delay = self.latency.delay_for(info)
        if delay:
            self.calls.set_delay(entry, delay)
            time.sleep(delay)  # this request's thread only
        statuses = []

        def logging_start_response(status, headers, exc_info=None):
            statuses.append(status_code(status))
            self.calls.set_status(entry, statuses[-1])
            return start_response(status, headers, exc_info)

        try:
            fault = self.faults.take(info)
            if fault is not None:
                return self.fault_response(fault, info).send(logging_start_response)
            refused = guards.refusal(info, environ)
            if refused is not None:
                return render_error(refused, info.protocol, self.identifier.service_model(info)).send(
                    logging_start_response
                )
            if info.service == "iam" and info.operation == "SimulatePrincipalPolicy":
                return self.simulate_principal_policy(info, environ).send(logging_start_response)
            if info.service == "lambda" and info.operation in OPERATIONS:
                return self.event_invoke_configs.handle(event_invoke_call(info, environ)).send(logging_start_response)
            expand_partial_function_arn(environ, info)
            result = self.moto_app(environ, logging_start_response)
            if statuses and statuses[-1] < 300:
                self.after_moto_success(info)
            return result
        except Exception:  # noqa: BLE001 - an emulator bug must still answer like AWS does, and say why on stderr
            traceback.print_exc(file=sys.stderr)
            error = AwsError("ServiceException", "The emulator failed to handle the request.", 500)
            return render_error(error, info.protocol, self.identifier.service_model(info)).send(logging_start_response)

    def simulate_principal_policy(self, info: RequestInfo, environ: dict):
        """moto does not implement it (CONTRACT.md item 62)."""
        form = parse_qs(read_body(environ).decode("utf-8", "replace"))
        form.update(info.query)
        try:
            return iam_policies.simulate_principal_policy(form)
        except AwsError as error:
            return render_error(error, info.protocol, self.identifier.service_model(info))

    def fault_response(self, fault: Fault, info: RequestInfo):
        error = AwsError(fault.error_code, fault.message or default_message(fault.error_code), fault.status)
        return render_error(error, info.protocol, self.identifier.service_model(info))

    def after_moto_success(self, info: RequestInfo) -> None:
        """Configs go when their function, version or alias is deleted (AWS deletes them together)."""
        if info.service != "lambda" or "FunctionName" not in info.labels:
            return
        if info.operation == "DeleteFunction":
            qualifier = info.query.get("Qualifier", [None])[0]
            self.event_invoke_configs.forget(info.account, info.region, info.labels["FunctionName"], qualifier)
        elif info.operation == "DeleteAlias":
            self.event_invoke_configs.forget(
                info.account, info.region, info.labels["FunctionName"], info.labels["Name"]
            )


PARTIAL_FUNCTION_ARN = re.compile(r"^\d{12}:function:[^:/]+(:[^:/]+)?$")


def expand_partial_function_arn(environ: dict, info: RequestInfo) -> None:
    """Give moto the full ARN for a partial one (``ACCOUNT:function:NAME[:QUALIFIER]``).

    AWS accepts partial ARNs in every FunctionName; moto's qualifier handling splits them wrongly and fails
    with a 500 (GetFunctionConfiguration of ``123456789012:function:name:1``, for example).
    """
    name = info.labels.get("FunctionName") or ""
    if info.service != "lambda" or not PARTIAL_FUNCTION_ARN.match(name):
        return
    full = f"arn:aws:lambda:{info.region}:{name}"
    for key in ("PATH_INFO", "RAW_URI", "REQUEST_URI"):
        if key in environ:
            environ[key] = environ[key].replace(quote(name, safe=""), quote(full, safe=""), 1).replace(name, full, 1)


def event_invoke_call(info: RequestInfo, environ: dict) -> Call:
    def first(key):
        return info.query.get(key, [None])[0]

    return Call(
        operation=info.operation,
        region=info.region,
        function_name=info.labels["FunctionName"],
        account=info.account,
        qualifier=first("Qualifier"),
        body=read_body(environ),
        marker=first("Marker"),
        max_items=first("MaxItems"),
    )


def default_moto_app():

    return DomainDispatcherApplication(create_backend_app)
