import type { Label } from '../../api/types';

/**
 * Labels as people type them, `key=value`, checked by the rules the API applies (Kubernetes'
 * label syntax, as service/domain/about.py states it), so a mistake is shown as it is typed.
 */
export const MAX_LABELS = 20;

const NAME = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

export type ParsedLabel = { label: Label; error?: undefined } | { label?: undefined; error: string };

function keyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : null;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== null && !(prefix.length > 0 && prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix)))
    return `"${key}": the prefix before "/" must be a DNS subdomain (e.g. example.com)`;
  if (!NAME.test(name))
    return `"${key}" is not a label key: up to 63 letters, digits, "-", "_" or "." that begin and end with a letter or digit`;
  return undefined;
}

/** A label as typed, `team=payments` (a value may be empty: `beta=`), or why it cannot be one. */
export function parseLabel(text: string): ParsedLabel {
  const typed = text.trim();
  const equals = typed.indexOf('=');
  if (equals < 0) return { error: `"${typed}" is not key=value (for example team=payments)` };
  const key = typed.slice(0, equals).trim();
  const value = typed.slice(equals + 1).trim();
  const badKey = keyProblem(key);
  if (badKey) return { error: badKey };
  if (value !== '' && !NAME.test(value))
    return {
      error: `"${value}" is not a label value: empty, or up to 63 letters, digits, "-", "_" or "." that begin and end with a letter or digit`,
    };
  return { label: { key, value } };
}

export function formatLabel({ key, value }: Label): string {
  return `${key}=${value}`;
}

/** The labels of a list of `key=value` texts, with the first problem found among them. */
export function parseLabels(texts: readonly string[]): { labels: Label[]; error?: string } {
  const labels: Label[] = [];
  const seen = new Set<string>();
  for (const text of texts) {
    const parsed = parseLabel(text);
    if (parsed.label === undefined) return { labels, error: parsed.error };
    if (seen.has(parsed.label.key)) return { labels, error: `The key "${parsed.label.key}" is given more than once` };
    seen.add(parsed.label.key);
    labels.push(parsed.label);
  }
  if (labels.length > MAX_LABELS) return { labels, error: `${labels.length} labels: at most ${MAX_LABELS}` };
  return { labels };
}
