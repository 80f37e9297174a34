// validate.mjs SCHEMA FILE: each line of FILE (JSON lines, or one document)
// against docs/schemas/SCHEMA.schema.json, the others loaded for $ref.
// Prints "ok" or each error; exits 1 on any.
import fs from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020.js";

const dir = path.join(path.dirname(new URL(import.meta.url).pathname), "../../docs/schemas");
const ajv = new Ajv2020({ allErrors: true, strict: true });
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".schema.json")))
  ajv.addSchema(JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")));
const [name, file] = process.argv.slice(2);
const validate = ajv.getSchema(`https://probe.example/schemas/${name}.schema.json`);
if (!validate) { console.log(`no schema ${name}`); process.exit(2); }
const text = fs.readFileSync(file, "utf8").trim();
const docs = text.startsWith("{") && !text.includes("}\n{") ? [text] : text.split("\n");
let bad = 0;
for (const d of docs) {
  let v;
  try { v = JSON.parse(d); } catch (e) { console.log(`not JSON: ${d.slice(0, 200)}`); bad++; continue; }
  if (!validate(v)) {
    bad++;
    console.log(`${JSON.stringify(validate.errors)} in ${d.slice(0, 300)}`);
  }
}
if (bad === 0) console.log("ok");
process.exit(bad ? 1 : 0);
