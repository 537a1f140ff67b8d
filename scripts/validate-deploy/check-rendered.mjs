#!/usr/bin/env node
// The project's deployment rules, checked on rendered kustomize output (schemas cannot say these):
//   node check-rendered.mjs <rendered.yaml>...
// Exits 1 listing every broken rule. Each file is one rendered kustomization (base, dev, prod, ...).
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseAllDocuments } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAX_RETENTION_MS = 28 * 24 * 60 * 60 * 1000;

/** Secret keys documented in k8s/examples/secret.example.yaml, by secret name. */
function documentedSecretKeys() {
  const keys = new Map();
  const text = readFileSync(join(ROOT, 'k8s/examples/secret.example.yaml'), 'utf8');
  for (const doc of parseAllDocuments(text)) {
    const secret = doc.toJS();
    if (secret?.kind === 'Secret')
      keys.set(secret.metadata.name, new Set(Object.keys(secret.stringData ?? {})));
  }
  // Written by the MongoDB operator from salla-odoo-sync-mongodb-password (or by hand with another MongoDB).
  keys.set('salla-odoo-sync-mongodb-uri', new Set(['connectionString.standard']));
  return keys;
}

function load(file) {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
      return doc.toJS();
    })
    .filter(Boolean);
}

const matches = (selector, labels) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v) &&
  Object.keys(selector ?? {}).length > 0;

function check(file, objects, secretKeys) {
  const problems = [];
  const say = (obj, msg) => problems.push(`${basename(file)}: ${obj.kind}/${obj.metadata?.name}: ${msg}`);
  const byKind = (kind) => objects.filter((o) => o.kind === kind);
  const deployments = byKind('Deployment');

  for (const o of byKind('Secret')) say(o, 'secrets must be created out of band, never rendered');

  for (const d of deployments) {
    const pod = d.spec.template.spec;
    if (pod.securityContext?.runAsNonRoot !== true) say(d, 'pod must set runAsNonRoot: true');
    if (!pod.topologySpreadConstraints?.length) say(d, 'no topologySpreadConstraints');
    const tmp = pod.volumes?.find((v) => v.emptyDir);
    for (const c of pod.containers) {
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (!c[probe]) say(d, `container ${c.name} has no ${probe}`);
      }
      if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory || !c.resources?.limits?.memory) {
        say(d, `container ${c.name} needs cpu/memory requests and a memory limit`);
      }
      const sc = c.securityContext ?? {};
      if (sc.readOnlyRootFilesystem !== true)
        say(d, `container ${c.name} must have a read-only root filesystem`);
      if (sc.allowPrivilegeEscalation !== false)
        say(d, `container ${c.name} must forbid privilege escalation`);
      if (!sc.capabilities?.drop?.includes('ALL')) say(d, `container ${c.name} must drop ALL capabilities`);
      if (!tmp || !c.volumeMounts?.some((m) => m.name === tmp.name && m.mountPath === '/tmp')) {
        say(d, `container ${c.name} needs an emptyDir on /tmp (read-only root filesystem)`);
      }
      for (const env of c.env ?? []) {
        const ref = env.valueFrom?.secretKeyRef;
        if (ref && !secretKeys.get(ref.name)?.has(ref.key)) {
          say(
            d,
            `${env.name} reads ${ref.name}/${ref.key}, which k8s/examples/secret.example.yaml does not document`,
          );
        }
      }
    }
  }

  for (const s of byKind('Service')) {
    if (!deployments.some((d) => matches(s.spec.selector, d.spec.template.metadata.labels))) {
      say(s, 'selects no Deployment');
    }
  }

  const scaled = new Map();
  for (const h of byKind('HorizontalPodAutoscaler')) scaled.set(h.spec.scaleTargetRef.name, h);
  for (const so of byKind('ScaledObject')) {
    const target = so.spec.scaleTargetRef.name;
    if (scaled.has(target)) say(so, `${target} is already scaled by ${scaled.get(target).kind}`);
    scaled.set(target, so);
  }
  for (const [target, scaler] of scaled) {
    if (!deployments.some((d) => d.metadata.name === target))
      say(scaler, `targets missing Deployment ${target}`);
  }
  for (const pdb of byKind('PodDisruptionBudget')) {
    const d = deployments.find((x) =>
      matches(pdb.spec.selector.matchLabels, x.spec.template.metadata.labels),
    );
    if (!d) say(pdb, 'selects no Deployment');
    else if (pdb.spec.minAvailable !== undefined && pdb.spec.minAvailable >= (d.spec.replicas ?? 1)) {
      say(
        pdb,
        `minAvailable ${pdb.spec.minAvailable} with ${d.spec.replicas} replicas would block every drain`,
      );
    }
  }

  // Only the gateway takes traffic from outside the namespace, apart from Prometheus scraping /metrics.
  const policies = byKind('NetworkPolicy');
  if (
    !policies.some((p) => Object.keys(p.spec.podSelector).length > 0 && !p.spec.ingress && !p.spec.egress)
  ) {
    problems.push(`${basename(file)}: no default-deny NetworkPolicy`);
  }
  for (const p of policies) {
    const selected = p.spec.podSelector.matchLabels?.['app.kubernetes.io/name'];
    for (const rule of p.spec.ingress ?? []) {
      for (const peer of rule.from ?? []) {
        const ns = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
        if (peer.ipBlock || (peer.namespaceSelector && ns !== 'monitoring' && selected !== 'gateway')) {
          say(p, `lets outside traffic into ${selected ?? 'pods'} other than the gateway`);
        }
      }
    }
  }

  const nodes = byKind('KafkaNodePool').reduce((n, pool) => n + (pool.spec.replicas ?? 0), 0);
  for (const t of byKind('KafkaTopic')) {
    const cfg = t.spec.config ?? {};
    if (!(Number(cfg['retention.ms']) > 0 && Number(cfg['retention.ms']) <= MAX_RETENTION_MS)) {
      say(t, `retention.ms ${cfg['retention.ms']} must be set and at most 28 days`);
    }
    if (!(cfg['min.insync.replicas'] <= t.spec.replicas)) say(t, 'min.insync.replicas exceeds replicas');
    if (nodes > 0 && t.spec.replicas > nodes) say(t, `${t.spec.replicas} replicas on ${nodes} Kafka nodes`);
  }
  return problems;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: check-rendered.mjs <rendered.yaml>...');
  process.exit(2);
}
const secretKeys = documentedSecretKeys();
const problems = files.flatMap((f) => check(f, load(f), secretKeys));
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`check-rendered: ${files.length} renderings follow the deployment rules`);
