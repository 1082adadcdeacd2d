"""The one envelope of every JSON document authcheck writes: which document, which version.

A document's version moves when its fields change meaning; readers check ``schema_version``
together with ``document``. The versions live here and nowhere else.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Document(StrEnum):
    TOKEN = "token"  # decode, verify, jwks (and their errors)
    SCENARIOS = "scenarios"  # scenarios run, demo, the pytest plugin's --report-json
    DOCTOR = "doctor"
    CAPTURE = "capture"


VERSIONS: dict[Document, int] = {
    Document.TOKEN: 1,
    Document.SCENARIOS: 2,  # 2: the not-run status and the setup (discovery, preflight) section
    Document.DOCTOR: 2,  # 2: baseline, experiments, cors; diagnoses carry a kind
    Document.CAPTURE: 1,
}


def envelope(document: Document, body: dict[str, Any]) -> dict[str, Any]:
    """``schema_version`` and ``document`` first, then the document's own fields."""
    return {"schema_version": VERSIONS[document], "document": document.value, **body}
