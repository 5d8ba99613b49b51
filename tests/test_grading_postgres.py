"""The gradebook on a real PostgreSQL server, shared by two instructors grading at once.

The server is Debian's PostgreSQL (installed by .ci/install-test-tools.sh, which `make
test` runs), started here in a temporary folder on 127.0.0.1 as the ``postgres`` user, with
password authentication (scram-sha-256, also on 127.0.0.1: a student's kernel shares the
grader's network). The course names the server in its nbgrader_config.py, the password
travels in PGPASSWORD, as the README tells instructors to do; the sandbox gives kernels a
clean environment, so a notebook that connects to the server gets nowhere.
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
from .grading_cases import Notebook, points, source, without_device_cell

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


# A student's cell: look for the password, then log in to the gradebook's server as its
# owner and as the superuser without one (psycopg, as nbgrader's gradebook does, and a
# bare startup message), and if let in, give everyone 99 points and every other student 0.
ATTACK = """import glob, os, socket, struct

print("PGPASSWORD in the kernel:", os.environ.get("PGPASSWORD"))
readable = 0
for path in glob.glob("/proc/[0-9]*/environ"):
    try:
        with open(path, "rb") as f:
            readable += b"PGPASSWORD=" in f.read()
    except OSError:
        pass
print("environments with PGPASSWORD readable:", readable)
for user in ("grader", "postgres"):
    try:
        with socket.create_connection(("127.0.0.1", {port}), timeout=10) as s:
            params = b"user\\0" + user.encode() + b"\\0database\\0gradebook\\0\\0"
            s.sendall(struct.pack("!ii", 8 + len(params), 196608) + params)  # protocol 3.0
            reply = s.makefile("rb")
            kind, length = struct.unpack("!ci", reply.read(5))
            code = struct.unpack("!i", reply.read(4))[0] if kind == b"R" else None
        print(f"startup as {{user}}: {{kind.decode()}} {{code}}")  # R 0: in; R 10: SASL password
    except OSError as err:
        print(f"startup as {{user}}: unreachable ({{type(err).__name__}})")
    try:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port={port}, user=user, dbname="gradebook",
                             connect_timeout=10) as con:
            con.execute("UPDATE grade SET manual_score = 99")
            con.execute("UPDATE grade SET auto_score = 0")
        print(f"psycopg as {{user}}: in, grades changed")
    except Exception as err:
        print(f"psycopg as {{user}}: refused ({{type(err).__name__}})")
"""


def _attacker(port: int) -> Notebook:
    nb = without_device_cell(copy.deepcopy(source("lab01_en")))
    at = next(i for i, c in enumerate(nb["cells"]) if "COURSE_LANG =" in "".join(c["source"])) + 1
    nb["cells"].insert(at, {"cell_type": "code", "execution_count": None, "id": "attack",
                            "metadata": {}, "outputs": [], "source": ATTACK.format(port=port)})
    return nb


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
    port = int(postgres.rsplit(":", 1)[1].split("/")[0])
    handed_in = {"PGA001": correct, "PGA002": wrong, "PGB001": blank, "PGB002": lost,
                 "PGB003": _attacker(port)}
    for student, nb in handed_in.items():
        folder = root / "submitted" / student / "lab01_en"
        folder.mkdir(parents=True)
        (folder / "lab01_en.ipynb").write_text(json.dumps(nb))

    # Two instructors, each grading their own group, at the same time.
    command = [sys.executable, "-m", "coursetools.grading", "--course", str(root), "autograde",
               "lab01_en", "--workers", "1"]
    runs = [subprocess.Popen(command + [arg for s in group for arg in ("--student", s)], env=_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for group in (("PGA001", "PGA002"), ("PGB001", "PGB002", "PGB003"))]
    outputs = [process.communicate(timeout=400) for process in runs]
    for process, (out, err) in zip(runs, outputs):
        assert process.returncode == 0, out + err
        assert "lost or doubled grades: 0" in out

    full = points(source("lab01_en"))
    expected = {"PGA001": full, "PGA002": {**full, "test_sse": 0.0},
                "PGB001": dict.fromkeys(full, 0.0), "PGB002": full, "PGB003": full}
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    with Gradebook(postgres, "dl-course") as gb:
        assignment = gb.find_assignment("lab01_en")
        assert sorted(s.student_id for s in assignment.submissions) == sorted(handed_in)
        for student, want in expected.items():
            notebook = gb.find_submission_notebook("lab01_en", "lab01_en", student)
            assert {g.name: g.score for g in notebook.grades} == want
            assert [g.manual_score for g in notebook.grades] == [None] * len(want)

    # As root the kernel has a network of its own: the server is not even there. As any
    # other user it reaches the server, which asks for a password the kernel never had.
    attacker = root / "autograded" / "PGB003" / "lab01_en" / "lab01_en.ipynb"
    cells = json.loads(attacker.read_text())["cells"]
    said = "".join("".join(out.get("text", "")) for cell in cells for out in cell.get("outputs", [])
                   if out.get("name") == "stdout")
    assert "PGPASSWORD in the kernel: None" in said, said
    if os.geteuid() == 0:  # as any other user the kernel runs as the grader (README.md)
        assert "environments with PGPASSWORD readable: 0" in said, said
    for user in ("grader", "postgres"):
        if os.geteuid() == 0:
            assert f"startup as {user}: unreachable (ConnectionRefusedError)" in said, said
        else:
            assert f"startup as {user}: R 10" in said, said  # AuthenticationSASL
        assert f"psycopg as {user}: refused" in said, said

    # nbgrader's own export reads the same totals from PostgreSQL
    exported = root / "nbgrader-export.csv"
    run([sys.executable, "-m", "nbgrader", "export", f"--to={exported}"], cwd=root, env=_env())
    lines = exported.read_text().splitlines()
    header = lines[0].split(",")
    totals = {row.split(",")[header.index("student_id")]: float(row.split(",")[header.index("raw_score")])
              for row in lines[1:]}
    assert totals == {student: sum(want.values()) for student, want in expected.items()}
