import { WORKER_OLD_SPACE_MB, WORKER_SEMI_SPACE_MB, workerEnv, workerExecArgv } from './auth-cluster';

describe('auth cluster workers', () => {
  it('get a small young generation and a heap limit unless the operator gave their own', () => {
    const defaults = [`--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`, `--max-old-space-size=${WORKER_OLD_SPACE_MB}`];
    expect(workerExecArgv(['--enable-source-maps'])).toEqual(['--enable-source-maps', ...defaults]);
    expect(workerExecArgv(['--max-semi-space-size=32'])).toEqual(['--max-semi-space-size=32', defaults[1]]);
    expect(workerExecArgv([], '--max-semi-space-size=8 --trace-gc')).toEqual([defaults[1]]);
    expect(workerExecArgv([], '--max-old-space-size=1024')).toEqual([defaults[0]]);
    expect(workerExecArgv(['--max-old-space-size=512'], '--max-semi-space-size=8')).toEqual(['--max-old-space-size=512']);
  });

  it('limit malloc arenas unless the operator set MALLOC_ARENA_MAX', () => {
    expect(workerEnv({})).toEqual({ MALLOC_ARENA_MAX: '2' });
    expect(workerEnv({ MALLOC_ARENA_MAX: '8' })).toEqual({});
  });
});
