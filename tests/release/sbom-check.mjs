// sbom-check.mjs BINARY MAP...: the SBOM next to each static binary
// (BINARY.cdx.json), checked.
// 1. It is valid CycloneDX 1.6 JSON: the published schema, strict, through
//    @cyclonedx/cyclonedx-library's validator, with what BSI TR-03183-2
//    (the EU Cyber Resilience Act's guidance) asks: the SBOM's creator and
//    its timestamp (the commit's), and a SHA-512 of every component.
// 2. It describes this binary: the main component's SHA-256 is the file's.
// 3. It lists every library the binary links: each archive and object the
//    linker took members from (its map file, MAP) is in a component, by
//    name and SHA-256; the version strings curl and nghttp2 keep in the
//    binary are the versions listed. The check is itself tested: with a
//    component removed, it must fail.
// Prints one line per check and "N passed, N failed".
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as CDX from "@cyclonedx/cyclonedx-library";

let passed = 0, failed = 0;
function check(name, ok, why = "") {
  if (ok) { passed++; console.log(`ok - ${name}`); }
  else { failed++; console.log(`FAIL - ${name}${why ? ": " + why : ""}`); }
}

const sha256 = (file) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

// The archives and objects the map says the link used (as sbom.py reads
// them: archives that gave members, objects loaded), without probe's own.
function linked(map) {
  const files = new Set();
  for (const line of fs.readFileSync(map, "utf8").split("\n")) {
    let m = line.match(/^(\/\S+\.a)\(/);
    if (m) files.add(fs.realpathSync(m[1]));
    m = line.match(/^LOAD (\/\S+\.o)$/);
    if (m && !m[1].includes("/obj/")) files.add(fs.realpathSync(m[1]));
  }
  return [...files];
}

// Returns "" if every linked file is listed, else what is missing.
function missing(bom, files) {
  const listed = new Set(bom.components.flatMap((c) => (c.properties ?? [])
    .filter((p) => p.name === "probe:linked").map((p) => p.value)));
  return files.filter((f) => !listed.has(`${path.basename(f)} sha256:${sha256(f)}`))
    .map((f) => path.basename(f)).join(", ");
}

// Version strings libraries keep in the binary (NUL-terminated).
// The trimmed mbedTLS (no version features) and libmicrohttpd keep none:
// their archives' hashes in the link map identify them.
const EMBEDS = { curl: (v) => `${v}\0`, nghttp2: (v) => `${v}\0` };

const validator = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6);
const commitTime = process.env.SOURCE_DATE_EPOCH
  ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000).toISOString().replace(".000Z", "Z") : null;
const args = process.argv.slice(2);
for (let i = 0; i + 1 < args.length; i += 2) {
  const [bin, map] = [args[i], args[i + 1]];
  const name = path.basename(bin);
  const file = `${bin}.cdx.json`;
  let text, bom;
  try {
    text = fs.readFileSync(file, "utf8");
    bom = JSON.parse(text);
  } catch (e) {
    check(`${name}: an SBOM`, false, e.message);
    continue;
  }
  const errors = await validator.validate(text);
  check(`${name}: valid CycloneDX 1.6 (strict schema)`, errors === null, JSON.stringify(errors));
  check(`${name}: its creator and timestamp (TR-03183-2)`,
    bom.metadata?.manufacturer?.name && bom.metadata?.manufacturer?.url?.length &&
    (commitTime === null || bom.metadata?.timestamp === commitTime),
    `${JSON.stringify(bom.metadata?.manufacturer)} ${bom.metadata?.timestamp} (commit: ${commitTime})`);
  const noSha512 = [bom.metadata?.component, ...bom.components]
    .filter((c) => !(c?.hashes ?? []).some((h) => h.alg === "SHA-512" && /^[0-9a-f]{128}$/.test(h.content)))
    .map((c) => c?.name);
  check(`${name}: a SHA-512 of every component (TR-03183-2)`, noSha512.length === 0, noSha512.join(", "));
  check(`${name}: the binary's SHA-512`, bom.metadata?.component?.hashes?.some((h) =>
    h.alg === "SHA-512" && h.content === crypto.createHash("sha512").update(fs.readFileSync(bin)).digest("hex")));
  check(`${name}: it describes this binary (SHA-256)`,
    bom.metadata?.component?.hashes?.[0]?.content === sha256(bin));
  const files = linked(map);
  const gone = missing(bom, files);
  check(`${name}: every library linked in is listed (${files.length} files, ${bom.components.length} components)`,
    files.length > 0 && gone === "", `not listed: ${gone}`);
  // libgcc comes from gcc-N, or gcc-N-cross for a cross build.
  const names = bom.components.map((c) => c.name.replace(/^gcc-\d+(-cross)?$/, "gcc")).sort().join(" ");
  check(`${name}: curl, mbedTLS, nghttp2, libmicrohttpd, cJSON, inih, musl and libgcc`,
    names === "cjson curl gcc libinih libmicrohttpd mbedtls musl nghttp2", names);
  const strings = fs.readFileSync(bin).toString("latin1");
  for (const c of bom.components.filter((c) => EMBEDS[c.name])) {
    check(`${name}: ${c.name} ${c.version} is the version in the binary`,
      strings.includes(EMBEDS[c.name](c.version)));
  }
  const bad = structuredClone(bom);
  bad.components = bad.components.filter((c) => c.name !== "musl");
  check(`${name}: the check catches a library left out`, missing(bad, files) !== "");
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
