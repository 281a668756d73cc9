#!/usr/bin/env bash
# Checks the Prometheus alerting rules shipped in the package (packaging/prometheus/rules.yml,
# installed as /usr/share/rightconv/prometheus/rules.yml): `promtool check rules` (syntax, and
# every expression parses), then `promtool test rules` with packaging/prometheus/rules_test.yml
# (each alert fires on its sample series and stays quiet on the healthy ones). Run by CTest
# (ctest -R alert_rules) and by hand: bash scripts/check-alert-rules.sh. Fails, never skips,
# when promtool is missing: it comes with Debian's prometheus package
# (scripts/install-browser-deps.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."

promtool=${PROMTOOL:-promtool}
if ! command -v "$promtool" >/dev/null 2>&1; then
  echo "alert rules: promtool not found: install Debian's prometheus package (apt-get install prometheus," >&2
  echo "or bash scripts/install-browser-deps.sh as root), or set PROMTOOL to its path" >&2
  exit 1
fi

"$promtool" check rules packaging/prometheus/rules.yml
"$promtool" test rules packaging/prometheus/rules_test.yml
