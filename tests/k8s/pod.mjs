// pod.mjs KUSTOMIZATION OUT_DIR: the StatefulSet's pod, as a Pod
// that `podman kube play` can run (Podman does not play StatefulSets).
// Kept as in the StatefulSet: containers, init container, probes, security
// context, the probe's emptyDir and ConfigMap. Changed for Podman: the pod
// is app-python-0 with its name written in (no downward API), images are
// the local test builds, and the volume claim is a Podman named volume.
// Writes OUT_DIR/pod.yaml and OUT_DIR/configmap.yaml.
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { render } from "./render.mjs";

const [dir, out] = process.argv.slice(2);
const docs = render(dir);
const sts = docs.find((d) => d.kind === "StatefulSet");
const cmName = sts.spec.template.spec.volumes.find((v) => v.name === "probe-config").configMap.name;
const cm = docs.find((d) => d.kind === "ConfigMap" && d.metadata.name === cmName);
const name = `${sts.metadata.name}-0`;
const spec = structuredClone(sts.spec.template.spec);

for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
  c.image = `localhost/${c.image}`;
  for (const e of c.env ?? []) {
    if (e.valueFrom?.fieldRef?.fieldPath === "metadata.name") {
      delete e.valueFrom;
      e.value = name;
    }
    if (typeof e.value === "string") e.value = e.value.replace("$(POD_NAME)", name);
  }
}
// The claim the StatefulSet controller would make for pod 0 (CLAIM-POD);
// Podman gives it a named volume of that name, which outlives the pod.
for (const t of sts.spec.volumeClaimTemplates)
  spec.volumes.push({ name: t.metadata.name,
    persistentVolumeClaim: { claimName: `${t.metadata.name}-${name}` } });

// Podman removes a "once" init container after it ran, racing with its
// exit (Podman 4.3); "always" keeps it, and it runs once per pod start.
const pod = { apiVersion: "v1", kind: "Pod",
  metadata: { name, labels: sts.spec.template.metadata.labels,
    annotations: { "io.podman.annotations.init.container.type": "always" } }, spec };
const configMap = { ...cm, metadata: { name: cm.metadata.name } };
fs.writeFileSync(path.join(out, "pod.yaml"), YAML.stringify(pod));
fs.writeFileSync(path.join(out, "configmap.yaml"), YAML.stringify(configMap));
