/**
 * The dialogs' styles, added to the page once. Colours come from Node-RED's theme variables, so
 * they follow its light and dark themes (Node-RED 5 sets `html.nr-theme-dark`); the value after
 * each variable is for Node-RED 4, whose theme lacks some of them (and has no dark theme).
 * test/browser/themes.test.ts measures the contrast of these elements in both themes.
 */

// Node-RED's error text reads well in every theme; its warning and success texts do not on
// Node-RED 4 (#CAB200 and #3a3 on white): those take the main text colour, with a coloured edge.
const ERROR_TEXT = 'var(--red-ui-text-color-error, #b52020)';
const MAIN_TEXT = 'var(--red-ui-primary-text-color, #333)';
const SECONDARY_TEXT = 'var(--red-ui-secondary-text-color)';
/** A warning's box: the theme's tips background, its main text colour, a coloured edge. */
const WARNING_BOX =
  `background:var(--red-ui-form-tips-background, #fff6dc);color:${MAIN_TEXT};` +
  'border-left:3px solid var(--red-ui-border-color-warning, #c38a00)';

const STYLE = [
  // Suggestions of the path field.
  '.ovh-suggestion{line-height:1.4;padding:2px 0}',
  '.ovh-suggestion .ovh-method{display:inline-block;min-width:52px;font-weight:bold}',
  `.ovh-suggestion-description{color:${SECONDARY_TEXT};font-size:0.9em;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}`,
  `.ovh-status{margin-left:6px;padding:0 4px;border-radius:3px;font-size:0.8em;border:1px solid var(--red-ui-border-color-warning, #c38a00);background:var(--red-ui-form-tips-background, #fff6dc);color:${MAIN_TEXT}}`,
  `.ovh-status-DEPRECATED{border-color:var(--red-ui-border-color-error, #b52020);color:${ERROR_TEXT}}`,
  // The words of the query in a suggestion: bold and underlined, in the theme's own text colour.
  '.ovh-suggestion mark.ovh-match{background:none;color:inherit;font-weight:bold;text-decoration:underline}',
  `.ovh-search-note{margin:4px 0 0 105px;width:70%;font-size:0.9em;padding:4px 8px;${WARNING_BOX}}`,
  // The suggestion list: as wide as the dialog (autocomplete.ts sets it), about 8 rows, whole paths.
  '.red-ui-autoComplete-container:has(.ovh-suggestion){max-height:380px !important;overflow-x:hidden}',
  '.red-ui-autoComplete-container:has(.ovh-suggestion) .red-ui-menu li a{white-space:normal;overflow-wrap:anywhere}',
  '.ovh-suggestion{white-space:normal}.red-ui-menu code.ovh-suggestion-path{white-space:normal;overflow-wrap:anywhere;word-break:break-all}',
  // The body's choice: what an operation without a body gets.
  '.ovh-body-note,.ovh-body-hint{margin-left:105px;width:70%}',
  // The values picker.
  '.ovh-values-menu{padding:6px;box-sizing:border-box}',
  '.ovh-values-filter{width:100% !important;margin-bottom:4px !important}',
  '.ovh-values-list{list-style:none;margin:0;max-height:260px;overflow-y:auto;overflow-x:hidden}',
  '.ovh-values-choice{padding:3px 6px;cursor:pointer;display:flex;gap:8px;align-items:baseline}',
  '.ovh-values-choice:hover{background:var(--red-ui-list-item-background-hover, #f3f3f3)}',
  // A long value (a UUID) gives way to its label, which tells the values apart; the whole line is its title.
  '.ovh-values-value{font-family:var(--red-ui-monospace-font, monospace);white-space:nowrap;overflow:hidden;text-overflow:ellipsis;flex:0 1 auto;min-width:6em}',
  `.ovh-values-label{color:${SECONDARY_TEXT};overflow:hidden;text-overflow:ellipsis;white-space:nowrap;flex:0 0 auto;max-width:65%}`,
  `.ovh-values-none,.ovh-values-notes{color:${SECONDARY_TEXT};font-style:italic;font-size:0.9em;padding:2px 6px}`,
  // The operation panel (request and watch).
  '#ovh-request-operation,#ovh-watch-operation{margin-left:105px;width:70%;font-size:0.95em}',
  `.ovh-warning{padding:6px 8px;margin-bottom:6px;${WARNING_BOX}}`,
  '.ovh-deprecated{border-left-color:var(--red-ui-border-color-error, #b52020)}',
  `.ovh-note{color:${SECONDARY_TEXT};font-style:italic;margin-bottom:4px}`,
  '.ovh-operation-description{margin-bottom:4px;white-space:pre-line}',
  `.ovh-operation-facts{margin:0}.ovh-operation-facts dt{float:left;clear:left;width:90px;font-weight:normal;color:${SECONDARY_TEXT}}.ovh-operation-facts dd{margin-left:95px}`,
  `.ovh-watch-answer{color:${SECONDARY_TEXT}}`,
  // The parameter rows.
  '.ovh-param-line{display:flex;align-items:center;gap:6px}',
  '.ovh-param-name{width:120px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-weight:bold}',
  `.ovh-param-required{color:${ERROR_TEXT}}`,
  `.ovh-param-note{margin-left:172px;color:${ERROR_TEXT};font-size:0.85em}`,
  '#ovh-watch-values .ovh-param-note{margin-left:0}',
  '.ovh-param-custom-name{width:120px !important}.ovh-param-custom-place{width:70px !important}',
  `.ovh-param-place{width:40px;color:${SECONDARY_TEXT};font-size:0.85em}`,
  '.ovh-param-line .red-ui-typedInput-container{flex:1}',
  `.ovh-param-info{margin-left:172px;color:${SECONDARY_TEXT};font-size:0.85em;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}`,
  // Try.
  `#ovh-try-result{margin-left:105px;width:70%;font-size:0.9em}#ovh-try-result .ovh-error{color:${ERROR_TEXT}}`,
  `.ovh-try-tried{color:${SECONDARY_TEXT};margin:2px 0}`,
  '.ovh-try-answer{max-height:240px;overflow:auto;font-size:0.85em;white-space:pre-wrap;word-break:break-all}',
  // The watch's path.
  `.ovh-path-problem{margin-left:105px;width:70%;color:${ERROR_TEXT}}`,
  '#ovh-watch-values{margin-left:105px;width:70%}',
  // The account dialog.
  '.ovh-result{margin:6px 0 12px 0;white-space:normal}',
  `.ovh-result.ovh-error{color:${ERROR_TEXT}}`,
  `.ovh-result.ovh-ok{color:${MAIN_TEXT};border-left:3px solid var(--red-ui-border-color-success, #4b8400);padding-left:6px}`,
  '.ovh-wizard-box{border:1px solid var(--red-ui-secondary-border-color, #ddd);border-radius:4px;padding:8px 10px;margin-bottom:12px}',
  '.ovh-wizard-box h4{margin:0 0 8px 0}',
  // The IAM policy of an OAuth2 account: the resources to choose, the policy's preview.
  '.ovh-iam-resources{display:inline-block;width:65%;max-height:180px;overflow:auto;vertical-align:top}',
  // By id: Node-RED's own rules for a form row's labels and inputs (fixed widths) are more specific than a class.
  '#ovh-iam-resources label{display:block;width:auto;margin:0 0 2px 0;cursor:pointer}',
  '#ovh-iam-resources input{width:auto;margin:0 6px 0 0;vertical-align:baseline}',
  `.ovh-iam-resource-type{color:${SECONDARY_TEXT};font-size:0.9em}`,
  '.ovh-iam-policy-json{max-height:200px;overflow:auto;font-size:0.85em;white-space:pre-wrap;word-break:break-all}',
].join('\n');

/** Adds the styles to the page, once whatever the number of dialogs opened. */
export function addStyle(): void {
  if (!document.getElementById('ovh-cloud-style')) $('<style id="ovh-cloud-style">').text(STYLE).appendTo('head');
}
