#!/usr/bin/env bash
# Installs the peers the tests start beyond the build: Debian's Chromium and sqlite3 (browser tests),
# python3-aiosmtpd and openssl (the SMTP server and its certificate for the email connector test), nginx
# (the TLS proxy of browser_nginx_tls, whose certificate openssl makes; the test runs nginx itself in the
# foreground, so the packaged service this brings in is stopped), prometheus (for its promtool, which checks
# the alerting rules in alert_rules: scripts/check-alert-rules.sh; its own service is stopped likewise),
# Node.js and npm if there is no node yet, then playwright-core from the lock file. Idempotent; run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
for p in chromium sqlite3 python3-aiosmtpd openssl nginx prometheus; do
  is_installed "$p" || missing+=("$p")
done
# Node may come from elsewhere than Debian (e.g. /usr/local/bin): only add Debian's when absent.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if ((${#missing[@]})); then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian starts nginx's own service (the welcome page on port 80) when it installs it. The test
# needs none of it, so a service this script brought in is stopped (and, under systemd, disabled).
if [[ " ${missing[*]} " == *" nginx "* ]]; then
  if [[ -d /run/systemd/system ]]; then
    systemctl disable --now nginx >/dev/null 2>&1 || true
  elif [[ -s /run/nginx.pid ]]; then
    nginx -s stop 2>/dev/null || true
  fi
fi
# Likewise Prometheus's own server (port 9090): only its promtool is wanted.
if [[ " ${missing[*]} " == *" prometheus "* && -d /run/systemd/system ]]; then
  systemctl disable --now prometheus >/dev/null 2>&1 || true
fi

# npm ci starts from a clean node_modules each time; skip it when the lock file has not changed.
lock=tests/browser/package-lock.json
stamp=tests/browser/node_modules/.package-lock.json
if [[ ! -f "$stamp" || "$lock" -nt "$stamp" || ! -d tests/browser/node_modules/playwright-core ]]; then
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
