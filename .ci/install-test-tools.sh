#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright's own browser download does not
# work offline). Install it when it is missing; needs root, as on the course machines.
set -euo pipefail
if ! command -v chromium >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# The grading sandbox (coursetools/grading/sandbox.py) runs students' kernels as
# unprivileged users of group 61000. Where the course's Python lives in a private home
# (pyenv under /root on the course machines), let that group pass through the closed
# folders on the way (x only: no listing, no reading of anything else).
if [ "$(id -u)" = 0 ]; then
    python_real=$(readlink -f .venv/bin/python)
    dir=$(dirname "$python_real")
    while [ "$dir" != / ]; do
        if [ $((8#$(stat -c %a "$dir") & 1)) -eq 0 ]; then
            if ! command -v setfacl >/dev/null; then
                apt-get update -qq
                DEBIAN_FRONTEND=noninteractive apt-get install -y -qq acl >/dev/null
            fi
            setfacl -m g:61000:x "$dir"
        fi
        dir=$(dirname "$dir")
    done
fi

# The PostgreSQL gradebook test (tests/test_grading_postgres.py) starts its own server
# from Debian's binaries, in a temporary folder, on loopback only.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
