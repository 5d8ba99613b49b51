"""The first cell of every student lab, run as Colab would run it.

Colab has its own TensorFlow, torch and numpy (GPU builds); the cell must install the
course package and nothing that replaces them. The stand-in Colab here is a fresh
virtual environment that sees this environment's packages (frameworks included, as
Colab's are preinstalled) except the course package, plus an importable
``google.colab`` module. The package is installed from this checkout instead of GitHub.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from coursetools.config import WHEEL_DIR, repository, wheel_name

# Modules Colab preinstalls that the course uses; none may be replaced.
PREINSTALLED = ("torch", "tensorflow", "keras", "numpy", "ipywidgets", "yaml", "jsonschema")
VERSIONS = (
    "import importlib, os; print({n: (importlib.import_module(n).__version__, "
    f"os.path.realpath(importlib.import_module(n).__file__)) for n in {PREINSTALLED!r}}})"
)


def colab_standin(tmp: Path) -> Path:
    """A venv whose sys.path also holds this environment's packages, minus dlcourse."""
    venv = tmp / "colab-venv"
    subprocess.run([sys._base_executable, "-m", "venv", str(venv)], check=True)
    preinstalled = tmp / "preinstalled"
    preinstalled.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if "dlcourse" not in entry.name.lower() and not entry.name.endswith(".pth"):
            (preinstalled / entry.name).symlink_to(entry)
    google = tmp / "colab-module" / "google" / "colab"
    google.mkdir(parents=True)
    (google / "__init__.py").write_text('"""Stand-in for Colab\'s google.colab module."""\n')
    site = next((venv / "lib").glob("python3*/site-packages"))
    # Searched after the venv's own site-packages, as Colab's dist-packages are.
    (site / "zz_colab_preinstalled.pth").write_text(f"{preinstalled}\n{google.parents[1]}\n")
    return venv


def first_code_cell(notebook: Path) -> str:
    cells = json.loads(notebook.read_text())["cells"]
    return "".join(next(c for c in cells if c["cell_type"] == "code")["source"])


@pytest.mark.slow
def test_first_cell_installs_only_the_course_package(released: Path, tmp_path: Path) -> None:
    cell = first_code_cell(released / "lab01_en" / "lab01_en.ipynb")
    source = repository().pip_source
    assert source in cell, "the release must point the install at the repository setting"
    venv = colab_standin(tmp_path)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    before = subprocess.run([python, "-c", VERSIONS], env=env, cwd=tmp_path,
                            capture_output=True, text=True, check=True).stdout
    probe = "import importlib.util as u; print(u.find_spec('dlcourse') is None, u.find_spec('google.colab') is not None)"
    assert subprocess.run([python, "-c", probe], env=env, cwd=tmp_path, capture_output=True,
                          text=True, check=True).stdout.split() == ["True", "True"]

    # The wheel the release built, which the site publishes at that URL (test_book_build).
    local_cell = cell.replace(source, str(released / WHEEL_DIR / wheel_name()))
    result = subprocess.run([python, "-c", local_cell.replace('"--quiet", ', "")], env=env,
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    installed = [line for line in result.stdout.splitlines() if line.startswith("Successfully installed")]
    assert installed == ["Successfully installed dlcourse-0.1.0"], result.stdout
    after = subprocess.run([python, "-c", VERSIONS], env=env, cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout
    assert after == before
    own = subprocess.run([python, "-m", "pip", "list", "--path",
                          str(next((venv / "lib").glob("python3*/site-packages"))), "--format=json"],
                         env=env, capture_output=True, text=True, check=True).stdout
    names = {p["name"].lower() for p in json.loads(own)}
    assert names - {"pip", "setuptools"} == {"dlcourse"}, names
    # The installed package carries the question banks (the live quiz works in Colab) and
    # the self-check data of every lab and track.
    check = ("from dlcourse.quiz import load_bank; import dlcourse.quiz.bank as b; "
             "from dlcourse.selfcheck import exercises; "
             "print(b.bank_dir().name, len(load_bank('ch01').questions), len(exercises('lab02_torch', 'hu')))")
    out = subprocess.run([python, "-c", check], env=env, capture_output=True, text=True,
                         cwd=tmp_path, check=True).stdout.split()
    assert out[0] == "banks" and int(out[1]) >= 5 and int(out[2]) == 6


def test_outside_colab_the_cell_does_nothing(released: Path) -> None:
    cell = first_code_cell(released / "lab01_hu" / "lab01_hu.ipynb")
    result = subprocess.run([sys.executable, "-c", cell.replace("subprocess.run(", "print(")],
                            capture_output=True, text=True, check=True)
    assert result.stdout == ""
