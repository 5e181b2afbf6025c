#!/bin/sh
# deps.sh - make sure the Debian packages a make target needs are installed.
#
#   tools/deps.sh build|test|sanitize|fuzz|bench|windows
#
# On Debian as root, installs what is missing with apt-get and says what.
# Anywhere else, prints the exact install line and fails. Nothing is fetched
# from anywhere but the system's package manager.
set -eu

build="meson ninja-build pkg-config gcc libc6-dev libcurl4-openssl-dev libssl-dev ca-certificates \
libexpat1-dev libc-ares-dev zlib1g-dev"
test="$build libcmocka-dev python3 curl openssl ca-certificates dnsmasq-base python3-impacket \
python3-samba tshark python3-exchangelib dovecot-imapd python3-requests-ntlm nginx zsh chromium binutils"
sanitize="$test"
fuzz="$build clang libclang-rt-dev llvm"
bench="$build curl hyperfine ripgrep mawk gzip python3 goaccess"
# migcheck.exe: the cross compiler, zlib for Windows, windres and objdump
# (binutils), wine to run the tests; the Linux build the outputs are compared with.
windows="$build gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 libz-mingw-w64-dev wine wine64 \
python3"

case "${1:-build}" in
  build) want=$build ;;
  test) want=$test ;;
  sanitize) want=$sanitize ;;
  fuzz) want=$fuzz ;;
  bench) want=$bench ;;
  windows) want=$windows ;;
  *) echo "deps.sh: unknown target '$1' (build, test, sanitize, fuzz, bench, windows)" >&2; exit 2 ;;
esac

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
  for p in $want; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
      *"install ok installed"*) ;;
      *) missing="$missing $p" ;;
    esac
  done
else
  echo "deps.sh: not a Debian system; make sure these (or their equivalents) are installed:" >&2
  echo "  $want" >&2
  exit 0
fi

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "migcheck: installing missing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  # Refresh the package lists once if they are missing or older than a day.
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -n 1)" ]; then
    apt-get update -qq
  fi
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
  echo "migcheck: installed:$missing"
else
  echo "migcheck: missing Debian packages:$missing" >&2
  echo "install them with:" >&2
  echo "  sudo apt-get install -y$missing" >&2
  exit 1
fi
