"""Every relative link in the repository's markdown resolves, and so does every mention of the
contract documents (the spec, the attack catalogue) in code and docs: a new engineer can read what
FR-004 or C11 means. Checks the files git tracks, so a scratch file cannot break it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

_FENCE = re.compile(r"^```.*?^```", re.S | re.M)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_MENTION = re.compile(r"(?<![\w/.-])((?:docs/)?spec/[\w.-]+\.md|(?:docs/)?ATTACKS\.md)")
_STALE = re.compile(r"README section|the lead links or merges", re.I)


def _tracked(*patterns: str) -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--", *patterns],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [ROOT / name for name in out.split("\0") if name and (ROOT / name).is_file()]


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_\[\]]|\]\([^)]*\)", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    return {_slug(m) for m in re.findall(r"^#{1,6}\s+(.+?)\s*#*$", text, flags=re.M)}


def _links(path: Path) -> list[str]:
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    return _LINK.findall(_CODE_SPAN.sub("", text))


MARKDOWN = _tracked("*.md")


def test_the_contract_documents_are_in_the_repository() -> None:
    spec = DOCS / "spec" / "003-auth-jwt-integration.md"
    attacks = DOCS / "ATTACKS.md"
    assert "FR-004" in spec.read_text(encoding="utf-8")
    text = attacks.read_text(encoding="utf-8")
    assert all(f"| C{n:02d} |" in text for n in range(1, 41))
    assert spec in MARKDOWN and attacks in MARKDOWN


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_markdown_links_resolve(path: Path) -> None:
    broken = []
    for target in _links(path):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto: …
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(target)
        elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
            broken.append(f"{target} (no such heading)")
    assert not broken, f"{path.relative_to(ROOT)}: {broken}"


def _resolves(mention: str, where: Path) -> bool:
    """Read relative to its own file, the repository root, or docs/ (the contract's home)."""
    return any((base / mention).is_file() for base in (where.parent, ROOT, DOCS))


def test_spec_and_attacks_mentions_resolve() -> None:
    files = _tracked("*.md", "*.py", "*.toml", "*.mjs", "*.html", "*.sh")
    broken = [
        f"{path.relative_to(ROOT)}: {mention}"
        for path in files
        for mention in _MENTION.findall(path.read_text(encoding="utf-8", errors="replace"))
        if not _resolves(mention, path)
    ]
    assert not broken
    assert files, "git ls-files found nothing"


def test_no_stale_editorial_notes_in_the_docs() -> None:
    stale = [
        str(path.relative_to(ROOT))
        for path in MARKDOWN
        if _STALE.search(path.read_text(encoding="utf-8"))
    ]
    assert not stale
