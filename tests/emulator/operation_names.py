# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which AWS service, region and botocore operation an incoming request is."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from dataclasses import field
from urllib.parse import parse_qs
from urllib.parse import quote
from urllib.parse import urlsplit

from .service_models import ServiceCatalog

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"  # moto's account for credentials it did not issue
CREDENTIAL_SCOPE = re.compile(r"Credential=[^/\s,]+/\d{8}/([^/\s,]+)/([^/\s,]+)/aws4_request")


@dataclass
class RequestInfo:
    """What the emulator needs to know about one AWS API request."""

    method: str
    raw_path: str
    query: dict
    headers: dict
    region: str = DEFAULT_REGION
    account: str = DEFAULT_ACCOUNT
    service: str | None = None
    operation: str | None = None
    protocol: str | None = None
    labels: dict = field(default_factory=dict)


class RequestIdentifier:
    """Names requests the way botocore names them, using the botocore service models."""

    def __init__(self, catalog: ServiceCatalog | None = None):
        self.catalog = catalog or ServiceCatalog()

    def identify(self, environ: dict) -> RequestInfo:
        info = RequestInfo(
            method=environ.get("REQUEST_METHOD", "GET").upper(),
            raw_path=raw_path(environ),
            query=parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True),
            headers=lower_case_headers(environ),
        )
        scope = credential_scope(info)
        if scope is None:
            return info
        # The services the project calls (Lambda, IAM, STS, SQS, SNS, S3, EventBridge) sign with their botocore names.
        info.region, info.service = scope
        if info.service in self.catalog.available():
            info.protocol, info.operation, info.labels = self._operation(info.service, info, environ)
        elif info.headers.get("x-amz-target"):
            # A json-protocol service whose signing name is not its botocore name (CloudWatch signs as "monitoring").
            info.protocol, info.operation = "json", info.headers["x-amz-target"].rsplit(".", 1)[-1]
        return info

    def _operation(self, service: str, info: RequestInfo, environ: dict):
        target = info.headers.get("x-amz-target")
        if target:
            return "json", target.rsplit(".", 1)[-1], {}
        action = query_action(info, environ)
        if action:
            return "query", action, {}
        model = self.catalog.model(service)
        protocol = model.metadata.get("protocol")
        if protocol not in ("rest-json", "rest-xml"):
            return protocol, None, {}
        operation, labels = self.catalog.routes(service).match(info.method, info.raw_path, info.query, info.headers)
        return protocol, operation, labels

    def service_model(self, info: RequestInfo):
        if info.service and info.service in self.catalog.available():
            return self.catalog.model(info.service)
        return None


def raw_path(environ: dict) -> str:
    """The request path still percent-encoded, so that an encoded '/' inside a label stays in that label."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return urlsplit(raw).path or "/"
    return quote(environ.get("PATH_INFO", "/"), safe="/:@!$&'()*+,;=-._~")


def lower_case_headers(environ: dict) -> dict:
    headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = environ[key]
    return headers


def credential_scope(info: RequestInfo) -> tuple[str, str] | None:
    """(region, signing name) from the SigV4 Authorization header that boto3 sends (presigned URLs are not used)."""
    found = CREDENTIAL_SCOPE.search(info.headers.get("authorization", ""))
    if found:
        return found.group(1), found.group(2).lower()
    return None


def query_action(info: RequestInfo, environ: dict) -> str | None:
    if "Action" in info.query:
        return info.query["Action"][0]
    if not info.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return None
    form = parse_qs(read_body(environ).decode("utf-8", "replace"))
    return form.get("Action", [None])[0]


def read_body(environ: dict) -> bytes:
    """The request body; the WSGI input is replaced so that the application behind can still read it."""
    if "emulator.body" not in environ:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        stream = environ.get("wsgi.input")
        if length > 0 and stream is not None:
            body = stream.read(length)
        elif environ.get("wsgi.input_terminated") and stream is not None:
            body = stream.read()
        else:
            body = b""
        environ["wsgi.input"] = io.BytesIO(body)
        environ["emulator.body"] = body
    return environ["emulator.body"]
