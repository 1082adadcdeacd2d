# pytester drives the authcheck pytest plugin (tests/scenarios); pytest loads plugins
# from the top-level conftest only.
pytest_plugins = ["pytester"]
