#!/usr/bin/env bash
# Installs what Lofte's tests and demo need beyond Rust into .tools/ (ignored by git), without
# root. Idempotent: a second run does nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."

# rustfmt and clippy come with rustup's default profile; add them if a minimal profile left them out.
if command -v rustup >/dev/null; then
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
fi
mkdir -p .tools
