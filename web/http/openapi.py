"""The OpenAPI 3.1 document of the app's own routes, generated from the route table and the
pydantic schemas (never written by hand)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from web.http.routes import Endpoint

TITLE = "日本語ゼロショット分類 API / Japanese zero-shot classification API"
VERSION = "1.0.0"
REF = "#/components/schemas/{model}"


def _models(endpoints: list[Endpoint]) -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for spec in endpoints:
        candidates: list[Any] = [spec.body]
        for response in spec.responses.values():
            candidates.extend(response if isinstance(response, tuple) else [response])
        for model in candidates:
            if isinstance(model, type) and issubclass(model, BaseModel):
                found[model.__name__] = model
    return list(found.values())


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _content(response: Any) -> dict[str, Any]:
    if isinstance(response, str):
        return {response: {"schema": {"type": "string"}}}
    if isinstance(response, tuple):
        return {"application/json": {"schema": {"oneOf": [_ref(m) for m in response]}}}
    return {"application/json": {"schema": _ref(response)}}


def _operation(spec: Endpoint) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": spec.summary,
        "operationId": f"{spec.method.lower()}_{spec.path.strip('/').replace('/', '_') or 'root'}",
        "tags": [spec.tag],
        "responses": {
            str(status): {"description": f"HTTP {status}", "content": _content(response)}
            for status, response in sorted(spec.responses.items())
        },
    }
    if spec.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(spec.body)}},
        }
    if "{name}" in spec.path:
        operation["parameters"] = [
            {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
        ]
    if spec.guard == "api":
        # Open unless access control (or API_TOKEN) is configured: then one of these.
        operation["security"] = [{}, {"bearer": []}, {"basic": []}]
    elif spec.guard == "page":
        operation["security"] = [{}, {"basic": []}]
    return operation


def openapi(endpoints: list[Endpoint]) -> dict[str, Any]:
    _, schemas = models_json_schema(
        [(model, "serialization") for model in _models(endpoints)], ref_template=REF
    )
    paths: dict[str, dict[str, Any]] = {}
    for spec in endpoints:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": VERSION,
            "description": (
                "Rank candidate labels for Japanese text with an NLI model. Also served: "
                "`/mcp` (Model Context Protocol, streamable HTTP) and Streamlit's pages."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "basic": {"type": "http", "scheme": "basic"},
            },
        },
    }
