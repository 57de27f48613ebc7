declare module 'node-red-node-test-helper' {
  const helper: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  export = helper;
}
declare module '@node-red/util' {
  export const hooks: {
    add(name: string, handler: (event: any) => void): void; // eslint-disable-line @typescript-eslint/no-explicit-any
    remove(name: string): void;
  };
}
