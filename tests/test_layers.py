"""The layers contract (pyproject.toml, checked by `lint-imports` in `make test`) covers every app."""

import re
import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

PYPROJECT = Path(settings.BASE_DIR) / "pyproject.toml"


def _config():
    return tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]


def _project_apps() -> set[str]:
    """Apps whose code is in this repository (not Django's own or a dependency's)."""
    base = Path(settings.BASE_DIR).resolve()
    return {config.name for config in apps.get_app_configs() if Path(config.path).resolve().parent == base}


def test_every_project_app_is_checked_by_the_layers_contract():
    assert _project_apps() <= set(_config()["root_packages"])


def test_every_checked_app_has_exactly_one_layer():
    (contract,) = (c for c in _config()["contracts"] if c["type"] == "layers")
    placed = [name for layer in contract["layers"] for name in re.split(r"\s*[|:]\s*", layer)]
    assert sorted(placed) == sorted(_config()["root_packages"])
