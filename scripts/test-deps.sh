#!/usr/bin/env bash
# What the tests and benchmarks need beyond scripts/setup.sh, installed on first need: `npm test`
# and `npm run bench` run this first. Idempotent; when everything is there it costs a few
# `command -v` calls. (code-server itself is installed by the test harness on its first run.)
set -euo pipefail
cd "$(dirname "$0")/.."
SAY_TAG=test-deps
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

pkgs=()
command -v chromium >/dev/null || pkgs+=(chromium)          # webview and VS Code UI tests (Playwright drives it)
command -v lsof >/dev/null || pkgs+=(lsof)                  # live socket tests; bench compares the collector with lsof
command -v ss >/dev/null || pkgs+=(iproute2)                # ... and with ss
command -v rg >/dev/null || pkgs+=(ripgrep)                 # code-server's search (copied into its install)
{ command -v g++ && command -v make; } >/dev/null || pkgs+=(build-essential) # code-server's native addons
command -v python3 >/dev/null || pkgs+=(python3)            # node-gyp, for the same
[ -e /usr/include/krb5.h ] || pkgs+=(libkrb5-dev)           # the kerberos addon
command -v script >/dev/null || pkgs+=(bsdutils)            # CLI colour test on a pty
command -v setpriv >/dev/null || pkgs+=(util-linux)         # CLI unreadable-file test, run as nobody
command -v nvim >/dev/null || pkgs+=(neovim)                # Neovim's built-in LSP client attaches conndoctor lsp
[ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || pkgs+=(fonts-wqy-zenhei) # zh-cn screenshots: Chinese, not boxes
apt_install "${pkgs[@]}"

# The tests compile Go with `go 1.26` modules and GOTOOLCHAIN=local.
gov="$(go env GOVERSION 2>/dev/null || true)"
minor="${gov#go1.}"
minor="${minor%%[!0-9]*}"
if [ -z "$minor" ] || [ "$minor" -lt 26 ]; then
  say "the tests need Go 1.26 or newer on PATH (found: ${gov:-no go})" >&2
  exit 1
fi
# Go tools from the Go module proxy, pinned.
GOBIN_DIR="$(go env GOPATH)/bin"
if [ ! -x "$GOBIN_DIR/dlv" ]; then
  say "go install dlv (Delve: the live discovery test starts a debuggee)"
  go install github.com/go-delve/delve/cmd/dlv@v1.27.2
fi
if [ ! -x "$GOBIN_DIR/bodyclose" ]; then
  say "go install bodyclose (npm run bench compares with it)"
  go install github.com/timakin/bodyclose@v0.0.0-20260723120731-857993a2939c
fi
