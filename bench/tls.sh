#!/bin/sh
# tls.sh - what the foundation checks cost next to the tools an admin would
# use by hand, against the lab on loopback, measured in this same run:
#   migcheck tls (5 handshakes, chain verified)  vs  5 x openssl s_client
#   migcheck ports (1 connect)                   vs  bash /dev/tcp (a scripted telnet)
set -eu
build=${1:-build}
exec python3 "$(dirname "$0")/tls_bench.py" "$build/migcheck"
