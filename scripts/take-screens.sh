#!/usr/bin/env bash
# Remakes the screenshots in docs/screens/ from the browser tests of the chat page and the staff
# pages (the screen as the person sees it, not the whole page). Needs a build (BUILD_DIR, default build) and the
# browser test dependencies (scripts/install-browser-deps.sh). Run by hand; CI does not.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
shots=$(mktemp -d)
trap 'rm -rf "$shots"' EXIT
for t in chat chat-person chat-urgent chat-layout review call; do
  RIGHTCONV_SCREENSHOT_DIR="$shots" RIGHTCONV_SCREENSHOT_VIEWPORT=1 RIGHTCONV_BIN="$build/src/rightconv" RIGHTCONV_SOURCE_DIR="$PWD" \
    node --test "tests/browser/$t.test.mjs" >/dev/null
done
mkdir -p docs/screens
for f in person-asking-phone person-unavailable-desktop person-talking-desktop person-talking-phone \
         alert-phone call-999-360 danger-unsure-phone urgent-bar-phone west-hub-desktop west-hub-phone \
         typed-confirmed-desktop negated-answer-desktop embedded-400 about-you-desktop \
         list-quick-views-desktop transcript-handoff-desktop stats-east-phone; do
  cp "$shots/$f.png" "docs/screens/$f.png"
done
ls -l docs/screens
