#!/usr/bin/env bash
# Generates Orchard's client SDKs from the committed spec, openapi/openapi.json:
#
#   clients/python/      openapi-python-client (PyPI; pinned in generator-requirements.txt)
#   clients/typescript/  openapi-typescript    (npm; pinned in package.json/package-lock.json),
#                        types for the openapi-fetch runtime client
#   clients/rust/        cargo-progenitor      (crates.io; PROGENITOR_VERSION below, --locked)
#
# Nothing under clients/ is edited by hand: change the API, regenerate the spec
# (`cargo run -- openapi > openapi/openapi.json`), then run this again.
#
#   bash openapi/generate.sh           regenerate clients/
#   bash openapi/generate.sh --check   regenerate into a temporary folder; fail if clients/ differs
#
# The tools are installed on first use outside the clone, under $ORCHARD_TOOLS
# (default /var/tmp/orchard-tools), and npm's packages into openapi/node_modules (ignored by
# git); later runs reuse them. Needs python3 (3.11+), node 20+ with npm, and cargo.
set -euo pipefail

PROGENITOR_VERSION=0.15.1
HERE="$(cd "$(dirname "$0")" && pwd)"
TOOLS="${ORCHARD_TOOLS:-/var/tmp/orchard-tools}"
SPEC="$(realpath "${ORCHARD_SPEC:-$HERE/openapi.json}")" # ORCHARD_SPEC: try another document
cd "$HERE"

check=false
node_only=false
case "${1:-}" in
    --check) check=true ;;
    --install-node-only) node_only=true ;; # for tests/run.sh
    "") ;;
    *)
        echo "usage: $0 [--check | --install-node-only]" >&2
        exit 2
        ;;
esac

say() { echo "generate.sh: $*" >&2; }

# True when the stamp file $1 holds exactly $2 (what the install it marks was made from).
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

# --- the tools -------------------------------------------------------------------------

ensure_python_generator() {
    local venv="$TOOLS/py-generator" want
    want="$(python3 --version) $(sha256sum generator-requirements.txt | cut -d' ' -f1)"
    if ! stamp_ok "$venv/.orchard-stamp" "$want"; then
        say "installing openapi-python-client into $venv"
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q --disable-pip-version-check -r generator-requirements.txt
        echo "$want" >"$venv/.orchard-stamp"
    fi
    PY_GEN_BIN="$venv/bin"
}

# `npm ci` from the lock file, skipped while node_modules matches it (the TypeScript SDK
# test uses the same node_modules; tests/run.sh calls this with --install-node-only).
ensure_node_modules() {
    local want
    want="$(node --version) $(sha256sum package-lock.json | cut -d' ' -f1)"
    if ! stamp_ok node_modules/.orchard-stamp "$want"; then
        say "npm ci in $HERE"
        npm ci --no-audit --no-fund --loglevel=error >&2
        echo "$want" >node_modules/.orchard-stamp
    fi
}

ensure_progenitor() {
    local root="$TOOLS/cargo-progenitor-$PROGENITOR_VERSION"
    if [ ! -x "$root/bin/cargo-progenitor" ]; then
        say "installing cargo-progenitor $PROGENITOR_VERSION into $root (a few minutes, once)"
        CARGO_TARGET_DIR="$TOOLS/cargo-build" cargo install --quiet --locked \
            --root "$root" cargo-progenitor --version "=$PROGENITOR_VERSION"
        rm -rf "$TOOLS/cargo-build"
    fi
    PROGENITOR="$root/bin/cargo-progenitor"
}

if $node_only; then
    ensure_node_modules
    exit 0
fi

# --- generation into a fresh folder ----------------------------------------------------

out="$(mktemp -d "${TMPDIR:-/tmp}/orchard-sdk.XXXXXX")"
trap 'rm -rf "$out"' EXIT

ensure_python_generator
ensure_node_modules
ensure_progenitor

version="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).info.version)' "$SPEC")"

# Python: a PEP 621 project (pdm-backend), package `orchard_client`, formatted by ruff.
# openapi-python-client reads a `text/*` response as text but then parses it with the
# response's schema: for the SSE endpoint (poem-openapi describes it as an array of events)
# that code would iterate the characters. So the Python generator alone gets the spec with
# every `text/event-stream` schema replaced by a string: its call returns the stream's text
# (for a finished task, all its events); live streaming goes through the client's httpx.
python3 - "$SPEC" "$out/spec-python.json" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
for item in spec.get("paths", {}).values():
    for operation in item.values():
        for response in (operation.get("responses") or {}).values() if isinstance(operation, dict) else ():
            media = (response.get("content") or {}).get("text/event-stream")
            if media is not None:
                media["schema"] = {"type": "string", "description": "The raw `text/event-stream` body."}
json.dump(spec, open(sys.argv[2], "w"), indent=2)
PY
RUFF_NO_CACHE=true PATH="$PY_GEN_BIN:$PATH" openapi-python-client generate \
    --path "$out/spec-python.json" --meta pdm --config python-client.yaml \
    --output-path "$out/python" --fail-on-warning >"$out/python.log" 2>&1 ||
    {
        cat "$out/python.log" >&2
        say "openapi-python-client failed"
        exit 1
    }
rm "$out/spec-python.json"

# TypeScript: the spec as types (`paths`, `components`, `operations`) for openapi-fetch.
mkdir -p "$out/typescript"
node_modules/.bin/openapi-typescript "$SPEC" --output "$out/typescript/schema.d.ts" \
    >"$out/typescript.log" 2>&1 || {
    cat "$out/typescript.log" >&2
    say "openapi-typescript failed"
    exit 1
}
openapi_fetch="$(node -p 'require("./package.json").dependencies["openapi-fetch"]')"
cat >"$out/typescript/package.json" <<EOF
{
  "name": "orchard-client",
  "version": "$version",
  "description": "Types of Orchard's REST API for openapi-fetch (generated by openapi/generate.sh)",
  "license": "Apache-2.0",
  "type": "module",
  "types": "schema.d.ts",
  "files": ["schema.d.ts"],
  "peerDependencies": {
    "openapi-fetch": "$openapi_fetch"
  }
}
EOF

# Rust: a crate on progenitor-client and reqwest, builder-style methods (`client.get_task().id(..).send()`).
"$PROGENITOR" progenitor --input "$SPEC" --output "$out/rust" --name orchard-client \
    --version "$version" --license-name Apache-2.0 --interface builder --tags merged \
    >"$out/rust.log" 2>&1 || {
    cat "$out/rust.log" >&2
    say "cargo-progenitor failed"
    exit 1
}
# progenitor formats with its own rustfmt settings; the crate is a workspace member, so it is
# formatted once more the way `cargo fmt` checks it (the toolchain of rust-toolchain.toml).
rustfmt_config=()
for config in ../rustfmt.toml ../.rustfmt.toml; do
    [ -f "$config" ] && rustfmt_config=(--config-path "$config")
done
rustfmt --edition 2024 "${rustfmt_config[@]}" "$out/rust/src/lib.rs"

cat >"$out/README.md" <<'EOF'
# Generated client SDKs — do not edit

Everything in this folder is written by `openapi/generate.sh` from `openapi/openapi.json`
and is overwritten by the next run: change the API, regenerate the spec
(`cargo run -- openapi > openapi/openapi.json`), then run `bash openapi/generate.sh`.
`bash openapi/generate.sh --check` fails when this folder is not what the spec generates.

- `python/` — `orchard_client` (openapi-python-client, on httpx and attrs)
- `typescript/` — `schema.d.ts`, the API as types for the `openapi-fetch` client
- `rust/` — the `orchard-client` crate (progenitor, on reqwest)

How to use each: the "SDKs" section of the top-level README.md.
EOF

rm -f "$out"/*.log

# --- compare or replace ----------------------------------------------------------------

if $check; then
    # __pycache__: what running the Python client leaves (ignored by git, not generated).
    if diff -r -q -x __pycache__ clients "$out" >/dev/null 2>&1; then
        say "openapi/clients/ is up to date with ${SPEC#"$(dirname "$HERE")/"}"
        exit 0
    fi
    diff -r -u -x __pycache__ clients "$out" | head -n 200 >&2 || true
    say "openapi/clients/ is stale: run \`bash openapi/generate.sh\` and commit the result"
    exit 1
fi

rm -rf clients
mkdir clients
cp -R "$out"/. clients/
say "wrote openapi/clients/{python,typescript,rust} from ${SPEC#"$(dirname "$HERE")/"} (API version $version)"
