"""dnsmasq (Debian's dnsmasq-base) as a throw-away authoritative DNS server
on a loopback UDP port, for the peer tests. Records come as dnsmasq options
(--host-record=NAME,ADDR, --srv-host=NAME,TARGET,PORT,PRIO,WEIGHT,
--local=/DOMAIN/ for NXDOMAIN on everything else there)."""
import os
import shutil
import socket
import subprocess
import tempfile
import time


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1 (dnsmasq takes both)."""
    while True:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("127.0.0.1", 0))
        port = u.getsockname()[1]
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            t.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            t.close()
            u.close()


class Dnsmasq:
    def __init__(self, records):
        binary = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"
        if not os.path.exists(binary):
            raise RuntimeError("dnsmasq is not installed (make test installs dnsmasq-base)")
        self.tmp = tempfile.mkdtemp()
        # Another process may take the port between the pick and dnsmasq's
        # bind: then it exits at once, and a new port is tried.
        for attempt in range(5):
            if self._start(binary, records, last=attempt == 4):
                return

    def _start(self, binary, records, last):
        self.port = free_port()
        self.proc = subprocess.Popen([
            binary, "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv",
            "--no-hosts", "--bind-interfaces", "--listen-address=127.0.0.1",
            f"--port={self.port}", "--pid-file=", "--user=root" if os.getuid() == 0 else
            "--user=", f"--log-facility={self.tmp}/dnsmasq.log", *records,
        ], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # Ready when it answers a query (bounded wait on a real reply, no sleep-and-hope).
        deadline = time.monotonic() + 10
        q = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x05probe\x04test\x00\x00\x01\x00\x01"
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(0.2)
        try:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    if not last:
                        return False
                    with open(f"{self.tmp}/dnsmasq.log", errors="replace") as f:
                        raise RuntimeError("dnsmasq exited: " + self.proc.stderr.read().decode()
                                           + f.read()[-500:])
                s.sendto(q, ("127.0.0.1", self.port))
                try:
                    s.recvfrom(512)
                    return True
                except socket.timeout:
                    continue
            raise RuntimeError("dnsmasq did not answer in 10 s")
        finally:
            s.close()

    @property
    def server(self):
        return f"127.0.0.1:{self.port}"

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)
