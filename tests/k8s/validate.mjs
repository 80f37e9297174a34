// validate.mjs: the Kubernetes manifests, checked offline.
// 1. Each kustomization renders (render.mjs; compared with `kubectl
//    kustomize` where kubectl is installed).
// 2. Every rendered object type-checks against the Kubernetes API types
//    (kubernetes-types) under `tsc --strict`: a misspelled field, a wrong
//    type or a missing required field fails. The check is itself tested: a
//    misspelled field planted in a copy must be caught.
// 3. What the probe needs holds: the probes run the probe with the right
//    kind, its deadline sits below timeoutSeconds, the ConfigMap carries
//    config/probe.ini, selectors match, the security settings are there.
// Prints one line per check and "N passed, N failed".
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { render } from "./render.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const TARGETS = (process.argv.slice(2).length ? process.argv.slice(2) :
  ["deploy/k8s", "deploy/k8s-sidecar", "deploy/k8s-live-config"]);
let passed = 0, failed = 0;

function check(name, ok, why = "") {
  if (ok) { passed++; console.log(`ok - ${name}`); }
  else { failed++; console.log(`FAIL - ${name}${why ? ": " + why : ""}`); }
}

const TYPES = {
  Namespace: ["core/v1", "Namespace"], Service: ["core/v1", "Service"],
  ConfigMap: ["core/v1", "ConfigMap"], Pod: ["core/v1", "Pod"],
  StatefulSet: ["apps/v1", "StatefulSet"],
};

function tsModule(docs, extra = "") {
  const imports = new Set(), lines = [];
  docs.forEach((d, i) => {
    const t = TYPES[d.kind];
    if (!t) throw new Error(`no type for kind ${d.kind}`);
    imports.add(`import type { ${t[1]} } from "kubernetes-types/${t[0]}";`);
    lines.push(`export const doc${i}: ${t[1]} = ${JSON.stringify(d, null, 2)};`);
  });
  return [...imports, ...lines, extra].join("\n") + "\n";
}

function tsc(files) {
  const r = spawnSync(process.execPath, [path.join(HERE, "node_modules/typescript/bin/tsc"),
    "--noEmit", "--strict", "--skipLibCheck", "false", "--target", "es2022",
    "--module", "commonjs", "--moduleResolution", "node10", ...files], { encoding: "utf8" });
  return { ok: r.status === 0, out: (r.stdout + r.stderr).trim() };
}

function parseDeadlineMs(ini) {
  const m = ini.match(/^\s*\[probe\][^[]*?^\s*timeout\s*=\s*([0-9.]+)(ms|s|m)?\b/ms);
  if (!m) return 1000;
  const v = Number(m[1]);
  return m[2] === "ms" ? v : m[2] === "m" ? v * 60000 : v * 1000;
}

const gen = path.join(HERE, ".gen");
fs.rmSync(gen, { recursive: true, force: true });
fs.mkdirSync(gen);

for (const target of TARGETS) {
  const dir = path.resolve(ROOT, target);
  let docs;
  try {
    docs = render(dir);
    check(`${target}: renders (${docs.length} objects)`, true);
  } catch (e) {
    check(`${target}: renders`, false, e.message);
    continue;
  }
  const kubectl = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8" });
  if (kubectl.error) {
    console.log(`skip - ${target}: same as kubectl kustomize: kubectl is not installed`);
  } else {
    const key = (d) => `${d.kind}/${d.metadata.name}`;
    const sort = (a) => [...a].sort((x, y) => key(x).localeCompare(key(y)));
    const theirs = YAML.parseAllDocuments(kubectl.stdout).map((d) => d.toJS());
    check(`${target}: same as kubectl kustomize`, kubectl.status === 0 &&
      JSON.stringify(sort(theirs), Object.keys) !== undefined &&
      deepEqual(sort(docs), sort(theirs)), kubectl.stderr.trim());
  }

  const file = path.join(gen, target.replace(/\W+/g, "_") + ".ts");
  fs.writeFileSync(file, tsModule(docs));
  const r = tsc([file]);
  check(`${target}: every object matches the Kubernetes API types`, r.ok, "\n" + r.out);

  // The type check must catch a misspelled field: plant one in a copy.
  const sts = docs.find((d) => d.kind === "StatefulSet");
  if (sts) {
    const bad = structuredClone(sts);
    bad.spec.template.spec.containers[0].livenessProbe.timeoutSecond = 2;
    let text = tsModule([bad]).split("\n");
    const at = text.findIndex((l) => l.includes('"timeoutSecond"'));
    text.splice(at, 0, "// @ts-expect-error: a misspelled field must be an error");
    const badFile = path.join(gen, target.replace(/\W+/g, "_") + "_misspelled.ts");
    fs.writeFileSync(badFile, text.join("\n"));
    const r2 = tsc([badFile]);
    check(`${target}: a misspelled field in the StatefulSet is caught`, r2.ok, "\n" + r2.out);
    semantic(target, docs, sts);
  }
}

function deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
}

function semantic(target, docs, sts) {
  const t = `${target}:`;
  const pod = sts.spec.template.spec;
  const labels = sts.spec.template.metadata.labels;
  const matches = (sel) => Object.entries(sel).every(([k, v]) => labels[k] === v);
  check(`${t} selector matches the pod labels`, matches(sts.spec.selector.matchLabels));
  const headless = docs.find((d) => d.kind === "Service" && d.metadata.name === sts.spec.serviceName);
  check(`${t} serviceName is a headless Service selecting the pods`,
    headless && headless.spec.clusterIP === "None" && matches(headless.spec.selector));
  check(`${t} a ClusterIP Service on 8080`, docs.some((d) => d.kind === "Service" &&
    d.spec.clusterIP !== "None" && d.spec.ports.some((p) => p.port === 8080) && matches(d.spec.selector)));
  check(`${t} 3 replicas, Parallel, RollingUpdate`, sts.spec.replicas === 3 &&
    sts.spec.podManagementPolicy === "Parallel" && sts.spec.updateStrategy.type === "RollingUpdate");
  const vct = sts.spec.volumeClaimTemplates?.[0];
  check(`${t} one ReadWriteOnce 1Gi claim per pod`, vct && vct.spec.accessModes.join() === "ReadWriteOnce" &&
    vct.spec.resources.requests.storage === "1Gi");
  check(`${t} the claim is config-volume (claims config-volume-app-python-N), the app mounts it at /data`,
    vct?.metadata.name === "config-volume" &&
    pod.containers.find((c) => c.name === "app")?.volumeMounts
      .some((m) => m.name === "config-volume" && m.mountPath === "/data"));
  check(`${t} everything in namespace stateful`, docs.every((d) =>
    d.kind === "Namespace" ? d.metadata.name === "stateful" : d.metadata.namespace === "stateful"));

  const vol = pod.volumes.find((v) => v.name === "probe-config");
  const cm = docs.find((d) => d.kind === "ConfigMap" && d.metadata.name === vol?.configMap?.name);
  const ini = fs.readFileSync(path.join(ROOT, "config/probe.ini"), "utf8");
  check(`${t} the probe-config volume's ConfigMap (${vol?.configMap?.name}) is config/probe.ini`,
    cm && cm.data["probe.ini"] === ini);
  const live = target.includes("live-config");
  check(`${t} ${live ? "a plain ConfigMap, edited in place" :
    "the ConfigMap's name carries a hash of its content: a change rolls out"}`,
    cm && (live ? cm.metadata.name === "probe-config-live" :
      /^probe-config-[0-9a-z]{10}$/.test(cm.metadata.name)));
  const deadline = parseDeadlineMs(cm ? cm.data["probe.ini"] : ini);

  const app = pod.containers.find((c) => c.name === "app");
  const sidecar = (pod.initContainers ?? []).find((c) =>
    c.restartPolicy === "Always" && c.args?.[0] === "serve");
  const mounts = (c) => Object.fromEntries((c.volumeMounts ?? []).map((m) => [m.name, m]));
  const paths = { startup: "/startupz", readiness: "/readyz", liveness: "/livez" };
  let exec = false;
  for (const kind of Object.keys(paths)) {
    const p = app[`${kind}Probe`];
    if (p?.exec) {
      exec = true;
      check(`${t} app ${kind}Probe runs the probe for ${kind}`,
        p.exec.command[0] === "/probe/probe" && p.exec.command.at(-1) === kind);
    } else {
      const port = sidecar?.ports?.find((x) => x.containerPort === p?.httpGet?.port);
      check(`${t} app ${kind}Probe asks the probe sidecar's ${paths[kind]}`,
        sidecar && port && p.httpGet.path === paths[kind]);
    }
    check(`${t} app ${kind}Probe: deadline ${deadline}ms + 100ms < timeoutSeconds ${p?.timeoutSeconds}s`,
      p && deadline + 100 < (p.timeoutSeconds ?? 1) * 1000);
  }
  for (const c of [app, sidecar].filter(Boolean)) {
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e]));
    check(`${t} ${c.name}: POD_NAME from the downward API`,
      env.POD_NAME?.valueFrom?.fieldRef?.fieldPath === "metadata.name");
  }
  if (sidecar) {
    check(`${t} the sidecar mounts the data volume where the app does, and the config`,
      mounts(sidecar)["config-volume"]?.mountPath === mounts(app)["config-volume"]?.mountPath &&
      mounts(sidecar)["probe-config"]?.readOnly === true);
  }
  if (exec) {
    check(`${t} app mounts the probe binary and its config read-only`,
      mounts(app)["probe-bin"]?.readOnly === true && mounts(app)["probe-config"]?.readOnly === true);
    const init = (pod.initContainers ?? []).find((c) => c.image.startsWith("probe:"));
    check(`${t} an init container installs the probe into the shared emptyDir`,
      init && init.args[0] === "install" && init.args[1] === mounts(init)["probe-bin"]?.mountPath &&
      init.args[1] !== "/probe" &&
      pod.volumes.some((v) => v.name === "probe-bin" && v.emptyDir));
  }
  check(`${t} pods run as non-root with a seccomp profile`,
    pod.securityContext.runAsNonRoot === true && pod.securityContext.seccompProfile?.type === "RuntimeDefault");
  for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
    const s = c.securityContext ?? {};
    check(`${t} ${c.name}: no privilege escalation, read-only root, no capabilities`,
      s.allowPrivilegeEscalation === false && s.readOnlyRootFilesystem === true &&
      s.capabilities?.drop?.includes("ALL"));
    check(`${t} ${c.name}: resource requests and limits`,
      c.resources?.requests?.cpu && c.resources?.requests?.memory && c.resources?.limits?.memory);
  }
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
