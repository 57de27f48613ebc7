/**
 * The repository carries its own copies of the shared fixtures, so that a clone runs every test
 * by itself. Where ../shared sits beside the checkout (the team's machines and CI), the copies
 * must be identical to it; elsewhere there is nothing to compare with.
 */
import 'should';
import fs from 'node:fs';
import path from 'node:path';
import { fixturesDir, repoRoot } from './helpers';

const shared = path.resolve(repoRoot, '..', 'shared');

/** Every file under a folder, as relative paths, sorted. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe('fixtures copied from ../shared', function () {
  before(function () {
    if (!fs.existsSync(shared)) this.skip();
  });

  it('the signature vectors are identical', () => {
    fs.readFileSync(path.join(fixturesDir, 'ovh-signature-vectors.json'))
      .equals(fs.readFileSync(path.join(shared, 'ovh-signature-vectors.json')))
      .should.be.true();
  });

  it('the API schemas are identical, file for file', () => {
    const ours = path.join(fixturesDir, 'ovh-api-schemas');
    const theirs = path.join(shared, 'ovh-api-schemas');
    filesUnder(ours).should.eql(filesUnder(theirs));
    for (const file of filesUnder(theirs)) {
      fs.readFileSync(path.join(ours, file))
        .equals(fs.readFileSync(path.join(theirs, file)))
        .should.be.true(file);
    }
  });
});
