// server.mjs CERTDIR PORTDIR: gRPC peers for the grpc check's tests, each on
// a free loopback port written to PORTDIR/NAME (PORTDIR/ready comes last).
// Real servers: the gRPC project's grpc-js with its own health service
// (grpc-health-check), in plaintext (v4, v6, a Unix socket at
// PORTDIR/grpc.sock), TLS and mutual TLS; one with no health service.
// Hostile ones, where a real server cannot misbehave, on node:http2 or
// raw sockets: silent, stream reset, no trailers, a huge or garbled
// message, HTTP/1 only, garbage bytes.
import fs from "node:fs";
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";

const [certdir, portdir] = process.argv.slice(2);
const read = (f) => fs.readFileSync(path.join(certdir, f));
const statuses = { "": "SERVING", app: "SERVING", down: "NOT_SERVING", vague: "UNKNOWN" };

function bind(server, addr, creds) {
  return new Promise((resolve, reject) =>
    server.bindAsync(addr, creds, (err, port) => (err ? reject(err) : resolve(port))));
}

async function health(name, addr, creds) {
  const server = new grpc.Server();
  new HealthImplementation(statuses).addToServer(server);
  const port = await bind(server, addr, creds);
  fs.writeFileSync(path.join(portdir, name), `${port}\n`);
}

function listen(name, server) {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      fs.writeFileSync(path.join(portdir, name), `${server.address().port}\n`);
      resolve();
    }));
}

// A length-prefixed message of the given protobuf bytes.
function message(bytes) {
  const b = Buffer.alloc(5 + bytes.length);
  b.writeUInt32BE(bytes.length, 1);
  Buffer.from(bytes).copy(b, 5);
  return b;
}

// A stream handler that answers once the request is in: ending a response
// while the request is still open makes node reset the stream.
function h2(handler) {
  const server = http2.createServer();
  server.on("stream", (s, headers) => {
    s.authorization = headers.authorization;
    s.tenant = headers["x-tenant"];
    s.on("error", () => {});
    s.resume();
    s.on("end", () => handler(s));
  });
  server.on("sessionError", () => {});
  return server;
}

const grpcHeaders = { ":status": 200, "content-type": "application/grpc" };
const hostile = {
  silent: h2(() => {}),	// answers nothing, ever
  reset: h2((s) => s.close(http2.constants.NGHTTP2_CANCEL)),
  notrailers: h2((s) => { s.respond(grpcHeaders); s.end(message([0x08, 0x01])); }),
  huge: h2((s) => {
    s.respond(grpcHeaders, { waitForTrailers: true });
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    let left = 160;	// 10 MB
    const more = () => {
      while (left > 0 && s.write(chunk)) left--;
      if (left > 0) s.once("drain", more); else s.end();
    };
    s.on("wantTrailers", () => s.sendTrailers({ "grpc-status": "0" }));
    s.on("error", () => {});
    more();
  }),
  badmsg: h2((s) => {
    s.respond(grpcHeaders, { waitForTrailers: true });
    s.on("wantTrailers", () => s.sendTrailers({ "grpc-status": "0" }));
    s.end(message([0x08, 0xff, 0xff]));	// a varint that never ends
  }),
  // Metadata: SERVING only with "authorization: Bearer T0KEN".
  auth: h2((s) => {
    const ok = s.sentHeaders === undefined && s.authorization === "Bearer T0KEN";
    s.respond(grpcHeaders, { waitForTrailers: true });
    s.on("wantTrailers", () => s.sendTrailers(ok ? { "grpc-status": "0" } :
      { "grpc-status": "16", "grpc-message": "missing%20or%20wrong%20token" }));
    s.end(ok ? message([0x08, 0x01]) : Buffer.alloc(0));
  }),
  // Metadata with an empty value: SERVING only with "x-tenant" sent empty.
  tenant: h2((s) => {
    const ok = s.tenant === "";
    s.respond(grpcHeaders, { waitForTrailers: true });
    s.on("wantTrailers", () => s.sendTrailers(ok ? { "grpc-status": "0" } :
      { "grpc-status": "3", "grpc-message": "x-tenant%20must%20be%20sent%20empty" }));
    s.end(ok ? message([0x08, 0x01]) : Buffer.alloc(0));
  }),
  // The first stream ends with RST_STREAM NO_ERROR and no answer (as a
  // server that answered too early may look to libcurl), the next SERVING.
  resetonce: (() => {
    let first = true;
    return h2((s) => {
      if (first) { first = false; s.close(http2.constants.NGHTTP2_NO_ERROR); return; }
      s.respond(grpcHeaders, { waitForTrailers: true });
      s.on("wantTrailers", () => s.sendTrailers({ "grpc-status": "0" }));
      s.end(message([0x08, 0x01]));
    });
  })(),
  http1: http.createServer((req, res) => res.end("ok\n")),
  garbage: net.createServer((c) => {
    c.on("error", () => {});
    c.end(Buffer.from("\x00\x00\x12\x04\x00\xff\xff\xff\xffgarbage, not HTTP/2 frames\r\n"));
  }),
};

const insecure = grpc.ServerCredentials.createInsecure();
const pair = [{ cert_chain: read("ip.crt"), private_key: read("ip.key") }];
await health("plain", "127.0.0.1:0", insecure);
await health("plain6", "[::1]:0", insecure);
await health("unix", `unix:${path.join(portdir, "grpc.sock")}`, insecure);
await health("tls", "127.0.0.1:0", grpc.ServerCredentials.createSsl(null, pair, false));
await health("mtls", "127.0.0.1:0",
  grpc.ServerCredentials.createSsl(read("clientca.crt"), pair, true));
// A chain whose intermediate ends 3 days from now (mkcerts.sh).
await health("inter3", "127.0.0.1:0", grpc.ServerCredentials.createSsl(null,
  [{ cert_chain: read("late3-chain.crt"), private_key: read("late3.key") }], false));
{
  const bare = new grpc.Server();	// no health service at all
  const port = await bind(bare, "127.0.0.1:0", insecure);
  fs.writeFileSync(path.join(portdir, "nohealth"), `${port}\n`);
}
for (const [name, server] of Object.entries(hostile)) await listen(name, server);
fs.writeFileSync(path.join(portdir, "ready"), "");
