#!/usr/bin/env bash
# logs.sh - how fast `migcheck logs` reads Exchange IIS logs as the number of
# distinct clients grows (1k to 1M on the same size of file), next to ripgrep
# counting one substring and mawk doing the same aggregation on the same
# file in the same run, and HTTPERR and HttpProxy logs the same way; then
# summaries of the 1M-client log written and merged (against wc -l), a
# folder of 30 days x 4 servers (some .gz), a .gz against zcat, and
# GoAccess. Warm page cache, best of N runs (migcheck and rg in turn), MB/s,
# ratios and peak resident memory. Figures only: nothing here asserts a time.
#
#   bench/logs.sh [BUILD]     (BUILD defaults to build)
#   MB=400         size of each file of the scaling table (MB=1000 for 1 GB)
#   CLIENTS="1000 10000 100000 1000000"   the cardinalities
#   KINDS_CLIENTS="1000000"   the cardinalities of the HTTPERR and HttpProxy rows
#   FOLDER_MB=600  the 30 x 4 folder, in all;  RUNS=3;  AWK=1 (0: skip mawk)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
MB=${MB:-400}
CLIENTS=${CLIENTS:-"1000 10000 100000 1000000"}
FOLDER_MB=${FOLDER_MB:-600}
AWK=${AWK:-1}
KINDS_CLIENTS=${KINDS_CLIENTS:-"1000000"}
. bench/lib.sh
MIGCHECK=$BUILD/migcheck
GEN=$BUILD/bench/gen_iislog
OUT=bench/out

# check DIR: migcheck's counts against the generator's (requests, and the
# number of distinct clients of every endpoint); the speed means nothing
# otherwise.
check() {
  { "$MIGCHECK" logs "$1" --json || true; } | python3 -c '
import json, sys
d = json.load(sys.stdin)
e = json.load(open(sys.argv[1]))
if e.get("kind", "iis") != "iis":
    files = [f for f in d["log_files"] if f["format"] == e["kind"]]
    lines = sum(f["lines"] for f in files)
    bad = sum(f["malformed_lines"] for f in files)
    ids = sorted({c["id"] for c in d["causes"]})
    if lines != e["lines"] or bad or ids != sorted(e["causes"]):
        sys.exit("logs.sh: %s: %d lines (%d malformed), causes %s; expected %d lines, causes %s"
                 % (sys.argv[1], lines, bad, ids, e["lines"], e["causes"]))
    sys.exit(0)
r = d["traffic"]
bad = []
for ep, want in e["traffic"].items():
    got = r[ep]
    if got["requests"] != want["requests"]:
        bad.append("%s: %d requests, expected %d" % (ep, got["requests"], want["requests"]))
    n = len(got["by_client"]) + got.get("clients_not_listed", 0)
    if "clients" in e and n != e["clients"][ep]:
        bad.append("%s: %d distinct clients, expected %d" % (ep, n, e["clients"][ep]))
if bad:
    sys.exit("logs.sh: wrong counts in " + sys.argv[1] + ": " + "; ".join(bad))
' "$1/expected.json"
}


# row KIND CLIENTS: generates (once) MB of KIND's log with CLIENTS distinct
# clients and as many distinct users, checks migcheck's counts against the
# generator's, and prints the row.
row() {
  local kind=$1 c=$2 dir log bytes t2 t1 trg trm trr rgmode tawk awk_rate rss c1 c2 crg
  if [ "$kind" = iis ]; then dir=$OUT/logs-$MB-c$c; else dir=$OUT/$kind-$MB-c$c; fi
  if [ ! -f "$dir/expected.json" ]; then
    rm -rf "$dir"
    "$GEN" "$dir" "$MB" 1 1 --clients "$c" --users "$c" --kind "$kind" > /dev/null
  fi
  log=$(find "$dir" -type f ! -name expected.json | head -n 1)
  check "$dir"
  bytes=$(stat -c %s "$log")
  cat "$log" > /dev/null
  # migcheck on two threads and on one, and rg reading the file both ways it
  # can (a memory map, its choice for one file, and read()), in turn
  # (best_in_turn); rg's faster way is the reference: on a virtual machine
  # whose hypervisor shadows the page tables, a map of the page cache was
  # read at a third of the speed read() copied it at, on other days the
  # map was faster.
  mc2() { env MIGCHECK_THREADS=2 "$MIGCHECK" logs "$dir" --json; }
  mc1() { env MIGCHECK_THREADS=1 "$MIGCHECK" logs "$dir" --json; }
  rgm() { rg --mmap -c -F -i mrsproxy.svc "$log"; }
  rgr() { rg --no-mmap -c -F -i mrsproxy.svc "$log"; }
  read -r t2 t1 trm trr <<< "$(best_in_turn mc2 mc1 rgm rgr)"
  if awk -v a="$trm" -v b="$trr" 'BEGIN { exit !(a <= b) }'; then
    trg=$trm rgmode=--mmap
    RG_OTHER+=("$kind $c: rg --no-mmap $(rate "$bytes" "$trr") MB/s")
  else
    trg=$trr rgmode=--no-mmap
    RG_OTHER+=("$kind $c: rg --mmap $(rate "$bytes" "$trm") MB/s")
  fi
  awk_rate="-"
  if [ "$AWK" = 1 ] && [ "$kind" = iis ]; then
    tawk=$(RUNS=1 best_of mawk -f bench/logs.awk "$log")
    awk_rate=$(rate "$bytes" "$tawk")
  fi
  rss=$(peak_mb env MIGCHECK_THREADS=2 "$MIGCHECK" logs "$dir" --json)
  c1=$(cpu_of env MIGCHECK_THREADS=1 "$MIGCHECK" logs "$dir" --json)
  c2=$(cpu_of env MIGCHECK_THREADS=2 "$MIGCHECK" logs "$dir" --json)
  crg=$(cpu_of rg "$rgmode" -c -F -i mrsproxy.svc "$log")
  printf "  %-9s %-9s %8s %8s %7s%-2s %7s %7sx %7sx %9s %9s %7sx %6sx %7s\n" "$kind" "$c" \
    "$(rate "$bytes" "$t2")" "$(rate "$bytes" "$t1")" "$(rate "$bytes" "$trg")" \
    "$([ "$rgmode" = --mmap ] && echo " m" || echo " r")" "$awk_rate" \
    "$(ratio "$t2" "$trg")" "$(ratio "$t1" "$trg")" "$(rate "$bytes" "$c1")" \
    "$(rate "$bytes" "$crg")" "$(ratio "$c1" "$crg")" "$(ratio "$c1" "$c2")" "$rss"
}

RG_OTHER=()
echo "migcheck logs bench: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), best of $RUNS"

# ---- scaling: the same size, more and more distinct clients and users ----
echo
echo "Scaling with distinct clients ($MB MB log each; as many distinct users as clients;"
echo "30% of clients IPv6). HTTPERR and HttpProxy logs below the IIS ones:"
printf "  %-9s %-9s %8s %8s %9s %7s %8s %8s %9s %9s %8s %7s %7s\n" log clients "mc 2thr" \
  "mc 1thr" "rg -c -F" mawk "2thr/rg" "1thr/rg" "mc 1thr" rg "1thr/rg" "CPU 2" "peak"
printf "  %-9s %-9s %8s %8s %9s %7s %8s %8s %9s %9s %8s %7s %7s\n" "" "" "MB/s" "MB/s" "-i MB/s" \
  "MB/s" "wall" "wall" "MB/CPU s" "MB/CPU s" "CPU" "thr/1" "RSS MB"
for c in $CLIENTS; do
  row iis "$c"
done
for kind in httperr httpproxy; do
  for c in $KINDS_CLIENTS; do
    row "$kind" "$c"
  done
done
echo "  (x columns above 1: the whole analysis is faster than rg counting one substring,"
echo "   in the faster of its two ways of reading (m: a memory map, rg's choice for one file;"
echo "   r: read(), --no-mmap; the other way's rate is listed below);"
echo "   the CPU columns are the least sensitive to other work on the machine; CPU 2 thr/1:"
echo "   the CPU time of two threads over one thread's, near 1 when the threads split the work,"
echo "   higher with many clients: keys shipped to the thread that owns their table, and"
echo "   memory touched for the first time)"
echo "  rg's other way of reading, in the same runs: $(IFS=';'; echo "${RG_OTHER[*]}" | sed 's/;/; /g')" | fold -s -w 100

# ---- summaries at the largest cardinality: written, then merged ----
# Two summaries of the same 1M-client log (as if two servers), merged; the
# merge must count every request twice. `wc -l` reading the same summary
# bytes is the reference.
last=$(echo "$CLIENTS" | awk '{ print $NF }')
sdir=$OUT/logs-$MB-c$last
sa=$OUT/summary-a.txt
sb=$OUT/summary-b.txt
tsum=$(best_of env MIGCHECK_THREADS=2 "$MIGCHECK" logs "$sdir" --summary "$sa")
trun=$(best_of env MIGCHECK_THREADS=2 "$MIGCHECK" logs "$sdir" --json)
MIGCHECK_THREADS=1 "$MIGCHECK" logs "$sdir" --summary "$sb" > /dev/null 2>&1 || true
sbytes=$(( $(stat -c %s "$sa") + $(stat -c %s "$sb") ))
tmerge=$(best_of "$MIGCHECK" logs --merge "$sa" "$sb" --json)
twc=$(best_of wc -l "$sa" "$sb")
mrss=$(peak_mb "$MIGCHECK" logs --merge "$sa" "$sb" --json)
{ "$MIGCHECK" logs --merge "$sa" "$sb" --json || true; } > "$OUT/merged.json"
{ "$MIGCHECK" logs "$sdir" --json || true; } > "$OUT/single.json"
python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))["traffic"]; s = json.load(open(sys.argv[2]))["traffic"]
bad = [ep for ep in s if m[ep]["requests"] != 2 * s[ep]["requests"]]
if bad:
    sys.exit("logs.sh: the merge of two summaries of one log does not count twice: %s" % bad)
' "$OUT/merged.json" "$OUT/single.json"
echo
echo "Summaries of the $last-client log: written in ${tsum}s (the run alone ${trun}s), $((sbytes / 2000000)) MB each;"
echo "  two merged (--merge): ${tmerge}s, $(rate "$sbytes" "$tmerge") MB/s of summary," \
     "$(ratio "$tmerge" "$twc")x wc -l reading them ($(rate "$sbytes" "$twc") MB/s); peak RSS $mrss MB"
rm -f "$sa" "$sb" "$OUT/merged.json" "$OUT/single.json"

# ---- a folder: 30 days x 4 servers, every third day compressed ----
fdir=$OUT/folder-$FOLDER_MB
if [ ! -f "$fdir/expected.json" ]; then
  echo "generating $FOLDER_MB MB as 30 days x 4 servers in $fdir ..."
  rm -rf "$fdir"
  "$GEN" "$fdir" "$FOLDER_MB" 7 4 --days 30 --clients 20000 > /dev/null
  i=0
  for f in $(find "$fdir" -name 'u_ex*.log' | sort); do
    if [ $((i % 3)) = 0 ]; then gzip -6 "$f"; fi
    i=$((i + 1))
  done
fi
check "$fdir"
plain=$(find "$fdir" -name '*.log' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
gzs=$(find "$fdir" -name '*.gz' | wc -l)
text=$(for f in $(find "$fdir" -name '*.gz'); do gzip -l "$f" | awk 'NR == 2 { print $2 }'; done | awk -v p="$plain" '{ s += $1 } END { print s + p }')
ondisk=$(du -sb "$fdir" | cut -f1)
nfiles=$(find "$fdir" -name 'u_ex*' | wc -l)
find "$fdir" -type f -exec cat {} + > /dev/null
tf2=$(best_of env MIGCHECK_THREADS=2 "$MIGCHECK" logs "$fdir" --json)
tf1=$(best_of env MIGCHECK_THREADS=1 "$MIGCHECK" logs "$fdir" --json)
frss=$(peak_mb "$MIGCHECK" logs "$fdir" --json)
echo
echo "Folder: $nfiles files (30 days x 4 servers, $gzs of them .gz), $((text / 1000000)) MB of log" \
     "text, $((ondisk / 1000000)) MB on disk:"
echo "  migcheck logs, 2 threads: ${tf2}s, $(rate "$text" "$tf2") MB/s of log text;" \
     "1 thread: ${tf1}s, $(rate "$text" "$tf1") MB/s; peak RSS $frss MB"

# ---- .gz against zcat, and GoAccess, on the 1k-client file ----
first=$(echo "$CLIENTS" | awk '{ print $1 }')
log=$OUT/logs-$MB-c$first/EX01/W3SVC1/u_ex240312.log
gz=$OUT/gz-$MB/EX01/W3SVC1/u_ex240312.log.gz
if [ ! -f "$gz" ]; then
  mkdir -p "$(dirname "$gz")"
  gzip -6 -c "$log" > "$gz"
fi
bytes=$(stat -c %s "$log")
cat "$gz" > /dev/null
tz=$(best_of zcat "$gz")
tmz=$(best_of "$MIGCHECK" logs "$OUT/gz-$MB" --json)
echo
echo "Compressed ($((bytes / 1000000)) MB of log as $(( $(stat -c %s "$gz") / 1000000 )) MB .gz):" \
     "zcat $(rate "$bytes" "$tz") MB/s, migcheck logs $(rate "$bytes" "$tmz") MB/s" \
     "($(ratio "$tmz" "$tz")x zcat)"
if command -v goaccess > /dev/null; then
  slice=$OUT/slice-100mb.log
  [ -f "$slice" ] || head -c 100000000 "$log" | sed '$d' > "$slice"
  tga=$(RUNS=1 best_of goaccess "$slice" --log-format=W3C --no-global-config \
        --date-format=%Y-%m-%d --time-format=%H:%M:%S -o "$OUT/goaccess.json")
  echo "GoAccess --log-format=W3C on the first 100 MB: $(rate "$(stat -c %s "$slice")" "$tga") MB/s"
fi
