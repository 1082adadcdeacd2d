"""The Typer CLI: parses, calls engine/core, renders. Nothing below it imports typer."""
