/** s3rver 3.7 ships no types: the little the storage test uses. */
declare module 's3rver' {
  export default class S3rver {
    constructor(options: { port?: number; address?: string; silent?: boolean; directory: string });
    run(): Promise<unknown>;
    close(): Promise<void>;
  }
}
