#!/usr/bin/env bash
# Runs Orchard's whole test suite on a fresh machine: installs what the tests need, then
# checks formatting and lints and runs every test of the workspace.
#
# What it installs, each step skipped while what it installed still matches its inputs:
# - git (the real repositories the tests clone and push to) and redis-server (the Redis
#   tests start their own), from Debian's packages;
# - a Python venv at $ORCHARD_PY_VENV (default /var/tmp/orchard-py) from the pinned
#   tests/requirements.txt, with the generated Python SDK (openapi/clients/python) in it; its
#   python is exported as ORCHARD_PYTHON for the tests (tests/api/sdk.rs and others);
# - openapi/node_modules, by `npm ci` from openapi/package-lock.json (ignored by git), for
#   the TypeScript SDK test;
# - the SDK generators, which `openapi/generate.sh --check` uses (see that script).
# Needs python3 (3.11+) with pip and venv, node 20+ with npm, and the Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v git >/dev/null 2>&1 || need_apt+=(git)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
if ((${#need_apt[@]})); then
    echo "installing: ${need_apt[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

# True when the stamp file $1 holds exactly $2 (what the install it marks was made from).
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

# The Python venv, rebuilt from scratch only when python3 itself changed.
venv="${ORCHARD_PY_VENV:-/var/tmp/orchard-py}"
python_version="$(python3 --version)"
if [ -x "$venv/bin/python" ] && [ "$("$venv/bin/python" --version 2>&1)" != "$python_version" ]; then
    rm -rf "$venv"
fi
want="$python_version $(sha256sum tests/requirements.txt | cut -d' ' -f1)"
if ! stamp_ok "$venv/.orchard-requirements" "$want"; then
    echo "installing tests/requirements.txt into $venv"
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r tests/requirements.txt
    echo "$want" >"$venv/.orchard-requirements"
    rm -f "$venv/.orchard-client"
fi
# The generated client, reinstalled whenever its files differ from the installed ones (its
# dependencies are pinned in tests/requirements.txt, so --no-deps).
want="$(cd openapi/clients/python && find . -type f -not -path '*/__pycache__/*' -print0 |
    LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
if ! stamp_ok "$venv/.orchard-client" "$want"; then
    echo "installing openapi/clients/python into $venv"
    "$venv/bin/pip" install -q --disable-pip-version-check --no-deps --no-build-isolation \
        --force-reinstall ./openapi/clients/python
    echo "$want" >"$venv/.orchard-client"
fi
export ORCHARD_PYTHON="$venv/bin/python"

# npm packages for the TypeScript SDK test: `npm ci` unless node_modules matches the lock.
bash openapi/generate.sh --install-node-only
# openapi/clients/ is what openapi/openapi.json generates (tests/api/spec.rs checks the spec
# against the code). The first run on a machine installs the generators under /var/tmp
# (cargo-progenitor: a few minutes); later runs take seconds.
bash openapi/generate.sh --check

cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
