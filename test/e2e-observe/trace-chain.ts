import type { ReceivedSpan } from './otlp-json-receiver';

/**
 * The spans from `leaf` up to its root, following parent ids within one trace (leaf first). Stops at a span
 * whose parent was never received, which the caller sees as a root that is not the real one.
 */
export function ancestry(leaf: ReceivedSpan, spans: readonly ReceivedSpan[]): ReceivedSpan[] {
  const byId = new Map(spans.filter((s) => s.traceId === leaf.traceId).map((s) => [s.spanId, s]));
  const path = [leaf];
  const seen = new Set([leaf.spanId]);
  let current = leaf;
  while (current.parentSpanId) {
    const parent = byId.get(current.parentSpanId);
    if (!parent || seen.has(parent.spanId)) break;
    path.push(parent);
    seen.add(parent.spanId);
    current = parent;
  }
  return path;
}

/** Services in the order a request passed them, consecutive repeats collapsed: root first. */
export function serviceHops(path: readonly ReceivedSpan[]): string[] {
  const hops: string[] = [];
  for (const span of [...path].reverse()) {
    if (hops[hops.length - 1] !== span.service) hops.push(span.service);
  }
  return hops;
}

/** One line per span, root first, for a readable failure message. */
export function describePath(path: readonly ReceivedSpan[]): string {
  return [...path]
    .reverse()
    .map(
      (s) =>
        `${s.service} | ${s.scope} | kind ${s.kind} | ${s.name} | ${s.spanId} <- ${s.parentSpanId || 'root'}`,
    )
    .join('\n');
}
