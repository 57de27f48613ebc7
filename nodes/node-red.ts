/**
 * The small part of the Node-RED runtime API these nodes use, typed here so the package does
 * not depend on typings of another Node-RED version than the one it runs in.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type NodeMessage = Record<string, unknown> & { _msgid?: string };

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null> | null) => void;
export type Done = (err?: Error) => void;

export interface Node {
  id: string;
  type: string;
  name?: string;
  credentials: Record<string, string | undefined>;
  on(event: 'input', handler: (msg: NodeMessage, send: Send, done: Done) => void): void;
  on(event: 'close', handler: (removed: boolean, done: () => void) => void): void;
  send(msg: NodeMessage | Array<NodeMessage | null> | null): void;
  status(status: NodeStatus | Record<string, never>): void;
  log(message: string): void;
  warn(message: string): void;
  error(message: string | Error, msg?: NodeMessage): void;
  /** The node's own context; `store` names a context store (undefined: the default one). */
  context(): NodeContext;
}

export interface NodeContext {
  get(key: string, store: string | undefined, callback: (err: Error | null | undefined, value?: unknown) => void): void;
  set(key: string, value: unknown, store: string | undefined, callback: (err?: Error | null) => void): void;
}

export interface NodeDef {
  id: string;
  type: string;
  name?: string;
  [key: string]: unknown;
}

export interface AdminRequest extends IncomingMessage {
  body?: unknown;
}

export interface AdminResponse extends ServerResponse {
  json(body: unknown): void;
  status(code: number): AdminResponse;
}

/** A JSONata expression prepared once per node. */
export type JsonataExpression = { readonly __brand?: 'jsonata' };

export type AdminHandler = (req: AdminRequest, res: AdminResponse, next?: () => void) => void;

export interface NodeAPI {
  nodes: {
    createNode(node: object, def: NodeDef): void;
    registerType<N extends Node, D extends NodeDef>(
      type: string,
      constructor: (this: N, def: D) => void,
      options?: { credentials?: Record<string, { type: 'text' | 'password' }>; settings?: Record<string, unknown> },
    ): void;
    getNode(id: string): Node | null;
  };
  httpAdmin: { post(path: string, ...handlers: AdminHandler[]): void; get(path: string, ...handlers: AdminHandler[]): void };
  /** The runtime's settings (userDir: where Node-RED keeps its files). */
  settings?: { userDir?: string };
  auth: { needsPermission(permission: string): AdminHandler };
  util: {
    cloneMessage<T>(msg: T): T;
    generateId(): string;
    /** A TypedInput value (str, num, bool, json, env, msg, flow, global...); the callback form is asynchronous. */
    evaluateNodeProperty(value: unknown, type: string, node: Node, msg: NodeMessage | null): unknown;
    evaluateNodeProperty(
      value: unknown,
      type: string,
      node: Node,
      msg: NodeMessage | null,
      callback: (err: Error | null | undefined, result?: unknown) => void,
    ): void;
    getMessageProperty(msg: NodeMessage, expression: string): unknown;
    /** Throws for an expression that is not a property path. */
    normalisePropertyExpression(expression: string, msg?: NodeMessage): unknown[];
    prepareJSONataExpression(expression: string, node: Node): JsonataExpression;
    evaluateJSONataExpression(
      expression: JsonataExpression,
      msg: NodeMessage,
      callback: (err: Error | null | undefined, result?: unknown) => void,
    ): void;
  };
  log: { warn(message: string): void; error(message: string): void; info(message: string): void };
  _(key: string, substitutions?: Record<string, unknown>): string;
}
