/**
 * The access rules a set of calls needs: each call's own rule (its path's placeholders as `*`),
 * then only the rules no other rule already covers. No rule is wider than a call's placeholders
 * require, so a key made from them allows exactly those calls (and what their placeholders
 * stand for). Pure: the calls come from the flows, the answer goes to the consumer-key wizard.
 */
import { locate } from './call-path';

/** An access rule as the API writes it (a method, a path where `*` stands for anything). */
export interface Rule {
  method: string;
  path: string;
}

/** One call a flow makes, and who makes it (a node id, or any label). */
export interface FlowCall {
  method: string;
  path: string;
  by: string;
}

export interface NeededRule extends Rule {
  /** Who makes a call this rule allows. */
  by: string[];
}

/** The rule one call needs: `GET /domain/zone/{zoneName}/record` -> `GET /domain/zone/*\/record`. */
export function ruleOf(method: string, path: string): Rule {
  return { method: method.toUpperCase(), path: locate(path.trim()).path.replace(/\{[^/{}]*\}/g, '*') };
}

/**
 * Whether an access rule allows a call or covers another rule: the same method, and its path,
 * where `*` stands for anything (`/` included, as the API reads rules), matches. `/domain/zone/*`
 * covers `/domain/zone/*\/record` but not `/domain/zone` itself.
 */
export function ruleCovers(rule: Rule, other: Rule, budget: WorkBudget = new WorkBudget()): boolean {
  // A `*` of the other rule is matched only by a `*` of this one: paths hold no `*` of their own.
  return rule.method === other.method && globMatches(rule.path, other.path, budget);
}

/**
 * How much matching one question may cost. Rules come from whoever asks (a flow, a key), and a
 * rule such as `/*a*a*a...` makes any matcher work hard: past the budget, the question is refused.
 */
export class WorkBudget {
  constructor(private left = 20_000_000) {}

  spend(steps: number): void {
    this.left -= steps;
    if (this.left < 0) throw new RangeError('Too many calls or rules, or rules too intricate, to compare');
  }
}

/**
 * Whether a rule's path, where `*` stands for anything, matches a text: the two-pointer wildcard
 * match (no regular expression, so no backtracking blow-up), its steps counted against the budget.
 */
function globMatches(pattern: string, text: string, budget: WorkBudget): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  let steps = 0;
  while (t < text.length) {
    steps++;
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (star !== -1) {
      p = star + 1;
      t = ++mark;
    } else {
      budget.spend(steps);
      return false;
    }
  }
  budget.spend(steps);
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** The fewest rules that allow every call, each listing who needs it. */
export function rulesForCalls(calls: readonly FlowCall[]): NeededRule[] {
  const own = new Map<string, NeededRule>();
  for (const call of calls) {
    const rule = ruleOf(call.method, call.path);
    const key = `${rule.method} ${rule.path}`;
    const known = own.get(key) ?? { ...rule, by: [] };
    if (!known.by.includes(call.by)) known.by.push(call.by);
    own.set(key, known);
  }
  const rules = [...own.values()];
  // One budget for the whole answer: every pair is compared, and whoever may read the flows asks.
  const budget = new WorkBudget();
  const covers = (rule: Rule, other: Rule) => ruleCovers(rule, other, budget);
  // A rule another (different) rule covers is not needed: its calls go under the wider one.
  const kept = rules.filter((rule) => !rules.some((other) => other !== rule && covers(other, rule) && !covers(rule, other)));
  for (const rule of kept) {
    for (const other of rules) {
      if (other !== rule && covers(rule, other)) for (const by of other.by) if (!rule.by.includes(by)) rule.by.push(by);
    }
  }
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0); // the same in every locale
  return kept.sort((a, b) => order(a.path, b.path) || order(a.method, b.method));
}

/**
 * The key's rules against the flows' calls: the calls no rule allows, and the rules no call uses.
 */
export function compareRules(keyRules: readonly Rule[], calls: readonly FlowCall[]): { notAllowed: FlowCall[]; unused: Rule[] } {
  const needed = calls.map((call) => ({ call, rule: ruleOf(call.method, call.path) }));
  const budget = new WorkBudget();
  return {
    notAllowed: needed.filter(({ rule }) => !keyRules.some((k) => ruleCovers(k, rule, budget))).map(({ call }) => call),
    unused: keyRules.filter((k) => !needed.some(({ rule }) => ruleCovers(k, rule, budget))),
  };
}
