// Packs a worker's facts into typed arrays and one table of distinct strings, for postMessage.
// Structured clone was the costliest part of running on workers (ghost, Node 20): facts are
// ~750,000 small objects and ~800,000 strings of which ~36,000 are distinct (file paths repeated
// in every location), so the clone wrote 35 MB and the main thread spent ~0.6 s rebuilding them.
// Packed, each distinct string crosses once, the arrays are transferred without a copy, and the
// objects are rebuilt by plain JavaScript.
//
// What survives is what structured clone keeps of plain data: own enumerable keys in their
// order, shared references and cycles within one message, null/booleans/numbers/strings/undefined.
// Prototypes are dropped, as structured clone drops them. Anything else (Map, Date, functions…)
// makes pack() throw, and the caller sends that message by structured clone instead.

const NULL = 0;
const FALSE = 1;
const TRUE = 2;
const INT = 3;
const FLOAT = 4;
const STRING = 5;
const ARRAY = 6;
const OBJECT = 7;
const REF = 8;
const UNDEFINED = 9;

export interface PackedValue {
  /** Tags and their operands. */
  codes: Int32Array;
  /** Numbers that are not 32-bit integers, in order of appearance. */
  floats: Float64Array;
  strings: string[];
  /** The key lists of objects, shared by objects with the same keys in the same order. */
  shapes: string[][];
}

/** Packs plain data; throws on a value structured clone would treat differently from plain data. */
export function pack(value: unknown): PackedValue {
  const packer = new Packer();
  packer.write(value);
  return packer.finish();
}

export function unpack(packed: PackedValue): unknown {
  return new Unpacker(packed).read();
}

/** The buffers postMessage can move instead of copying. */
export function transferables(packed: PackedValue): ArrayBuffer[] {
  return [packed.codes.buffer as ArrayBuffer, packed.floats.buffer as ArrayBuffer];
}

class Packer {
  private codes = new Int32Array(1 << 16);
  private length = 0;
  private readonly floats: number[] = [];
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  private readonly shapes: string[][] = [];
  /** Shape ids by key sequence, one Map level per key (no joined string per object). */
  private readonly shapeTrie = new ShapeNode();
  private readonly objectIds = new Map<object, number>();

  write(value: unknown): void {
    switch (typeof value) {
      case "string":
        return this.push2(STRING, this.stringId(value));
      case "number":
        return this.writeNumber(value);
      case "boolean":
        return this.push(value ? TRUE : FALSE);
      case "undefined":
        return this.push(UNDEFINED);
      case "object":
        return value === null ? this.push(NULL) : this.writeObject(value);
      default:
        throw new TypeError(`cannot pack a ${typeof value}`);
    }
  }

  finish(): PackedValue {
    return { codes: this.codes.slice(0, this.length), floats: Float64Array.from(this.floats), strings: this.strings, shapes: this.shapes };
  }

  private writeNumber(value: number): void {
    // -0 is not an int32 on the way back (0 | 0 is +0), so it goes with the floats.
    if ((value | 0) === value && !Object.is(value, -0)) return this.push2(INT, value);
    this.push2(FLOAT, this.floats.length);
    this.floats.push(value);
  }

  private writeObject(value: object): void {
    const seen = this.objectIds.get(value);
    if (seen !== undefined) return this.push2(REF, seen);
    this.objectIds.set(value, this.objectIds.size);
    if (Array.isArray(value)) {
      this.push2(ARRAY, value.length);
      for (const item of value) this.write(item);
      return;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype && !isOrdinary(value)) throw new TypeError(`cannot pack a ${Object.prototype.toString.call(value)}`);
    const keys = Object.keys(value);
    this.push2(OBJECT, this.shapeId(keys));
    for (const key of keys) this.write((value as Record<string, unknown>)[key]);
  }

  private stringId(value: string): number {
    let id = this.stringIds.get(value);
    if (id === undefined) {
      id = this.strings.push(value) - 1;
      this.stringIds.set(value, id);
    }
    return id;
  }

  private shapeId(keys: string[]): number {
    let node = this.shapeTrie;
    for (const key of keys) node = node.child(key);
    if (node.id < 0) node.id = this.shapes.push(keys) - 1;
    return node.id;
  }

  private push(code: number): void {
    if (this.length === this.codes.length) this.grow();
    this.codes[this.length++] = code;
  }

  private push2(tag: number, operand: number): void {
    if (this.length + 2 > this.codes.length) this.grow();
    this.codes[this.length++] = tag;
    this.codes[this.length++] = operand;
  }

  private grow(): void {
    const bigger = new Int32Array(this.codes.length * 2);
    bigger.set(this.codes);
    this.codes = bigger;
  }
}

/**
 * Structured clone copies any ordinary object as its own keys (a class instance, or an object
 * whose prototype the analyser set when analysed code wrote a `__proto__` key); it treats Map,
 * Set, Date, RegExp, Error, typed arrays and boxed primitives differently, so those are refused.
 */
function isOrdinary(value: object): boolean {
  return Object.prototype.toString.call(value) === "[object Object]";
}

class ShapeNode {
  id = -1;
  private children?: Map<string, ShapeNode>;

  child(key: string): ShapeNode {
    this.children ??= new Map();
    let next = this.children.get(key);
    if (!next) {
      next = new ShapeNode();
      this.children.set(key, next);
    }
    return next;
  }
}

class Unpacker {
  private position = 0;
  private readonly objects: unknown[] = [];
  private readonly codes: Int32Array;
  private readonly floats: Float64Array;
  private readonly strings: string[];
  private readonly shapes: string[][];

  constructor(packed: PackedValue) {
    ({ codes: this.codes, floats: this.floats, strings: this.strings, shapes: this.shapes } = packed);
  }

  read(): unknown {
    const tag = this.codes[this.position++];
    switch (tag) {
      case NULL:
        return null;
      case FALSE:
        return false;
      case TRUE:
        return true;
      case UNDEFINED:
        return undefined;
      case INT:
        return this.codes[this.position++];
      case FLOAT:
        return this.floats[this.codes[this.position++]];
      case STRING:
        return this.strings[this.codes[this.position++]];
      case REF:
        return this.objects[this.codes[this.position++]];
      case ARRAY:
        return this.readArray(this.codes[this.position++]);
      case OBJECT:
        return this.readObject(this.shapes[this.codes[this.position++]]);
      default:
        throw new Error(`corrupt packed facts: tag ${tag} at ${this.position - 1}`);
    }
  }

  private readArray(length: number): unknown[] {
    const array: unknown[] = [];
    this.objects.push(array); // before the items, so references to it from inside resolve
    for (let i = 0; i < length; i++) array.push(this.read());
    return array;
  }

  private readObject(keys: readonly string[]): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    this.objects.push(object);
    for (const key of keys) {
      // Assigning `__proto__` would set the prototype; structured clone makes it an own key.
      if (key === "__proto__") Object.defineProperty(object, key, { value: this.read(), writable: true, enumerable: true, configurable: true });
      else object[key] = this.read();
    }
    return object;
  }
}
