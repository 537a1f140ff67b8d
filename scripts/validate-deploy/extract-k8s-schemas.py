#!/usr/bin/env python3
"""Extracts the Kubernetes JSON schemas that the PyPI package kubernetes-validate bundles, for kubeconform.

    extract-k8s-schemas.py <kubernetes_validate-*.whl> <kubernetes version, e.g. 1.33.0> <out dir>

The wheel's "local-strict" schemas (unknown fields are errors) point at one shared definitions file through
absolute references ("/api/_definitions.json#...") meant for that package's own resolver; they are rewritten
to a reference relative to the schema file. The "$schema" (2020-12) line is dropped: kubeconform would try to
download that meta-schema (no network here) and then silently skip the resource; its default draft validates
these schemas the same way (type, enum, properties, additionalProperties, items, $ref, oneOf/anyOf/allOf).
"""
import json
import os
import sys
import zipfile


def rewrite(node):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$schema":
                continue
            if key == "$ref" and isinstance(value, str) and value.startswith("/api/_definitions.json#"):
                value = value[len("/api"):].lstrip("/")
            out[key] = rewrite(value)
        return out
    if isinstance(node, list):
        return [rewrite(v) for v in node]
    return node


def main(wheel, version, out_dir):
    prefix = f"kubernetes_validate/kubernetes-json-schema/v{version}-local-strict/"
    os.makedirs(out_dir, exist_ok=True)
    count = 0
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if not name.startswith(prefix) or not name.endswith(".json"):
                continue
            base = name[len(prefix):]
            if "/" in base:
                continue
            schema = rewrite(json.loads(archive.read(name)))
            with open(os.path.join(out_dir, base), "w", encoding="utf-8") as f:
                json.dump(schema, f, separators=(",", ":"))
            count += 1
    if count == 0 or not os.path.exists(os.path.join(out_dir, "_definitions.json")):
        sys.exit(f"no v{version}-local-strict schemas in {wheel}")
    print(f"extract-k8s-schemas: {count} Kubernetes v{version} schemas -> {out_dir}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
