/**
 * The few WebAssembly JS-API declarations flite.ts uses (the project compiles without the DOM
 * library, where TypeScript keeps them). Node provides the global at run time.
 */
declare namespace WebAssembly {
  class Module {
    static imports(module: Module): { module: string; name: string; kind: string }[];
  }
  class Instance {
    constructor(module: Module, imports: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
  }
  function compile(bytes: Uint8Array): Promise<Module>;
}
