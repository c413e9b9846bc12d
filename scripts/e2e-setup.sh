#!/usr/bin/env bash
# Installs what the end-to-end tests (test/e2e/run.mjs) need, outside the repository:
#   - Debian's Chromium (apt-get, when /usr/bin/chromium is missing; needs root) and pre-commit (for test/action.test.ts),
#   - code-server 4.100.3 from the npm registry into $ISMS_E2E_CACHE (default ~/.cache/isms-e2e).
# Idempotent: a complete install is detected by a marker file and reused. See docs/testing.md.
set -euo pipefail

CS_VERSION="${ISMS_E2E_CODE_SERVER_VERSION:-4.100.3}"
CACHE="${ISMS_E2E_CACHE:-$HOME/.cache/isms-e2e}"
D="$CACHE/code-server-$CS_VERSION"
MARKER="$D/.isms-e2e-complete"

log() { echo "[e2e-setup] $*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root to run: $*"; exit 1; fi
}

# --- system packages -------------------------------------------------------------------------------
missing=()
command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
[ -f /usr/include/krb5.h ] || [ -f /usr/include/krb5/krb5.h ] || missing+=(libkrb5-dev)
command -v g++ >/dev/null || missing+=(g++)
command -v make >/dev/null || missing+=(make)
command -v python3 >/dev/null || missing+=(python3)
# pre-commit: test/action.test.ts runs the repository's hook through a real pre-commit.
command -v pre-commit >/dev/null || missing+=(pre-commit)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  log "system packages present (chromium, ripgrep, libkrb5-dev, build tools, pre-commit)"
fi

# --- code-server -----------------------------------------------------------------------------------
if [ -f "$MARKER" ] && [ -x "$D/node_modules/.bin/code-server" ]; then
  log "code-server $CS_VERSION cached in $D"
  exit 0
fi

log "installing code-server $CS_VERSION into $D (takes a few minutes)"
rm -rf "$D"
mkdir -p "$D"
# code-server's own postinstall refuses root and wants a newer Node: do its steps by hand.
npm install --no-audit --no-fund --prefix "$D" "code-server@$CS_VERSION" --ignore-scripts
(
  cd "$D/node_modules/code-server/lib/vscode"
  npm install --no-audit --no-fund --omit=dev --ignore-scripts
  # @vscode/ripgrep's postinstall downloads rg from GitHub; use Debian's rg instead.
  mkdir -p node_modules/@vscode/ripgrep/bin
  ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  npm_config_yes=true npm rebuild            # node-pty, spdlog, kerberos, watcher, ...
  (cd extensions && npm install --no-audit --no-fund --omit=dev)
)
(cd "$D" && npm_config_yes=true npm rebuild argon2)

"$D/node_modules/.bin/code-server" --version
touch "$MARKER"
log "done: $D"
