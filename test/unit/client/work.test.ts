/** Work done a slice at a time: other work runs between slices, and an aborted signal abandons it. */
import 'should';
import { WorkDeadline, finish, finishInSlices, type Work } from '../../../nodes/client/work';

describe('sliced work', () => {
  /** Work of `slices` slices, each ending at a pause, counting what it did and whether it was closed. */
  const counted = (slices: number) => {
    const seen = { slices: 0, closed: false };
    function* work(): Work<number> {
      try {
        for (let i = 0; i < slices; i++) {
          seen.slices++;
          yield;
        }
        return seen.slices;
      } finally {
        seen.closed = true;
      }
    }
    return { seen, work: work() };
  };

  it('lets the event loop run before and between slices, and answers as the work done at once', async () => {
    // Each slice leaves something for the event loop to do; it is done before the next slice begins.
    let done = 0;
    const seenAtEachSlice: number[] = [];
    function* work(): Work<number> {
      for (let i = 0; i < 5; i++) {
        seenAtEachSlice.push(done);
        setImmediate(() => done++);
        yield;
      }
      return seenAtEachSlice.length;
    }
    setImmediate(() => done++); // waiting before the work begins
    (await finishInSlices(work(), new WorkDeadline(Infinity, 1))).should.equal(5);
    seenAtEachSlice.should.eql([1, 2, 3, 4, 5]);
    finish(counted(5).work).should.equal(5);
  });

  it('abandons the work at its next pause once its signal is aborted, closing it', async () => {
    const { seen, work } = counted(1000);
    const stopping = new AbortController();
    const done = finishInSlices(work, new WorkDeadline(Infinity, 1), stopping.signal);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    stopping.abort();
    await done.should.be.rejectedWith({ name: 'AbortError' });
    seen.slices.should.be.within(1, 3);
    seen.closed.should.be.true();
  });

  it('bounds the whole work when asked to, with the error it is given', () => {
    const deadline = new WorkDeadline(0, Infinity, (ms) => new RangeError(`over ${ms} ms`));
    const started = performance.now();
    while (performance.now() - started < 2);
    (() => deadline.check()).should.throw(RangeError, { message: 'over 0 ms' });
  });
});
