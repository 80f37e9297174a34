#!/usr/bin/env python3
"""Test HTTP server for the integration suite.

httpd.py PORTFILE [UNIX_SOCKET [PORT]]: serves on PORT (default: a free
loopback port), writes the port to PORTFILE, and on UNIX_SOCKET too when
given and not empty. Paths:
  / and /ok      200 "ok"              /status/N   status N
  /slow/MS       200 after MS ms       /body       200 "hello world"
  /redirect      302 to /ok            /loop       302 to /loop
  /redirect-other 302 to another host's /ok
  /choices       300 with a Location (/status/503): not a redirect to follow
  /need-header   200 if X-Probe: 1 was sent, else 400
  /big           200 with a 10 MB body /endless    200, a body that never ends
  /hits          how many requests came before this one
  /echo?b=TEXT   200 with TEXT (URL-decoded) as the body; &s=N: status N
  /bigjson       200 with a JSON object of 70 KB, "status" at its end
  /chain/N       302 to /chain/N-1; /chain/0 is 200: N redirects
  /to?u=URL      302 to URL (URL-decoded, absolute or relative)
  /headers       200; appends "HOST:PORT NAME: VALUE" for each header it got
                 to $HEADERS_LOG
  /need-empty    200 if X-Tenant was sent with an empty value, else 400
  /health/NAME   503 with the health body of an app that is down: spring,
                 microprofile, aspnet
  /state         what the file $STATE_FILE says: "ok" is 200, anything else
                 503 with it as the body (a test flips it)
A second listener on PORTFILE.silent accepts and never answers; another
host, 127.0.0.2, serves the same on the port in PORTFILE.other; with
TLS_CERT and TLS_KEY set, an HTTPS listener's port goes to PORTFILE.tls.
"""
import http.server
import os
import socket
import socketserver
import ssl
import sys
import threading
import time
import urllib.parse

hits = 0
hits_lock = threading.Lock()

# What apps that are DOWN answer, 503 each: Spring Boot's actuator,
# MicroProfile Health, ASP.NET's health checks.
HEALTH = {
    "spring": b'{"status":"DOWN","components":{"db":{"status":"DOWN","details":'
              b'{"error":"Connection refused"}},"ping":{"status":"UP"},'
              b'"diskSpace":{"status":"OUT_OF_SERVICE"}}}',
    "microprofile": b'{"status":"DOWN","checks":[{"name":"database","status":"DOWN"},'
                    b'{"name":"live","status":"UP"}]}',
    "aspnet": b'{"status":"Unhealthy","totalDuration":"00:00:00.01","entries":'
              b'{"sql":{"status":"Unhealthy"},"self":{"status":"Healthy"}}}',
}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        global hits
        with hits_lock:
            if self.path != "/hits":
                hits += 1
            n = hits
        p = self.path.split("?")[0]
        if p in ("/", "/ok"):
            self.reply(200, b"ok\n")
        elif p.startswith("/status/"):
            self.reply(int(p.split("/")[2]), b"status\n")
        elif p.startswith("/slow/"):
            time.sleep(int(p.split("/")[2]) / 1000.0)
            self.reply(200, b"slow ok\n")
        elif p == "/body":
            self.reply(200, b"hello world\n")
        elif p == "/redirect":
            self.reply(302, headers=[("Location", "/ok")])
        elif p == "/choices":
            self.reply(300, b"pick one\n", headers=[("Location", "/status/503")])
        elif p == "/loop":
            self.reply(302, headers=[("Location", "/loop")])
        elif p == "/redirect-other":
            port = self.server.server_address[1]
            self.reply(302, headers=[("Location", "http://other.invalid:%d/ok" % port)])
        elif p == "/need-header":
            self.reply(200 if self.headers.get("X-Probe") == "1" else 400, b"h\n")
        elif p == "/big":
            self.reply(200, b"x" * (10 * 1024 * 1024))
        elif p == "/endless":
            self.send_response(200)
            self.end_headers()
            try:
                while True:
                    self.wfile.write(b"y" * 65536)
            except OSError:
                pass
        elif p == "/echo":
            q = dict(kv.partition("=")[::2] for kv in self.path.partition("?")[2].split("&"))
            b = urllib.parse.unquote_to_bytes(q.get("b", ""))
            self.reply(int(q.get("s", "200")), b, headers=[("Content-Type", "application/json")])
        elif p == "/bigjson":
            self.reply(200, b'{"pad":"' + b"x" * 70000 + b'","status":"UP"}')
        elif p.startswith("/chain/"):
            n = int(p.split("/")[2])
            if n > 0:
                self.reply(302, headers=[("Location", "/chain/%d" % (n - 1))])
            else:
                self.reply(200, b"end of the chain\n")
        elif p == "/to":
            q = self.path.partition("?")[2]
            u = urllib.parse.unquote(q[2:] if q.startswith("u=") else "/")
            self.reply(302, headers=[("Location", u)])
        elif p == "/headers":
            me = "%s:%d" % self.server.server_address[:2]
            with open(os.environ["HEADERS_LOG"], "a") as f:
                for k, v in self.headers.items():
                    f.write("%s %s: %s\n" % (me, k, v))
            self.reply(200, b"seen\n")
        elif p.startswith("/health/") and p[8:] in HEALTH:
            self.reply(503, HEALTH[p[8:]], headers=[("Content-Type", "application/json")])
        elif p == "/state":
            try:
                with open(os.environ.get("STATE_FILE", "/nonexistent"), "rb") as f:
                    b = f.read()
            except OSError:
                b = b"no state file"
            self.reply(200 if b.startswith(b"ok") else 503, b,
                       headers=[("Content-Type", "application/json")])
        elif p == "/need-empty":
            ok = "X-Tenant" in self.headers and self.headers["X-Tenant"] == ""
            self.reply(200 if ok else 400, b"e\n")
        elif p == "/hits":
            self.reply(200, b"%d\n" % n)
        else:
            self.reply(404, b"no\n")

    do_HEAD = do_GET


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # the default 5 drops connects from a swarm of probes

    def handle_error(self, request, client_address):
        pass  # clients that hang up early are what the tests are about


class UnixServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True
    handle_error = Server.handle_error

    def get_request(self):
        conn, _ = super().get_request()
        return conn, ("unix", 0)


def silent(portfile):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    with open(portfile + ".silent", "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    held = []
    while True:
        c, _ = s.accept()
        held.append(c)  # never read, never answer, never close


def main():
    portfile = sys.argv[1]
    port = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    srv = Server(("127.0.0.1", port), Handler)
    threading.Thread(target=silent, args=(portfile,), daemon=True).start()
    if len(sys.argv) > 2 and sys.argv[2]:
        path = sys.argv[2]
        if os.path.exists(path):
            os.unlink(path)
        usrv = UnixServer(path, Handler)
        threading.Thread(target=usrv.serve_forever, daemon=True).start()
    if os.environ.get("TLS_CERT"):
        tsrv = Server(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.environ["TLS_CERT"], os.environ["TLS_KEY"])
        tsrv.socket = ctx.wrap_socket(tsrv.socket, server_side=True)
        threading.Thread(target=tsrv.serve_forever, daemon=True).start()
        with open(portfile + ".tls", "w") as f:
            f.write("%d\n" % tsrv.server_address[1])
    osrv = Server(("127.0.0.2", 0), Handler)
    threading.Thread(target=osrv.serve_forever, daemon=True).start()
    with open(portfile + ".other", "w") as f:
        f.write("%d\n" % osrv.server_address[1])
    while not os.path.exists(portfile + ".silent"):
        time.sleep(0.01)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


if __name__ == "__main__":
    main()
