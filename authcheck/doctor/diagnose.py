"""Ranking: every rule's findings, one per code, experiments before words, holes first."""

from __future__ import annotations

from dataclasses import replace

from authcheck.doctor import words
from authcheck.doctor.model import Diagnosis, DoctorReport
from authcheck.doctor.rules import RULES, Found


def diagnose(report: DoctorReport) -> DoctorReport:
    """The report with its ranked diagnoses filled in."""
    found: list[Found] = [*words.token_kind(report), *words.token_invalid(report)]
    found += [item for rule in RULES for item in rule(report)]
    found += words.words(report, found)
    found += words.unexplained(report, found)
    found += words.untested(report)
    first = {item.code: item for item in reversed(found)}  # one diagnosis per code
    unique = [item for item in found if first[item.code] is item]
    ordered = sorted(enumerate(unique), key=lambda pair: (pair[1].priority, pair[0]))
    diagnoses = tuple(
        Diagnosis(rank, f.code, f.kind, f.title, f.evidence, f.frontend, f.backend)
        for rank, (_, f) in enumerate(ordered, start=1)
    )
    return replace(report, diagnoses=diagnoses)
