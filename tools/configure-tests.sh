#!/bin/sh
# configure-tests.sh - make BUILD a build configured with the test suites required.
#
#   tools/configure-tests.sh BUILD [meson setup options...]
#
# A new BUILD is set up with -Dtests=enabled. An existing one configured with
# tests=auto (e.g. by 'make demo' before the test packages were installed)
# is switched to enabled, which makes Meson look for the test dependencies
# again: a suite is never left out because of what was missing at first
# configure. The setup options only apply to a new BUILD.
set -eu
build=$1
shift
if [ ! -f "$build/build.ninja" ]; then
  exec meson setup "$build" -Dtests=enabled "$@"
fi
current=$(meson introspect --buildoptions "$build" | python3 -c '
import json, sys
print(next((o["value"] for o in json.load(sys.stdin) if o["name"] == "tests"), "none"))')
if [ "$current" != "enabled" ]; then
  echo "migcheck: reconfiguring $build with the test suites required (was tests=$current)"
  meson setup --reconfigure "$build" -Dtests=enabled
fi
