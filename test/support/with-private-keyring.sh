#!/usr/bin/env bash
# Usage: with-private-keyring.sh CMD [ARGS...]
#
# Runs CMD against a private, throw-away Secret Service (gnome-keyring on its own
# D-Bus session bus), so tests exercise the real OS keychain code path (keytar ->
# libsecret -> D-Bus) without ever reading or writing the user's real keychain.
# Exits with CMD's exit code. The temporary home is removed afterwards.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $(basename "$0") CMD [ARGS...]" >&2
  exit 2
fi

# macOS and Windows have no Secret Service to run privately. There the tests use the OS keychain
# itself, under their own TokenTray-test-* services, and only where it is a throw-away one: a CI
# runner (CI=true, as GitHub Actions sets). Elsewhere they refuse rather than touch a person's.
if [ "$(uname -s)" != Linux ]; then
  if [ "${CI:-}" = true ]; then exec "$@"; fi
  echo "with-private-keyring: no private keychain on $(uname -s); there the tests run on CI only (CI=true)." >&2
  exit 1
fi

missing=()
command -v dbus-run-session >/dev/null 2>&1 || missing+=(dbus-run-session)
command -v gnome-keyring-daemon >/dev/null 2>&1 || missing+=(gnome-keyring-daemon)
command -v dbus-send >/dev/null 2>&1 || missing+=(dbus-send)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "with-private-keyring: missing ${missing[*]}." >&2
  echo "  Install on Debian/Ubuntu: sudo apt-get install -y gnome-keyring dbus-x11 libsecret-1-dev libsecret-tools" >&2
  exit 1
fi

# npm and npx keep their cache under $HOME/.npm. Pointing HOME at an empty temp
# dir would make every `npx` inside re-download, so keep the original cache.
export npm_config_cache="${npm_config_cache:-${HOME:-/root}/.npm}"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/tokentray-keyring.XXXXXXXX")"
daemon_log="$tmp/dbus-daemon.log"
cleanup() {
  # As root without CAP_SYS_RESOURCE (containers, CI), dbus-daemon always reports that it
  # could not raise its fd limit. Harmless here; anything else it said is passed on.
  if [ -s "$daemon_log" ]; then grep -v 'Failed to set fd limit' "$daemon_log" >&2 || true; fi
  rm -rf -- "$tmp"
}
trap cleanup EXIT
# Leave through the EXIT trap on Ctrl-C or kill as well, whatever the shell's
# default for a fatal signal, so the temp keyring never stays behind.
trap 'exit 130' INT
trap 'exit 143' TERM

# The keyring file lands in XDG_DATA_HOME/keyrings; gnome-keyring refuses a
# runtime dir that is not private.
export HOME="$tmp/home"
export XDG_DATA_HOME="$tmp/data"
export XDG_CONFIG_HOME="$tmp/config"
export XDG_CACHE_HOME="$tmp/cache"
export XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$tmp" "$XDG_RUNTIME_DIR"

# The inner script, run on the private bus:
# - `--unlock` reads the throw-away password "test" from stdin and creates an
#   unlocked login keyring, so libsecret never prompts. Its stdout lists
#   environment variables we do not need.
# - gnome-keyring-daemon returns before it has claimed org.freedesktop.secrets
#   on the bus. A CMD that asks for a secret at once would find no Secret
#   Service, and a CMD that exits at once leaves the daemon running forever
#   (it misses the bus going away). So wait until the name is owned (max ~5 s).
inner='
echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
      | grep -q "boolean true"; do
  i=$((i + 1))
  if [ "$i" -ge 100 ]; then
    echo "with-private-keyring: gnome-keyring-daemon did not start the Secret Service" >&2
    exit 1
  fi
  sleep 0.05
done
exec "$@"'

# dbus-daemon's stderr goes to a log that cleanup() filters. Not through a pipe: a pipe's
# reader would inherit the fd on which dbus-daemon reports its address, and
# dbus-run-session would wait on it forever.
real_daemon="$(command -v dbus-daemon || echo /usr/bin/dbus-daemon)"
printf '#!/bin/sh\nexec "%s" "$@" 2>>"%s"\n' "$real_daemon" "$daemon_log" >"$tmp/dbus-daemon"
chmod 700 "$tmp/dbus-daemon"

# Not exec'd: the EXIT trap must still run after CMD finishes.
status=0
dbus-run-session --dbus-daemon="$tmp/dbus-daemon" -- sh -c "$inner" sh "$@" || status=$?
exit "$status"
