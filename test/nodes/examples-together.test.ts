/**
 * The examples can be imported one after another into one Node-RED: no node id of one is the id of
 * another's node (an import would then offer to replace the first one's node), except the account
 * they share on purpose, which is the same node in each.
 */
import 'should';
import { readExamples } from '../helpers/examples';
import { EXAMPLES_ACCOUNT_ID } from '../playground/demo-flow';

describe('the examples imported together', () => {
  const examples = readExamples();
  /** An OAuth2 service account is another account: its example has its own, the others share one. */
  const isOAuth2 = ({ nodes }: { nodes: Array<Record<string, unknown>> }) =>
    nodes.some((n) => n.type === 'ovh-credentials' && n.authType === 'oauth2');
  const keyExamples = examples.filter((e) => !isOAuth2(e));

  it('share no node id, but for their one account', () => {
    const owners = new Map<string, string[]>();
    for (const { file, nodes } of examples) {
      for (const node of nodes) owners.set(node.id as string, [...(owners.get(node.id as string) ?? []), file]);
    }
    const shared = [...owners].filter(([, files]) => files.length > 1).map(([id, files]) => `${id}: ${files.join(', ')}`);
    shared.should.eql([`${EXAMPLES_ACCOUNT_ID}: ${keyExamples.map((e) => e.file).join(', ')}`]);
  });

  it('have the same account node in each (the one the playground deploys its keys on)', () => {
    const accounts = keyExamples.map(({ nodes }) => nodes.filter((n) => n.type === 'ovh-credentials'));
    for (const [i, list] of accounts.entries()) {
      list.length.should.equal(1, keyExamples[i].file);
      list[0].should.eql(accounts[0][0], keyExamples[i].file);
    }
    (accounts[0][0].id as string).should.equal(EXAMPLES_ACCOUNT_ID);
  });

  it('give the OAuth2 service account example an account of its own', () => {
    const oauth2 = examples.filter(isOAuth2);
    oauth2.map((e) => e.file).should.eql(['15 OAuth2 service account with its IAM policy.json']);
    const [account] = oauth2[0].nodes.filter((n) => n.type === 'ovh-credentials');
    (account.id as string).should.not.equal(EXAMPLES_ACCOUNT_ID);
  });
});
