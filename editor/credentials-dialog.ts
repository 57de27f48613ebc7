/** The ovh-credentials dialog: what its registration in ovh-credentials.html delegates to. */
import { METHODS } from '../nodes/client/methods';
import { failureText, post } from './admin';
import { gatherCalls, type FlowNode } from './flow-calls';
import { prepareIamPolicy } from './iam-policy';
import { messages } from './i18n';
import { prepareProxySetting, proxyValues } from './proxy-setting';
export { validProxyNode, validProxyUrl } from './proxy-setting';

type CredentialsNode = RedNode & { endpoint?: string; url?: string };

const text = messages('ovh-credentials');
/** A message of the dialog's catalogue, by its key under `ovh-credentials.`. */
const _ = (key: string, substitutions?: Record<string, unknown>) => text('ovh-credentials.' + key, substitutions);

// What the dialog knows of the API comes from the runtime (ovh-credentials.ts), one home: the
// regions (name, base URL, where to create an application, whether OAuth2 is offered), the
// access-rule presets, and which credentials are secrets.
function regions() {
  return RED.settings.ovhCredentialsRegions || [];
}
function presets(): Record<string, string[]> {
  return RED.settings.ovhCredentialsPresets || {};
}
function region(name: unknown) {
  return regions().find((r) => r.name === name);
}

function field(name: string): JQuery {
  return $('#node-config-input-' + name);
}

/** The base URL's validator: required for a custom endpoint. */
export function validUrl(this: CredentialsNode, value: unknown): boolean {
  const endpoint = field('endpoint').length ? field('endpoint').val() : this.endpoint;
  return endpoint !== 'custom' || /^https?:\/\/[^\s/?#]+[^\s?#]*$/i.test(String(value || ''));
}

/** The token URL's validator: empty, or an http(s) URL. */
export function validTokenUrl(value: unknown): boolean {
  return !value || /^https?:\/\/\S+$/i.test(String(value));
}

export function label(this: CredentialsNode): string {
  return this.name || (this.endpoint === 'custom' ? this.url : this.endpoint) || 'ovh-credentials';
}

/** The dialog's values, as the admin endpoints read them. Unchanged secrets stay "__PWRD__". */
function dialogValues(node: CredentialsNode): Record<string, unknown> {
  const values: Record<string, unknown> = { id: node.id };
  for (const name of [
    'endpoint',
    'url',
    'tokenUrl',
    'authType',
    'credentialsFrom',
    'appKey',
    'appSecret',
    'consumerKey',
    'clientId',
    'clientSecret',
  ]) {
    values[name] = field(name).val();
  }
  return { ...values, ...proxyValues() };
}

/** The calls of the flows' request and watch nodes using this account (flow-calls.ts). */
function flowCalls(node: CredentialsNode) {
  const nodes: FlowNode[] = [];
  RED.nodes.eachNode((n) => {
    nodes.push(n as FlowNode);
  });
  return gatherCalls(nodes, node.id, (n) => RED.utils.getNodeLabel(n, n.id));
}

/** What the Check answers (admin-routes.ts, client/diagnose.ts). */
interface Diagnosis {
  status: string;
  authType?: string;
  credential?: { expiration?: string; rules?: Array<{ method: string; path: string }> };
  clockOffsetSeconds?: number;
  missing?: string[];
  fields?: string[];
  detail?: string;
  statusCode?: number;
  /** The base URL the check called (the environment's OVH_ENDPOINT for keys read from it). */
  baseUrl?: string;
}

/** What "Rules for my flows" answers (rules-routes.ts). */
interface RulesAnswer {
  rules: Array<{ method: string; path: string; by: string[] }>;
  unusable?: Array<{ by: string; reason: string }>;
  comparison: {
    notAllowed: Array<{ method: string; path: string; by: string }>;
    unused: Array<{ method: string; path: string }>;
  };
}

/**
 * With keys from the environment, the endpoint the account really uses: OVH_ENDPOINT when set
 * (whatever region the dialog shows), said under the key source.
 */
function showEnvironmentEndpoint(fromEnv: boolean): void {
  const set = RED.settings.ovhCredentialsEnvironmentEndpoint;
  const words = !fromEnv
    ? ''
    : !set
      ? _('tip.envEndpointUnset')
      : set.problem
        ? set.problem
        : _('tip.envEndpoint', { endpoint: set.endpoint, url: set.baseUrl || set.endpoint });
  $('.ovh-env-endpoint')
    .text(words)
    .toggleClass('ovh-error', !!(fromEnv && set && set.problem))
    .toggle(fromEnv);
}

/** The Check's verdict in words. */
function describeCheck(d: Diagnosis): string {
  if (d.status === 'valid') {
    if (d.authType === 'oauth2') return _('check.validOAuth2');
    const parts = [_('check.valid')];
    const credential = d.credential || {};
    parts.push(
      credential.expiration
        ? _('check.expires', { date: new Date(credential.expiration).toLocaleString() })
        : _('check.neverExpires'),
    );
    if (Array.isArray(credential.rules))
      parts.push(_('check.rules', { rules: credential.rules.map((r) => r.method + ' ' + r.path).join(', ') }));
    if (typeof d.clockOffsetSeconds === 'number' && Math.abs(d.clockOffsetSeconds) > 5) {
      parts.push(
        _('check.clockOffset', {
          seconds: Math.abs(d.clockOffsetSeconds),
          direction: _(d.clockOffsetSeconds > 0 ? 'check.behind' : 'check.ahead'),
        }),
      );
    }
    return parts.join(' ');
  }
  if (d.status === 'missing' || d.status === 'retype-secrets') {
    return _('check.' + d.status, { fields: (d.missing || d.fields || []).map((f) => _('label.' + f)).join(', ') });
  }
  return _('check.' + d.status, { detail: d.detail || '', status: d.statusCode || '' });
}

export function prepare(this: CredentialsNode): void {
  const node = this;
  // The region list and the preset buttons, from the runtime's lists.
  const endpointSelect = field('endpoint');
  for (const r of regions()) {
    $('<option></option>')
      .val(r.name)
      .text(_('endpoint.' + r.name))
      .insertBefore(endpointSelect.find('option[value="custom"]'));
  }
  endpointSelect.val(String(node.endpoint || 'ovh-eu'));
  // An account saved before Log calls existed has none: it logs nothing, so the select says off.
  if (!field('logCalls').val()) field('logCalls').val('off');
  for (const name of Object.keys(presets())) {
    $('<button type="button" class="red-ui-button red-ui-button-small ovh-preset"></button>')
      .attr('data-preset', name)
      .text(_('preset.' + name))
      .css({ 'margin-left': '4px' })
      .appendTo('#ovh-presets');
  }

  function refresh(): void {
    const endpoint = field('endpoint').val();
    let authType = field('authType').val();
    const fromEnv = field('credentialsFrom').val() === 'env';
    $('.ovh-row-url').toggle(endpoint === 'custom');
    const oauth2Allowed = endpoint === 'custom' || Boolean(region(endpoint)?.oauth2);
    field('authType').find('option[value="oauth2"]').prop('disabled', !oauth2Allowed);
    if (!oauth2Allowed && authType === 'oauth2') {
      field('authType').val('signature');
      authType = 'signature';
    }
    $('.ovh-signature').toggle(authType === 'signature' && !fromEnv);
    $('.ovh-oauth2').toggle(authType === 'oauth2' && !fromEnv);
    $('.ovh-row-token-url').toggle(authType === 'oauth2' && endpoint === 'custom');
    $('.ovh-env-tip').toggle(fromEnv);
    showEnvironmentEndpoint(fromEnv);
    $('.ovh-wizard').toggle(authType === 'signature');
    $('.ovh-iam').toggle(authType === 'oauth2');
    const createApp = region(endpoint)?.createAppUrl;
    $('#ovh-create-app')
      .toggle(Boolean(createApp) && authType === 'signature')
      .attr('href', createApp || '#');
  }
  field('endpoint').on('change', refresh);
  field('authType').on('change', refresh);
  field('credentialsFrom').on('change', refresh);
  field('timeout').spinner({ min: 1, max: 600 });
  prepareProxySetting();

  // The consumer-key wizard: access rules as method + path rows.
  type Rule = { method: string; path: string };
  const rules = $('#ovh-rules')
    .css({ 'min-height': '120px', 'min-width': '420px' })
    .editableList<Partial<Rule>>({
      addButton: _('label.addRule'),
      removable: true,
      sortable: false,
      addItem(row, _index, rule) {
        const method = $('<select class="ovh-rule-method" style="width: 100px; margin-right: 6px;"></select>').appendTo(row);
        for (const m of METHODS) $('<option></option>').val(m).text(m).appendTo(method);
        method.val(rule.method || 'GET');
        $('<input type="text" class="ovh-rule-path" style="width: calc(100% - 110px);">')
          .attr('placeholder', _('placeholder.path'))
          .val(rule.path || '/*')
          .appendTo(row);
      },
    });
  rules.editableList('addItem', { method: 'GET', path: '/*' });

  function currentRules(): Rule[] {
    const list: Rule[] = [];
    rules.editableList('items').each(function () {
      const path = String($(this).find('.ovh-rule-path').val()).trim();
      if (path) list.push({ method: String($(this).find('.ovh-rule-method').val()), path });
    });
    return list;
  }

  $('#ovh-presets').on('click', '.ovh-preset', function (event) {
    event.preventDefault();
    const preset = String($(this).data('preset'));
    const paths = preset === 'full' ? ['/*'] : [];
    if (preset !== 'full') {
      for (const r of currentRules()) if (!paths.includes(r.path)) paths.push(r.path);
      if (paths.length === 0) paths.push('/*');
    }
    rules.editableList('empty');
    for (const method of presets()[preset]) for (const path of paths) rules.editableList('addItem', { method, path });
  });

  // "Rules for my flows": the calls of every request and watch node using this account; the runtime
  // merges them into the fewest rules.
  $('#ovh-flow-rules').on('click', (event) => {
    event.preventDefault();
    const { calls, unknown } = flowCalls(node);
    const notes = $('#ovh-flow-rules-notes').empty().show();
    if (unknown.length)
      $('<div>')
        .text(_('tip.flowRulesUnknown', { names: unknown.join(', ') }))
        .appendTo(notes);
    if (!calls.length) {
      $('<div>').text(_('tip.flowRulesNone')).prependTo(notes);
      return;
    }
    post<RulesAnswer>('ovh-credentials/rules-for-calls', { calls })
      .done((answer) => {
        rules.editableList('empty');
        $('#ovh-recursive').prop('checked', false); // the rules are exactly what the calls need
        for (const u of answer.unusable || [])
          $('<div>')
            .text(_('tip.flowRulesUnusable', { name: u.by, reason: u.reason }))
            .appendTo(notes);
        const list = $('<ul class="ovh-flow-rules-list">').prependTo(notes);
        for (const rule of answer.rules) {
          rules.editableList('addItem', { method: rule.method, path: rule.path });
          $('<li>')
            .append($('<code>').text(rule.method + ' ' + rule.path))
            .append(document.createTextNode(' \u2190 ' + rule.by.join(', ')))
            .appendTo(list);
        }
      })
      .fail((xhr) => {
        $('<div>').text(failureText(xhr)).prependTo(notes);
      });
  });

  $('#ovh-request-token').on('click', (event) => {
    event.preventDefault();
    const result = $('#ovh-wizard-result').removeClass('ovh-error').empty();
    const accessRules = currentRules();
    if (accessRules.length === 0) {
      result.addClass('ovh-error').text(_('wizard.noRules'));
      return;
    }
    const values = dialogValues(node);
    const ips = String($('#ovh-allowed-ips').val())
      .split(/[\s,]+/)
      .filter(Boolean);
    result.text(_('wizard.requesting'));
    post<{ consumerKey: string; validationUrl: string }>('ovh-credentials/request-token', {
      id: values.id,
      endpoint: values.endpoint,
      url: values.url,
      credentialsFrom: values.credentialsFrom,
      appKey: values.appKey,
      accessRules,
      recursive: $('#ovh-recursive').prop('checked'),
      redirection: String($('#ovh-redirection').val()).trim(),
      allowedIPs: ips,
    })
      .done((answer) => {
        field('consumerKey').val(answer.consumerKey).trigger('change');
        result.empty().append($('<div></div>').text(_('wizard.created')));
        // A button-looking link: the next step must not be missed. It opens in a new tab.
        const link = $('<a id="ovh-validation-link" class="red-ui-button" target="_blank" rel="noopener noreferrer"></a>')
          .attr('href', answer.validationUrl)
          .css({ 'margin-top': '6px' });
        $('<i class="fa fa-external-link"></i>').appendTo(link);
        link.append(document.createTextNode(' ' + _('wizard.open')));
        link.appendTo(result);
      })
      .fail((xhr) => {
        result.addClass('ovh-error').text(_('wizard.failed', { message: failureText(xhr) }));
      });
  });

  /** After a valid Check: the flows' calls the key does not allow, and its rules no flow uses. */
  function compareWithFlows(result: JQuery, rulesOfKey: Rule[]): void {
    const gathered = flowCalls(node);
    if (!gathered.calls.length) {
      if (gathered.unknown.length) {
        $('<div class="ovh-check-comparison">')
          .text(_('check.unknownCalls', { names: gathered.unknown.join(', ') }))
          .appendTo(result);
      }
      return;
    }
    post<RulesAnswer>('ovh-credentials/rules-for-calls', { calls: gathered.calls, keyRules: rulesOfKey }).done((answer) => {
      const comparison = answer.comparison;
      const box = $('<div class="ovh-check-comparison">').appendTo(result);
      if (!comparison.notAllowed.length) $('<div>').text(_('check.allAllowed')).appendTo(box);
      if (gathered.unknown.length)
        $('<div>')
          .text(_('check.unknownCalls', { names: gathered.unknown.join(', ') }))
          .appendTo(box);
      if (comparison.notAllowed.length) {
        const calls = comparison.notAllowed.map((c) => {
          const call = c.method + ' ' + c.path;
          return c.by === call ? call : call + ' (' + c.by + ')';
        });
        $('<div>')
          .text(_('check.notAllowed', { calls: calls.join(', ') }))
          .appendTo(box);
      }
      if (comparison.unused.length) {
        $('<div>')
          .text(_('check.unusedRules', { rules: comparison.unused.map((r) => r.method + ' ' + r.path).join(', ') }))
          .appendTo(box);
      }
    });
  }

  // An OAuth2 account's rights are IAM policies: iam-policy.ts.
  const iam = prepareIamPolicy(node, () => flowCalls(node));

  $('#ovh-check').on('click', (event) => {
    event.preventDefault();
    const result = $('#ovh-check-result').removeClass('ovh-error ovh-ok').attr('data-status', '').text(_('check.checking'));
    post<Diagnosis>('ovh-credentials/check', dialogValues(node))
      .done((d) => {
        result
          .attr('data-status', d.status)
          .addClass(d.status === 'valid' ? 'ovh-ok' : 'ovh-error')
          .text(describeCheck(d));
        if (d.baseUrl)
          $('<div class="ovh-check-endpoint">')
            .text(_('check.endpoint', { url: d.baseUrl }))
            .appendTo(result);
        const rulesOfKey = d.credential && d.credential.rules;
        if (d.status === 'valid' && Array.isArray(rulesOfKey)) compareWithFlows(result, rulesOfKey);
        else if (d.status === 'valid' && d.authType === 'oauth2') iam.afterValidCheck(result);
      })
      .fail((xhr) => {
        const d = (xhr.responseJSON as Diagnosis | undefined) || { status: 'error', detail: failureText(xhr) };
        result
          .attr('data-status', d.status || 'error')
          .addClass('ovh-error')
          .text(describeCheck(d));
      });
  });

  refresh();
}
