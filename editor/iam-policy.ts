/**
 * The account dialog's IAM part, for an OAuth2 service account (whose rights are IAM policies, not
 * a consumer key's access rules): the IAM actions the flows need, each with the nodes needing it;
 * the account's resources to choose from; a preview of the policy giving the service account
 * exactly those actions on the resources chosen; its creation through a consumer-key account,
 * once confirmed; and, after a valid Check, what IAM does not allow yet. The routes are
 * nodes/admin/iam-routes.ts. Every text from the API or the flows goes in with .text(), never as HTML.
 */
import type {
  IamActionsAnswer,
  IamCheckAnswer,
  IamResourcesAnswer,
  PolicyCreatedAnswer,
  PolicyDraftAnswer,
} from '../nodes/admin/iam-routes';
import { failureText, post } from './admin';
import type { FlowCall } from './flow-calls';
import { escapeHtml, messages } from './i18n';

const text = messages('ovh-credentials');
const _ = (key: string, substitutions?: Record<string, unknown>) => text('ovh-credentials.' + key, substitutions);

/** The flows' calls on this account, as "Rules for my flows" gathers them. */
export type GatherCalls = () => { calls: FlowCall[]; unknown: string[] };

/** What the dialog does after Check found an OAuth2 account valid. */
export interface IamPart {
  afterValidCheck(result: JQuery): void;
}

/** A list of who needs something, in words. */
function byNodes(by: readonly string[]): string {
  return by.join(', ');
}

/** A line of text in a box. */
function line(box: JQuery, words: string, className = ''): JQuery {
  return $('<div>').addClass(className).text(words).appendTo(box);
}

/** What the flows' calls that have no IAM action say: undescribed, unusable, unreadable, set by msg. */
function describeLeftOut(
  box: JQuery,
  answer: Pick<IamActionsAnswer, 'undescribed' | 'unusable' | 'unreadable'>,
  unknown: readonly string[] = [],
): void {
  if (answer.undescribed.length) {
    const calls = answer.undescribed.map((u) => `${u.method} ${u.path} (${byNodes(u.by)})`);
    line(box, _('iam.undescribed', { calls: calls.join(', ') }), 'ovh-iam-undescribed');
  }
  for (const u of answer.unusable) line(box, _('tip.flowRulesUnusable', { name: u.by, reason: u.reason }), 'ovh-iam-unusable');
  for (const reason of answer.unreadable) line(box, _('iam.failed', { message: reason }), 'ovh-iam-unreadable');
  if (unknown.length) line(box, _('tip.flowRulesUnknown', { names: unknown.join(', ') }));
}

/** The consumer-key accounts as last deployed (the editor's copy of the running flows), but this one. */
function deployedKeyAccounts(exceptId: string): Array<{ id: string; label: string }> {
  const deployed = (RED.nodes.originalFlow() || []) as RedNode[];
  return deployed
    .filter((n) => n.type === 'ovh-credentials' && n.id !== exceptId && n.authType !== 'oauth2')
    .map((n) => {
      const current = RED.nodes.node(n.id);
      return { id: n.id, label: RED.utils.getNodeLabel(current || n, n.id) };
    });
}

/** Sets up the IAM part of the dialog of account `node`; `gather` reads the flows' calls on it. */
export function prepareIamPolicy(node: RedNode, gather: GatherCalls): IamPart {
  const notes = $('#ovh-iam-actions-result');
  const policyBox = $('#ovh-iam-policy');
  const through = $('#ovh-iam-through');
  const resourcesBox = $('#ovh-iam-resources');
  const nameInput = $('#ovh-iam-name');
  const draftBox = $('#ovh-iam-draft');
  const createButton = $('#ovh-iam-create');
  const createResult = $('#ovh-iam-create-result');
  let needs: IamActionsAnswer | undefined;
  let calls: FlowCall[] = [];
  // Answers that come back after a newer question was asked are dropped.
  let draftAsked = 0;
  let resourcesAsked = 0;

  /** The API the actions are read in: this account if deployed, else the region chosen. */
  const apiQuery = () => {
    const endpoint = String($('#node-config-input-endpoint').val() || '');
    return endpoint && endpoint !== 'custom' ? { account: node.id, region: endpoint } : { account: node.id };
  };
  const chosenResources = () =>
    resourcesBox
      .find('input.ovh-iam-resource:checked')
      .toArray()
      .map((input) => String($(input).val()));
  const policyName = () => String(nameInput.val() || '').trim();
  const fail = (box: JQuery, xhr: JQuery.jqXHR) =>
    box
      .empty()
      .addClass('ovh-error')
      .text(_('iam.failed', { message: failureText(xhr) }));

  function defaultName(): string {
    const clientId = String($('#node-config-input-clientId').val() || '').trim();
    return clientId ? ('node-red-' + clientId).slice(0, 100) : '';
  }

  function listThrough(): void {
    const accounts = deployedKeyAccounts(node.id);
    through.empty();
    for (const account of accounts) $('<option>').val(account.id).text(account.label).appendTo(through);
    $('#ovh-iam-no-through').toggle(accounts.length === 0);
  }

  function listResources(): void {
    const asked = ++resourcesAsked;
    resourcesBox.empty().removeClass('ovh-error');
    draftBox.empty();
    createButton.prop('disabled', true);
    if (!needs || !through.val()) return;
    const types = needs.resourceTypes;
    post<IamResourcesAnswer>('ovh-credentials/iam/resources', { account: through.val(), types })
      .done((answer) => {
        if (asked !== resourcesAsked) return;
        if (!answer.resources.length) line(resourcesBox, _('iam.noResources', { types: types.join(', ') }));
        for (const resource of answer.resources) {
          const row = $('<label class="ovh-iam-resource-row">').appendTo(resourcesBox);
          $('<input type="checkbox" class="ovh-iam-resource">').val(resource.urn).appendTo(row);
          const shown = resource.displayName || resource.name || resource.urn;
          row.append(document.createTextNode(' ' + shown + ' '));
          $('<span class="ovh-iam-resource-type">')
            .text('(' + resource.type + ')')
            .appendTo(row);
          row.attr('title', resource.urn);
        }
        if (answer.more) line(resourcesBox, _('iam.moreResources', { count: answer.resources.length }));
        draft();
      })
      .fail((xhr) => {
        if (asked === resourcesAsked) fail(resourcesBox, xhr);
      });
  }

  /** The question for policy-draft and create-policy, or undefined while it cannot be asked. */
  function policyQuestion(): Record<string, unknown> | undefined {
    const resources = chosenResources();
    if (!needs || !through.val() || resources.length === 0) return undefined;
    const question: Record<string, unknown> = { account: node.id, through: through.val(), calls, resources };
    if (policyName()) question.name = policyName();
    return question;
  }

  function draft(): void {
    const asked = ++draftAsked;
    createButton.prop('disabled', true);
    createResult.empty().removeClass('ovh-error ovh-ok');
    draftBox.empty().removeClass('ovh-error');
    const question = policyQuestion();
    if (!question) {
      if (needs && through.val()) line(draftBox, _('iam.chooseResources'));
      return;
    }
    post<PolicyDraftAnswer>('ovh-credentials/iam/policy-draft', question)
      .done((answer) => {
        if (asked !== draftAsked) return;
        line(draftBox, _('iam.preview'));
        $('<pre class="ovh-iam-policy-json">')
          .text(JSON.stringify(answer.policy, null, 2))
          .appendTo(draftBox);
        if (answer.uncovered.length)
          line(draftBox, _('iam.uncovered', { actions: answer.uncovered.join(', ') }), 'ovh-iam-uncovered');
        createButton.prop('disabled', false).data('draft', answer);
      })
      .fail((xhr) => {
        if (asked === draftAsked) fail(draftBox, xhr);
      });
  }

  /** Asks, in a modal naming the account it acts through, before anything is created. */
  function confirmCreation(answer: PolicyDraftAnswer, question: Record<string, unknown>): void {
    const throughLabel = through.find('option:selected').text();
    const words = $('<p class="ovh-iam-confirm">').text(
      _('iam.confirm', {
        identity: answer.identity,
        count: answer.policy.permissions.allow.length,
        resources: answer.policy.resources.length,
        through: throughLabel,
      }),
    );
    const notification = RED.notify(words, {
      modal: true,
      fixed: true,
      type: 'warning',
      buttons: [
        {
          text: escapeHtml(RED._('common.label.cancel')),
          click() {
            notification.close();
          },
        },
        {
          text: escapeHtml(_('iam.create')),
          class: 'primary ovh-iam-confirm-create',
          click() {
            notification.close();
            create(question);
          },
        },
      ],
    });
  }

  function create(question: Record<string, unknown>): void {
    createResult.removeClass('ovh-error ovh-ok').text(_('iam.creating'));
    post<PolicyCreatedAnswer>('ovh-credentials/iam/create-policy', { ...question, confirmed: true })
      .done((answer) => {
        createResult
          .addClass('ovh-ok')
          .attr('data-created', answer.created.id)
          .text(_('iam.created', { name: answer.created.name || answer.policy.name }));
        if (answer.uncovered.length)
          line(createResult, _('iam.uncovered', { actions: answer.uncovered.join(', ') }), 'ovh-iam-uncovered');
      })
      .fail((xhr) => fail(createResult, xhr));
  }

  $('#ovh-iam-actions').on('click', (event) => {
    event.preventDefault();
    const gathered = gather();
    calls = gathered.calls;
    needs = undefined;
    policyBox.hide();
    notes.empty().removeClass('ovh-error').show();
    if (!calls.length) {
      line(notes, _('tip.flowRulesNone'));
      if (gathered.unknown.length) line(notes, _('tip.flowRulesUnknown', { names: gathered.unknown.join(', ') }));
      return;
    }
    post<IamActionsAnswer>('ovh-credentials/iam/actions', { ...apiQuery(), calls })
      .done((answer) => {
        notes.empty();
        if (answer.actions.length) {
          line(notes, _('iam.actionsNeeded'));
          const list = $('<ul class="ovh-iam-actions-list">').appendTo(notes);
          for (const a of answer.actions) {
            $('<li>')
              .attr('data-action', a.action)
              .append($('<code>').text(a.action))
              .append(document.createTextNode(' ' + _('iam.neededBy', { nodes: byNodes(a.by) })))
              .appendTo(list);
          }
        } else line(notes, _('iam.noActions'));
        describeLeftOut(notes, answer, gathered.unknown);
        if (!answer.actions.length) return;
        needs = answer;
        if (!policyName()) nameInput.val(defaultName());
        policyBox.show();
        listThrough();
        listResources();
      })
      .fail((xhr) => fail(notes, xhr));
  });
  through.on('change', listResources);
  resourcesBox.on('change', 'input.ovh-iam-resource', draft);
  nameInput.on('change', draft);
  createButton.on('click', (event) => {
    event.preventDefault();
    const question = policyQuestion();
    const answer = createButton.data('draft') as PolicyDraftAnswer | undefined;
    if (question && answer) confirmCreation(answer, question);
  });

  return {
    /** After a valid Check: what IAM does not allow the service account of what the flows need. */
    afterValidCheck(result) {
      const gathered = gather();
      if (!gathered.calls.length) {
        if (gathered.unknown.length)
          line(result, _('check.unknownCalls', { names: gathered.unknown.join(', ') }), 'ovh-check-comparison');
        return;
      }
      const box = $('<div class="ovh-check-comparison ovh-iam-check">').appendTo(result);
      const resources = chosenResources();
      const question: Record<string, unknown> = { account: node.id, calls: gathered.calls };
      if (resources.length) question.resources = resources;
      post<IamCheckAnswer>('ovh-credentials/iam/check', question)
        .done((answer) => {
          box.attr('data-allowed', String(answer.allowed));
          if (answer.allowed) line(box, _('iam.allAllowed'));
          for (const m of answer.missing)
            line(box, _('iam.missing', { action: m.action, resource: m.resourceURN, nodes: byNodes(m.by) }), 'ovh-iam-missing');
          if (answer.unchecked.length) line(box, _('iam.unchecked', { actions: answer.unchecked.join(', ') }));
          describeLeftOut(box, answer, gathered.unknown);
        })
        .fail((xhr) => fail(box, xhr));
    },
  };
}
