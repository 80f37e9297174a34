// render.mjs DIR: what `kubectl kustomize DIR` prints, for the subset of
// kustomize that deploy/k8s uses, so the manifests can be checked on a
// machine without kubectl: resources (files and directories), namespace,
// configMapGenerator (files, literals) with disableNameSuffixHash, images,
// and patches in JSON 6902 form. Anything else is an error, not ignored.
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

export function render(dir) {
  const kfile = path.join(dir, "kustomization.yaml");
  const k = YAML.parse(fs.readFileSync(kfile, "utf8"));
  for (const key of Object.keys(k))
    if (!KNOWN.has(key)) throw new Error(`${kfile}: unsupported field '${key}'`);
  let docs = [];
  for (const r of k.resources ?? []) {
    const p = path.join(dir, r);
    docs.push(...(fs.statSync(p).isDirectory() ? render(p) : readDocs(p)));
  }
  if ((k.configMapGenerator ?? []).length && k.generatorOptions?.disableNameSuffixHash !== true)
    throw new Error(`${kfile}: only disableNameSuffixHash: true is supported`);
  for (const g of k.configMapGenerator ?? []) {
    const data = {};
    for (const f of g.files ?? []) data[path.basename(f)] = fs.readFileSync(path.join(dir, f), "utf8");
    for (const l of g.literals ?? []) {
      const i = l.indexOf("=");
      data[l.slice(0, i)] = l.slice(i + 1);
    }
    docs.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: g.name }, data });
  }
  for (const p of k.patches ?? []) {
    const ops = YAML.parse(fs.readFileSync(path.join(dir, p.path), "utf8"));
    const hits = docs.filter((d) => d.kind === p.target.kind &&
      (!p.target.name || d.metadata.name === p.target.name));
    if (hits.length === 0) throw new Error(`${kfile}: patch ${p.path} matches nothing`);
    for (const d of hits) for (const op of ops) applyOp(d, op, p.path);
  }
  if (k.images) docs.forEach((d) => setImages(d, k.images));
  if (k.namespace) {
    for (const d of docs) {
      if (CLUSTER_SCOPED.has(d.kind)) continue;
      d.metadata.namespace = k.namespace;
    }
  }
  return docs;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const docs = render(process.argv[2] ?? ".");
  process.stdout.write(docs.map((d) => YAML.stringify(d)).join("---\n"));
}
