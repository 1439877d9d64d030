# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's own control endpoints under /_emulator/: the call log and fault injection."""

from __future__ import annotations

import json

from .calls import CallLog
from .faults import FaultRegistry
from .faults import FaultSpecError
from .http_response import Response
from .operation_names import read_body


class ControlEndpoints:
    """``/_emulator/calls`` (GET, DELETE) and ``/_emulator/faults`` (GET, POST, DELETE)."""

    def __init__(self, calls: CallLog, faults: FaultRegistry):
        self.calls = calls
        self.faults = faults

    def __call__(self, environ: dict, start_response) -> list[bytes]:
        return self.respond(environ).send(start_response)

    def respond(self, environ: dict) -> Response:
        path = environ.get("PATH_INFO", "").rstrip("/")
        method = environ.get("REQUEST_METHOD", "GET").upper()
        routes = {
            ("/_emulator/calls", "GET"): lambda: Response.json(200, self.calls.entries()),
            ("/_emulator/calls", "DELETE"): lambda: clear(self.calls),
            ("/_emulator/faults", "GET"): lambda: Response.json(200, self.faults.list()),
            ("/_emulator/faults", "POST"): lambda: self.add_fault(environ),
            ("/_emulator/faults", "DELETE"): lambda: clear(self.faults),
        }
        route = routes.get((path, method))
        if route is None:
            return Response.json(404, {"error": f"no emulator endpoint {method} {path}"})
        return route()

    def add_fault(self, environ: dict) -> Response:
        try:
            spec = json.loads(read_body(environ) or b"{}")
            if not isinstance(spec, dict):
                raise FaultSpecError("the fault must be a JSON object")
            fault = self.faults.add(spec)
        except (ValueError, FaultSpecError) as error:
            return Response.json(400, {"error": str(error)})
        return Response.json(201, fault.to_json())


def clear(registry) -> Response:
    registry.clear()
    return Response.empty(204)
