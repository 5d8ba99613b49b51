"""requirements.txt (pip) and environment.yml (conda) pin the same versions."""

from __future__ import annotations

import re

import yaml

from coursetools.config import ROOT

PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)$")


def pins(lines: list[str]) -> dict[str, str]:
    found = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = PIN.match(line)
        assert match, f"not pinned with ==: {line!r}"
        found[match.group(1).lower()] = match.group(2)
    return found


def test_pip_and_conda_pins_agree() -> None:
    pip = pins((ROOT / "requirements.txt").read_text().splitlines())
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pins(conda_pip) == pip
    assert "python=3.11" in env["dependencies"]
    assert {"jupyter-book", "nbgrader", "tensorflow-cpu", "torch", "ipywidgets"} <= set(pip)


def test_pins_are_what_is_installed() -> None:
    from importlib.metadata import version

    for name, pinned in pins((ROOT / "requirements.txt").read_text().splitlines()).items():
        assert version(name).split("+")[0] == pinned, name
