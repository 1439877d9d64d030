# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS error responses, rendered the way each wire protocol carries them."""

from __future__ import annotations

import uuid
from xml.sax.saxutils import escape

from .http_response import Response

SERVER_ERROR_CODES = {"ServiceException", "InternalFailure", "InternalError", "InternalServerError"}

DEFAULT_MESSAGES = {
    "TooManyRequestsException": "Rate exceeded",
    "ThrottlingException": "Rate exceeded",
    "Throttling": "Rate exceeded",
    "ServiceException": "An internal error occurred. Please try again.",
    "ServiceUnavailableException": "The service is unavailable. Please try again.",
    "ResourceConflictException": "The operation cannot be performed at this time.",
}


class AwsError(Exception):
    """An AWS error: code, message and HTTP status (None = the status the service model gives the code)."""

    def __init__(self, code: str, message: str, status: int | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def resource_not_found(message: str) -> AwsError:
    return AwsError("ResourceNotFoundException", message, 404)


def invalid_parameter(message: str) -> AwsError:
    return AwsError("InvalidParameterValueException", message, 400)


def validation_error(violations: list[str]) -> AwsError:
    count = len(violations)
    noun = "error" if count == 1 else "errors"
    return AwsError("ValidationException", f"{count} validation {noun} detected: " + "; ".join(violations), 400)


def default_message(code: str) -> str:
    return DEFAULT_MESSAGES.get(code, f"{code} (simulated by the local AWS emulator)")


def render_error(error: AwsError, protocol: str | None, service_model=None) -> Response:
    """The response AWS would send for ``error`` in ``protocol`` (a botocore protocol name)."""
    status = error.status or modelled_status(error.code, service_model)
    renderer = RENDERERS.get(protocol or "", render_rest_json)
    return renderer(error.code, error.message, status, service_model)


def modelled_status(code: str, service_model) -> int:
    shape = error_shape(code, service_model)
    if shape is not None:
        status = shape.metadata.get("error", {}).get("httpStatusCode")
        if status:
            return int(status)
    return 500 if code in SERVER_ERROR_CODES else 400


def error_shape(code: str, service_model):
    if service_model is None:
        return None
    for shape in service_model.error_shapes:
        if shape.name == code or shape.metadata.get("error", {}).get("code") == code:
            return shape
    return None


def render_rest_json(code: str, message: str, status: int, service_model) -> Response:
    """Lambda style: the body keys are the modelled members of the error shape (CONTRACT.md item 6)."""
    shape = error_shape(code, service_model)
    members = list(shape.members) if shape is not None else []
    body: dict = {}
    if "Type" in members:
        # Inferred: AWS uses "User" for client errors; "Service" for server faults is an educated guess.
        body["Type"] = "Service" if status >= 500 else "User"
    body["Message" if "Message" in members else "message"] = message
    headers = {"x-amzn-ErrorType": code}
    if code == "TooManyRequestsException" and "Reason" in members:
        body["Reason"] = "CallerRateLimitExceeded"
        headers["Retry-After"] = "1"
    return Response.json(status, body, headers)


def render_json(code: str, message: str, status: int, service_model) -> Response:
    version = "1.0"
    query_compatible = False
    if service_model is not None:
        version = service_model.metadata.get("jsonVersion", "1.0")
        query_compatible = "awsQueryCompatible" in service_model.metadata
    headers = {"x-amzn-ErrorType": code}
    if query_compatible:
        headers["x-amzn-query-error"] = f"{code};{fault_side(status)}"
    return Response.json(status, {"__type": code, "message": message}, headers, f"application/x-amz-json-{version}")


def render_query(code: str, message: str, status: int, service_model) -> Response:
    body = (
        "<ErrorResponse><Error>"
        f"<Type>{fault_side(status)}</Type><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        f"</Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
    )
    return Response.xml(status, body)


def render_rest_xml(code: str, message: str, status: int, service_model) -> Response:
    """S3, the one rest-xml service the project calls: a bare ``<Error>`` document."""
    body = (
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        f"<RequestId>{uuid.uuid4()}</RequestId></Error>"
    )
    return Response.xml(status, body)


def fault_side(status: int) -> str:
    return "Receiver" if status >= 500 else "Sender"


RENDERERS = {
    "rest-json": render_rest_json,
    "json": render_json,
    "query": render_query,
    "rest-xml": render_rest_xml,
}
