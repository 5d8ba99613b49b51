"""Benchmark: one class session with 300 simulated students on 127.0.0.1.

The server is the real command (``python -m coursetools.quizserver serve``) in its own
process. Each student is a client with two keep-alive connections, as a phone browser
keeps them: one long-polls the state, the other sends the answer. The students join,
wait for the question, and answer at a random moment within 5 s of it opening (4.5 s by
default, so that every answer is in time). Prints the answer latency (request sent to
response read) p50/p99, and checks that no answer was lost: every answer the server
accepted is in the database, and every student's own state says it was received.

Run: .venv/bin/python benchmarks/quiz_session.py [--students 300] [--spread 4.5]
Goal: p99 under 100 ms, zero answers lost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60.0  # seconds any one request may take before the run counts as failed


class Connection:
    """One persistent HTTP/1.1 connection (the server always sends Content-Length)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        data = b"" if body is None else json.dumps(body).encode()
        head = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"Content-Length: {len(data)}",
            "Content-Type: application/json",
        ]
        head += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
        await self.writer.drain()
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return status, json.loads(await self.reader.readexactly(length))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class Student:
    def __init__(self, index: int, host: str, port: int, rng: random.Random) -> None:
        self.name = f"S{index:04d}"
        self.poll, self.post = Connection(host, port), Connection(host, port)
        self.delay = rng.uniform(0.0, 1.0)  # scaled by --spread
        self.response = rng.randrange(4)
        self.token = ""
        self.latency: float | None = None
        self.status: int | None = None
        self.final: dict[str, Any] = {}

    async def join(self) -> None:
        status, body = await self.post.request(
            "POST", "/api/join", {"name": self.name, "lang": "en"}
        )
        assert status == 200, body
        self.token = body["token"]
        await self.poll.open()

    async def play(self, spread: float) -> None:
        version = -1
        while True:  # bounded: the question closes once all have answered (or by its timer)
            _, state = await asyncio.wait_for(
                self.poll.request(
                    "GET", f"/api/state?token={self.token}&version={version}&wait=25"
                ),
                TIMEOUT,
            )
            version = state["version"]
            if state["phase"] == "open" and self.status is None:
                await asyncio.sleep(self.delay * spread)
                started = time.perf_counter()
                self.status, _ = await asyncio.wait_for(
                    self.post.request(
                        "POST",
                        "/api/answer",
                        {"token": self.token, "number": 1, "response": self.response},
                    ),
                    TIMEOUT,
                )
                self.latency = time.perf_counter() - started
            if state["phase"] in ("closed", "finished"):
                self.final = state
                return


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ranked = sorted(values)
    return ranked[max(0, min(len(ranked) - 1, round(p / 100 * len(ranked) + 0.5) - 1))]


async def run(students: int, spread: float, seconds: float, db: Path) -> dict[str, Any]:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "coursetools.quizserver",
            "serve",
            "ch01",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--db",
            str(db),
            "--seconds",
            str(seconds),
            # every simulated student comes from 127.0.0.1: no cap, no per-address limit
            "--max-players",
            "0",
            "--joins-per-minute",
            "0",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        banner = "".join(server.stdout.readline() for _ in range(5))  # type: ignore[union-attr]
        port = int(re.search(r"127\.0\.0\.1:(\d+)/", banner).group(1))  # type: ignore[union-attr]
        key = re.search(r"#key=(\S+)", banner).group(1)  # type: ignore[union-attr]
        session = re.search(r"Quiz session (\S+):", banner).group(1)  # type: ignore[union-attr]
        rng = random.Random(20240917)
        crowd = [Student(i, "127.0.0.1", port, rng) for i in range(students)]
        gate = asyncio.Semaphore(50)  # join in waves, as a class does over a few seconds

        async def join(s: Student) -> None:
            async with gate:
                await s.join()

        await asyncio.gather(*(join(s) for s in crowd))
        playing = [asyncio.create_task(s.play(spread)) for s in crowd]
        await asyncio.sleep(0.5)  # every student is now waiting in a long-poll
        teacher = Connection("127.0.0.1", port)
        opened = time.perf_counter()
        status, body = await teacher.request(
            "POST", "/api/instructor/next", {}, {"X-Quiz-Key": key}
        )
        assert status == 200, body
        await asyncio.wait_for(asyncio.gather(*playing), seconds + TIMEOUT)
        wall = time.perf_counter() - opened
        _, teacher_state = await teacher.request(
            "GET", "/api/instructor/state?wait=0", None, {"X-Quiz-Key": key}
        )
        for c in [teacher] + [c for s in crowd for c in (s.poll, s.post)]:
            c.close()
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=30)
    stored = dict(
        sqlite3.connect(db)
        .execute(
            "SELECT p.name, a.response FROM answers a JOIN players p USING (session_id, player_id) "
            "WHERE a.session_id = ? AND a.number = 1",
            (session,),
        )
        .fetchall()
    )
    accepted = [s for s in crowd if s.status == 200]
    lost = [s.name for s in accepted if stored.get(s.name) != json.dumps(s.response)]
    unconfirmed = [s.name for s in accepted if not s.final.get("result", {}).get("answered")]
    return {
        "latencies": [s.latency for s in crowd if s.latency is not None],
        "accepted": len(accepted),
        "refused": len([s for s in crowd if s.status not in (200, None)]),
        "stored": len(stored),
        "lost": lost,
        "unconfirmed": unconfirmed,
        "wall": wall,
        "server_count": teacher_state.get("answers"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument(
        "--spread", type=float, default=4.5, help="answers come within this many seconds"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        r = asyncio.run(
            run(
                args.students,
                args.spread,
                seconds=max(5.0, args.spread + 1),
                db=Path(tmp) / "q.sqlite",
            )
        )
    ms = [1000 * x for x in r["latencies"]]
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )
    print(
        f"students: {args.students}, answers spread over {args.spread:g} s, "
        "server and clients on 127.0.0.1"
    )
    print(
        f"answers accepted: {r['accepted']}, refused: {r['refused']}, "
        f"in the database: {r['stored']}, "
        f"counted by the server: {r['server_count']}"
    )
    print(
        f"answer latency: p50 {percentile(ms, 50):.1f} ms, p99 {percentile(ms, 99):.1f} ms, "
        f"max {max(ms):.1f} ms (goal: p99 < 100 ms)"
    )
    print(
        f"answers lost: {len(r['lost'])}, "
        f"not confirmed in the student's state: {len(r['unconfirmed'])} "
        f"(goal: 0)"
    )
    print(f"question open to last result: {r['wall']:.2f} s")
    ok = (
        not r["lost"]
        and not r["unconfirmed"]
        and r["accepted"] == r["stored"] == args.students
        and percentile(ms, 99) < 100
    )
    print("goal met" if ok else "GOAL NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
