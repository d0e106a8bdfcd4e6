import { WORKER_SEMI_SPACE_MB, workerExecArgv } from './auth-cluster';

describe('auth workers: V8 flags', () => {
  it('gives the workers a smaller young generation unless the operator chose one', () => {
    expect(workerExecArgv(['--enable-source-maps'])).toEqual(['--enable-source-maps', `--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`]);
    expect(workerExecArgv(['--max-semi-space-size=32'])).toEqual(['--max-semi-space-size=32']);
    expect(workerExecArgv([], '--max-semi-space-size=8 --trace-gc')).toEqual([]);
  });
});
