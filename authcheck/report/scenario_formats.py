"""The renderer for each `ScenarioFormat`."""

from __future__ import annotations

from collections.abc import Callable

from authcheck.report.base import ScenarioFormat, ScenarioRenderer
from authcheck.report.scenario_json import JsonRenderer
from authcheck.report.scenario_junit import JunitRenderer
from authcheck.report.scenario_table import TableRenderer

RENDERERS: dict[ScenarioFormat, Callable[[], ScenarioRenderer]] = {
    ScenarioFormat.TABLE: TableRenderer,
    ScenarioFormat.JSON: JsonRenderer,
    ScenarioFormat.JUNIT: JunitRenderer,
}


def renderer_for(fmt: ScenarioFormat) -> ScenarioRenderer:
    return RENDERERS[fmt]()
