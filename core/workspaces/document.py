"""A whole workspace as one JSON file: versioned, validated whole, with errors a person can act on.

The file is `{"format", "version", "workspace"}` with the workspace in the saved shape
(model.WorkspaceData). Version 1 files (runs with their own copy of the texts) are read too.
"""

from __future__ import annotations

import json

from pydantic import ValidationError

from core.config import Settings
from core.errors import InputError
from core.inference.request import check_plain_text, check_template, clean_labels
from core.labels.store import check_name
from core.labels.written import parse_wordings
from core.workspaces.model import WorkspaceData

FORMAT = "zeroshot-ja-workspace"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)


def export_document(workspace: WorkspaceData) -> bytes:
    document = {"format": FORMAT, "version": FORMAT_VERSION, "workspace": workspace.to_json()}
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode()


def parse_document(raw: bytes, settings: Settings) -> WorkspaceData:
    """The workspace in an exported file, validated whole, within the settings' limits and
    by the rules typing obeys (check_content) before anything uses it (the file's size is
    checked before it is read).

    Raises InputError: workspace.too_large, workspace.bad_unicode (not UTF-8, or a lone surrogate
    such as `\\ud800`), workspace.not_json, workspace.wrong_format, workspace.wrong_version,
    workspace.bad_field (naming where, e.g. `label_sets.標準.0`), and WorkspaceData.check_limits'
    refusals."""
    limits = settings.limits
    if len(raw) > limits.max_workspace_bytes:
        raise InputError("workspace.too_large", limit=f"{limits.max_workspace_mb:g}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("workspace.bad_unicode") from None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise InputError("workspace.not_json") from None
    try:
        # JSON may spell a lone surrogate (`"\ud800"`), which no store or page can write out.
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("workspace.bad_unicode") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InputError("workspace.wrong_format")
    if document.get("version") not in READABLE_VERSIONS:
        raise InputError(
            "workspace.wrong_version", found=document.get("version"), supported=FORMAT_VERSION
        )
    data = document.get("workspace")
    if not isinstance(data, dict):
        raise InputError("workspace.wrong_format")
    try:
        workspace = WorkspaceData.model_validate(data)
    except ValidationError as error:
        where = error.errors()[0]["loc"]
        raise InputError("workspace.bad_field", field=".".join(map(str, where))) from None
    if "label_sets" in workspace.model_fields_set and not workspace.label_sets:
        raise InputError("workspace.bad_field", field="label_sets")
    workspace.check_limits(limits)
    check_content(workspace, settings)
    return workspace


def check_content(workspace: WorkspaceData, settings: Settings) -> None:
    """What a person could not have typed is refused, as typing it is (InputError naming the
    rule): set names by the store's name rule, every label and wording by the API's label rule
    (characters, length, not blank), the template by the template rule, texts no longer than
    MAX_TEXT_CHARS and free of control characters."""
    limit = settings.limits.max_text_chars
    for name, entries in workspace.label_sets.items():
        check_name(name)
        for label in parse_wordings(entries):  # a blank label or wording is refused here
            clean_labels([label.label, *label.wordings], settings)
    if workspace.input_template:
        check_template(workspace.input_template, settings)
    texts = [
        workspace.input_text,
        *workspace.examples,
        *(row.text for row in workspace.evaluation_rows),
        *(text for texts in workspace.experiment_rows.values() for text in texts),
    ]
    for text in texts:
        check_plain_text(text, "text", allow_newlines=True)
        if len(text) > limit:
            raise InputError("error.text_too_long", length=len(text), limit=limit)
