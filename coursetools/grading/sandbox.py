"""The grading kernel's sandbox, and the clean-up after it.

A student's code runs in the kernel that nbgrader starts for their notebook. The kernel
is started through this file (a kernelspec whose argv begins with it), which before it
becomes the IPython kernel
- limits the kernel's memory, CPU time and file sizes (``resource.setrlimit``): a
  notebook that allocates all memory gets a MemoryError, not the machine's OOM killer;
- gives it a clean environment (no database passwords or tokens of the grader) and a
  home and working folder of its own, with a umask that keeps its files private;
- when the grader runs as root:
  - puts it in mount and IPC namespaces of its own, where the course (sources, hidden
    tests, gradebook, submissions), the grader's code and the grading run's folder are
    covered by empty tmpfs mounts and /tmp, /var/tmp, /dev/shm and /run/lock are private
    tmpfs; only the Python environment, the student package and the kernel's own home
    and work folder are mounted back (``--hide``, ``--keep``, ``--keep-rw``). What it
    writes there vanishes with it;
  - runs it as a user id of its own (one per running job, held by a lock file, so two
    grading runs on one machine never share one; not in /etc/passwd, group ``GROUP``)
    with no way back to root (``PR_SET_NO_NEW_PRIVS``): it cannot change the grader's
    files or signal other kernels, and :func:`clean_user` ends whatever it left behind;
  - drops root before it touches anything in the kernel's home: root never follows a
    path that the kernel can change.
  That user must be able to run the course's Python: :func:`check_access` says what is
  in the way.
Without root the limits and the clean environment still apply, but the kernel runs as the
grader's user (README.md, "Grading a class", says what that means).

Run as a script it uses the standard library only, before any course code is imported.
"""

from __future__ import annotations

import argparse
import ctypes
import fcntl
import json
import os
import pwd
import resource
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

FIRST_UID = 61000  # sandbox users: 61000 + n, skipping any uid that /etc/passwd names
GROUP = 61000  # the sandbox users' group: what they need to reach (the Python) grants it
KEPT_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "JPY_PARENT_PID")
# Run by the kernel at start: a Python warning is not an error, so it goes to stdout,
# where it cannot zero a test cell (noise.py). It leaves no name in the user namespace.
WARNINGS_TO_STDOUT = ("__import__('warnings').showwarning = lambda message, category, filename, "
                      "lineno, file=None, line=None: __import__('sys').stdout.write("
                      "__import__('warnings').formatwarning(message, category, filename, lineno, line))")
THREAD_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
              "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")


def can_switch_user() -> bool:
    return os.geteuid() == 0


LOCKS = Path("/run/dlcourse-grading")  # one lock file per sandbox uid in use
PRIVATE_TMP = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")
CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWNET = 0x00020000, 0x08000000, 0x40000000
SIOCSIFFLAGS, IFF_UP, IFF_LOOPBACK, IFF_RUNNING = 0x8914, 0x1, 0x8, 0x40
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT = 1, 2, 4, 32
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
PR_SET_NO_NEW_PRIVS = 38


def free_uids() -> Iterator[int]:
    """User ids from FIRST_UID on that no real user has."""
    uid = FIRST_UID
    while True:
        try:
            pwd.getpwuid(uid)
        except KeyError:
            yield uid
        uid += 1


@contextmanager
def sandbox_user() -> Iterator[int]:
    """A user id for one job, unique among all grading runs on this machine while the
    job runs: the first free id whose lock file this process can lock (root only). The
    user's processes and files are cleaned up before and after, in case an earlier run
    was killed."""
    LOCKS.mkdir(mode=0o700, exist_ok=True)
    info = os.lstat(LOCKS)
    if info.st_uid != 0 or info.st_mode & 0o077 or not os.path.isdir(LOCKS) or os.path.islink(LOCKS):
        raise RuntimeError(f"{LOCKS} must be a folder of root's with mode 0700")
    for uid in free_uids():
        fd = os.open(LOCKS / f"{uid}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            clean_user(uid)
            yield uid
        finally:
            clean_user(uid)
            os.close(fd)
        return


def clean_user(uid: int) -> None:
    """Kill every process of a sandbox user and remove its files from the shared
    temporary folders (those its kernels did not see as private), in one forked helper
    that has become the user (root only). Signalling all it may signal reaches exactly
    that user's processes; it signals again until none is left (one could be forking).
    It removes files as that user, so root follows no path that a kernel made. The
    kernels see these folders as private tmpfs (isolate); this clears what a kernel of
    an earlier, unisolated design or a killed run could have left."""
    def clean() -> None:
        _kill_all(uid)
        _remove_own_files(uid, PRIVATE_TMP)
    _as_user(uid, clean)


def kernelspec(folder: Path, *, uid: int | None, home: Path, work: Path, memory_mb: int,
               cpu_seconds: int, file_mb: int, threads: int, keep: list[Path]) -> Path:
    """Write a ``python3`` kernelspec that starts the kernel in this sandbox; returns the
    folder to put first on JUPYTER_PATH. As root (``uid``), the kernel's root holds the
    system, ``keep`` (read-only) and its own home and work folder (:func:`isolate`)."""
    argv = [sys.executable, str(Path(__file__).resolve()), "--home", str(home), "--work", str(work),
            "--memory-mb", str(memory_mb), "--cpu-seconds", str(cpu_seconds),
            "--file-mb", str(file_mb), "--threads", str(threads)]
    if uid is not None:
        argv += ["--uid", str(uid)]
        for path in keep:
            argv += ["--keep", str(path)]
    argv += ["--", sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
             f"--IPKernelApp.exec_lines={[WARNINGS_TO_STDOUT]!r}"]
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": argv, "display_name": "Python 3 (grading sandbox)", "language": "python"}))
    return folder


def _become(uid: int) -> None:
    os.setgroups([])
    os.setgid(GROUP)
    os.setuid(uid)
    _libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)  # no setuid program gives root back


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(_libc().mount(None if source is None else source.encode(), target.encode(),
                         None if fstype is None else fstype.encode(), ctypes.c_ulong(flags),
                         None if data is None else data.encode()), f"mount {target}")


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/dev", "/proc", "/sys")


def isolate(keep: list[str], keep_rw: list[str]) -> None:
    """Enter new mount and IPC namespaces whose root holds only the system's programs
    and libraries (SYSTEM), ``keep`` (read-only), ``keep_rw``, and private /tmp, /var/tmp,
    /dev/shm and /run/lock; then make it this process's root. Whatever else the machine
    holds (the course, its copies and backups, the grader, other kernels' folders,
    sockets in /run) does not exist for the kernel."""
    _check(_libc().unshare(CLONE_NEWNS | CLONE_NEWIPC), "unshare")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    LOCKS.mkdir(mode=0o700, exist_ok=True)
    new_root = str(LOCKS)  # covered by the new root in this namespace only
    _mount("tmpfs", new_root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
    # Outer mounts first: /tmp before a kernel's home inside it, /dev before /dev/shm.
    mounts = [(p, "tmpfs" if p in PRIVATE_TMP else "rw" if p in keep_rw else "ro")
              for p in dict.fromkeys([*SYSTEM, *PRIVATE_TMP, *keep, *keep_rw])]
    for path, kind in sorted(mounts, key=lambda item: item[0].rstrip("/").count("/")):
        target = new_root + path
        if kind == "tmpfs":
            os.makedirs(target, mode=0o755, exist_ok=True)
            _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=256m")
            continue
        if os.path.islink(path) and path in SYSTEM:  # /bin -> usr/bin on merged-/usr systems
            os.symlink(os.readlink(path), target)
            continue
        real = os.path.realpath(path)
        if not os.path.exists(real):
            continue
        if os.path.isdir(real):
            os.makedirs(target, mode=0o755, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o644))
        _mount(real, target, None, MS_BIND | MS_REC)
        if kind == "ro" and path not in ("/dev", "/proc"):
            _mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID)
    os.chroot(new_root)
    os.chdir("/")


def private_network() -> None:
    """Give this process (a grading worker, as root) and the kernel it starts a network
    of their own, with only a loopback: no other kernel can listen to this one's
    messages, and no server of the machine (a PostgreSQL gradebook) can be reached."""
    import socket
    import struct

    _check(_libc().unshare(CLONE_NEWNET), "unshare network")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:  # ip link set lo up
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", IFF_UP | IFF_LOOPBACK | IFF_RUNNING))


def check_isolation() -> str | None:
    """None if kernels can be isolated here (root, mount namespaces), else why not."""
    pid = os.fork()
    if pid == 0:
        try:
            private_network()
            isolate([sys.prefix], [])
            os._exit(0)
        except OSError as err:
            os._exit(err.errno or 1)
        finally:
            os._exit(99)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return None if code == 0 else os.strerror(code) if code != 99 else "unknown error"


def check_access(paths: list[str], keep: list[str]) -> str | None:
    """Can a sandbox user read ``paths`` (the Python, its libraries) in a kernel's view of
    the machine (:func:`isolate` with ``keep``)? None, or the first path it cannot reach,
    found by a forked child that becomes such a user there."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            isolate(keep, [])
            _become(next(free_uids()))
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


def _as_user(uid: int, action: Callable[[], None]) -> None:
    """Run ``action`` in a forked child that has become ``uid`` (root only)."""
    pid = os.fork()
    if pid == 0:
        try:
            _become(uid)
            action()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def _kill_all(uid: int) -> None:
    for _ in range(50):
        try:
            os.kill(-1, signal.SIGKILL)  # succeeds even with nothing to kill (EPERM counts)
        except ProcessLookupError:
            return
        if not _processes_of(uid, but=os.getpid()):
            return
        time.sleep(0.01)


def _processes_of(uid: int, but: int) -> list[int]:
    """The live processes whose real user id is ``uid``, except ``but`` (a killed process
    that waits to be reaped is no longer running)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != but:
            try:
                status = dict(line.split(":", 1) for line in
                              Path(f"/proc/{entry}/status").read_text().splitlines() if ":" in line)
            except OSError:
                continue
            if status.get("Uid", "").split()[:1] == [str(uid)] and not status.get("State", "").strip().startswith("Z"):
                found.append(int(entry))
    return found


def _remove_own_files(uid: int, folders: tuple[str, ...]) -> None:
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
    parser.add_argument("--keep", action="append", default=[], help="shown read-only")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    env = {key: os.environ[key] for key in KEPT_ENV if key in os.environ}
    env.update({key: str(args.threads) for key in THREAD_ENV})
    env.update(HOME=str(args.home), TMPDIR=str(args.home / "tmp"), IPYTHONDIR=str(args.home / ".ipython"),
               MPLCONFIGDIR=str(args.home / ".matplotlib"), JUPYTER_RUNTIME_DIR=str(args.home / "runtime"),
               PYTHONNOUSERSITE="1", MALLOC_ARENA_MAX="2")
    if args.uid is not None and os.geteuid() == 0:
        # The connection file is the grader's (mode 0600): read it as root, then hand the
        # kernel its own copy, written as the kernel's user into the kernel's home.
        where = command.index("-f") + 1
        connection = Path(command[where]).read_bytes()
        isolate(args.keep, [str(args.home), str(args.work)])
        _become(args.uid)
        copy = args.home / "connection.json"
        try:
            os.unlink(copy)
        except FileNotFoundError:
            pass
        fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(connection)
        command[where] = str(copy)
    _limit(resource.RLIMIT_AS, args.memory_mb * 2**20)
    _limit(resource.RLIMIT_CPU, args.cpu_seconds)
    _limit(resource.RLIMIT_FSIZE, args.file_mb * 2**20)
    _limit(resource.RLIMIT_CORE, 0)
    os.umask(0o077)
    os.chdir(args.work)
    os.execve(command[0], command, env)


if __name__ == "__main__":
    main()
