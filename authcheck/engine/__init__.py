"""The scenario engine: catalogue, token sources, runner. Results are values; no printing."""
