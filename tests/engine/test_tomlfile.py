"""The shared TOML reader: every failure is one line naming the file (and the field)."""

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from authcheck.engine.tomlfile import field_path, first_error, read_toml
from authcheck.errors import BadInputError


class _Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")

    size: int


class _Outer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    items: list[_Inner] = []


def _error(data: dict[str, object]) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        _Outer.model_validate(data)
    return caught.value


def test_read_toml_returns_the_table(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text('name = "n"\n[[items]]\nsize = 1\n')
    assert read_toml(path) == {"name": "n", "items": [{"size": 1}]}


def test_unreadable_file_uses_the_callers_wording(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    reason = "No such file or directory"
    with pytest.raises(BadInputError) as default:
        read_toml(missing)
    assert default.value.message == f"{missing}: cannot read: {reason}"
    with pytest.raises(BadInputError) as worded:
        read_toml(missing, unreadable="cannot read selectors file {path}: {reason}")
    assert worded.value.message == f"cannot read selectors file {missing}: {reason}"


def test_bad_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text("name = \n")
    with pytest.raises(BadInputError, match=r"x\.toml: not valid TOML: "):
        read_toml(path)


def test_field_path_reads_like_the_toml() -> None:
    assert field_path(("probes", 0, "mint", "signer")) == "probes[0].mint.signer"
    assert field_path(("name",)) == "name"
    assert field_path(()) == "(file)"


def test_first_error_names_the_field_and_counts_the_rest() -> None:
    exc = _error({"items": [{"size": "big"}], "colour": 1})
    path = Path("s.toml")
    assert first_error(path, exc).startswith("s.toml: field name: Field required")
    assert first_error(path, exc).endswith(" (and 2 more)")
    plain = first_error(path, exc, label="", more=False)
    assert plain == "s.toml: name: Field required"
