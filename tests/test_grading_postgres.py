"""The gradebook on a real PostgreSQL server, shared by two instructors grading at once.

The server is Debian's PostgreSQL (installed by .ci/install-test-tools.sh, which `make
test` runs), started here in a temporary folder on 127.0.0.1 as the ``postgres`` user, with
password authentication. The course names the server in its nbgrader_config.py, the
password travels in PGPASSWORD, as the README tells instructors to do.
"""

from __future__ import annotations

import copy
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from coursetools.config import ROOT, tool_env

from .conftest import run
from .grading_cases import points, source, without_device_cell

PASSWORD = "grading-test-password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """A fresh PostgreSQL server; yields the gradebook's URL (without the password)."""
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    assert bins, "PostgreSQL is not installed: run .ci/install-test-tools.sh (make test does)"
    bindir = bins[-1].parent
    user = pwd.getpwnam("postgres") if os.geteuid() == 0 else pwd.getpwuid(os.getuid())
    folder = Path(tempfile.mkdtemp(prefix="dlcourse-pg-"))
    os.chown(folder, user.pw_uid, user.pw_gid)
    data, port = folder / "data", _free_port()
    password_file = folder / "password"
    password_file.write_text(PASSWORD)
    os.chown(password_file, user.pw_uid, user.pw_gid)

    def as_server(*command: str) -> None:
        subprocess.run([str(bindir / command[0]), *command[1:]], check=True, capture_output=True,
                       user=user.pw_uid, group=user.pw_gid, cwd=folder)

    as_server("initdb", "-D", str(data), "-U", "postgres", "--auth=scram-sha-256",
              f"--pwfile={password_file}")
    as_server("pg_ctl", "-D", str(data), "-w", "-l", str(folder / "server.log"), "-o",
              f"-c listen_addresses=127.0.0.1 -p {port} -k {folder}", "start")
    try:
        env = {**os.environ, "PGPASSWORD": PASSWORD}
        for sql in (f"CREATE ROLE grader LOGIN PASSWORD '{PASSWORD}'",
                    "CREATE DATABASE gradebook OWNER grader"):
            subprocess.run([str(bindir / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                            "-d", "postgres", "-c", sql], check=True, capture_output=True, env=env)
        yield f"postgresql://grader@127.0.0.1:{port}/gradebook"
    finally:
        as_server("pg_ctl", "-D", str(data), "-m", "fast", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def _env() -> dict[str, str]:
    return {**tool_env(), "PGPASSWORD": PASSWORD}


@pytest.mark.slow
def test_two_instructors_grade_into_one_postgresql_gradebook(postgres: str, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "course"
    (root / "labs").mkdir(parents=True)
    config = (ROOT / "nbgrader_config.py").read_text() + f"c.CourseDirectory.db_url = {postgres!r}\n"
    (root / "nbgrader_config.py").write_text(config)
    shutil.copytree(ROOT / "labs" / "lab01_en", root / "labs" / "lab01_en")
    run([sys.executable, "-m", "nbgrader", "generate_assignment", "lab01_en"], cwd=root, env=_env())

    correct = without_device_cell(copy.deepcopy(source("lab01_en")))
    wrong = copy.deepcopy(correct)
    for cell in wrong["cells"]:
        cell["source"] = "".join(cell["source"]).replace("np.sum(diff**2)", "np.mean(diff**2)")
    blank = json.loads((root / "release" / "lab01_en" / "lab01_en.ipynb").read_text())
    lost = copy.deepcopy(correct)
    for cell in lost["cells"]:
        cell["metadata"].pop("nbgrader", None)
    handed_in = {"PGA001": correct, "PGA002": wrong, "PGB001": blank, "PGB002": lost}
    for student, nb in handed_in.items():
        folder = root / "submitted" / student / "lab01_en"
        folder.mkdir(parents=True)
        (folder / "lab01_en.ipynb").write_text(json.dumps(nb))

    # Two instructors, each grading their own group, at the same time.
    command = [sys.executable, "-m", "coursetools.grading", "--course", str(root), "autograde",
               "lab01_en", "--workers", "1"]
    runs = [subprocess.Popen(command + [arg for s in group for arg in ("--student", s)], env=_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for group in (("PGA001", "PGA002"), ("PGB001", "PGB002"))]
    outputs = [process.communicate(timeout=400) for process in runs]
    for process, (out, err) in zip(runs, outputs):
        assert process.returncode == 0, out + err
        assert "lost or doubled grades: 0" in out

    full = points(source("lab01_en"))
    expected = {"PGA001": full, "PGA002": {**full, "test_sse": 0.0},
                "PGB001": dict.fromkeys(full, 0.0), "PGB002": full}
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    with Gradebook(postgres, "dl-course") as gb:
        assignment = gb.find_assignment("lab01_en")
        assert sorted(s.student_id for s in assignment.submissions) == sorted(handed_in)
        for student, want in expected.items():
            notebook = gb.find_submission_notebook("lab01_en", "lab01_en", student)
            assert {g.name: g.score for g in notebook.grades} == want

    # nbgrader's own export reads the same totals from PostgreSQL
    exported = root / "nbgrader-export.csv"
    run([sys.executable, "-m", "nbgrader", "export", f"--to={exported}"], cwd=root, env=_env())
    lines = exported.read_text().splitlines()
    header = lines[0].split(",")
    totals = {row.split(",")[header.index("student_id")]: float(row.split(",")[header.index("raw_score")])
              for row in lines[1:]}
    assert totals == {student: sum(want.values()) for student, want in expected.items()}
