/**
 * The rules for the flows' calls by their plain definition, every pair compared: the oracle the
 * product's indexed answer (nodes/client/flow-rules.ts) must equal. Quadratic, with a regular
 * expression per rule: for small or honest inputs only.
 */
import { ruleOf, type FlowCall, type NeededRule, type Rule } from '../../nodes/client';

const patterns = new Map<string, RegExp>();

/** A rule's path as a regular expression: `*` stands for anything, `/` included. */
function patternOf(path: string): RegExp {
  let pattern = patterns.get(path);
  if (!pattern) {
    const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    pattern = new RegExp(`^${path.split('*').map(literal).join('[\\s\\S]*')}$`);
    if (patterns.size > 10_000) patterns.clear();
    patterns.set(path, pattern);
  }
  return pattern;
}

export function coversByDefinition(rule: Rule, other: Rule): boolean {
  return rule.method === other.method && patternOf(rule.path).test(other.path);
}

/** Each call's own rule; the rules no different, wider rule covers, each with the callers of all it covers. */
export function rulesByDefinition(calls: readonly FlowCall[]): NeededRule[] {
  const own = new Map<string, NeededRule>();
  for (const call of calls) {
    const rule = ruleOf(call.method, call.path);
    const key = `${rule.method} ${rule.path}`;
    const known = own.get(key) ?? { ...rule, by: [] };
    if (!known.by.includes(call.by)) known.by.push(call.by);
    own.set(key, known);
  }
  const rules = [...own.values()];
  const covers = coversByDefinition;
  const kept = rules.filter((rule) => !rules.some((other) => other !== rule && covers(other, rule) && !covers(rule, other)));
  for (const rule of kept) {
    for (const other of rules) {
      if (other !== rule && covers(rule, other)) for (const by of other.by) if (!rule.by.includes(by)) rule.by.push(by);
    }
  }
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return kept.sort((a, b) => order(a.path, b.path) || order(a.method, b.method));
}

/** The calls no key rule allows, and the key rules no call uses. */
export function compareByDefinition(
  keyRules: readonly Rule[],
  calls: readonly FlowCall[],
): { notAllowed: FlowCall[]; unused: Rule[] } {
  const needed = calls.map((call) => ({ call, rule: ruleOf(call.method, call.path) }));
  return {
    notAllowed: needed.filter(({ rule }) => !keyRules.some((k) => coversByDefinition(k, rule))).map(({ call }) => call),
    unused: keyRules.filter((k) => !needed.some(({ rule }) => coversByDefinition(k, rule))),
  };
}
