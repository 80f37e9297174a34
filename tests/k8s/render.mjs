// render.mjs DIR: what `kubectl kustomize DIR` prints, for the subset of
// kustomize that deploy/k8s uses, so the manifests can be checked on a
// machine without kubectl: resources (files and directories), namespace,
// configMapGenerator (files, literals), its name suffix (kustomize's hash
// of the data) and the references to it, images, and patches in JSON 6902
// form. Anything else is an error, not ignored.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";

const KNOWN = new Set(["apiVersion", "kind", "namespace", "resources",
  "configMapGenerator", "generatorOptions", "images", "patches"]);
const CLUSTER_SCOPED = new Set(["Namespace"]);

function readDocs(file) {
  return YAML.parseAllDocuments(fs.readFileSync(file, "utf8"))
    .map((d) => {
      if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
      return d.toJS();
    })
    .filter((d) => d != null);
}

function pointer(p) {
  return p.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function applyOp(doc, op, where) {
  const keys = pointer(op.path);
  const last = keys.pop();
  let node = doc;
  for (const k of keys) {
    if (node == null || !(k in node)) throw new Error(`${where}: no ${op.path}`);
    node = node[k];
  }
  const isArr = Array.isArray(node);
  const idx = last === "-" ? node.length : Number(last);
  switch (op.op) {
    case "add":
      if (isArr) node.splice(idx, 0, op.value); else node[last] = op.value;
      break;
    case "replace":
      if (!(isArr ? idx < node.length : last in node)) throw new Error(`${where}: no ${op.path}`);
      if (isArr) node[idx] = op.value; else node[last] = op.value;
      break;
    case "test":
      if (JSON.stringify(isArr ? node[idx] : node[last]) !== JSON.stringify(op.value))
        throw new Error(`${where}: test of ${op.path} failed`);
      break;
    case "remove":
      if (!(isArr ? idx < node.length : last in node)) throw new Error(`${where}: no ${op.path}`);
      if (isArr) node.splice(idx, 1); else delete node[last];
      break;
    default:
      throw new Error(`${where}: unsupported patch op ${op.op}`);
  }
}

function setImages(doc, images) {
  const spec = doc.spec?.template?.spec ?? doc.spec;
  for (const list of [spec?.initContainers, spec?.containers]) {
    for (const c of list ?? []) {
      const [name, tag] = c.image.split(":");
      const img = images.find((i) => i.name === name);
      if (img) c.image = `${img.newName ?? name}:${img.newTag ?? tag ?? "latest"}`;
    }
  }
}

// Go's json.Marshal of a string: as JSON.stringify, and <, >, &, U+2028
// and U+2029 escaped.
function goString(s) {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

// kustomize's name suffix for a generated ConfigMap: SHA-256 of Go's JSON
// of {data, kind, name} (keys sorted), its first ten hex digits with
// 0, 1, 3, a, e made g, h, k, m, t. kustomize 5 (kubectl 1.27 and later)
// looks the name up as one field "metadata/name", finds none and hashes
// "" (api/hasher); kustomize 2 (kubectl 1.20) hashed the name: the suffix
// differs between them, the renaming does not.
function hash(data) {
  const body = Object.keys(data).sort().map((k) => `${goString(k)}:${goString(data[k])}`).join(",");
  const json = `{"data":{${body}},"kind":"ConfigMap","name":""}`;
  const hex = crypto.createHash("sha256").update(json).digest("hex").slice(0, 10);
  return hex.replace(/[013ae]/g, (c) => ({ 0: "g", 1: "h", 3: "k", a: "m", e: "t" })[c]);
}

// References to generated ConfigMaps (volumes, projected volumes, env,
// envFrom) follow their new names.
function renameConfigMaps(doc, renamed) {
  const spec = doc.spec?.template?.spec ?? (doc.kind === "Pod" ? doc.spec : null);
  if (!spec) return;
  const fix = (ref) => { if (ref && renamed[ref.name]) ref.name = renamed[ref.name]; };
  for (const v of spec.volumes ?? []) {
    fix(v.configMap);
    for (const src of v.projected?.sources ?? []) fix(src.configMap);
  }
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const e of c.env ?? []) fix(e.valueFrom?.configMapKeyRef);
    for (const e of c.envFrom ?? []) fix(e.configMapRef);
  }
}

// The objects of the kustomization in dir, and the generated ConfigMaps'
// new names (kustomize renames the references last, after the patches of
// every level).
function build(dir) {
  const kfile = path.join(dir, "kustomization.yaml");
  const k = YAML.parse(fs.readFileSync(kfile, "utf8"));
  for (const key of Object.keys(k))
    if (!KNOWN.has(key)) throw new Error(`${kfile}: unsupported field '${key}'`);
  let docs = [];
  const renamed = {};
  for (const r of k.resources ?? []) {
    const p = path.join(dir, r);
    if (fs.statSync(p).isDirectory()) {
      const sub = build(p);
      docs.push(...sub.docs);
      Object.assign(renamed, sub.renamed);
    } else
      docs.push(...readDocs(p));
  }
  for (const g of k.configMapGenerator ?? []) {
    const data = {};
    for (const f of g.files ?? []) data[path.basename(f)] = fs.readFileSync(path.join(dir, f), "utf8");
    for (const l of g.literals ?? []) {
      const i = l.indexOf("=");
      data[l.slice(0, i)] = l.slice(i + 1);
    }
    const name = k.generatorOptions?.disableNameSuffixHash ? g.name : `${g.name}-${hash(data)}`;
    renamed[g.name] = name;
    docs.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data });
  }
  for (const p of k.patches ?? []) {
    const ops = YAML.parse(fs.readFileSync(path.join(dir, p.path), "utf8"));
    const hits = docs.filter((d) => d.kind === p.target.kind &&
      (!p.target.name || d.metadata.name === p.target.name));
    if (hits.length === 0) throw new Error(`${kfile}: patch ${p.path} matches nothing`);
    for (const d of hits) for (const op of ops) applyOp(d, op, p.path);
  }
  for (const d of docs) renameConfigMaps(d, renamed);
  if (k.images) docs.forEach((d) => setImages(d, k.images));
  if (k.namespace) {
    for (const d of docs) {
      if (CLUSTER_SCOPED.has(d.kind)) continue;
      d.metadata.namespace = k.namespace;
    }
  }
  return { docs, renamed };
}

export function render(dir) {
  return build(dir).docs;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const docs = render(process.argv[2] ?? ".");
  process.stdout.write(docs.map((d) => YAML.stringify(d)).join("---\n"));
}
