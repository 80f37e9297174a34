// monitoring.mjs [--write]: deploy/monitoring, checked offline.
// --write: writes prometheusrule.yaml from probe.rules.yml (the source).
// Otherwise:
// 1. The kustomization renders; the PrometheusRule carries exactly the
//    groups of probe.rules.yml (promtool tests the rules file itself).
// 2. The PodMonitor and PrometheusRule match the Prometheus Operator's CRD
//    schemas: @kubernetes-models/prometheus-operator is generated from the
//    operator's CRDs; validate() checks each object against the CRD's
//    OpenAPI schema (types, patterns, required fields), and tsc --strict
//    against its TypeScript types catches misspelled fields, which the
//    schema lets through (the API server prunes them silently). Both
//    checks are themselves tested on planted mistakes.
// 3. The PodMonitor scrapes the sidecar of deploy/k8s-sidecar: its
//    selector matches the pods and its port is the sidecar's.
// Prints one line per check and "N passed, N failed".
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { PodMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { render } from "./render.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const DIR = path.join(ROOT, "deploy/monitoring");
const RULES = path.join(DIR, "probe.rules.yml");
const OUT = path.join(DIR, "prometheusrule.yaml");

function ruleObject() {
  const rules = YAML.parse(fs.readFileSync(RULES, "utf8"));
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: "probe", labels: { "app.kubernetes.io/name": "app-python" } },
    spec: { groups: rules.groups },
  };
}

if (process.argv[2] === "--write") {
  const head = "# Written by `make monitoring` from probe.rules.yml: edit that file, not\n" +
    "# this one (make test fails when they differ).\n";
  fs.writeFileSync(OUT, head + YAML.stringify(ruleObject(), { lineWidth: 0 }));
  console.log(`wrote ${path.relative(ROOT, OUT)}`);
  process.exit(0);
}

let passed = 0, failed = 0;
function check(name, ok, why = "") {
  if (ok) { passed++; console.log(`ok - ${name}`); }
  else { failed++; console.log(`FAIL - ${name}${why ? ": " + why : ""}`); }
}

const MODELS = { PodMonitor, PrometheusRule };

// The CRD's OpenAPI schema: returns "" if valid, else the first error.
function schemaError(doc) {
  try {
    new MODELS[doc.kind](doc).validate();
    return "";
  } catch (e) {
    return e.message;
  }
}

// Type-checks docs under tsc --strict; a line holding `mark` gets a
// @ts-expect-error above it (a planted mistake must be an error).
function tsc(docs, name, mark = null) {
  const file = path.join(HERE, ".gen", name + ".ts");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lines = [];
  docs.forEach((d, i) => {
    const at = `@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${d.kind}`;
    lines.push(`import type { I${d.kind} as T${i} } from "${at}";`);
    lines.push(...`export const doc${i}: T${i} = ${JSON.stringify(d, null, 2)};`.split("\n"));
  });
  if (mark) lines.splice(lines.findIndex((l) => l.includes(mark)), 0,
    "// @ts-expect-error: a misspelled field must be an error");
  fs.writeFileSync(file, lines.join("\n") + "\n");
  const r = spawnSync(process.execPath, [path.join(HERE, "node_modules/typescript/bin/tsc"),
    "--noEmit", "--strict", "--target", "es2022", "--module", "commonjs",
    "--moduleResolution", "node10", file], { encoding: "utf8" });
  return { ok: r.status === 0, out: (r.stdout + r.stderr).trim() };
}

let docs = [];
try {
  docs = render(DIR);
  check(`deploy/monitoring: renders (${docs.length} objects)`, true);
} catch (e) {
  check("deploy/monitoring: renders", false, e.message);
}
const pm = docs.find((d) => d.kind === "PodMonitor");
const pr = docs.find((d) => d.kind === "PrometheusRule");
check("deploy/monitoring: a PodMonitor and a PrometheusRule in namespace stateful",
  pm && pr && docs.every((d) => d.metadata.namespace === "stateful"));

if (pr) {
  const want = ruleObject().spec;
  check("deploy/monitoring: the PrometheusRule has the groups of probe.rules.yml",
    JSON.stringify(pr.spec) === JSON.stringify(want), "run make monitoring");
}

for (const d of docs) {
  const err = schemaError(d);
  check(`deploy/monitoring: ${d.kind} matches the operator's CRD schema`, err === "", err);
}
if (pm) {
  const bad = structuredClone(pm);
  bad.spec.podMetricsEndpoints[0].interval = "30 seconds";
  check("deploy/monitoring: the schema check catches a malformed interval", schemaError(bad) !== "");
}
if (pr) {
  const bad = structuredClone(pr);
  delete bad.spec.groups[0].rules[0].expr;
  check("deploy/monitoring: the schema check catches a rule without expr", schemaError(bad) !== "");
}
const r = tsc(docs, "monitoring");
check("deploy/monitoring: every object matches the operator's TypeScript types", r.ok, "\n" + r.out);
if (pm) {
  const bad = structuredClone(pm);
  bad.spec.podMetricsEndpoints[0].scrapeTimeoutt = "5s";
  const r2 = tsc([bad], "monitoring_misspelled", '"scrapeTimeoutt"');
  check("deploy/monitoring: a misspelled field in the PodMonitor is caught", r2.ok, "\n" + r2.out);
}

if (pm) {
  const sts = render(path.join(ROOT, "deploy/k8s-sidecar")).find((d) => d.kind === "StatefulSet");
  const pod = sts.spec.template;
  const labels = pod.metadata.labels;
  check("deploy/monitoring: the PodMonitor selects the time server's pods",
    Object.entries(pm.spec.selector.matchLabels).every(([k, v]) => labels[k] === v) &&
    pod.metadata.namespace === undefined && sts.metadata.namespace === pm.metadata.namespace);
  const sidecar = (pod.spec.initContainers ?? []).find((c) => c.args?.[0] === "serve");
  const ep = pm.spec.podMetricsEndpoints[0];
  check("deploy/monitoring: it scrapes /metrics on the sidecar's port",
    sidecar && sidecar.ports.some((p) => p.name === ep.port) && ep.path === "/metrics");
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
