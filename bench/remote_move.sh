#!/bin/sh
# bench/remote_move.sh BUILD - what the whole remote-move walk costs on loopback.
#
# Serves the lab's exchange2016-healthy scenario, then times, RUNS times
# each (default 30): (a) the whole walk with a login (DNS, TCP, TLS, the two
# unauthenticated requests, the NTLM login, Basic, 6 repeats and the 6 MiB POST
# (in the last round): 11 HTTPS
# requests in 4 rounds), (b) the same walk without credentials and without
# repeats (the two requests and the 6 MiB POST, one round), and (c) plain curl making only the two
# unauthenticated requests. Prints the medians and the ratios. Uses hyperfine
# when installed, else its own loop.
set -eu

BUILD=${1:-build}
RUNS=${RUNS:-30}
MIGCHECK="$BUILD/migcheck"
[ -x "$MIGCHECK" ] || { echo "bench: no $MIGCHECK (make build first)" >&2; exit 2; }
command -v curl >/dev/null || { echo "bench: needs curl" >&2; exit 2; }

. "$(dirname "$0")/batch_lib.sh"
tmp=$(mktemp -d)
lab_start --scenario exchange2016-healthy

field() { python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).readline())[sys.argv[2]])" "$tmp/lab.json" "$1"; }
host=$(field host); port=$(field port); ca=$(field ca_file); pw=$(field password)
# The command holds CONTOSO\migadmin: keep the backslash through sh -c and hyperfine.
cmd="$MIGCHECK $(field command | sed 's/\\/\\\\/g') --quiet"
export MIGCHECK_PASSWORD="$pw"
walk="$cmd"
walk_min="$MIGCHECK remote-move --server $host:$port --resolve $host:$port:127.0.0.1 --ca-file $ca --repeat 0 --quiet"
plain="curl -s -o /dev/null --resolve $host:$port:127.0.0.1 --cacert $ca https://$host:$port/EWS/Exchange.asmx?bench=1 -: -s -o /dev/null --resolve $host:$port:127.0.0.1 --cacert $ca -X POST -H 'Content-Type: application/soap+xml; charset=utf-8' -d '<s:Envelope/>' https://$host:$port/EWS/mrsproxy.svc?bench=1"

# Median wall time of a command line in milliseconds, over RUNS runs.
median_ms() {
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$tmp/h.json" "$1" >/dev/null 2>&1 ||
      hyperfine --warmup 3 --runs "$RUNS" --export-json "$tmp/h.json" "$1" >/dev/null
    python3 -c "import json,sys; print(round(json.load(open(sys.argv[1]))['results'][0]['median']*1000,1))" "$tmp/h.json"
  else
    python3 - "$1" "$RUNS" <<'PY'
import shlex, statistics, subprocess, sys, time
cmd, runs = sys.argv[1], int(sys.argv[2])
t = []
for _ in range(runs + 3):
    t0 = time.perf_counter()
    subprocess.run(cmd, shell=True, check=False)
    t.append((time.perf_counter() - t0) * 1000)
print(round(statistics.median(t[3:]), 1))
PY
  fi
}

# Check that each command works before timing it.
sh -c "$walk" || { sh -c "${walk% --quiet}" | tail -30; echo "bench: the walk did not pass" >&2; exit 3; }
sh -c "$plain" || { echo "bench: curl failed" >&2; exit 3; }

m_walk=$(median_ms "$walk")
m_min=$(median_ms "$walk_min")
m_curl=$(median_ms "$plain")
python3 - "$m_walk" "$m_min" "$m_curl" "$RUNS" <<'PY'
import sys
walk, small, curl, runs = map(float, sys.argv[1:])
print(f"remote-move bench on loopback (exchange2016-healthy), median of {int(runs)} runs")
print(f"  whole walk, NTLM + Basic login, 6 repeats (11 requests): {walk:8.1f} ms")
print(f"  walk without login or repeats (2 + the 6 MiB POST, 1 round):{small:8.1f} ms")
print(f"  plain curl, the two unauthenticated requests:            {curl:8.1f} ms")
print(f"  ratio walk(1 round) / curl:  {small / curl:5.2f}")
print(f"  ratio whole walk / curl:        {walk / curl:5.2f}")
PY
