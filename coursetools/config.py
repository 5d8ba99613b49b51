"""The course settings in _config.yml, and the paths and URLs derived from them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from dlcourse.text import LANGS  # noqa: F401  (re-exported: the one tuple of languages)

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
SITE = BUILD / "site"
OTHER = {"hu": "en", "en": "hu"}
COLAB = "https://colab.research.google.com/github"
WHEEL_DIR = "dist"  # of the release and of the site: the course package's wheel


def wheel_name() -> str:
    """The file name of the course package's wheel, from pyproject.toml's version."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return f"{project['name']}-{project['version']}-py3-none-any.whl"


@lru_cache(maxsize=1)
def load_config() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Repository:
    """A GitHub repository: the public one of the published site (:func:`repository`).

    >>> r = Repository("https://github.com/owner/course", "main", "gh-pages")
    >>> r.colab_url("labs/lab01_hu/lab01_hu.ipynb")
    'https://colab.research.google.com/github/owner/course/blob/gh-pages/labs/lab01_hu/lab01_hu.ipynb'
    >>> r.pages_url
    'https://owner.github.io/course'
    >>> r.pip_source.startswith('https://owner.github.io/course/dist/dlcourse-')
    True
    """

    url: str
    branch: str
    pages_branch: str

    @property
    def slug(self) -> str:
        match = re.fullmatch(r"https://github\.com/([^/]+/[^/]+?)(?:\.git)?/?", self.url)
        if not match:
            raise ValueError(
                f"_config.yml: repository.url must look like https://github.com/OWNER/REPO, "
                f"not {self.url!r}"
            )
        return match.group(1)

    def colab_url(self, site_path: str) -> str:
        """Colab's URL of a notebook published at ``site_path`` of the site."""
        return f"{COLAB}/{self.slug}/blob/{self.pages_branch}/{site_path}"

    @property
    def pages_url(self) -> str:
        """Where GitHub Pages serves the published site (the ``gh-pages`` branch)."""
        owner, name = self.slug.split("/")
        return f"https://{owner.lower()}.github.io/{name}"

    @property
    def pip_source(self) -> str:
        """What ``pip install`` takes to install the course package: the wheel that the
        release built and the site publishes beside the notebooks, so a student's package
        always matches their notebook and carries the labs' self-check data."""
        return f"{self.pages_url}/{WHEEL_DIR}/{wheel_name()}"


def repository() -> Repository:
    """The public repository of the published site (``course.site_repository``), which
    students see; the sources (``repository.url``) stay private."""
    config = load_config()
    site = config["course"].get("site_repository") or config["repository"]["url"]
    return Repository(site, config["repository"].get("branch", "main"), config["course"]["pages_branch"])


def lab_site_path(assignment: str) -> str:
    """Where the student version of a lab assignment (lab01_hu, lab02_torch_en) is
    published, relative to the site root."""
    return f"labs/{assignment}/{assignment}.ipynb"


def _with_scripts(path: str) -> str:
    """``path`` (a PATH value) with this Python's scripts folder first, once.

    ``sudo .venv/bin/python`` runs the venv's Python without the venv on PATH; nbgrader
    then cannot start ``alembic``, which it calls by name when it creates a gradebook.
    The folder is the one next to ``sys.executable`` as called (not resolved: a venv's
    python is a link to the base interpreter, whose folder has no alembic)."""
    import os
    import sys

    bin_dir = str(Path(sys.executable).parent)
    parts = [p for p in path.split(os.pathsep) if p and p != bin_dir]
    return os.pathsep.join([bin_dir, *parts])


def use_own_scripts() -> None:
    """Put this Python's scripts first on this process's PATH: for nbgrader running in
    this process (a new gradebook runs ``alembic``) and every process it starts."""
    import os

    os.environ["PATH"] = _with_scripts(os.environ.get("PATH", ""))


def tool_env() -> dict[str, str]:
    """Environment for the tools this package runs: this Python's scripts first on PATH
    (nbgrader calls ``alembic`` by name), the repository importable (the book's Sphinx
    extension lives in coursetools), and frameworks kept quiet in every kernel."""
    import os

    return {
        **os.environ,
        "PATH": _with_scripts(os.environ.get("PATH", "")),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "TF_ENABLE_ONEDNN_OPTS": "0",
    }


def kernel_env(lang: str) -> dict[str, str]:
    """:func:`tool_env` for the kernels that run a book page or a deck of ``lang``.

    Twin pages have identical code, so their language comes from outside the code: the
    ``COURSE_LANG`` variable, which dlcourse.text reads (a lab sets it in its own cell).
    """
    return {**tool_env(), "COURSE_LANG": lang}
