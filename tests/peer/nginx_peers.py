#!/usr/bin/env python3
"""Peer: Debian's nginx in front of the lab's Exchange, as the devices the
field puts there, so the lab is not the only thing that models them.

  1. nginx as a round-robin load balancer (proxy_pass to two lab servers,
     one healthy, one whose EWS pool is stopped: 503). migcheck remote-move
     without credentials must repeat the failing request, name both servers
     and rank LB_INCONSISTENT_BACKENDS first, HTTP_SERVICE_UNAVAILABLE second.
  2. nginx as a reverse proxy with client_max_body_size 1m in front of a
     healthy lab server: the small probes pass, the MRS-sized POST gets
     nginx's 413 -> HTTP_REQUEST_TOO_LARGE, with the sizes that passed and
     failed. With --no-large-request the same run passes.
  3. nginx as a reverse proxy in front of the lab's RPC proxy (oa-healthy),
     with its defaults for the body (proxy_request_buffering on; no body
     limit, so it buffers instead of refusing): the 1 GiB RPC_IN_DATA is held
     for its whole body, the virtual connection never forms and the OUT
     channel gets no answer -> OA_REVERSE_PROXY_BUFFERING on all three ports.
     The same nginx with request and response buffering off passes.

nginx runs in the foreground (no daemon, no master) with its own config,
logs and temp paths in a temporary folder, on loopback only; its TLS
certificate comes from a throw-away CA made here with openssl(1).

usage: nginx_peers.py MIGCHECK
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labutil import Checks, Lab, make_pki  # noqa: E402

NGINX = "/usr/sbin/nginx"
NAME = "mail.nginx.test"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """nginx in the foreground with the given http{} body; listens on self.port."""

    def __init__(self, d, tag, http_body):
        self.dir = os.path.join(d, tag)
        os.makedirs(self.dir)
        for attempt in range(5):
            self.port = free_port()
            conf = os.path.join(self.dir, "nginx.conf")
            with open(conf, "w") as f:
                f.write(f"""daemon off;
master_process off;
worker_processes 1;
user root;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log info;
events {{ worker_connections 256; }}
http {{
  access_log {self.dir}/access.log;
  client_body_temp_path {self.dir}/body;
  proxy_temp_path {self.dir}/proxy;
  fastcgi_temp_path {self.dir}/fastcgi;
  uwsgi_temp_path {self.dir}/uwsgi;
  scgi_temp_path {self.dir}/scgi;
{http_body.replace('PORT', str(self.port))}
}}
""")
            self.proc = subprocess.Popen([NGINX, "-c", conf, "-p", self.dir],
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    return
                except OSError:
                    time.sleep(0.05)
            self.stop()
        raise RuntimeError("nginx did not start: " + open(os.path.join(self.dir, "error.log")).read())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def server_block(crt, key, proxy):
    return f"""  server {{
    listen 127.0.0.1:PORT ssl;
    server_name {NAME};
    ssl_certificate {crt};
    ssl_certificate_key {key};
    location / {{
{proxy}
    }}
  }}"""


def migcheck_json(migcheck, port, ca, *extra):
    argv = [migcheck, "remote-move", "--server", f"{NAME}:{port}", "--resolve",
            f"{NAME}:{port}:127.0.0.1", "--ca-file", ca, "--timeout", "5", "--json"] + list(extra)
    p = subprocess.run(argv, capture_output=True, text=True, timeout=120,
                       env={k: v for k, v in os.environ.items() if k != "MIGCHECK_PASSWORD"})
    return p.returncode, json.loads(p.stdout)


def oa_json(migcheck, port, ca, lab):
    argv = [migcheck, "outlook-anywhere", "--exchange-server", "ex01.contoso.local",
            "--rpc-proxy", f"{NAME}:{port}", "--resolve", f"{NAME}:{port}:127.0.0.1",
            "--ca-file", ca, "--timeout", "3", "--user", lab.site["user"], "--json"]
    env = dict(os.environ, MIGCHECK_PASSWORD=lab.site["password"])
    p = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env)
    return p.returncode, json.loads(p.stdout)


def upstream(lab):
    s = lab.site
    return f"127.0.0.1:{s['port']}"


def main():
    migcheck = sys.argv[1]
    check = Checks()
    labs, proxies = [], []
    try:
        with tempfile.TemporaryDirectory(prefix="migcheck-nginx-") as d:
            ca, crt, key = make_pki(d, NAME)
            healthy = Lab(migcheck, "exchange2016-healthy")
            labs.append(healthy)
            broken = Lab(migcheck, "service-unavailable")
            labs.append(broken)
            # 1. A round-robin load balancer over a healthy and a 503 server.
            proxy = ("      proxy_pass https://pool;\n      proxy_ssl_server_name off;\n"
                     "      proxy_next_upstream off;")
            lb = Nginx(d, "lb", f"""  upstream pool {{
    server {upstream(healthy)};
    server {upstream(broken)};
  }}
{server_block(crt, key, proxy)}""")
            proxies.append(lb)
            rc, rep = migcheck_json(migcheck, lb.port, ca)
            ids = [c["id"] for c in rep["causes"]]
            check("load balancer: LB_INCONSISTENT_BACKENDS ranked first",
                  ids[:1] == ["LB_INCONSISTENT_BACKENDS"], str(ids))
            check("load balancer: the 503 server's own cause second",
                  ids[1:2] == ["HTTP_SERVICE_UNAVAILABLE"], str(ids))
            lb_text = json.dumps(rep["causes"][0]) if rep["causes"] else ""
            check("load balancer: both servers named (EX16-01 good, EX16-08 bad)",
                  "EX16-01" in lb_text and "EX16-08" in lb_text, lb_text[:400])
            check("load balancer: exit 1", rc == 1, str(rc))

            # 2. A reverse proxy with a 1 MiB body limit in front of Exchange.
            limited = Nginx(d, "limit", "  client_max_body_size 1m;\n" + server_block(
                crt, key, f"      proxy_pass https://{upstream(healthy)};"))
            proxies.append(limited)
            rc, rep = migcheck_json(migcheck, limited.port, ca)
            ids = [c["id"] for c in rep["causes"]]
            check("body limit: HTTP_REQUEST_TOO_LARGE only", ids == ["HTTP_REQUEST_TOO_LARGE"],
                  str(ids))
            ev = json.dumps(rep["causes"][0]) if rep["causes"] else ""
            check("body limit: nginx's 413 and the sizes in the evidence",
                  "413" in ev and "passed" in ev and "failed" in ev, ev[:400])
            rc, rep = migcheck_json(migcheck, limited.port, ca, "--no-large-request")
            check("body limit: --no-large-request passes", rc == 0 and not rep["causes"],
                  str([c["id"] for c in rep["causes"]]))

            # 3. A reverse proxy that buffers requests in front of the RPC proxy.
            oa = Lab(migcheck, "oa-healthy")
            labs.append(oa)
            to_oa = (f"      proxy_pass https://{upstream(oa)};\n      proxy_http_version 1.1;\n"
                     "      proxy_read_timeout 30s;")
            buffering = Nginx(d, "rpc-buffering", "  client_max_body_size 0;\n" +
                              server_block(crt, key, to_oa))
            proxies.append(buffering)
            rc, rep = oa_json(migcheck, buffering.port, ca, oa)
            ids = [c["id"] for c in rep["causes"]]
            check("buffering proxy: OA_REVERSE_PROXY_BUFFERING only",
                  ids == ["OA_REVERSE_PROXY_BUFFERING"], str(ids))
            ev = json.dumps(rep["causes"][0]) if rep["causes"] else ""
            check("buffering proxy: seen on 6001, 6002 and 6004",
                  all(f"ex01.contoso.local:{p}" in ev for p in (6001, 6002, 6004)), ev[:400])
            check("buffering proxy: exit 1", rc == 1, str(rc))
            tunnel = Nginx(d, "rpc-streaming", "  client_max_body_size 0;\n" + server_block(
                crt, key, to_oa + "\n      proxy_request_buffering off;\n"
                "      proxy_buffering off;"))
            proxies.append(tunnel)
            rc, rep = oa_json(migcheck, tunnel.port, ca, oa)
            check("streaming proxy: the same path without buffering passes",
                  rc == 0 and not rep["causes"], str([c["id"] for c in rep["causes"]]))
    finally:
        for p in proxies:
            p.stop()
        for lab in labs:
            lab.stop()
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
