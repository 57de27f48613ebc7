/**
 * The access rules a set of calls needs: each call's own rule (its path's placeholders as `*`),
 * then only the rules no other rule already covers. No rule is wider than a call's placeholders
 * require, so a key made from them allows exactly those calls (and what their placeholders
 * stand for). Pure: the calls come from the flows, the answer goes to the consumer-key wizard.
 *
 * Whoever may read the flows asks, so the work is near-linear in the calls and has a deadline in
 * milliseconds: rules are compared only within one method, and a rule only with the rules its
 * literal prefix can reach (see PrefixIndex and SortedPaths); past the deadline, the question is
 * refused (TooMuchWorkError). The `...Work` forms may pause between slices (finishInSlices), so
 * that even the work up to the deadline never holds the runtime's event loop for long.
 */
import { locate } from './call-path';
import { appendAll } from './arrays';
import { STEPS_BETWEEN_LOOKS, WorkDeadline, finish, type Work } from './work';

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
export function ruleCovers(rule: Rule, other: Rule, deadline: WorkDeadline = rulesDeadline()): boolean {
  // A `*` of the other rule is matched only by a `*` of this one: paths hold no `*` of their own.
  return rule.method === other.method && globMatches(rule.path, other.path, deadline);
}

/** Rules or calls too many, or too intricate, to compare within the deadline. */
export class TooMuchWorkError extends RangeError {
  constructor(ms: number) {
    super(
      `Too many calls or rules to compare, or rules too intricate to match, within ${ms} ms: ` +
        'the flows using this account make more distinct calls than can be compared without holding the other flows',
    );
    this.name = 'TooMuchWorkError';
  }
}

/**
 * How long one question may work: 50 ms unless told, in milliseconds of the clock, not in steps
 * (rules come from whoever asks, and a rule such as `/*a*a*a...` makes any matcher work hard);
 * past it, the question is refused (TooMuchWorkError). With a slice length, the work also pauses
 * (see `finishInSlices`) each time it has held the event loop that long.
 */
export function rulesDeadline(ms = 50, sliceMs = Infinity): WorkDeadline {
  return new WorkDeadline(ms, sliceMs, (late) => new TooMuchWorkError(late));
}

/**
 * Whether a rule's path, where `*` stands for anything, matches a text: the two-pointer wildcard
 * match (no regular expression, so no backtracking blow-up); its steps, O(pattern x text) at
 * worst, count against the deadline as they go, so even one long match is cut short.
 */
function globMatches(pattern: string, text: string, deadline: WorkDeadline): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  let steps = 1; // a comparison costs a step even when it ends at once
  while (t < text.length) {
    if (++steps === STEPS_BETWEEN_LOOKS) {
      deadline.spend(steps);
      steps = 0;
    }
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
      deadline.spend(steps);
      return false;
    }
  }
  deadline.spend(steps);
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * A rule's path before its first `*` (the whole path if it has none). Its characters must match
 * the other path's first characters one for one, so a rule covers only paths that begin with it.
 */
function literalPrefix(path: string): string {
  const star = path.indexOf('*');
  return star === -1 ? path : path.slice(0, star);
}

/** Code-unit order, the same in every locale, and the order in which `startsWith` ranges are contiguous. */
const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The position of the first of `sorted` not before `text`. */
function lowerBound(sorted: readonly string[], text: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < text) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Items under a key, found by "which keys begin this text": the rules whose literal prefix begins
 * a path, so the only ones that may cover it. The keys are sorted, and each knows the longest
 * other key that begins it: the keys beginning a text are the chain from the last key not after
 * it, once past those that do not begin it.
 */
class PrefixIndex<T> {
  private readonly keys: string[];
  private readonly items: T[][];
  /** For each key, the position of the longest other key that begins it, or -1. */
  private readonly parent: number[] = [];

  constructor(entries: ReadonlyArray<readonly [string, T]>) {
    const byKey = new Map<string, T[]>();
    for (const [key, item] of entries) {
      const under = byKey.get(key);
      if (under) under.push(item);
      else byKey.set(key, [item]);
    }
    this.keys = [...byKey.keys()].sort(order);
    this.items = this.keys.map((key) => byKey.get(key) as T[]);
    // The keys beginning the previous key, longest last: every key between a key k and a text
    // that k begins also begins with k.
    const chain: number[] = [];
    this.keys.forEach((key, i) => {
      while (chain.length > 0 && !key.startsWith(this.keys[chain[chain.length - 1]])) chain.pop();
      this.parent.push(chain.length > 0 ? chain[chain.length - 1] : -1);
      chain.push(i);
    });
  }

  /** The items of every key that begins `text`. */
  beginning(text: string, deadline: WorkDeadline): T[] {
    let i = lowerBound(this.keys, text);
    if (this.keys[i] !== text) i--; // the last key not after the text
    while (i >= 0 && !text.startsWith(this.keys[i])) {
      deadline.spend();
      i = this.parent[i];
    }
    const found: T[] = [];
    for (; i >= 0; i = this.parent[i]) {
      deadline.spend(this.items[i].length);
      appendAll(found, this.items[i]);
    }
    return found;
  }
}

/** Items sorted by their path: those whose path begins with a text are one range. */
class SortedPaths<T> {
  private readonly paths: string[];
  private readonly sorted: T[];

  constructor(items: readonly T[], pathOf: (item: T) => string) {
    this.sorted = [...items].sort((a, b) => order(pathOf(a), pathOf(b)));
    this.paths = this.sorted.map(pathOf);
  }

  /** The items whose path begins with `prefix`, in path order. */
  beginningWith(prefix: string, deadline: WorkDeadline): T[] {
    const found: T[] = [];
    for (let i = lowerBound(this.paths, prefix); i < this.paths.length && this.paths[i].startsWith(prefix); i++) {
      deadline.spend();
      found.push(this.sorted[i]);
    }
    return found;
  }
}

/** Items grouped by method, each group in the items' order: rules of different methods never cover one another. */
function byMethod<T>(items: readonly T[], methodOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(methodOf(item));
    if (group) group.push(item);
    else groups.set(methodOf(item), [item]);
  }
  return groups;
}

/** A call's own rule while the answer is made: where it first came, and who needs it. */
interface OwnRule {
  rule: NeededRule;
  position: number;
  /** The callers as a set, once they are too many to look through (most rules have one or two). */
  callers?: Set<string>;
}

/** The fewest rules that allow every call, each listing who needs it. */
export function rulesForCalls(calls: readonly FlowCall[], deadline: WorkDeadline = rulesDeadline()): NeededRule[] {
  return finish(rulesForCallsWork(calls, deadline));
}

/** rulesForCalls, as work that may pause. */
export function* rulesForCallsWork(calls: readonly FlowCall[], deadline: WorkDeadline): Work<NeededRule[]> {
  const own = new Map<string, OwnRule>();
  for (const call of calls) {
    deadline.spend(call.path.length);
    if (deadline.sliceOver) yield;
    const rule = ruleOf(call.method, call.path);
    const key = `${rule.method} ${rule.path}`;
    let known = own.get(key);
    if (!known) own.set(key, (known = { rule: { ...rule, by: [] }, position: own.size }));
    addCaller(known, call.by);
  }
  const kept: NeededRule[] = [];
  for (const group of byMethod([...own.values()], (o) => o.rule.method).values()) {
    appendAll(kept, yield* fewestOfOneMethod(group, deadline));
  }
  return kept.sort((a, b) => order(a.path, b.path) || order(a.method, b.method));
}

/** Adds a caller to a rule's, once. */
function addCaller(to: OwnRule, by: string): void {
  const { by: callers } = to.rule;
  if (!to.callers && callers.length > 16) to.callers = new Set(callers);
  if (to.callers ? to.callers.has(by) : callers.includes(by)) return;
  to.callers?.add(by);
  callers.push(by);
}

/**
 * The rules of one method that no different, wider rule covers, each taking the callers of every
 * rule it covers, in the order the rules first came. Each rule is compared only with the rules
 * that may cover it (their literal prefix begins its path) and the rules it may cover (their path
 * begins with its literal prefix).
 */
function* fewestOfOneMethod(group: readonly OwnRule[], deadline: WorkDeadline): Work<NeededRule[]> {
  const covers = (rule: OwnRule, other: OwnRule) => globMatches(rule.rule.path, other.rule.path, deadline);
  // A path without `*` covers only itself: only rules with one may be wider than another.
  const wider = new PrefixIndex(
    group.filter((o) => o.rule.path.includes('*')).map((o) => [literalPrefix(o.rule.path), o] as const),
  );
  // A rule another (different) rule covers is not needed: its calls go under the wider one.
  const kept: OwnRule[] = [];
  for (const rule of group) {
    const widened = yield* some(
      wider.beginning(rule.rule.path, deadline),
      deadline,
      (other) => other !== rule && covers(other, rule) && !covers(rule, other),
    );
    if (!widened) kept.push(rule);
  }
  const byPath = new SortedPaths(group, (o) => o.rule.path);
  for (const rule of kept) {
    // A path without `*` covers only itself.
    if (!rule.rule.path.includes('*')) continue;
    const covered: OwnRule[] = [];
    for (const other of byPath.beginningWith(literalPrefix(rule.rule.path), deadline)) {
      if (other !== rule && covers(rule, other)) covered.push(other);
      if (deadline.sliceOver) yield;
    }
    // The callers in the order their rules first came, as when every pair was compared in that order.
    covered.sort((a, b) => a.position - b.position);
    for (const other of covered) for (const by of other.rule.by) addCaller(rule, by);
  }
  return kept.map((o) => o.rule);
}

/** Whether some item passes the test, pausing between items when the slice is over. */
function* some<T>(items: readonly T[], deadline: WorkDeadline, test: (item: T) => boolean): Work<boolean> {
  for (const item of items) {
    if (test(item)) return true;
    if (deadline.sliceOver) yield;
  }
  return false;
}

/**
 * The key's rules against the flows' calls: the calls no rule allows, and the rules no call uses.
 */
export function compareRules(
  keyRules: readonly Rule[],
  calls: readonly FlowCall[],
  deadline: WorkDeadline = rulesDeadline(),
): RulesComparison {
  return finish(compareRulesWork(keyRules, calls, deadline));
}

export interface RulesComparison {
  notAllowed: FlowCall[];
  unused: Rule[];
}

/** compareRules, as work that may pause. */
export function* compareRulesWork(
  keyRules: readonly Rule[],
  calls: readonly FlowCall[],
  deadline: WorkDeadline,
): Work<RulesComparison> {
  const needed: Array<{ call: FlowCall; rule: Rule }> = [];
  for (const call of calls) {
    deadline.spend(call.path.length);
    if (deadline.sliceOver) yield;
    needed.push({ call, rule: ruleOf(call.method, call.path) });
  }
  // The key's rules that may allow a path: those whose literal prefix begins it.
  const allowing = new Map<string, PrefixIndex<Rule>>();
  for (const [method, rules] of byMethod(keyRules, (k) => k.method)) {
    allowing.set(method, new PrefixIndex(rules.map((k) => [literalPrefix(k.path), k] as const)));
  }
  const notAllowed: FlowCall[] = [];
  for (const { call, rule } of needed) {
    const candidates = allowing.get(rule.method)?.beginning(rule.path, deadline) ?? [];
    if (!(yield* some(candidates, deadline, (k) => globMatches(k.path, rule.path, deadline)))) notAllowed.push(call);
  }
  // The calls' paths a key rule may allow: those beginning with its literal prefix.
  const paths = new Map<string, SortedPaths<string>>();
  for (const [method, group] of byMethod(needed, (n) => n.rule.method)) {
    paths.set(method, new SortedPaths([...new Set(group.map((n) => n.rule.path))], (p) => p));
  }
  const unused: Rule[] = [];
  for (const k of keyRules) {
    const candidates = paths.get(k.method)?.beginningWith(literalPrefix(k.path), deadline) ?? [];
    if (!(yield* some(candidates, deadline, (path) => globMatches(k.path, path, deadline)))) unused.push(k);
  }
  return { notAllowed, unused };
}
