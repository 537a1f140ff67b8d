#!/usr/bin/env node
// Turns CustomResourceDefinition YAML files into the JSON schemas kubeconform looks up for custom resources:
//   node crd-to-json-schema.mjs --out <dir> <crd.yaml>...
// writes <dir>/<group>/<kind lower-case>_<version>.json for every served version. The schemas are made
// strict like Kubernetes' own (an unknown field is an error, as the API server's field validation would
// report it), except where the CRD says x-kubernetes-preserve-unknown-fields.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseAllDocuments } from 'yaml';

/** OpenAPI v3 (structural CRD schema) -> JSON Schema draft 4+ as kubeconform validates it. */
export function toJsonSchema(node) {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' || key === 'patternProperties' || key === 'definitions') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v)]));
    } else if (['items', 'additionalProperties', 'not', 'anyOf', 'allOf', 'oneOf'].includes(key)) {
      out[key] = typeof value === 'boolean' ? value : toJsonSchema(value);
    } else {
      out[key] = value;
    }
  }
  if (out['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    if (!out.anyOf && !out.oneOf) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (out.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    delete out.nullable;
  }
  if (
    out.type === 'object' &&
    out.properties &&
    out.additionalProperties === undefined &&
    out['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    out.additionalProperties = false;
  }
  return out;
}

function main(argv) {
  const outIndex = argv.indexOf('--out');
  if (outIndex < 0 || !argv[outIndex + 1]) {
    console.error('usage: crd-to-json-schema.mjs --out <dir> <crd.yaml>...');
    process.exit(2);
  }
  const outDir = argv[outIndex + 1];
  const files = argv.filter((_, i) => i !== outIndex && i !== outIndex + 1);
  let written = 0;
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      const { group, names, versions } = crd.spec;
      for (const version of versions) {
        const schema = version.schema?.openAPIV3Schema;
        if (!version.served || !schema) continue;
        const dir = join(outDir, group);
        mkdirSync(dir, { recursive: true });
        const target = join(dir, `${names.kind.toLowerCase()}_${version.name}.json`);
        writeFileSync(target, JSON.stringify(toJsonSchema(schema), null, 1));
        written++;
      }
    }
  }
  if (written === 0) {
    console.error('no CRD schema found in', files.join(' '));
    process.exit(1);
  }
  console.log(`crd-to-json-schema: ${written} schemas from ${files.length} files -> ${outDir}`);
}

main(process.argv.slice(2));
