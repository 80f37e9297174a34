#!/usr/bin/env python3
"""HTTPS servers for the TLS tests, one per case, each on a free loopback port.

tlsd.py CERTDIR PORTDIR: certificates from mkcerts.sh in CERTDIR; the port
of case NAME goes to PORTDIR/NAME, and PORTDIR/ready comes last. Every
server answers GET and HEAD with 200 "ok". Cases: see CASES.
"""
import http.server
import os
import socket
import ssl
import sys
import threading

# name: (certificate file, key, address, options)
CASES = {
    "ip": ("ip.crt", "ip.key", "127.0.0.1", {}),
    "ip6": ("ip.crt", "ip.key", "::1", {}),
    "ip2": ("ip.crt", "ip.key", "127.0.0.2", {}),
    "wild": ("wild.crt", "wild.key", "127.0.0.1", {}),
    "cnonly": ("cnonly.crt", "cnonly.key", "127.0.0.1", {}),
    "other": ("other.crt", "other.key", "127.0.0.1", {}),
    "expired": ("expired.crt", "expired.key", "127.0.0.1", {}),
    "future": ("future.crt", "future.key", "127.0.0.1", {}),
    "self": ("self.crt", "self.key", "127.0.0.1", {}),
    "foreign": ("foreign.crt", "foreign.key", "127.0.0.1", {}),
    "chain": ("leaf-chain.crt", "leaf.key", "127.0.0.1", {}),
    "nochain": ("leaf.crt", "leaf.key", "127.0.0.1", {}),
    "soon": ("soon.crt", "soon.key", "127.0.0.1", {}),
    "inter3": ("late3-chain.crt", "late3.key", "127.0.0.1", {}),
    "mtls": ("ip.crt", "ip.key", "127.0.0.1", {"client_ca": "clientca.crt"}),
    "mtls12": ("ip.crt", "ip.key", "127.0.0.1",
               {"client_ca": "clientca.crt", "max": ssl.TLSVersion.TLSv1_2}),
    "tls12": ("ip.crt", "ip.key", "127.0.0.1", {"max": ssl.TLSVersion.TLSv1_2}),
    "tls13": ("ip.crt", "ip.key", "127.0.0.1", {"min": ssl.TLSVersion.TLSv1_3}),
    # TLS 1.2 only with an RSA certificate: OpenSSL signs its key exchange
    # with RSA-PSS (rsa_pss_rsae_sha256) when the client offers it
    "tls12rsa": ("rsa.crt", "rsa.key", "127.0.0.1", {"max": ssl.TLSVersion.TLSv1_2}),
    # finite-field Diffie-Hellman only, as old servers have it
    "dhe": ("rsa.crt", "rsa.key", "127.0.0.1",
            {"max": ssl.TLSVersion.TLSv1_2, "dh": "dh.pem",
             "ciphers": "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384"}),
}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "3")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(b"ok\n")

    do_HEAD = do_GET


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # failed handshakes are what the tests are about


class Server6(Server):
    address_family = socket.AF_INET6


def serve(certdir, name, cert, key, addr, opts):
    srv = (Server6 if ":" in addr else Server)((addr, 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(certdir, cert), os.path.join(certdir, key))
    if "client_ca" in opts:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(os.path.join(certdir, opts["client_ca"]))
    if "max" in opts:
        ctx.maximum_version = opts["max"]
    if "min" in opts:
        ctx.minimum_version = opts["min"]
    if "dh" in opts:
        ctx.load_dh_params(os.path.join(certdir, opts["dh"]))
        ctx.set_ciphers(opts["ciphers"])
    # The handshake happens in the handler's thread, not in accept().
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True,
                                 do_handshake_on_connect=False)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv.server_address[1]


def main():
    certdir, portdir = sys.argv[1], sys.argv[2]
    for name, (cert, key, addr, opts) in CASES.items():
        port = serve(certdir, name, cert, key, addr, opts)
        with open(os.path.join(portdir, name), "w") as f:
            f.write("%d\n" % port)
    open(os.path.join(portdir, "ready"), "w").close()
    threading.Event().wait()


if __name__ == "__main__":
    main()
