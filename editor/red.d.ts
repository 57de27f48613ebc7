/**
 * What the dialogs use of Node-RED's editor: the `RED` global and the jQuery widgets it adds
 * (jQuery itself is typed by @types/jquery). Typed here as used, no more:
 * @types/node-red__editor-client lags Node-RED 4 and 5.
 */

/** A node or config node as the editor holds it: its properties by name. */
interface RedNode {
  id: string;
  type: string;
  name?: string;
  [property: string]: unknown;
}

/** A number setting's bounds, as the runtime hands them over. */
interface RedBound {
  min: number;
  max: number;
  default: number;
}

interface RedNotification {
  close(): void;
}

interface RedPopoverMenu {
  show(options: { target: JQuery }): void;
}

interface RedEditorApi {
  _(key: string, substitutions?: Record<string, unknown>): string;
  settings: {
    ovhRequestBounds?: Record<string, RedBound>;
    ovhWatchBounds?: Record<string, RedBound>;
    ovhCredentialsRegions?: Array<{ name: string; baseUrl: string; createAppUrl: string; oauth2: boolean }>;
    ovhCredentialsPresets?: Record<string, string[]>;
    context?: { stores?: string[] };
    ovhCredentialsEnvironmentEndpoint?: { endpoint: string; baseUrl?: string; problem?: string } | null;
  };
  nodes: {
    node(id: string): RedNode | null;
    eachConfig(visit: (node: RedNode) => void): void;
    eachNode(visit: (node: RedNode) => void): void;
    /** The flows as last loaded or deployed: what the runtime runs. */
    originalFlow(): RedNode[] | null;
  };
  user?: { hasPermission?(permission: string): boolean };
  utils: {
    validateTypedProperty?(value: string, type: string): boolean | string;
    getNodeLabel(node: { id: string }, fallback: string): string;
  };
  popover: {
    panel(content: JQuery): { container: JQuery; show(options: { target: JQuery }): void; hide(): void };
    menu(options: {
      width: number;
      maxHeight: number;
      class: string;
      options: Array<{ value: string; label: JQuery }>;
      onselect(option: { value: string }): void;
    }): RedPopoverMenu;
  };
  notify(
    message: JQuery,
    options: {
      modal: boolean;
      fixed: boolean;
      type: string;
      buttons: Array<{ text: string; class?: string; click(): void }>;
    },
  ): RedNotification;
}

declare const RED: RedEditorApi;

/** A TypedInput type: a name of Node-RED's, or one of the dialog's own with its options. */
type TypedInputType = string | { value: string; label: string; options: string[] };

interface EditableListOptions<T> {
  addButton?: string | boolean;
  removable?: boolean;
  sortable?: boolean;
  height?: number | 'auto';
  addItem(row: JQuery, index: number, data: T): void;
}

/** One suggestion of an autoComplete: its value, and what the list shows (text or an element). */
interface AutoCompleteOption {
  value: string;
  label: JQuery | string;
}

interface JQuery {
  typedInput(options: { types: TypedInputType[]; default?: string }): JQuery;
  typedInput(method: 'type' | 'value'): string;
  typedInput(method: 'type' | 'value', value: string): JQuery;
  editableList<T>(options: EditableListOptions<T>): JQuery;
  editableList(method: 'items'): JQuery;
  editableList(method: 'empty'): JQuery;
  editableList(method: 'length'): number;
  editableList<T>(method: 'addItem', data: T): JQuery;
  autoComplete(options: {
    minLength: number;
    search(value: string, done: (options: AutoCompleteOption[]) => void): void;
  }): JQuery;
  spinner(options: { min: number; max: number }): JQuery;
}

interface Window {
  /** The bundle, once loaded: what each node type's registration in its .html calls. */
  OvhCloudEditor?: unknown;
}
