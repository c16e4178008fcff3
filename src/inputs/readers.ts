// The readers of raw inputs: the only code that calls core.getInput and its kin.
import * as core from '@actions/core';
import { q, type Problems } from './problems.js';

export const str = (name: string): string => core.getInput(name);

/** Comma- and/or newline-separated list, trimmed, empties dropped. */
export function list(name: string): string[] {
  return core
    .getMultilineInput(name)
    .flatMap((line) => line.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function bool(p: Problems, name: string, fallback: boolean): boolean {
  if (str(name) === '') return fallback;
  try {
    return core.getBooleanInput(name);
  } catch {
    p.add(name, `${q(str(name))} is not a boolean`, 'write true or false');
    return fallback;
  }
}

export function numberIn(
  p: Problems,
  name: string,
  fallback: number,
  { min, max }: { min: number; max: number },
  whole: boolean,
): number {
  const raw = str(name);
  if (raw === '') return fallback;
  const shape = whole ? /^[+-]?\d+$/ : /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
  const n = Number(raw);
  if (!shape.test(raw) || !Number.isFinite(n) || n < min || n > max) {
    p.add(
      name,
      `${q(raw)} is not ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}`,
      `write one, e.g. ${fallback}`,
    );
    return fallback;
  }
  return n;
}
