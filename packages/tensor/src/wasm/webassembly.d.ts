/**
 * The part of the WebAssembly JS API this backend uses. The project compiles with lib ES2023
 * and @types/node, neither of which declares WebAssembly (lib.dom does); Node 20 and browsers
 * provide it at run time.
 */
declare namespace WebAssembly {
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  interface Instance {
    readonly exports: Record<string, unknown>;
  }
  function validate(bytes: Uint8Array): boolean;
  function instantiate(bytes: Uint8Array, imports: Record<string, Record<string, unknown>>): Promise<{ instance: Instance }>;
}
