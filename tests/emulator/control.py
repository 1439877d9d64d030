# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's own control endpoints under /_emulator/: the call log, fault injection and latency."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from .calls import CallLog
from .faults import FaultRegistry
from .http_response import Response
from .latency import LatencyRegistry
from .operation_names import read_body


class ControlEndpoints:
    """``/_emulator/calls`` (GET, DELETE), ``/_emulator/faults`` and ``/_emulator/latency`` (GET, POST, DELETE)."""

    def __init__(self, calls: CallLog, faults: FaultRegistry, latency: LatencyRegistry):
        self.calls = calls
        self.faults = faults
        self.latency = latency

    def __call__(self, environ: dict, start_response) -> list[bytes]:
        return self.respond(environ).send(start_response)

    def respond(self, environ: dict) -> Response:
        path = environ.get("PATH_INFO", "").rstrip("/")
        method = environ.get("REQUEST_METHOD", "GET").upper()
        routes = {
            ("/_emulator/calls", "GET"): lambda: Response.json(200, self.calls.entries(wants_times(environ))),
            ("/_emulator/calls", "DELETE"): lambda: clear(self.calls),
            ("/_emulator/faults", "GET"): lambda: Response.json(200, self.faults.list()),
            ("/_emulator/faults", "POST"): lambda: created(environ, self.faults.add, "the fault"),
            ("/_emulator/faults", "DELETE"): lambda: clear(self.faults),
            ("/_emulator/latency", "GET"): lambda: Response.json(200, self.latency.list()),
            ("/_emulator/latency", "POST"): lambda: created(environ, self.latency.set, "the latency setting"),
            ("/_emulator/latency", "DELETE"): lambda: clear(self.latency),
        }
        route = routes.get((path, method))
        if route is None:
            return Response.json(404, {"error": f"no emulator endpoint {method} {path}"})
        return route()


def wants_times(environ: dict) -> bool:
    """``?times=1`` (or ``true``) adds time, end_time and delay to each call-log entry."""
    value = parse_qs(environ.get("QUERY_STRING", "")).get("times", [""])[0]
    return value.lower() in ("1", "true", "yes")


def clear(registry) -> Response:
    registry.clear()
    return Response.empty(204)


def created(environ: dict, add, what: str) -> Response:
    """POST of a JSON object to a registry: 201 with what ``add`` made of it, 400 with why it refused."""
    try:
        spec = json.loads(read_body(environ) or b"{}")
        if not isinstance(spec, dict):
            raise ValueError(f"{what} must be a JSON object")
        return Response.json(201, add(spec).to_json())
    except ValueError as error:  # SpecError and malformed JSON alike
        return Response.json(400, {"error": str(error)})
