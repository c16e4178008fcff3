// The restore's rename rule (rename-pattern / rename-replacement) read the way OpenSearch applies it:
// Java's String.replaceAll. OpenSearch gets the user's text unchanged; this module predicts the target
// names for the plan and refuses, at input validation, what it cannot predict exactly — one reading for
// both, so a pattern that passes validation never breaks the preflight.

/** A pattern compiled for prediction, with its groups; or why it cannot be. */
export type CompiledPattern = { regexp: RegExp; groups: number; named: Set<string> } | { refused: string };

/**
 * Translates the Java constructs that have a JavaScript reading and refuses the rest. A leading `(?i)` becomes
 * the `i` flag (the same matches for ASCII letters, which is what index names hold); d, m, s and u change
 * nothing on a name without line breaks. Flags later in the pattern or scoped to a group, atomic groups,
 * possessive quantifiers and `\p{…}` classes have no JavaScript reading that keeps Java's matches: refused.
 */
export function compilePattern(pattern: string): CompiledPattern {
  let source = pattern;
  let flags = 'g';
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(source);
  if (lead) {
    const set = lead[1]!;
    if (!/^[idmsu]+$/.test(set))
      return { refused: `starts with the flags (?${set}); only i, d, m, s and u can be read the way Java reads them` };
    if (set.includes('i')) flags += 'i';
    source = source.slice(lead[0].length);
  }
  const javaOnly: Array<[RegExp, string]> = [
    [/\(\?[a-zA-Z-]+[):]/, 'has inline flags after the start or scoped to a group (write (?i) once, at the start)'],
    [/\(\?>/, 'has an atomic group (?>…)'],
    [/(?:[*+?}])\+/, 'has a possessive quantifier (*+, ++, ?+, {n}+)'],
    [/\\[pP]\{/, 'has a \\p{…} character class'],
  ];
  // Escaped characters (\( or \+) and character classes ([*+]) hold literals, not constructs.
  const bare = source.replace(/\\[^pP]/g, '__').replace(/\[(?:\\.|[^\]\\])*\]/g, '[]');
  for (const [construct, what] of javaOnly) if (construct.test(bare)) return { refused: what };
  let regexp: RegExp;
  try {
    regexp = new RegExp(source, flags);
  } catch (e) {
    return { refused: `is not a valid regular expression (${(e as Error).message})` };
  }
  // The empty alternative matches '', which exposes every group of the pattern.
  const groups = new RegExp(`(?:${source})|`).exec('')!.length - 1;
  const named = new Set([...source.matchAll(/\(\?<([a-zA-Z][a-zA-Z0-9]*)>/g)].map((m) => m[1]!));
  return { regexp, groups, named };
}

export type ReplacementPart = { literal: string } | { group: number } | { name: string };

/**
 * Java's Matcher.appendReplacement: `$n` (the first digit always, more digits while they still name a
 * group), `${name}`, and `\x` for a literal x. Returns the parts, or why the replacement is refused.
 */
export function parseReplacement(
  replacement: string,
  groups: number,
  named: Set<string>,
): { parts: ReplacementPart[] } | { refused: string } {
  const parts: ReplacementPart[] = [];
  let literal = '';
  const flush = () => {
    if (literal) parts.push({ literal });
    literal = '';
  };
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\') {
      if (++i >= replacement.length) return { refused: 'ends with a lone backslash' };
      literal += replacement[i];
    } else if (c === '$' && replacement[i + 1] === '{') {
      const end = replacement.indexOf('}', i);
      const name = end < 0 ? '' : replacement.slice(i + 2, end);
      if (!named.has(name)) return { refused: `refers to \${${name}}, which rename-pattern does not define` };
      flush();
      parts.push({ name });
      i = end;
    } else if (c === '$') {
      const first = replacement[i + 1];
      if (first === undefined || !/\d/.test(first))
        return { refused: 'has a $ that is not followed by a group number' };
      let g = Number(first);
      if (g > groups) return { refused: `refers to $${g} but rename-pattern has ${groups} group(s)` };
      i++;
      while (/\d/.test(replacement[i + 1] ?? '') && g * 10 + Number(replacement[i + 1]) <= groups)
        g = g * 10 + Number(replacement[++i]);
      flush();
      parts.push({ group: g });
    } else literal += c;
  }
  flush();
  return { parts };
}

export interface RenameRule {
  pattern: string;
  replacement: string;
}

const compiled = new Map<string, (index: string) => string>();

/** The name OpenSearch gives `index` under the rule (Java's replaceAll, predicted). Throws on a refused rule. */
export function applyRename(index: string, rule: RenameRule): string {
  const key = `${rule.pattern}\u0000${rule.replacement}`;
  let apply = compiled.get(key);
  if (!apply) {
    const p = compilePattern(rule.pattern);
    if ('refused' in p) throw new Error(`rename-pattern ${p.refused}`);
    const r = parseReplacement(rule.replacement, p.groups, p.named);
    if ('refused' in r) throw new Error(`rename-replacement ${r.refused}`);
    const { regexp } = p;
    const { parts } = r;
    apply = (name) =>
      name.replace(regexp, (...args: unknown[]) => {
        const last = args.at(-1);
        const namedGroups = (typeof last === 'object' && last !== null ? last : {}) as Record<
          string,
          string | undefined
        >;
        return parts
          .map((part) =>
            'literal' in part
              ? part.literal
              : 'group' in part
                ? ((args[part.group] as string | undefined) ?? '')
                : (namedGroups[part.name] ?? ''),
          )
          .join('');
      });
    compiled.set(key, apply);
  }
  return apply(index);
}
