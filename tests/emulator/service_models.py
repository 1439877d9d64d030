# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""botocore service models, loaded on demand, and REST route matching."""

from __future__ import annotations

import re
import threading
from urllib.parse import unquote

import botocore.session


class ServiceCatalog:
    """Loads botocore service models on demand and caches them (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._session = botocore.session.get_session()
        self._available: set[str] | None = None
        self._models: dict = {}
        self._routes: dict[str, RestRoutes] = {}

    def model(self, service_name: str):
        with self._lock:
            if service_name not in self._models:
                self._models[service_name] = self._session.get_service_model(service_name)
            return self._models[service_name]

    def routes(self, service_name: str) -> RestRoutes:
        model = self.model(service_name)
        with self._lock:
            if service_name not in self._routes:
                self._routes[service_name] = RestRoutes(model)
            return self._routes[service_name]

    def available(self) -> set[str]:
        with self._lock:
            if self._available is None:
                self._available = set(self._session.get_available_services())
            return self._available


class RestRoute:
    """One operation's ``http.requestUri`` template, compiled for matching."""

    def __init__(self, operation_model):
        self.operation = operation_model.name
        self.method = operation_model.http["method"].upper()
        path, _sep, query = operation_model.http["requestUri"].partition("?")
        self.literal_chars = len(re.sub(r"\{[^}]*\}", "", path))
        self.greedy_labels = path.count("+}")
        self.required_query = parse_template_query(query)
        self.required_members = required_header_and_query_members(operation_model)
        self.labels: list[str] = []
        self.regex = re.compile(self._path_regex(path))

    def _path_regex(self, path: str) -> str:
        pattern = ""
        for literal, label in re.findall(r"([^{]*)(?:\{([^}]*)\})?", path):
            pattern += re.escape(literal)
            if label:
                greedy = label.endswith("+")
                self.labels.append(label.rstrip("+"))
                pattern += f"(?P<l{len(self.labels) - 1}>{'.+' if greedy else '[^/]+'})"
        return "^" + pattern.rstrip("/") + "/?$"

    def match(self, method: str, raw_path: str, query: dict, headers: dict):
        """(score, labels) if this route fits the request, else None. A higher score is more specific."""
        if method != self.method:
            return None
        found = self.regex.match(raw_path)
        if not found or not self._query_fits(query):
            return None
        labels = {name: unquote(found.group(f"l{index}")) for index, name in enumerate(self.labels)}
        present = sum(1 for location, name in self.required_members if name in (query if location else headers))
        all_present = present == len(self.required_members)
        score = (all_present, len(self.required_query), self.literal_chars, -self.greedy_labels, present)
        return score, labels

    def _query_fits(self, query: dict) -> bool:
        for key, value in self.required_query:
            if key not in query or (value is not None and value not in query[key]):
                return False
        return True


class RestRoutes:
    """All REST routes of a service; picks the most specific match."""

    def __init__(self, service_model):
        self.routes = [RestRoute(service_model.operation_model(name)) for name in service_model.operation_names]

    def match(self, method: str, raw_path: str, query: dict, headers: dict):
        """(operation, labels) of the best matching route, or (None, {})."""
        best = None
        for route in self.routes:
            result = route.match(method, raw_path, query, headers)
            if result and (best is None or result[0] > best[0]):
                best = (result[0], route.operation, result[1])
        if best is None:
            return None, {}
        return best[1], best[2]


def parse_template_query(query: str) -> list[tuple[str, str | None]]:
    pairs = []
    for part in filter(None, query.split("&")):
        key, sep, value = part.partition("=")
        pairs.append((key, value if sep else None))
    return pairs


def required_header_and_query_members(operation_model) -> list[tuple[bool, str]]:
    """(is_query, lower-cased header name or query key) of each required header/querystring input member."""
    shape = operation_model.input_shape
    if shape is None:
        return []
    members = []
    for name in shape.required_members:
        serialization = shape.members[name].serialization
        location = serialization.get("location")
        wire_name = serialization.get("name", name)
        if location == "header":
            members.append((False, wire_name.lower()))
        elif location == "querystring":
            members.append((True, wire_name))
    return members
