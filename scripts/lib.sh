# Shared by scripts/setup.sh and scripts/test-deps.sh (sourced, not run).

say() { echo "${SAY_TAG:-setup}: $*"; }

# Installs Debian packages. Another apt or dpkg run (unattended-upgrades, a second setup) holds the
# dpkg lock: wait for it, up to 10 minutes, instead of failing. Only what is asked for, no
# recommends; apt's own progress stays visible.
apt_install() {
  [ $# -gt 0 ] || return 0
  if ! command -v apt-get >/dev/null; then
    say "not a Debian/Ubuntu machine: install these yourself: $*" >&2
    return 1
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { say "need root (or sudo) to install: $*" >&2; return 1; }
    sudo="sudo"
  fi
  # DPkg::Lock::Timeout makes `install` wait for the dpkg locks; `update` ignores it (apt 2.6) and
  # fails at once on the lists lock, so it is retried here for the same 10 minutes.
  local wait=(-o DPkg::Lock::Timeout=600)
  say "installing Debian packages: $* (waits up to 10 min for another apt/dpkg to finish)"
  # Lists may be stale or absent on a fresh machine: refresh them before installing.
  local deadline=$((SECONDS + 600)) out
  while ! out=$($sudo apt-get "${wait[@]}" -q update 2>&1); do
    if [[ $out == *"Could not get lock"* ]] && [ $SECONDS -lt $deadline ]; then
      say "apt-get update: another apt holds its lists lock; waiting"
      sleep 5
      continue
    fi
    printf '%s\n' "$out" >&2
    return 1
  done
  printf '%s\n' "$out"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get "${wait[@]}" -q -y install --no-install-recommends "$@"
}
