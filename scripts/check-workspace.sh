#!/usr/bin/env bash
# The workspace habits CI keeps (CONTRIBUTING.md): every crate takes its rust-version and its
# lints from the workspace, every dependency's version is declared once, in the root
# `[workspace.dependencies]`, and every library crate warns on undocumented public items
# (`#![warn(missing_docs)]`, an error under CI's `-D warnings`). Prints each breach with its file and line; exits 1 if any.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for manifest in Cargo.toml crates/*/Cargo.toml; do
  grep -q '^rust-version' "$manifest" || { echo "$manifest: no rust-version (rust-version.workspace = true)"; status=1; }
  grep -qx 'workspace = true' <(sed -n '/^\[lints\]/,/^\[/p' "$manifest") \
    || { echo "$manifest: no [lints] workspace = true"; status=1; }
  # A dependency line with its own version, in a [dependencies]-like section of a member.
  awk -v file="$manifest" '
    /^\[/ { deps = ($0 ~ /^\[(dev-|build-)?dependencies\]$/) }
    deps && /^[A-Za-z0-9_-]+ *= *("|\{ *version)/ {
      printf "%s:%d: %s: declare the version in [workspace.dependencies]\n", file, NR, $0; bad = 1
    }
    END { exit bad }' "$manifest" || status=1
done
for lib in crates/*/src/lib.rs; do
  grep -qx '#!\[warn(missing_docs)\]' "$lib" \
    || { echo "$lib: no #![warn(missing_docs)] (document the crate's public items)"; status=1; }
done
exit $status
