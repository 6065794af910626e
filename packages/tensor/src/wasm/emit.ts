/**
 * A tiny WebAssembly binary writer: just enough of the format (spec "Binary Format", MVP plus
 * the fixed-width SIMD proposal) to emit a few kernels at run time, so the repository holds the
 * kernels as TypeScript and never a compiled binary.
 *
 * Module layout written by `moduleBytes`: magic + version, a type section (one signature per
 * function), an import section (one memory, "env"."memory", supplied by the caller so that it
 * can grow it and view it as a Float32Array), a function section, an export section (every
 * function by name) and a code section. Integers are LEB128 (unsigned for sizes and indices,
 * signed for i32.const).
 */

export const I32 = 0x7f;
export const V128 = 0x7b;

/** Opcodes used by the kernels (single byte, MVP). */
export const op = {
  block: 0x02, loop: 0x03, br: 0x0c, brIf: 0x0d, end: 0x0b, select: 0x1b,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Load: 0x28, f32Load: 0x2a, f32Store: 0x38, i32Const: 0x41,
  i32Eqz: 0x45, i32LtS: 0x48, i32GtS: 0x4a, i32GeS: 0x4e,
  i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32Shl: 0x74, i32ShrS: 0x75,
} as const;

/** SIMD opcodes (after the 0xfd prefix, LEB128-encoded). */
export const simd = {
  load: 0x00, load32Splat: 0x09, store: 0x0b, const: 0x0c, f32x4Splat: 0x13,
  f32x4Add: 0xe4, f32x4Sub: 0xe5, f32x4Mul: 0xe6, f32x4Max: 0xe9,
} as const;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

/** A function body under construction: append instructions, then `bytes()`. */
export class Code {
  private readonly out: number[] = [];
  private readonly locals: number[] = [];

  /** @param params how many parameters come before the locals (local indices continue after them). */
  constructor(private readonly params: number) {}

  /** Declare a local of `type`; returns its index. */
  local(type: number): number {
    this.locals.push(type);
    return this.params + this.locals.length - 1;
  }

  emit(...bytes: number[]): this {
    for (const b of bytes) this.out.push(b);
    return this;
  }

  get(i: number): this { return this.emit(op.localGet, ...uleb(i)); }
  set(i: number): this { return this.emit(op.localSet, ...uleb(i)); }
  i32(v: number): this { return this.emit(op.i32Const, ...sleb(v)); }
  simd(code: number, ...imm: number[]): this { return this.emit(0xfd, ...uleb(code), ...imm); }
  /** A SIMD memory op with (log2 alignment, byte offset). */
  mem(code: number, align: number, offset = 0): this { return this.simd(code, ...uleb(align), ...uleb(offset)); }
  /** v128.const of zeros. */
  zero128(): this { return this.simd(simd.const, ...new Array<number>(16).fill(0)); }

  /** `local[i] += delta` (i32). */
  addTo(i: number, delta: () => void): this {
    this.get(i);
    delta();
    return this.emit(op.i32Add).set(i);
  }

  /**
   * `while (cond) body`: block { loop { br_if(!cond) out; body; br loop } }. `cond` leaves an i32
   * on the stack; `exitIf` variant below is used when the exit test is cheaper to state.
   */
  whileLoop(exitIf: () => void, body: () => void): this {
    this.emit(op.block, 0x40, op.loop, 0x40);
    exitIf();
    this.emit(op.brIf, 1);
    body();
    return this.emit(op.br, 0, op.end, op.end);
  }

  /** `block { exitIf → skip; body }`: body runs unless the i32 that exitIf leaves is nonzero. */
  unless(exitIf: () => void, body: () => void): this {
    this.emit(op.block, 0x40);
    exitIf();
    this.emit(op.brIf, 0);
    body();
    return this.emit(op.end);
  }

  /** `for (local = 0; local < limit; local++) body` with limit an i32 local. */
  forRange(local: number, limit: number, body: () => void): this {
    this.i32(0).set(local);
    return this.whileLoop(() => this.get(local).get(limit).emit(op.i32GeS), () => {
      body();
      this.addTo(local, () => this.i32(1));
    });
  }

  bytes(): number[] {
    const groups: number[] = [];
    let count = 0;
    for (let i = 0; i < this.locals.length; i++) {
      if (i > 0 && this.locals[i] === this.locals[i - 1]) continue;
      let n = 1;
      while (this.locals[i + n] === this.locals[i]) n++;
      groups.push(...uleb(n), this.locals[i]);
      count++;
    }
    const body = [...uleb(count), ...groups, ...this.out, op.end];
    return [...uleb(body.length), ...body];
  }
}

export interface FunctionDef {
  name: string;
  params: readonly number[];
  results: readonly number[];
  code: Code;
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

/** The module's bytes: every function exported under its name, memory imported as env.memory. */
export function moduleBytes(fns: readonly FunctionDef[]): Uint8Array {
  const types = fns.map((f) => [0x60, ...uleb(f.params.length), ...f.params, ...uleb(f.results.length), ...f.results]);
  const imports = [[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...section(7, vec(fns.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(fns.map((f) => f.code.bytes()))),
  ]);
}
