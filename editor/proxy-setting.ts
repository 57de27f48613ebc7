/**
 * The account dialog's Proxy setting (rows `.ovh-proxy-*` in ovh-credentials.html): none, from the
 * environment (the default), a given URL with a user name and password kept as credentials, or
 * one of Node-RED's own http proxy config nodes. The runtime reads it in nodes/account/proxy.ts.
 */

function field(name: string): JQuery {
  return $('#node-config-input-' + name);
}

/** The proxy URL's validator: required for a given proxy; http(s), a host, no user name or password in it. */
export function validProxyUrl(this: { proxyFrom?: string }, value: unknown): boolean {
  const kind = field('proxyFrom').length ? field('proxyFrom').val() : this.proxyFrom;
  if (kind !== 'url') return true;
  // User name and password have fields of their own, kept as credentials: a URL is exported.
  return /^https?:\/\/[^\s/?#@]+\/?$/i.test(String(value || '').trim());
}

/** The http proxy node's validator: one must be chosen when the setting names one. */
export function validProxyNode(this: { proxyFrom?: string }, value: unknown): boolean {
  const kind = field('proxyFrom').length ? field('proxyFrom').val() : this.proxyFrom;
  return kind !== 'node' || (typeof value === 'string' && value !== '' && value !== '_ADD_');
}

/** Shows the rows of the chosen kind. */
export function prepareProxySetting(): void {
  const kind = field('proxyFrom');
  if (!kind.val()) kind.val('env');
  const refresh = () => {
    $('.ovh-proxy-url').toggle(kind.val() === 'url');
    $('.ovh-proxy-node').toggle(kind.val() === 'node');
    // Their validity depends on the kind: Node-RED checks a field again when it changes.
    field('proxyUrl').trigger('change');
    field('proxy').trigger('change');
  };
  kind.on('change', refresh);
  refresh();
}

/** The setting's values for the admin calls (Check, consumer-key request): an unchanged password stays "__PWRD__". */
export function proxyValues(): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const name of ['proxyFrom', 'proxyUrl', 'proxy', 'proxyUser', 'proxyPassword']) values[name] = field(name).val();
  // Node-RED's select of config nodes says "_ADD_" while none is chosen.
  if (values.proxy === '_ADD_') values.proxy = '';
  return values;
}
