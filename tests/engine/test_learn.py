"""Reading answers: wrappers at any of two levels, and the fields a 400/422 names."""

from __future__ import annotations

import pytest

from authcheck.engine.learn import list_items, merge_fields, missing_fields, unwrap


@pytest.mark.parametrize(
    ("answer", "key"),
    [
        ({"id": 1, "title": "t"}, None),
        ({"task": {"id": 1}}, "task"),
        ({"success": True, "data": {"id": 1}}, "data"),
        ({"data": {"task": {"task_id": "u"}}, "meta": 1}, "data.task"),
    ],
)
def test_a_task_is_found_in_its_wrapper(answer: dict[str, object], key: str | None) -> None:
    task, found = unwrap(answer)
    assert task is not None and found == key


@pytest.mark.parametrize(
    ("answer", "key"),
    [
        ([{"id": 1}], None),
        ({"items": [{"id": 1}], "total": 1}, "items"),
        ({"success": True, "data": {"tasks": [], "count": 0}}, "data.tasks"),
    ],
)
def test_a_list_is_found_in_its_wrapper(answer: object, key: str | None) -> None:
    items, found = list_items(answer)
    assert items is not None and found == key


def test_a_422_names_nested_and_listed_fields_with_values_its_words_suggest() -> None:
    fastapi = {
        "detail": [
            {"type": "missing", "loc": ["body", "reminder", "channel"], "msg": "Field required"},
            {"type": "enum", "loc": ["body", "priority"], "msg": "Input should be 'low' or 'high'",
             "ctx": {"expected": "'low' or 'high'"}},
            {"type": "greater_than_equal", "loc": ["body", "estimate"], "ctx": {"ge": 5}},
            {"type": "date_from_datetime_inexact", "loc": ["body", "due"], "msg": "…"},
        ]
    }  # fmt: skip
    fields = missing_fields(fastapi)
    assert fields["reminder"] == {"channel": "authcheck"}
    assert fields["priority"] == "low" and fields["estimate"] == 5
    assert len(fields["due"]) == 10  # a date, not a date-time
    express = {
        "error": "bad",
        "details": [{"field": "kind", "message": "kind must be one of a, b"}],
    }
    assert missing_fields(express) == {"kind": "a"}
    assert merge_fields({"r": {"a": 1}}, {"r": {"b": 2}}) == {"r": {"a": 1, "b": 2}}
