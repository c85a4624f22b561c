import type { Problem } from '../api/types';

/**
 * The API's validation problems, placed beside the form fields they name (`fieldOf` maps the
 * API's field names, or the first part of a dotted one, to the form's); the rest stay general.
 */
export function placeProblems<F extends string>(
  problems: Problem[],
  fieldOf: Partial<Record<string, F>>,
): { fields: Partial<Record<F, string>>; general: string[] } {
  const fields: Partial<Record<F, string>> = {};
  const general: string[] = [];
  for (const { field, message } of problems) {
    const name = fieldOf[field] ?? fieldOf[field.split('.')[0]];
    const text = `${field} ${message}`;
    if (!name) general.push(text);
    else fields[name] = fields[name] ? `${fields[name]}; ${text}` : text;
  }
  return { fields, general };
}
