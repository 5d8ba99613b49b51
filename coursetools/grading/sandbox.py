"""The grading kernel's sandbox, and the clean-up after it.

A student's code runs in the kernel that nbgrader starts for their notebook. The kernel
is started through this file (a kernelspec whose argv begins with it), which before it
becomes the IPython kernel
- limits the kernel's memory, CPU time and file sizes (``resource.setrlimit``): a
  notebook that allocates all memory gets a MemoryError, not the machine's OOM killer;
- gives it a clean environment (no database passwords or tokens of the grader) and a
  home and working folder of its own, with a umask that keeps its files private;
- when the grader runs as root, runs it as a user id of its own (one per submission, not
  in /etc/passwd, group ``GROUP``): the kernel then cannot read or change the gradebook,
  the course's submissions or other kernels' files, and :func:`kill_user` ends whatever
  it left behind. That user must be able to run the course's Python: :func:`check_access`
  says what is in the way.
Without root the limits and the clean environment still apply, but the kernel runs as the
grader's user (README.md, "Grading a class", says what that means).

Run as a script it uses the standard library only, before any course code is imported.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import pwd
import resource
import shutil
import signal
import sys
import time
from pathlib import Path

FIRST_UID = 61000  # sandbox users: 61000 + n, skipping any uid that /etc/passwd names
GROUP = 61000  # the sandbox users' group: what they need to reach (the Python) grants it
KEPT_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "JPY_PARENT_PID")
THREAD_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
              "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")


def can_switch_user() -> bool:
    return os.geteuid() == 0


@functools.lru_cache(maxsize=None)
def sandbox_uid(index: int) -> int:
    """The user id of the n-th submission of a run: the n-th id from FIRST_UID on that
    no real user has (so two submissions never share one)."""
    uid, free = FIRST_UID - 1, -1
    while free < index:
        uid += 1
        try:
            pwd.getpwuid(uid)
        except KeyError:
            free += 1
    return uid


def kernelspec(folder: Path, *, uid: int | None, home: Path, work: Path, memory_mb: int,
               cpu_seconds: int, file_mb: int, threads: int) -> Path:
    """Write a ``python3`` kernelspec that starts the kernel in this sandbox; returns the
    folder to put first on JUPYTER_PATH."""
    argv = [sys.executable, str(Path(__file__).resolve()), "--home", str(home), "--work", str(work),
            "--memory-mb", str(memory_mb), "--cpu-seconds", str(cpu_seconds),
            "--file-mb", str(file_mb), "--threads", str(threads)]
    if uid is not None:
        argv += ["--uid", str(uid)]
    argv += ["--", sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": argv, "display_name": "Python 3 (grading sandbox)", "language": "python"}))
    return folder


def _become(uid: int) -> None:
    os.setgroups([])
    os.setgid(GROUP)
    os.setuid(uid)


def check_access(paths: list[str]) -> str | None:
    """Can a sandbox user read ``paths`` (the Python, its libraries)? None, or the first
    path it cannot reach, found by a forked child that becomes such a user."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            _become(sandbox_uid(0))
            blocked = next((p for p in paths if not os.access(p, os.R_OK)), "")
            os.write(write, blocked.encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        blocked = pipe.read().decode()
    os.waitpid(pid, 0)
    if not blocked:
        return None
    path = Path(blocked)
    for parent in [path, *path.parents]:  # name the folder that stops it, if one does
        if parent.is_dir() and not parent.stat().st_mode & 0o001:
            return str(parent)
    return blocked


def prepare_folders(home: Path, work: Path, uid: int | None) -> None:
    for folder in (home, work, home / "tmp"):
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        if uid is not None:
            os.chown(folder, uid, GROUP)


def set_subreaper() -> None:
    """Orphans of this process's children become its children (not init's), so that
    :func:`kill_descendants` also finds what a kernel left running in the background."""
    import ctypes

    PR_SET_CHILD_SUBREAPER = 36
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def kill_descendants(pid: int | None = None) -> None:
    """Kill every process below ``pid`` (default: this one), repeatedly, until none is left."""
    pid = os.getpid() if pid is None else pid
    for _ in range(20):
        stack, seen = [pid], []
        while stack:
            for child in _children(stack.pop()):
                seen.append(child)
                stack.append(child)
        if not seen:
            return
        for child in seen:
            try:
                os.kill(child, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _reap()
        time.sleep(0.05)


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_user(uid: int) -> None:
    """Kill every process of a sandbox user (root only): a forked helper takes the uid and
    signals all it may signal, which are exactly that user's processes."""
    pid = os.fork()
    if pid == 0:
        try:
            _become(uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def remove_user_files(uid: int, folders: tuple[str, ...] = ("/tmp", "/var/tmp", "/dev/shm")) -> None:
    """Remove what a sandbox user wrote to the shared temporary folders. It can only write
    where everybody may, so only world-writable folders are searched, not all of /tmp."""
    stack = list(folders)
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
                if info.st_uid == uid:
                    if entry.is_dir(follow_symlinks=False):
                        shutil.rmtree(entry.path, ignore_errors=True)
                    else:
                        os.unlink(entry.path)
                elif entry.is_dir(follow_symlinks=False) and info.st_mode & 0o002:
                    stack.append(entry.path)
            except OSError:
                pass


def _limit(kind: int, value: int) -> None:
    soft_hard = (value, value)
    if kind == resource.RLIMIT_CPU:  # SIGXCPU at the soft limit, SIGKILL a little later
        soft_hard = (value, value + 5)
    resource.setrlimit(kind, soft_hard)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="start a kernel in the grading sandbox")
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--cpu-seconds", type=int, required=True)
    parser.add_argument("--file-mb", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--uid", type=int)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    env = {key: os.environ[key] for key in KEPT_ENV if key in os.environ}
    env.update({key: str(args.threads) for key in THREAD_ENV})
    env.update(HOME=str(args.home), TMPDIR=str(args.home / "tmp"), IPYTHONDIR=str(args.home / ".ipython"),
               MPLCONFIGDIR=str(args.home / ".matplotlib"), JUPYTER_RUNTIME_DIR=str(args.home / "runtime"),
               PYTHONNOUSERSITE="1", MALLOC_ARENA_MAX="2")
    if args.uid is not None and os.geteuid() == 0:
        # The connection file is the grader's (mode 0600): hand the kernel its own copy.
        where = command.index("-f") + 1
        copy = args.home / "connection.json"
        shutil.copyfile(command[where], copy)
        os.chown(copy, args.uid, GROUP)
        os.chmod(copy, 0o600)
        command[where] = str(copy)
        _become(args.uid)
    _limit(resource.RLIMIT_AS, args.memory_mb * 2**20)
    _limit(resource.RLIMIT_CPU, args.cpu_seconds)
    _limit(resource.RLIMIT_FSIZE, args.file_mb * 2**20)
    _limit(resource.RLIMIT_CORE, 0)
    os.umask(0o077)
    os.chdir(args.work)
    os.execve(command[0], command, env)


if __name__ == "__main__":
    main()
