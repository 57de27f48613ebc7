/**
 * Context store plugins for Node-RED's `contextStorage` setting (`{ module: silentStore }`), as a
 * user would configure a store module: one whose reads and writes never call back (a remote
 * store whose server stopped answering), and a memory store that starts with given values (a
 * file store holding what another version, or a hand, wrote).
 */

type Callback = (err?: unknown, value?: unknown) => void;

/** What the runtime calls on a store (Node-RED's context store API). */
interface ContextStore {
  open(): Promise<void>;
  close(): Promise<void>;
  get(scope: string, key: string, callback?: Callback): unknown;
  set(scope: string, key: string, value: unknown, callback?: Callback): void;
  keys(scope: string, callback?: Callback): unknown;
  delete(scope: string): Promise<void>;
  clean(activeNodes: string[]): Promise<void>;
}

/** Every read and write made of silent stores so far, by kind. */
export const silentCalls = { get: 0, set: 0 };

/** A store whose get, set and keys never call back; opening, closing and cleaning work. */
export function silentStore(): ContextStore {
  return {
    open: () => Promise.resolve(),
    close: () => Promise.resolve(),
    get: () => {
      silentCalls.get++;
    },
    set: () => {
      silentCalls.set++;
    },
    keys: () => undefined,
    delete: () => Promise.resolve(),
    clean: () => Promise.resolve(),
  };
}

/** A memory store holding `config.values` (by scope, then key) from the start. */
export function seededStore(config: { values?: Record<string, Record<string, unknown>> }): ContextStore {
  const data: Record<string, Record<string, unknown>> = { ...config.values };
  const answer = (callback: Callback | undefined, value?: unknown) => {
    if (callback) callback(undefined, value);
    return value;
  };
  return {
    open: () => Promise.resolve(),
    close: () => Promise.resolve(),
    get: (scope, key, callback) => answer(callback, data[scope]?.[key]),
    set: (scope, key, value, callback) => {
      (data[scope] ??= {})[key] = value;
      answer(callback);
    },
    keys: (scope, callback) => answer(callback, Object.keys(data[scope] ?? {})),
    delete: (scope) => {
      delete data[scope];
      return Promise.resolve();
    },
    clean: () => Promise.resolve(),
  };
}
