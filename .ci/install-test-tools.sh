#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright's own browser download does not
# work offline). Install it when it is missing; needs root, as on the course machines.
set -euo pipefail
if ! command -v chromium >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# The PostgreSQL gradebook test (tests/test_grading_postgres.py) starts its own server
# from Debian's binaries, in a temporary folder, on loopback only.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

# The Hungarian lint's spell check (coursetools/lint_hu.py) runs Debian's hunspell with its
# Hungarian dictionary, and the English one for terms introduced in parentheses.
if ! command -v hunspell >/dev/null || [ ! -e /usr/share/hunspell/hu_HU.dic ] \
        || [ ! -e /usr/share/hunspell/en_US.dic ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hunspell hunspell-hu hunspell-en-us >/dev/null
fi
