import { describe, expect, it } from 'vitest';
import { isPostgresNullSocketWrite } from './postgres-guard';

function errWithStack(message: string, frames: string[]): TypeError {
  const e = new TypeError(message);
  e.stack = [`TypeError: ${message}`, ...frames].join('\n');
  return e;
}

describe('the postgres.js null-socket guard', () => {
  it("recognises exactly the defect's error (Node and the CJS build)", () => {
    const frames = [
      '    at Immediate.nextWrite (file:///app/node_modules/postgres/src/connection.js:258:22)',
      '    at process.processImmediate (node:internal/timers:483:21)',
    ];
    expect(isPostgresNullSocketWrite(errWithStack("Cannot read properties of null (reading 'write')", frames))).toBe(true);
    expect(
      isPostgresNullSocketWrite(
        errWithStack("Cannot read properties of null (reading 'write')", [
          '    at Immediate.nextWrite (/app/node_modules/postgres/cjs/src/connection.js:258:22)',
        ]),
      ),
    ).toBe(true);
  });

  it('leaves every other error to crash the process', () => {
    const ours = ['    at Immediate.nextWrite (/app/lib/gateway/relay.ts:10:2)'];
    expect(isPostgresNullSocketWrite(errWithStack("Cannot read properties of null (reading 'write')", ours))).toBe(false);
    const other = ['    at Immediate.nextWrite (/app/node_modules/postgres/src/connection.js:258:22)'];
    expect(isPostgresNullSocketWrite(errWithStack("Cannot read properties of undefined (reading 'length')", other))).toBe(false);
    expect(isPostgresNullSocketWrite(new Error("Cannot read properties of null (reading 'write')"))).toBe(false);
    expect(isPostgresNullSocketWrite('boom')).toBe(false);
  });
});
