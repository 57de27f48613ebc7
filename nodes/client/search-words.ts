/**
 * The words of the operation search (operation-search.ts): how a path, a description or an IAM
 * action is cut into terms, how a word is reduced to its stem, which words say nothing, and the
 * table of what people type for what the API writes (OVHcloud's product words, French words,
 * verbs that name a method). Pure and small: the same cutting serves indexing, querying and
 * marking the words a suggestion matched.
 */
import type { HttpMethod } from './request';

/** One term of a text, where it stands in it (to mark it), as indexed. */
export interface Term {
  term: string;
  start: number;
  end: number;
  /** A part of a longer run (`host` of `dynHost`), not the run itself. */
  part: boolean;
}

/** Lower case, without accents: `Redémarrer` -> `redemarrer`. */
export function normalize(word: string): string {
  const lower = word.toLowerCase();
  // Most words are plain ASCII: no accent to take off.
  return PLAIN.test(lower) ? lower : lower.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

const PLAIN = /^[\x00-\x7f]*$/;
/** A run with nothing to cut inside: lower-case letters only. */
const ONE_PART = /^[a-z]+$/;

/** A run of letters and digits: `ipLoadbalancing`, `s3Credentials`, `zoneName`, `1.0` gives two. */
const RUN = /[\p{L}\p{N}]+/gu;
/** The parts of a run: camelCase words, upper-case acronyms, digits. */
const PART = /\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{N}+/gu;

/**
 * The terms of a text, each with its place: every run of letters and digits as a whole
 * (`dynhost`, `s3credentials`), and, when it holds several, its camelCase parts (`dyn`, `host`),
 * a letter part with the digits after it (`s3`, `ipv6`), each stemmed; stopwords and single
 * letters left out. Placeholders, path segments and IAM actions (`domain:apiovh:record/create`)
 * are cut by the same rule: anything but a letter or a digit separates.
 */
export function terms(text: string): Term[] {
  const found: Term[] = [];
  const push = (word: string, start: number, end: number, part: boolean) => {
    const n = normalize(word);
    if (n.length < 2 || STOPWORDS.has(n)) return;
    found.push({ term: stem(n), start, end, part });
  };
  for (const run of text.matchAll(RUN)) {
    const start = run.index;
    push(run[0], start, start + run[0].length, false);
    if (ONE_PART.test(run[0])) continue;
    const parts = [...run[0].matchAll(PART)];
    if (parts.length < 2) continue;
    parts.forEach((part, i) => {
      const at = start + part.index;
      push(part[0], at, at + part[0].length, true);
      const next = parts[i + 1];
      if (next && /^\p{N}+$/u.test(next[0]) && !/^\p{N}/u.test(part[0])) {
        push(part[0] + next[0], at, at + part[0].length + next[0].length, true);
      }
    });
  }
  return found;
}

/** The terms of a text, without their places (what the index holds): all, only whole runs, or only their parts. */
export function termsOf(text: string, which: 'all' | 'whole' | 'parts' = 'all'): string[] {
  return terms(text)
    .filter((t) => which === 'all' || t.part === (which === 'parts'))
    .map((t) => t.term);
}

/**
 * A light English stemmer (plural, -ing, -ed, final e and y), enough for the API's words and
 * for a French plural: `records` and `record`, `policies` and `policy`, `created` and `create`,
 * `rebooting` and `reboot`, `domaines` and `domain` meet. Short words (`dns`, `vps`, `sms`) and
 * words with digits are kept as they are. Indexing and querying use it alike, so a stem need not
 * be a word.
 */
export function stem(word: string): string {
  // Nobody types a word of hundreds of letters: a longer one is indexed and looked for by its start.
  if (word.length > MOST_TERM_LENGTH) word = word.slice(0, MOST_TERM_LENGTH);
  const irregular = IRREGULAR.get(word);
  if (irregular) return irregular;
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = w.slice(0, -3) + 'i';
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ing')) w = undouble(w.slice(0, -3));
  else if (w.length > 4 && w.endsWith('ed')) w = undouble(w.slice(0, -2));
  if (w.length > 3 && w.endsWith('y')) w = w.slice(0, -1) + 'i';
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

/** The longest term indexed (the API's longest words have about 30 letters). */
const MOST_TERM_LENGTH = 40;

/** Plurals too short for the rule (`dns`, `sms`, `vps` are no plurals). */
const IRREGULAR = new Map([
  ['ips', 'ip'],
  ['vms', 'vm'],
  ['ids', 'id'],
  ['lbs', 'lb'],
]);

/** `runn` -> `run`, `mapp` -> `map`; `install`, `access`, `buzz` stay. */
function undouble(word: string): string {
  return /([^aeiouylsz])\1$/.test(word) ? word.slice(0, -1) : word;
}

/**
 * Words that say nothing of an operation, in English and French, dropped from the index and
 * from queries (`the`, `all`, `of`, `my`, `le`, `des`, `mon`...). `me` is not one: it is a family.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a an the of for to in on at by with from into onto as is are be been was were it its this that these those ' +
    'my mine our your yours their his her all any some every each and or not no do does can could would should ' +
    'will shall i we you they he she there here what which who how when where please want need about via ' +
    'le la les l un une des du de d mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs ce cet cette ' +
    'ces pour par sur sous dans avec sans au aux et ou en y je tu il elle nous vous ils elles qui que quoi tous ' +
    'tout toutes toute est sont apiovh'
  ).split(' '),
);

/**
 * What a verb of a query says of the method. It boosts the operations of that method, it filters
 * none out: "change the mailbox password" is a POST, "set a reverse" too.
 */
const VERBS: Record<HttpMethod, string> = {
  GET: 'list get show display view read retrieve fetch see find lister liste afficher affiche voir obtenir recuperer consulter',
  POST: 'add create new make order send generate post open take ajouter ajoute creer cree nouveau nouvelle commander envoyer envoie generer ouvrir',
  PUT: 'update change edit set modify rename alter put modifier modifie changer change renommer definir mettre',
  DELETE: 'delete remove destroy drop erase del supprimer supprime effacer retirer enlever',
};

/** The method a word of a query names (`list`, `créer`, `remove`), as typed: `orders` names none. */
export function methodOf(word: string): HttpMethod | undefined {
  return VERB_METHODS.get(normalize(word));
}

const VERB_METHODS = new Map<string, HttpMethod>(
  Object.entries(VERBS).flatMap(([method, words]) =>
    words
      .split(' ')
      .filter(Boolean)
      .map((w) => [w, method as HttpMethod] as const),
  ),
);

/**
 * What people type (a word or a few, English or French) for the words the API writes. A query
 * word keeps its own meaning and gains these; each is one term as the index cuts it
 * (`dynHost` is the term `dynhost`). Products and things; the verbs are in ACTIONS.
 */
const WORDS: Record<string, string> = {
  // OVHcloud's products as people name them
  k8s: 'kube kubernetes',
  kubernetes: 'kube',
  kube: 'kubernetes',
  'web hosting': 'hosting',
  webhosting: 'hosting',
  hebergement: 'hosting',
  'hebergement web': 'hosting',
  dyndns: 'dynHost',
  ddns: 'dynHost',
  'dynamic dns': 'dynHost',
  ptr: 'reverse',
  'load balancer': 'ipLoadbalancing loadbalancing',
  'load balancing': 'ipLoadbalancing loadbalancing',
  loadbalancer: 'ipLoadbalancing loadbalancing',
  balancer: 'loadbalancing',
  lb: 'ipLoadbalancing',
  iplb: 'ipLoadbalancing',
  'object storage': 'storage s3',
  s3: 'storage',
  bucket: 'storage container',
  'block storage': 'volume',
  'mailing list': 'mailingList',
  'additional ip': 'ip failover',
  'failover ip': 'ip failover',
  ips: 'ip',
  invoice: 'bill',
  facture: 'bill',
  machine: 'server',
  serveur: 'server',
  dedie: 'dedicated',
  'text message': 'sms',
  texto: 'sms',
  vm: 'instance',
  'virtual machine': 'instance',
  mailbox: 'account',
  'boite mail': 'account mailbox',
  'adresse mail': 'account mailbox',
  'email address': 'account mailbox',
  mail: 'email',
  courriel: 'email',
  'mot de passe': 'password',
  mdp: 'password',
  passwd: 'password',
  enregistrement: 'record',
  'nom de domaine': 'domain',
  domaine: 'domain',
  forward: 'redirection redirect',
  forwarding: 'redirection redirect',
  multisite: 'attachedDomain',
  balance: 'debtAccount',
  debt: 'debtAccount',
  dette: 'debtAccount',
  solde: 'debtAccount',
  voip: 'telephony line',
  telephone: 'telephony',
  telephonie: 'telephony',
  kms: 'okms',
  ddos: 'mitigation antiddos',
  specs: 'specifications',
  installation: 'install',
  received: 'incoming',
  receive: 'incoming',
  recu: 'incoming',
  sent: 'outgoing',
  envoye: 'outgoing',
  history: 'consumption outgoing',
  historique: 'consumption outgoing',
  consumption: 'usage',
  usage: 'consumption',
  consommation: 'consumption usage',
  cle: 'key',
  projet: 'project',
  utilisateur: 'user',
  'my account': 'me nichandle',
  'mon compte': 'me nichandle',
  certificate: 'ssl',
  certificat: 'ssl',
  'web cloud database': 'privateDatabase',
  'private database': 'privateDatabase',
  'private sql': 'privateDatabase',
  account: 'service',
};

/** Verbs, English and French, and the words descriptions use for the same action. */
const ACTIONS: Record<string, string> = {
  restart: 'reboot',
  redemarrer: 'reboot restart',
  redemarre: 'reboot restart',
  reboot: 'restart',
  shutdown: 'stop',
  arreter: 'stop',
  demarrer: 'start',
  restore: 'revert',
  restaurer: 'restore revert',
  reinstaller: 'reinstall',
  create: 'new add',
  add: 'create new',
  new: 'create add',
  ajouter: 'add create new',
  creer: 'create new add',
  nouveau: 'new create',
  nouvelle: 'new create',
  delete: 'remove',
  remove: 'delete',
  supprimer: 'delete remove',
  supprime: 'delete remove',
  effacer: 'delete remove',
  update: 'alter change edit',
  change: 'update alter',
  edit: 'update alter',
  modify: 'update alter',
  modifier: 'update alter edit',
  changer: 'change update alter',
  lister: 'list',
  liste: 'list',
  afficher: 'list',
  envoyer: 'send',
  envoie: 'send',
  commander: 'order',
  open: 'create',
  take: 'create',
  ouvrir: 'open create',
  activer: 'enable',
  desactiver: 'disable',
  exporter: 'export',
};

/** How much a synonym counts beside the word typed: a thing's other name fully, an action's a little less. */
const WORD_SYNONYM = 1;
const ACTION_SYNONYM = 0.8;

/** The synonym tables by stemmed key (`facture`, `factures` meet), each as index terms. */
const SYNONYM_TERMS = new Map<string, { terms: string[]; weight: number }>(
  [
    ...Object.entries(WORDS).map(([key, value]) => [key, value, WORD_SYNONYM] as const),
    ...Object.entries(ACTIONS).map(([key, value]) => [key, value, ACTION_SYNONYM] as const),
  ].map(([key, value, weight]) => [
    key
      .split(' ')
      .map((w) => stem(normalize(w)))
      .join(' '),
    { terms: [...new Set(value.split(' ').map((w) => stem(normalize(w))))], weight },
  ]),
);

/** The longest phrase of the synonym table, in words. */
const LONGEST_PHRASE = Math.max(...[...SYNONYM_TERMS.keys()].map((key) => key.split(' ').length));

/** The terms a word or a phrase (its stems joined by a space) also means, and how much they count; none when the tables have none. */
export function synonymsOf(stems: string): { terms: string[]; weight: number } | undefined {
  return SYNONYM_TERMS.get(stems);
}

export { LONGEST_PHRASE };
