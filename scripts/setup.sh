#!/usr/bin/env bash
# One-time (idempotent) set-up of a fresh machine: Debian packages, npm dependencies, Go tools,
# and the bundles. Fast when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"

need_pkgs=()
command -v chromium >/dev/null || need_pkgs+=(chromium)
command -v lsof >/dev/null || need_pkgs+=(lsof)
command -v ss >/dev/null || need_pkgs+=(iproute2)
command -v rg >/dev/null || need_pkgs+=(ripgrep)
command -v g++ >/dev/null || need_pkgs+=(build-essential)
command -v python3 >/dev/null || need_pkgs+=(python3)
[ -e /usr/include/krb5.h ] || need_pkgs+=(libkrb5-dev)
[ -e /usr/include/libsecret-1/libsecret/secret.h ] || need_pkgs+=(libsecret-1-dev)
[ -e /usr/include/X11/Xlib.h ] || need_pkgs+=(libx11-dev)
[ -e /usr/include/X11/extensions/XKBfile.h ] || need_pkgs+=(libxkbfile-dev)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

command -v go >/dev/null || { echo "setup: the Go toolchain is required (go not on PATH)" >&2; exit 1; }
command -v node >/dev/null || { echo "setup: Node.js 20+ is required" >&2; exit 1; }

# npm dependencies: reinstall only when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Go tools used by benchmarks and live tests (from the Go module proxy).
GOBIN_DIR="$(go env GOPATH)/bin"
export PATH="$GOBIN_DIR:$PATH"
[ -x "$GOBIN_DIR/bodyclose" ] || { echo "setup: go install bodyclose"; go install github.com/timakin/bodyclose@latest; }
[ -x "$GOBIN_DIR/dlv" ] || { echo "setup: go install dlv"; go install github.com/go-delve/delve/cmd/dlv@latest; }

npm run --silent build
