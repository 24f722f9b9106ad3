/**
 * The little of protocol buffers that Google Authenticator exports need: varints and
 * length-delimited fields. Every read is bounds-checked and every loop advances, so hostile
 * input ends in an INVALID_MIGRATION error, never a hang or a read past the end.
 * @see https://protobuf.dev/programming-guides/encoding/
 */
import { OtpError } from './errors.ts';

export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

/** A 64-bit varint as two unsigned 32-bit halves: JS numbers lose bits past 2^53. */
export interface Varint {
  lo: number;
  hi: number;
}

function malformed(what: string): OtpError {
  return new OtpError('INVALID_MIGRATION', `This export is damaged (${what}).`);
}

/** The varint as an unsigned integer, or null when it does not fit in a safe JS number. */
export function toSafeUint(v: Varint): number | null {
  return v.hi < 0x200000 ? v.hi * 0x100000000 + v.lo : null;
}

/** The varint as protobuf's int32 (negative values are sign-extended to ten bytes). */
export function toInt32(v: Varint): number {
  return v.lo | 0;
}

export class ProtoReader {
  private pos: number;
  private readonly end: number;

  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
    end = bytes.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): Varint {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw malformed('a number is cut short');
      const b = this.bytes[this.pos++] as number;
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if ((b & 0x80) === 0) return { lo: lo >>> 0, hi: hi >>> 0 };
    }
    throw malformed('a number is longer than 64 bits');
  }

  /** Reads a field key; field numbers start at 1 and groups (wire types 3, 4) are not used. */
  tag(): { field: number; wire: number } {
    const key = this.varint();
    const field = toSafeUint(key);
    if (field === null || field > 0xffffffff || field < 8) throw malformed('a bad field key');
    return { field: Math.floor(field / 8), wire: field & 7 };
  }

  /** A length-delimited field, as a view that shares the underlying buffer. */
  bytesField(): Uint8Array {
    const length = toSafeUint(this.varint());
    if (length === null || length > this.end - this.pos)
      throw malformed('a field runs past the end');
    const start = this.pos;
    this.pos += length;
    return this.bytes.subarray(start, this.pos);
  }

  /** Skips a field of a number this reader does not know. */
  skip(wire: number): void {
    if (wire === WIRE.varint) this.varint();
    else if (wire === WIRE.bytes) this.bytesField();
    else if (wire === WIRE.fixed64 || wire === WIRE.fixed32) {
      const size = wire === WIRE.fixed64 ? 8 : 4;
      if (size > this.end - this.pos) throw malformed('a field runs past the end');
      this.pos += size;
    } else throw malformed(`unsupported wire type ${wire}`);
  }
}

/** Throws unless a known field arrived with the wire type the schema gives it. */
export function expectWire(actual: number, expected: number): void {
  if (actual !== expected) throw malformed('a field has the wrong wire type');
}

export class ProtoWriter {
  private readonly out: number[] = [];

  private raw(v: Varint): void {
    let { lo, hi } = v;
    while (hi !== 0 || lo > 0x7f) {
      this.out.push((lo & 0x7f) | 0x80);
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.out.push(lo);
  }

  private key(field: number, wire: number): void {
    this.raw({ lo: ((field << 3) | wire) >>> 0, hi: 0 });
  }

  /** An unsigned integer up to 2^53 − 1. */
  uint(field: number, value: number): this {
    this.key(field, WIRE.varint);
    this.raw({ lo: value >>> 0, hi: Math.floor(value / 0x100000000) >>> 0 });
    return this;
  }

  /** An int32: negative values take ten bytes, as protobuf's sign extension requires. */
  int32(field: number, value: number): this {
    this.key(field, WIRE.varint);
    this.raw({ lo: value >>> 0, hi: value < 0 ? 0xffffffff : 0 });
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.key(field, WIRE.bytes);
    this.raw({ lo: data.length, hi: 0 });
    for (const b of data) this.out.push(b);
    return this;
  }

  string(field: number, text: string): this {
    return this.bytes(field, new TextEncoder().encode(text));
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}
