/**
 * The word search over the API's operations (nodes/client/operation-search.ts), on the whole
 * real EU API description: how texts are cut into terms, synonyms, the method a verb hints at,
 * typos, the word being typed, deprecated operations, and the evaluation set's targets.
 */
import 'should';
import { OperationSearch, marks, queryWords, typedPathMarks, type Operation } from '../../../nodes/client';
import { normalize, stem, termsOf } from '../../../nodes/client/search-words';
import { evaluate, evaluationQueries, fullApiOperations } from '../../helpers/search-evaluation';

const line = (o: Operation) => `${o.method} ${o.path}`;

/** An operation as a family's description gives it, for the few made up here. */
function operation(method: Operation['method'], path: string, description: string, extra: Partial<Operation> = {}): Operation {
  return {
    method,
    path,
    family: '/' + path.split('/')[1],
    description,
    status: 'PRODUCTION',
    iamActions: [],
    parameters: [],
    noAuthentication: false,
    ...extra,
  };
}

describe('the operation search', function () {
  this.timeout(60_000);
  let all: Operation[];
  let search: OperationSearch;
  const first = (query: string, limit = 5) => search.search(query, limit).map(line);

  before(() => {
    all = fullApiOperations();
    search = new OperationSearch(all);
  });

  describe('cuts texts into terms', () => {
    it('cuts a path at its slashes, placeholders and camelCase, keeping each segment whole too', () => {
      termsOf('/domain/zone/{zoneName}/dynHost/record').should.eql([
        'domain',
        'zone',
        'zonenam',
        'zone',
        'name',
        'dynhost',
        'dyn',
        'host',
        'record',
      ]);
      termsOf('createSnapshot', 'whole').should.eql(['createsnapshot']);
      termsOf('createSnapshot', 'parts').should.eql(['creat', 'snapshot']);
    });

    it('keeps letters with the digits after them (s3, ipv6), and drops single letters', () => {
      termsOf('s3Credentials').should.containEql('s3');
      termsOf('s3Credentials').should.containEql('credential');
      termsOf('ipv6').should.containEql('ipv6');
      termsOf('k8s').should.containEql('k8s');
      termsOf('a b c').should.eql([]);
    });

    it('cuts IAM actions like paths, without the apiovh every action carries', () => {
      termsOf('dnsZone:apiovh:record/create').should.eql(['dnszon', 'dns', 'zone', 'record', 'creat']);
    });

    it('stems plurals and inflections alike, in English and a French plural, and takes accents off', () => {
      stem('records').should.equal(stem('record'));
      stem('policies').should.equal(stem('policy'));
      stem('rebooting').should.equal(stem('reboot'));
      stem('created').should.equal(stem('create'));
      stem('servers').should.equal('server');
      stem('ips').should.equal('ip');
      stem('domaines').should.equal(stem('domain'));
      for (const short of ['dns', 'vps', 'sms']) stem(short).should.equal(short);
      normalize('Redémarrer').should.equal('redemarrer');
    });

    it('marks where the matched terms stand in a text', () => {
      marks('/domain/zone/{zoneName}/dynHost/record', ['dynhost', 'record']).should.eql([
        [24, 31],
        [32, 38],
      ]);
      marks('Create a new record', ['record']).should.eql([[13, 19]]);
      marks('anything', []).should.eql([]);
      typedPathMarks('/domain/zone/{zoneName}/record', '/Domain/Zone').should.eql([[0, 12]]);
      typedPathMarks('/dedicated/server/{serviceName}/reboot', '/dedicated server').should.eql([
        [0, 10],
        [11, 17],
      ]);
    });

    it('drops stopwords, English and French, from a query', () => {
      queryWords('show me all the dedicated servers').should.eql(['show', 'me', 'dedicated', 'servers']);
      queryWords('redémarrer le serveur').should.eql(['redemarrer', 'serveur']);
      queryWords('/domain/zone').should.eql([]);
      first('list all of the dedicated servers').should.containEql('GET /dedicated/server');
    });
  });

  describe('finds what people mean', () => {
    it("knows OVHcloud's product words as people say them", () => {
      first('k8s clusters').should.containEql('GET /cloud/project/{serviceName}/kube');
      first('dyndns records').should.containEql('GET /domain/zone/{zoneName}/dynHost/record');
      first('set PTR').should.containEql('POST /ip/{ip}/reverse');
      first('load balancer', 3).should.containEql('GET /ipLoadbalancing');
      first('mailing lists', 3).should.containEql('GET /email/domain/{domain}/mailingList');
      first('my invoices').should.containEql('GET /me/bill');
      first('s3 buckets').should.containEql('GET /cloud/project/{serviceName}/region/{regionName}/storage');
    });

    it('reads French: the synonyms carry it to the API’s English', () => {
      first('envoyer un sms', 1).should.eql(['POST /sms/{serviceName}/jobs']);
      first('redémarrer le serveur', 1).should.eql(['POST /dedicated/server/{serviceName}/reboot']);
      first('mes factures', 1).should.eql(['GET /me/bill']);
    });

    it('puts the operation of the method a verb names first, and still finds the others', () => {
      first('delete dns record', 1).should.eql(['DELETE /domain/zone/{zoneName}/record/{id}']);
      first('add a dns record', 1).should.eql(['POST /domain/zone/{zoneName}/record']);
      first('update a record', 3).should.containEql('PUT /domain/zone/{zoneName}/record/{id}');
      // A hint, not a filter: "change" names PUT, yet a password is changed by a POST.
      first('change mailbox password', 1)[0].should.match(/^POST .*\/changePassword$/);
      const hinted = search.search('delete dns record', 20).map(line);
      hinted.should.containEql('GET /domain/zone/{zoneName}/record');
      hinted.should.containEql('POST /domain/zone/{zoneName}/record');
    });

    it('keeps only the methods asked for (the watch dialog asks for GET)', () => {
      const gets = search.find('dns record', { methods: ['GET'], limit: 20 });
      gets.length.should.be.above(0);
      gets.every((hit) => hit.operation.method === 'GET').should.be.true();
      search
        .find('delete dns record', { methods: ['get'], limit: 5 })
        .every((hit) => hit.operation.method === 'GET')
        .should.be.true();
      search
        .find('/domain/zone/{zoneName}/record', { methods: ['DELETE'] })
        .map((hit) => line(hit.operation))
        .should.eql(['DELETE /domain/zone/{zoneName}/record/{id}']);
    });

    it('forgives a typo: two letters swapped, one letter wrong', () => {
      first('instnace reboot', 1).should.eql(['POST /cloud/project/{serviceName}/instance/{instanceId}/reboot']);
      first('reboto server', 1).should.eql(['POST /dedicated/server/{serviceName}/reboot']);
      first('reinstal vps', 3).should.containEql('POST /vps/{serviceName}/reinstall');
    });

    it('completes the word being typed, the last one only', () => {
      first('vps snap', 3)
        .some((l) => l.includes('napshot'))
        .should.be.true();
      search
        .find('vps snap')
        .some((hit) => hit.words.includes('snap'))
        .should.be.true();
      search
        .find('snap vps', { limit: 50 })
        .some((hit) => hit.words.includes('snap'))
        .should.be.false();
      first('dedicated ser', 3).should.containEql('GET /dedicated/server');
    });

    it('says which words each operation matched, and none for words it does not know', () => {
      const [hit] = search.find('reboot the dedicated server', { limit: 1 });
      line(hit.operation).should.equal('POST /dedicated/server/{serviceName}/reboot');
      hit.words.should.eql(['reboot', 'dedicated', 'server']);
      hit.terms.should.containEql('reboot');
      search.find('zzqxw wqzzx').should.eql([]);
      search.find('').should.eql([]);
      search.find('the of').should.eql([]);
    });

    it('looks up a path typed as it always did: a prefix of the path first', () => {
      const found = search.search('/domain/zone/{zoneName}/re', 20);
      found.length.should.be.above(0);
      found.every((o) => o.path.startsWith('/domain/zone/{zoneName}/re')).should.be.true();
    });
  });

  describe('ranks by status', () => {
    it('puts a production operation before a deprecated one at equal relevance', () => {
      const twins = new OperationSearch([
        operation('GET', '/vps/{serviceName}/old', 'List the disks', { status: 'DEPRECATED' }),
        operation('GET', '/vps/{serviceName}/new', 'List the disks'),
        operation('GET', '/vps/{serviceName}/beta', 'List the disks', { status: 'BETA' }),
      ]);
      twins
        .search('disks')
        .map((o) => o.status)
        .should.eql(['PRODUCTION', 'BETA', 'DEPRECATED']);
    });

    it('never puts a deprecated operation above its replacement, however well it matches', () => {
      const pair = new OperationSearch([
        operation('POST', '/dedicated/server/{serviceName}/reboot', 'Reboot the dedicated server', {
          status: 'DEPRECATED',
          deprecation: { replacement: '/1.0/dedicated/server/{serviceName}/hardRestart' },
        }),
        operation('POST', '/dedicated/server/{serviceName}/hardRestart', 'Hard restart'),
        operation('GET', '/dedicated/server', 'List servers'),
      ]);
      const found = pair.search('reboot dedicated server').map((o) => o.path);
      found
        .indexOf('/dedicated/server/{serviceName}/hardRestart')
        .should.be.below(found.indexOf('/dedicated/server/{serviceName}/reboot'));
    });

    it('never puts a deprecated operation of the real API above its replacement, searched by its own words', () => {
      const byLine = new Set(all.map(line));
      let checked = 0;
      // One in four of them, by the first words of its description: a query as long as people type.
      for (const old of all.filter((o) => o.deprecation?.replacement).filter((_o, i) => i % 4 === 0)) {
        const replacement = old.deprecation?.replacement;
        if (!replacement) continue;
        const [method, target] = /^[A-Z]+ /.test(replacement) ? replacement.split(' ') : [old.method, replacement];
        const wanted = `${method} ${target.replace(/^\/1\.0(?=\/)/, '')}`;
        if (!byLine.has(wanted)) continue;
        const words = (old.description || old.path.replace(/[/{}]/g, ' ')).split(/\s+/).slice(0, 6).join(' ');
        const found = search.search(words, 50).map(line);
        const [at, replacedAt] = [found.indexOf(line(old)), found.indexOf(wanted)];
        if (at !== -1 && replacedAt !== -1) replacedAt.should.be.below(at, `${line(old)} above ${wanted}`);
        checked++;
      }
      checked.should.be.above(20);
    });
  });

  describe('the evaluation set', () => {
    it('holds at least 80 everyday requests across at least 15 families, some in French, each naming real operations', () => {
      const queries = evaluationQueries();
      queries.length.should.be.aboveOrEqual(80);
      new Set(queries.map((q) => q.family)).size.should.be.aboveOrEqual(15);
      queries.filter((q) => q.lang === 'fr').length.should.be.aboveOrEqual(5);
      const known = new Set(all.map(line));
      for (const query of queries) for (const expected of query.expected) known.has(expected).should.be.true(expected);
    });

    it('finds the operation wanted in the first five for 95 % of them, first for 70 %', () => {
      const figures = evaluate(search);
      const misses = figures.misses.map((m) => `${m.q} (${m.rank || '-'})`).join(', ');
      figures.top5.should.be.aboveOrEqual(0.95, `top-5 ${(figures.top5 * 100).toFixed(1)} %; not first: ${misses}`);
      figures.top1.should.be.aboveOrEqual(0.7, `top-1 ${(figures.top1 * 100).toFixed(1)} %; not first: ${misses}`);
    });
  });

  it('indexes a family in slices, letting other work run between them, and stops once it is no longer wanted', async () => {
    const cloud = all.filter((o) => o.family === '/cloud');
    const own = new OperationSearch();
    let turns = 0;
    let counting = true;
    const count = () => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    await own.addInSlices(cloud);
    counting = false;
    own.size.should.equal(cloud.length);
    turns.should.be.above(1); // other work ran between the slices (every 8 ms of indexing)
    own.search('k8s clusters', 1).map(line).should.eql(['GET /cloud/project/{serviceName}/kube']);
    let asked = 0;
    const partial = new OperationSearch();
    await partial.addInSlices(cloud, () => ++asked < 3); // evicted while it was being indexed
    partial.size.should.be.above(0);
    partial.size.should.be.below(cloud.length);
  });

  it('forgets a family removed, and finds it again once added back', () => {
    const own = new OperationSearch(all);
    const sms = all.filter((o) => o.family === '/sms');
    own.remove('/sms');
    own.size.should.equal(all.length - sms.length);
    own
      .search('send sms', 20)
      .some((o) => o.family === '/sms')
      .should.be.false();
    own.add(sms);
    own.search('send sms', 1).map(line).should.eql(['POST /sms/{serviceName}/jobs']);
  });
});
