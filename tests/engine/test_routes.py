from pathlib import Path

import pytest

from authcheck.engine.routes import FLAT, Routes, load_routes
from authcheck.errors import BadInputError


def test_default_and_flat_presets() -> None:
    assert load_routes(None) == load_routes("default") == Routes()
    assert not Routes().flat
    assert load_routes("flat") == FLAT and FLAT.flat


def test_routes_file_covers_other_shapes(tmp_path: Path) -> None:
    path = tmp_path / "routes.toml"
    path.write_text(
        'list = "/todos/"\ncreate = "/todos/"\nitem = "/todos/{task_id}/"\n'
        'complete = ""\nupdate_method = "PATCH"\nid_field = "uuid"\nlist_key = "data"\n'
    )
    routes = load_routes(str(path))
    assert routes.flat and routes.item == "/todos/{task_id}/" and routes.complete == ""
    assert routes.update_method == "PATCH" and routes.list_key == "data"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('lst = "/x"\n', "field lst"),
        ('update_method = "POST"\n', "field update_method"),
        ('item = "/api/{user_id}/tasks"\n', "field item"),
        ('list = "/api/{user_id}/t"\ncreate = "/api/t"\n', "field create"),
        ("list = \n", "not valid TOML"),
    ],
)
def test_bad_routes_file_names_file_and_field(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "routes.toml"
    path.write_text(text)
    with pytest.raises(BadInputError) as caught:
        load_routes(str(path))
    assert str(path) in caught.value.message and words in caught.value.message


def test_missing_routes_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="--routes .*nope.toml: cannot read") as caught:
        load_routes(str(tmp_path / "nope.toml"))
    assert caught.value.hint == "use default, flat or a file"
