"""The one interface every scenario report renderer implements, and the formats there are."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from authcheck.engine.results import RunReport


class ScenarioFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    JUNIT = "junit"


class ScenarioRenderer(Protocol):
    def render(self, report: RunReport) -> str:
        """The whole report as text; tokens are redacted already and must stay so."""
        ...
