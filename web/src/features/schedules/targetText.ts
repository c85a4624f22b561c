import type { Target } from '../../api/types';

/** The form's choice of "no target": the namespace's default. No target name has a colon. */
export const DEFAULT_CHOICE = ':default';

export interface TargetChoice {
  value: string;
  label: string;
}

function defaultOf(targets: Target[] | undefined): Target | undefined {
  return targets?.find((target) => target.default);
}

function named(target: Target): string {
  return target.builtIn ? `${target.name}, the stack's queue` : target.name;
}

/** A schedule's target in a word or two: its name, or the namespace's default and which one that is. */
export function targetLabel(name: string | null, targets: Target[] | undefined): string {
  if (name !== null) return name;
  const fallback = defaultOf(targets);
  return fallback && fallback.name !== 'default' ? `default (${fallback.name})` : 'default';
}

/** The target runs to `name` (null: the default) are delivered to, when the namespace has it. */
export function targetOf(name: string | null, targets: Target[] | undefined): Target | undefined {
  return name === null ? defaultOf(targets) : targets?.find((t) => t.name === name);
}

export function targetUrl(name: string | null, targets: Target[] | undefined): string | undefined {
  return targetOf(name, targets)?.url;
}

/**
 * The form's choices: the namespace's default first, then each target by name. The target the
 * schedule names stays a choice while the targets load, and marked if the namespace no longer has it.
 */
export function targetChoices(targets: Target[] | undefined, current: string | null): TargetChoice[] {
  const fallback = defaultOf(targets);
  let defaultText = "The namespace's default";
  if (fallback) defaultText += ` (${named(fallback)})`;
  else if (targets) defaultText += ' (it has none: choose a target)';
  const choices = (targets ?? []).map((target) => ({ value: target.name, label: named(target) }));
  if (current !== null && !choices.some((choice) => choice.value === current))
    choices.push({ value: current, label: targets ? `${current} (no longer a target of this namespace)` : current });
  return [{ value: DEFAULT_CHOICE, label: defaultText }, ...choices];
}

/** Why the chosen target cannot be saved, as far as the loaded targets tell; the API judges the rest. */
export function targetError(current: string | null, targets: Target[] | undefined): string | undefined {
  if (!targets) return undefined;
  if (current === null && !defaultOf(targets))
    return 'This namespace has no default target: choose one, or ask an operator to add a default one';
  if (current !== null && !targets.some((target) => target.name === current))
    return `${current} is not a target of this namespace`;
  return undefined;
}
