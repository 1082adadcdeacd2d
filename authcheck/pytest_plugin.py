"""pytest plugin: turns the scenario catalogue into tests (see issue 4)."""
