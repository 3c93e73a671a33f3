// Exact rational numbers for the Method of Equal Shares: each voter's share of a budget is the
// budget divided by the number of voters, and payments split a cost among voters, so floating
// point would round, and two projects that are level in exact terms could come out a hair apart
// and be ordered by rounding instead of by the published tie rule. BigInt keeps every step exact.

const gcd = (a: bigint, b: bigint): bigint => {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
};

export class Fraction {
  /** Always in lowest terms with a positive denominator, so equal values have equal fields. */
  private constructor(
    readonly num: bigint,
    readonly den: bigint,
  ) {}

  static of(num: bigint | number, den: bigint | number = 1n): Fraction {
    let n = BigInt(num);
    let d = BigInt(den);
    if (d === 0n) throw new RangeError('Fraction with a zero denominator');
    if (d < 0n) [n, d] = [-n, -d];
    const g = gcd(n, d);
    return g > 1n ? new Fraction(n / g, d / g) : new Fraction(n, d);
  }

  static readonly ZERO = Fraction.of(0n);

  add(o: Fraction): Fraction {
    return this.den === o.den ? Fraction.of(this.num + o.num, this.den) : Fraction.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }

  sub(o: Fraction): Fraction {
    return this.den === o.den ? Fraction.of(this.num - o.num, this.den) : Fraction.of(this.num * o.den - o.num * this.den, this.den * o.den);
  }

  mul(o: Fraction): Fraction {
    return Fraction.of(this.num * o.num, this.den * o.den);
  }

  div(o: Fraction): Fraction {
    return Fraction.of(this.num * o.den, this.den * o.num);
  }

  /** Negative, zero or positive as this is below, equal to or above `o`. */
  cmp(o: Fraction): number {
    const l = this.num * o.den;
    const r = o.num * this.den;
    return l < r ? -1 : l > r ? 1 : 0;
  }

  min(o: Fraction): Fraction {
    return this.cmp(o) <= 0 ? this : o;
  }

  isZero(): boolean {
    return this.num === 0n;
  }

  toString(): string {
    return this.den === 1n ? `${this.num}` : `${this.num}/${this.den}`;
  }

  /** For display and for tests' comparisons with a floating-point reference only. */
  toNumber(): number {
    return Number(this.num) / Number(this.den);
  }
}
