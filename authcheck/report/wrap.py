"""Lines that wrap under their own text (a hanging indent), for people reading at 80 columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def print_hanging(console: Console, lead: str, body: str, *, indent: int | None = None) -> None:
    """Print rich markup ``lead`` + ``body``, wrapped to the console; continuation lines start
    ``indent`` columns in (default: under the body), never back at column 0."""
    from rich.text import Text

    head = Text.from_markup(lead)
    pad = head.cell_len if indent is None else indent
    width = max(console.width - max(pad, head.cell_len), 20)
    for number, line in enumerate(Text.from_markup(body).wrap(console, width)):
        line.rstrip()
        prefix = head if number == 0 else Text(" " * pad)
        console.print(Text.assemble(prefix, line), soft_wrap=True, highlight=False)
