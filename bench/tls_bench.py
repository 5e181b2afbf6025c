#!/usr/bin/env python3
"""Medians of repeated runs, printed with their ratio. See tls.sh."""
import json
import statistics
import subprocess
import sys
import time

RUNS = 30


def median_ms(argv, runs=RUNS, **kw):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main():
    migcheck = sys.argv[1]
    lab = subprocess.Popen([migcheck, "lab", "--scenario", "healthy-tls", "--json"],
                           stdout=subprocess.PIPE, text=True)
    site = json.loads(lab.stdout.readline())
    lab.stdout.readline()
    try:
        host, port, ca = site["host"], site["port"], site["ca_file"]
        mine = median_ms([migcheck, "tls", site["target"], *site["args"]])
        # The hand-made equivalent: one s_client per protocol version plus one
        # that verifies the chain (what migcheck tls does in one command).
        ossl = []
        for v in ("-tls1", "-tls1_1", "-tls1_2", "-tls1_3", ""):
            args = ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername",
                    host, "-CAfile", ca, "-verify_return_error"]
            if v:
                args.append(v)
            ossl.append(args)

        def five():
            for a in ossl:
                subprocess.run(a, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        times = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            five()
            times.append((time.perf_counter() - t0) * 1000)
        theirs = statistics.median(times)
        print(f"migcheck tls            {mine:8.1f} ms (median of {RUNS})")
        print(f"5 x openssl s_client    {theirs:8.1f} ms (median of {RUNS})")
        print(f"ratio migcheck/openssl  {mine / theirs:8.2f}")

        ports = median_ms([migcheck, "ports", host, str(port), "--resolve",
                           f"{host}:{port}:127.0.0.1"])
        # The telnet test of seed 002, as a script would do it: open, close.
        sh = median_ms(["bash", "-c", f"exec 3<>/dev/tcp/127.0.0.1/{port}"])
        print(f"migcheck ports          {ports:8.1f} ms (median of {RUNS}; watches 50 ms "
              "for a reset)")
        print(f"bash /dev/tcp connect   {sh:8.1f} ms (median of {RUNS})")
        print(f"ratio migcheck/bash     {ports / sh:8.2f}")
    finally:
        lab.terminate()
        lab.wait()


if __name__ == "__main__":
    main()
