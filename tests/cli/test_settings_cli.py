"""Every setting is a flag and an environment variable, listed in ``mzgraph serve --help`` and in
``docs/settings.md``; ``mzgraph config`` prints what is in effect and where it comes from; ``--version``."""

from __future__ import annotations

import importlib.metadata
import io
import json
import os
import subprocess
import sys
from typing import Any

import pytest

from common import ROOT
from mzgraph.cli.options import DERIVED, env_of, flag_of
from mzgraph.cli.validate import _wants_colour
from mzgraph.config import Settings

SETTINGS = [field for field in Settings.model_fields if field not in DERIVED]


def mzgraph(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MZGRAPH_")} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "mzgraph.cli", *args], capture_output=True, text=True, env=environment, timeout=60
    )


def config(*args: str, env: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    done = mzgraph("config", "--format", "json", *args, env=env)
    assert done.returncode == 0, done.stderr
    return {row["setting"]: row for row in json.loads(done.stdout)}


def test_version_is_the_package_version() -> None:
    done = mzgraph("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"mzgraph {importlib.metadata.version('mzgraph')}"


def test_serve_help_lists_every_setting_with_its_flag_and_variable() -> None:
    text = " ".join(mzgraph("serve", "--help").stdout.split())
    for field in SETTINGS:
        assert f"--{flag_of(field).replace('_', '-')}" in text, field
        assert env_of(field) in text, field


def test_docs_list_every_setting_with_its_flag_and_variable() -> None:
    text = (ROOT / "docs" / "settings.md").read_text()
    for field in SETTINGS:
        assert f"`--{flag_of(field).replace('_', '-')}`" in text, field
        assert f"`{env_of(field)}`" in text, field


def test_config_shows_defaults_environment_and_flags_with_flags_winning() -> None:
    rows = config("--timeout", "3", "--port", "9001", env={"MZGRAPH_MAX_ROWS": "5", "MZGRAPH_PORT": "9000"})
    assert rows["query_timeout"] == {**rows["query_timeout"], "value": 3.0, "source": "flag --timeout"}
    assert rows["max_rows"]["value"] == 5 and rows["max_rows"]["source"] == "environment"
    assert rows["port"]["value"] == 9001 and rows["port"]["source"] == "flag --port"  # the flag beats the variable
    assert rows["host"]["source"] == "default" and rows["host"]["value"] == "127.0.0.1"
    assert set(rows) == set(Settings.model_fields)


@pytest.mark.parametrize("field", [f for f in SETTINGS if Settings.model_fields[f].annotation in (int, float)])
def test_every_number_setting_is_taken_from_its_flag_and_its_variable(field: str) -> None:
    flag = "--" + flag_of(field).replace("_", "-")
    assert config(flag, "7")[field]["value"] == 7
    assert config(env={env_of(field): "6"})[field]["value"] == 6


def test_a_boolean_flag_can_undo_its_variable() -> None:
    rows = config("--no-include-private", env={"MZGRAPH_INCLUDE_PRIVATE": "true"})
    assert rows["include_private"]["value"] is False and rows["include_private"]["source"].startswith("flag")


def test_credentials_are_masked() -> None:
    rows = config("--sparql-endpoint", "http://reader:s3cret@127.0.0.1:1/sparql")
    assert rows["sparql_endpoint"]["value"] == "http://****@127.0.0.1:1/sparql"
    assert rows["backend"] == {**rows["backend"], "value": "remote", "source": "derived"}
    assert "s3cret" not in mzgraph("config", "--sparql-endpoint", "http://reader:s3cret@h/sparql").stdout


def test_a_bad_value_is_one_line_and_exit_code_2() -> None:
    done = mzgraph("config", env={"MZGRAPH_MAX_ROWS": "many"})
    assert done.returncode == 2
    assert done.stderr.startswith("mzgraph config: ") and "max_rows" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    flag = mzgraph("serve", "--port", "eighty")
    assert flag.returncode == 2 and "--port" in flag.stderr and "Traceback" not in flag.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_auto_honours_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert _wants_colour("auto", _Terminal()) and not _wants_colour("auto", io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not _wants_colour("auto", _Terminal())
    assert _wants_colour("always", _Terminal())  # asked for explicitly
    monkeypatch.setenv("NO_COLOR", "")  # empty means unset (no-color.org)
    assert _wants_colour("auto", _Terminal())


def test_a_setting_that_does_not_exist_is_refused_not_ignored() -> None:
    # `graph` is the flag; the setting is `data_graph`: a misspelt keyword must not leave the default in place
    with pytest.raises(ValueError, match="graph"):
        Settings(graph="https://example.org/g")  # type: ignore[call-arg]
    assert Settings(data_graph="https://example.org/g").data_graph == "https://example.org/g"
