import json
from pathlib import Path

import pytest

from authcheck.engine.catalogue import (
    KIND_NEEDS,
    Capability,
    CheckKind,
    default_catalogue_dir,
    json_schema,
    json_schema_text,
    load_catalogue,
    select,
)
from authcheck.engine.checks import CHECKS
from authcheck.engine.requirements import REQUIREMENTS
from authcheck.errors import BadInputError

# The issue's table: id → the spec ids it proves.
TABLE = {
    "us1.list-own-tasks": ["US1-1", "SC-001", "SC-003"],
    "us1.create-task": ["US1-2", "FR-004"],
    "us1.crud-roundtrip": ["SC-003"],
    "us2.token-format": ["US2-1", "FR-001", "FR-010"],
    "us2.bearer-header": ["US2-2", "FR-002"],
    "us3.jwks-verification": ["US3-1", "FR-003", "SC-004"],
    "us3.cross-user-denied": ["US3-2", "FR-005", "SC-006"],
    "edge.expired": ["FR-006", "FR-008"],
    "edge.malformed": ["FR-006"],
    "edge.tampered": ["FR-006"],
    "edge.signature-stripped": ["FR-006"],
    "edge.alg-none": ["FR-010"],
    "edge.hs256-confusion": ["FR-010"],
    "edge.foreign-provider": ["edge: other providers"],
    "edge.foreign-key-same-kid": ["FR-003"],
    "edge.embedded-key": ["FR-003"],
    "edge.wrong-issuer": ["FR-009"],
    "edge.wrong-audience": ["FR-009"],
    "edge.missing-claims": ["FR-004"],
    "edge.not-yet-valid": ["FR-006"],
    "edge.session-token": ["FR-001"],
    "edge.no-credentials": ["FR-006"],
    "edge.key-rotation": ["FR-003"],
    "edge.jwks-unavailable": ["edge: JWKS down"],
    "edge.deleted-user": ["edge: deleted user"],
    "sc002.local-validation": ["FR-007", "SC-002"],
    "sc005.reject-latency": ["SC-005"],
    # issue 9: verdicts that hold on real backends
    "edge.unknown-kid": ["FR-003"],
    "edge.shared-secret": ["FR-010"],
}

GOOD = 'id = "edge.x"\ntitle = "t"\nproves = ["FR-006"]\ncheck = "reject"\nadvice = "a"\n'
PROBE = '[[probes]]\nname = "p"\nderive = "session-id"\n'
CRUD = GOOD.replace('"reject"', '"crud"')


def test_every_id_of_the_issue_is_there_with_its_spec_ids() -> None:
    catalogue = {s.id: s for s in load_catalogue()}
    assert set(TABLE) <= set(catalogue)
    for scenario_id, proves in TABLE.items():
        assert catalogue[scenario_id].proves == proves, scenario_id


def test_published_schema_is_up_to_date() -> None:
    published = (default_catalogue_dir() / "schema.json").read_text(encoding="utf-8")
    fix = "regenerate: authcheck scenarios schema > scenarios/schema.json"
    assert published == json_schema_text(), fix


def test_schema_command_prints_the_published_schema() -> None:
    from typer.testing import CliRunner

    from authcheck.cli.app import build_app

    result = CliRunner().invoke(build_app("scenarios"), ["scenarios", "schema"])
    assert result.exit_code == 0
    assert result.stdout == json_schema_text()
    document = json.loads(result.stdout)
    assert document["title"] == "authcheck scenario"
    assert document["discriminator"]["propertyName"] == "check"


def test_every_check_kind_is_implemented() -> None:
    assert set(CHECKS) == set(CheckKind)


def test_every_check_kind_has_a_file_model() -> None:
    mapping = json_schema()["discriminator"]["mapping"]
    assert set(mapping) == {kind.value for kind in CheckKind}


def test_kind_needs_are_added_to_what_the_file_lists(tmp_path: Path) -> None:
    text = CRUD.replace('"crud"', '"key-rotation"') + 'order = "last"\nneeds = ["counters"]\n'
    (tmp_path / "edge.x.toml").write_text(text)
    (scenario,) = load_catalogue(tmp_path)
    assert scenario.needs == [*KIND_NEEDS[CheckKind.KEY_ROTATION], Capability.COUNTERS]


def test_a_catalogue_scenario_proves_only_spec_requirements() -> None:
    for scenario in load_catalogue():
        assert set(scenario.proves) <= set(REQUIREMENTS), scenario.id


def test_reject_scenarios_have_probes() -> None:
    for scenario in load_catalogue():
        assert (scenario.check is CheckKind.REJECT) == bool(scenario.probes), scenario.id


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (GOOD + "colour = 1\n", "field colour: a reject check does not take it"),
        (GOOD.replace('check = "reject"', 'check = "guess"'), "field check"),
        (GOOD + 'needs = ["telepathy"]\n', "field needs[0]"),
        (GOOD + '[[probes]]\nname = "p"\n', "field probes[0]"),
        (
            GOOD + '[[probes]]\nname = "p"\nderive = "session-id"\nno_authorization = true\n',
            "exactly one of",
        ),
        (
            GOOD + '[[probes]]\nname = "p"\nmint = { signer = "me" }\n',
            "field probes[0].mint.signer",
        ),
        (GOOD + "[expect]\nstatuses = [401]\n", "field expect.statuses"),
        (GOOD.replace('proves = ["FR-006"]', "proves = []"), "field proves"),
        ("id = ", "not valid TOML"),
        # Each check kind takes its own parameters and no other kind's.
        (GOOD, "field probes: Field required"),
        (CRUD + "p95_ms_below = 300\n", "field p95_ms_below: a crud check does not take it"),
        (CRUD + "[expect]\np95_ms_below = 300\n", "field expect: a crud check does not take it"),
        (CRUD + PROBE, "field probes: a crud check does not take it (only reject takes it)"),
        (CRUD + "calls = 5\n", "only local-validation and reject-latency take it"),
        (GOOD + PROBE + "[expect]\np95_ms_below = 1\n", "only reject-latency takes it"),
        (
            GOOD.replace('"reject"', '"reject-latency"') + "[expect]\nmax_jwks_fetches = 1\n",
            "field expect.max_jwks_fetches: a reject-latency check does not take it",
        ),
        (GOOD.replace('"reject"', '"local-validation"'), "field order: a local-validation check"),
        (GOOD.replace('check = "reject"\n', ""), "field check: missing (reject, "),
        # proves names the spec's requirements, nothing else.
        (
            GOOD.replace("FR-006", "FR-011") + PROBE,
            "field proves[0]: 'FR-011' is not a requirement",
        ),
        (GOOD.replace("FR-006", "edge: gremlins") + PROBE, "field proves[0]: 'edge: gremlins'"),
    ],
)
def test_loader_is_strict_and_names_file_and_field(tmp_path: Path, text: str, words: str) -> None:
    (tmp_path / "edge.x.toml").write_text(text)
    with pytest.raises(BadInputError) as caught:
        load_catalogue(tmp_path)
    assert str(tmp_path / "edge.x.toml") in caught.value.message
    assert words in caught.value.message


def test_id_must_match_file_name(tmp_path: Path) -> None:
    (tmp_path / "edge.y.toml").write_text(GOOD + PROBE)
    with pytest.raises(BadInputError, match="must match the file name"):
        load_catalogue(tmp_path)


def test_empty_directory_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="no \\*.toml"):
        load_catalogue(tmp_path)


def test_select_and_skip_by_id_or_glob() -> None:
    catalogue = load_catalogue()
    assert {s.id for s in select(catalogue, ["us1.*"])} == {
        "us1.list-own-tasks",
        "us1.create-task",
        "us1.crud-roundtrip",
    }
    edges = select(catalogue, ["edge.*"], ["edge.key-rotation", "edge.jwks-*"])
    assert all(s.id.startswith("edge.") for s in edges)
    assert not {"edge.key-rotation", "edge.jwks-unavailable"} & {s.id for s in edges}
    with pytest.raises(BadInputError, match="matches no scenario"):
        select(catalogue, ["nope.*"])
