// Generates the fixture tables that the Rust tests in interpreter/src/js compare against.
// Run from this directory with: TZ=UTC node gen.mjs
// Doubles are written as 16-digit hex bit patterns so that every row is exact.
import { writeFileSync } from "node:fs";

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const bits = (x) => {
  f64[0] = x;
  return u64[0].toString(16).padStart(16, "0");
};
const fromBits = (b) => {
  u64[0] = b;
  return f64[0];
};

// Deterministic xorshift64* so the tables are reproducible.
let state = 0x9e3779b97f4a7c15n;
const mask = (1n << 64n) - 1n;
const next = () => {
  state ^= state >> 12n;
  state ^= (state << 25n) & mask;
  state ^= state >> 27n;
  return (state * 0x2545f4914f6cdd1dn) & mask;
};
const randInt = (n) => Number(next() % BigInt(n));
const randomDouble = () => {
  for (;;) {
    const x = fromBits(next());
    if (Number.isFinite(x)) return x;
  }
};
// A "human" double: a few digits at a random scale.
const humanDouble = () => {
  const digits = 1 + randInt(17);
  let m = "";
  for (let i = 0; i < digits; i++) m += String(randInt(10));
  const x = Number(`${m}e${randInt(60) - 30}`);
  return randInt(2) ? -x : x;
};
// Argument columns: finite numbers as JSON numbers, NaN and infinities as strings, null for
// undefined.
const arg = (x) => (x === null || x === undefined ? null : Number.isFinite(x) ? x : String(x));
const result = (f) => {
  try {
    return f();
  } catch (e) {
    return { error: `${e.name}: ${e.message}` };
  }
};

function numbers() {
  const xs = [0, -0, NaN, Infinity, -Infinity, 1, -1, 0.1, 0.2, 0.1 + 0.2, 1 / 3, 2 / 3, 123.456, 5e-324,
    -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, Number.MAX_VALUE, Number.MIN_VALUE,
    Number.EPSILON, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1e21, 1e-7, 1e-6, 9.999999999999999e20,
    123456789012345680000, 0.000001, 0.0000012345, 1.5e-7, 4294967295, 4294967296, -2147483648, 2147483647];
  for (let e = -325; e <= 309; e++) xs.push(Number(`1e${e}`));
  for (let e = -1074; e <= 1023; e += 7) xs.push(2 ** e, -(2 ** e));
  for (let d = -20; d <= 20; d++) xs.push(2 ** 53 + d, 2 ** 64 + d * 2048, -(2 ** 53 + d));
  for (let i = 0; i < 500; i++) xs.push(randomDouble());
  for (let i = 0; i < 350; i++) xs.push(humanDouble());
  for (let i = 0; i < 100; i++) xs.push(fromBits(next() & 0x000fffffffffffffn)); // subnormals
  // Exactly halfway between two shortest candidates: the spec picks the even one.
  for (let i = 0; i < 40; i++) {
    const scale = [2 ** 44, 2 ** 47, 2 ** 49, 2 ** 51][i % 4];
    const frac = [0.25, 0.75, 0.125, 0.375, 0.0625][i % 5];
    xs.push(scale + Number(next() % BigInt(scale)) + frac);
  }
  const toString = xs.map((x) => [bits(x), String(x)]);

  const radixInputs = [0, -0, NaN, Infinity, -Infinity, 1, -1, 0.1, 0.5, 255.5, -255.5, 1e21, 2 ** 53,
    2 ** 60 + 2 ** 20, 123.456, 1 / 3, 1e-7, 5e-324, Number.MAX_VALUE, 3.14159, -0.000123, 1e300];
  for (let i = 0; i < 20; i++) radixInputs.push(humanDouble(), randomDouble());
  const radix = [];
  for (const x of radixInputs) {
    for (const r of [2, 3, 7, 8, 16, 32, 36]) radix.push([bits(x), arg(r), result(() => x.toString(r))]);
  }
  for (const r of [0, 1, 37, -2, 2.9, 36.5, NaN]) radix.push([bits(255), arg(r), result(() => (255).toString(r))]);

  const fixedInputs = [0, -0, NaN, Infinity, 1.005, 1.045, 2.5, -2.5, 0.5, 1.5, -1.5, 1e21, 1e21 - 65536, -1e21,
    999999999999999999999, 123.456, 0.000001, 1e-10, -1e-10, 1.23e-20, 2 ** 70, 2 ** 53 + 1, 5e-324,
    0.1, 0.3, 10.235, 8.345, 1.255, 1e20, 99.995, 0.045, 1234.5678];
  for (let i = 0; i < 70; i++) fixedInputs.push(humanDouble());
  const toFixed = [];
  for (const x of fixedInputs) {
    for (const f of [0, 1, 2, 3, 5, 10, 20, 25, 100]) toFixed.push([bits(x), arg(f), result(() => x.toFixed(f))]);
  }
  for (const f of [-1, 101, Infinity, NaN, 2.7, -0.5]) {
    toFixed.push([bits(1.5), arg(f), result(() => (1.5).toFixed(f))]);
    toFixed.push([bits(NaN), arg(f), result(() => NaN.toFixed(f))]);
  }

  const precInputs = [0, -0, NaN, Infinity, 1.005, 123.456, 0.000001234, 1e-7, 1e21, 99.99, 9.5, 0.5,
    123456789, 1e100, 5e-324, -1.5, 0.00001, 1.25];
  for (let i = 0; i < 50; i++) precInputs.push(humanDouble());
  const toPrecision = [];
  const toExponential = [];
  for (const x of precInputs) {
    for (const p of [null, 1, 2, 3, 5, 10, 21, 50, 100]) {
      toPrecision.push([bits(x), arg(p), result(() => x.toPrecision(p ?? undefined))]);
    }
    for (const p of [null, 0, 1, 2, 5, 10, 20, 100]) {
      toExponential.push([bits(x), arg(p), result(() => x.toExponential(p ?? undefined))]);
    }
  }
  for (const p of [0, 101, -1, Infinity]) {
    toPrecision.push([bits(1.5), arg(p), result(() => (1.5).toPrecision(p))]);
    toPrecision.push([bits(NaN), arg(p), result(() => NaN.toPrecision(p))]);
    toExponential.push([bits(1.5), arg(p), result(() => (1.5).toExponential(p))]);
    toExponential.push([bits(Infinity), arg(p), result(() => Infinity.toExponential(p))]);
  }

  const strings = ["", " ", "0", "-0", "+0", "00", "010", "1", "-1", "+1", "1.", ".5", ".", "-.5", "+.5e1",
    "1e3", "1E3", "1e+3", "1e-3", "1e", "1e+", "e5", "1.5e", "Infinity", "-Infinity", "+Infinity",
    "infinity", "inf", "NaN", "nan", "0x10", "0X1f", "0x", "-0x10", "+0x10", "0o17", "0O17", "0o8", "0b101",
    "0B2", "0b", "1_000", "1,000", "12px", "  12  ", "\t\n\v\f\r 12 \u00a0\ufeff\u2028\u2029\u3000",
    "\u180e12", "\u200b12", "1e1000", "-1e1000", "1e-400", "4.9e-324", "2.4703282292062328e-324",
    "2.4703282292062327e-324", "0.1", "0.30000000000000004", "9007199254740993", "123456789012345678901234567890",
    "0x1fffffffffffff", "0x20000000000001", "0x20000000000003", "0x20000000000001000000000000000001",
    "0xfffffffffffff800", "0xfffffffffffffc00", "0b" + "1".repeat(60), "0o" + "7".repeat(30), "1.7976931348623157e308",
    "1.7976931348623159e308", "٣", "１２", "12abc", "abc12", "0.0000001", "-", "+", "--1", "+-1",
    "1" + "0".repeat(400), "0." + "0".repeat(400) + "1", "5" + "0".repeat(30) + "e-30", ".e1", "1.e1", "0x1.5",
    "0xg", "1 2", "Infinityx", " Infinity ", "0e0", "-0e0", "0.0e-5", "00.5", "0b11 ", "1e+1.5"];
  for (let i = 0; i < 200; i++) strings.push(String(humanDouble()), String(randomDouble()));
  const stringToNumber = strings.map((s) => [s, bits(Number(s))]);
  const parseFloatRows = strings.map((s) => [s, bits(parseFloat(s))]);

  const intStrings = [...strings.slice(0, 110).filter((s) => s.length < 80), "0x", "0xz", "  0x1A  ", "-0x1A", "08", "0b11", "z", "Z", "zz",
    "123456789012345678901234567890", "zzzzzzzzzzzzzzzzzzzzzz", "1e3", "3.9", "-3.9", "  -42abc", "\u00a0 7",
    "ffffffffffffffffffff", "7fffffffffffffff", "0.00000001", "1000000000000000000000000"];
  const parseIntRows = strings.slice(110).map((s) => [s, null, bits(parseInt(s))]);
  for (const s of intStrings) {
    for (const r of [null, 0, 2, 8, 10, 16, 36]) parseIntRows.push([s, arg(r), bits(parseInt(s, r ?? undefined))]);
  }
  for (const r of [1, 37, -1, 3, 5, 7, 12, 20, 35, 4294967312, 16.9, NaN, Infinity]) {
    for (const s of ["10", "zz", "123456789abcdefghijklmnopqrstuvwxyz", "1".repeat(40), "0x10", "-7"]) {
      parseIntRows.push([s, arg(r), bits(parseInt(s, r))]);
    }
  }
  const int32 = [0, -0, NaN, Infinity, -Infinity, 1.9, -1.9, 2 ** 31, 2 ** 32, 2 ** 32 + 5, -(2 ** 31) - 1,
    2 ** 53, 1e21, -1e21, 4294967295.5, 1e300, 5e-324];
  for (let i = 0; i < 100; i++) int32.push(humanDouble(), randomDouble());
  const toInt32 = int32.map((x) => [bits(x), x | 0, x >>> 0]);
  const inspect = xs.slice(0, 200).map((x) => [bits(x), (globalThis.process && require_inspect(x))]);
  return { toString, radix, toFixed, toPrecision, toExponential, stringToNumber, parseFloat: parseFloatRows,
    parseInt: parseIntRows, toInt32, inspect };
}

import { inspect as utilInspect } from "node:util";
function require_inspect(x) {
  return utilInspect(x);
}

writeFileSync(new URL("./numbers.json", import.meta.url), JSON.stringify(numbers()));

// ---------------------------------------------------------------- strings
// Results are passed through toWellFormed(): a lone surrogate becomes U+FFFD, which is the
// documented rule of string.rs (Rust strings cannot hold lone surrogates).
const wf = (v) => (typeof v === "string" ? v.toWellFormed() : v);
function strings() {
  const samples = ["", "a", "hello", "héllo wörld", "a😀b", "😀", "😀😀x", "日本語テキスト", "e\u0301", "ab,cd,,ef,",
    "aaa", "l'été", "\uffff\u{10000}", "Σ ΣΑΣ όσος"];
  const positions = [null, -5, -1, -0.5, 0, 1, 1.5, 2, 3, 5, 100, "NaN", "Infinity", "-Infinity"];
  const num = (p) => (p === null ? undefined : typeof p === "string" ? Number(p) : p);
  const rows = { length: [], charAt: [], at: [], charCodeAt: [], codePointAt: [], slice: [], substring: [],
    indexOf: [], lastIndexOf: [], includes: [], startsWith: [], endsWith: [], padStart: [], padEnd: [], repeat: [],
    trim: [], split: [], replace: [], replaceAll: [], toUpperCase: [], toLowerCase: [], compare: [], json: [],
    inspect: [] };
  for (const s of samples) {
    rows.length.push([s, s.length]);
    for (const p of positions) {
      rows.charAt.push([s, p, wf(s.charAt(num(p)))]);
      rows.at.push([s, p, wf(s.at(num(p))) ?? null]);
      rows.charCodeAt.push([s, p, arg(s.charCodeAt(num(p)))]);
      rows.codePointAt.push([s, p, s.codePointAt(num(p)) ?? null]);
    }
  }
  const pairs = [null, -3, -1, 0, 1, 2, 4, 100, "NaN"];
  for (const s of ["", "hello", "a😀b", "😀😀x", "héllo wörld"]) {
    for (const a of pairs) {
      for (const b of pairs) {
        rows.slice.push([s, a, b, wf(s.slice(num(a), num(b)))]);
        rows.substring.push([s, a, b, wf(s.substring(num(a), num(b)))]);
      }
    }
  }
  const searches = ["", "a", "l", "lo", "😀", "é", "ab", "xyz", "hello!"];
  const searchPos = [null, -1, 0, 1, 2, 3, 4, 10, "NaN", "Infinity"];
  for (const s of ["", "hello", "a😀b😀a", "héllo wörld", "aaa", "ab,cd,,ef,"]) {
    for (const t of searches) {
      for (const p of searchPos) {
        rows.indexOf.push([s, t, p, s.indexOf(t, num(p))]);
        rows.lastIndexOf.push([s, t, p, s.lastIndexOf(t, num(p))]);
        rows.includes.push([s, t, p, s.includes(t, num(p))]);
        rows.startsWith.push([s, t, p, s.startsWith(t, num(p))]);
        rows.endsWith.push([s, t, p, s.endsWith(t, num(p))]);
      }
    }
  }
  for (const s of ["", "abc", "😀", "héllo"]) {
    for (const n of [null, -1, 0, 3, 4, 5, 8, 11, "NaN"]) {
      for (const f of [null, "", "ab", "😀", "-", "xyz"]) {
        rows.padStart.push([s, n, f, wf(s.padStart(num(n), f ?? undefined))]);
        rows.padEnd.push([s, n, f, wf(s.padEnd(num(n), f ?? undefined))]);
      }
    }
    for (const c of [0, 1, 2, 3, -1, "Infinity", "-Infinity", "NaN", 2.5, -0.5]) {
      rows.repeat.push([s, c, result(() => s.repeat(num(c)))]);
    }
  }
  rows.repeat.push(["ab", 2 ** 28, result(() => "ab".repeat(2 ** 28))]);
  rows.padStart.push(["ab", 2 ** 30, " ", result(() => "ab".padStart(2 ** 30))]);
  const spaces = ["\t", "\n", "\v", "\f", "\r", " ", "\u00a0", "\u1680", "\u2000", "\u200a", "\u2028", "\u2029",
    "\u202f", "\u205f", "\u3000", "\ufeff", "\u180e", "\u200b", "\u0085"];
  for (const w of spaces) {
    const s = `${w}${w}x y${w}`;
    rows.trim.push([s, s.trim(), s.trimStart(), s.trimEnd()]);
  }
  for (const s of ["", "a,b,c", ",a,,b,", "a😀b😀", "😀", "héllo", "aaa", "a, b, c"]) {
    for (const sep of [null, "", ",", "a", "😀", ", ", "aa", "zz"]) {
      for (const lim of [null, 0, 1, 2, -1, 4294967297, "NaN"]) {
        rows.split.push([s, sep, lim, s.split(sep ?? undefined, num(lim)).map(wf)]);
      }
    }
  }
  for (const s of ["", "hello", "a😀b😀", "lol lol", "aaa"]) {
    for (const pat of ["", "a", "l", "lo", "😀", "xx", "aa"]) {
      for (const rep of ["-", "$$", "$&$&", "[$`]", "[$']", "$1", "$<x>", "$", "$$$", "é😀"]) {
        rows.replace.push([s, pat, rep, wf(s.replace(pat, rep))]);
        rows.replaceAll.push([s, pat, rep, wf(s.replaceAll(pat, rep))]);
      }
    }
  }
  for (const s of ["hello", "ß", "İstanbul", "ΣΑΣ", "όσος ΌΣΟΣ Σ", "ǅ ǆ Ǆ", "ﬃ", "ŉ", "Ω K Å", "ΐ", "i̇", "ÿ ẞ",
    "a😀b", "𐐀𐐨", "Straße", "ΑΣ.", "Σ1", "ΑΣb", "aΣ b"]) {
    rows.toUpperCase.push([s, s.toUpperCase()]);
    rows.toLowerCase.push([s, s.toLowerCase()]);
  }
  const cmp = ["", "a", "B", "b", "ab", "a😀", "a\uffff", "a\ue000", "é", "e", "Z", "aa", "😀", "\u{1F600}b", "\ud7ff"];
  for (const a of cmp) for (const b of cmp) rows.compare.push([a, b, a < b ? -1 : a > b ? 1 : 0]);
  const quoting = ["", "plain", "it's", 'say "hi"', "it's \"x\"", "it's \"x\" `y`", "it's \"x\" ${y}",
    "back\\slash", "tab\tnew\nline\r", "\b\f\v\0\x01\x1f\x7f\x80\x9f\xa0", "é😀日", "\u2028\u2029", "`tick`", "'", "\"'`"];
  for (const s of quoting) {
    rows.json.push([s, JSON.stringify(s)]);
    rows.inspect.push([s, utilInspect(s)]);
  }
  rows.inspectKey = [];
  for (const k of ["a", "_x", "A1_", "1", "1a", "a-b", "", "$", "a b", "it's", 'q"', "é", "ab\n", "__proto__x",
    "\u0000", "日本", "Z9"]) {
    rows.inspectKey.push([k, utilInspect({ [k]: 1 }).slice(2, -5)]);
  }
  // Whole-value inspection: long strings split at newlines, very long ones cut. The nested
  // cases read the string back out of an inspected array or object.
  rows.inspectString = [];
  const longs = ["a".repeat(150) + "'\n\x7f", "line one\nline 'two'\nline \"three\"\n" + "x".repeat(120) + "\n",
    "short\nlines", "x".repeat(123) + "\ny", "x".repeat(124) + "\ny", "ab\n".repeat(40), "y".repeat(9999) + "\u00e9\n\n"];
  for (const s of longs) rows.inspectString.push([s, 0, utilInspect(s)]);
  for (const s of quoting) {
    rows.inspectString.push([s, 0, utilInspect(s)]);
    const nested = utilInspect({ k: [s] });
    const body = nested.startsWith("{ k: [ ") ? nested.slice(7, -4) : null;
    if (body !== null && !body.includes("\n  ")) rows.inspectString.push([s, 4, body]);
  }
  const deep = "m".repeat(100) + "\nq";
  const deepLines = utilInspect({ k: [deep] }).split("\n");
  rows.inspectString.push([deep, 4, deepLines.slice(2, -2).join("\n").trimStart()]);
  return rows;
}
writeFileSync(new URL("./strings.json", import.meta.url), JSON.stringify(strings()));

// ---------------------------------------------------------------- dates
function dates() {
  const times = [0, -1, 1, 86399999, 86400000, -86400000, -62198755200000, -62198755200001, 253402300799999,
    253402300800000, 8.64e15, -8.64e15, 1767225600000, 951782400000, 951868800000, -2208988800000, 1e12, -1e12,
    -62135596800000, -62167219200000, -62167219200001, 4107542400000];
  for (let i = 0; i < 150; i++) times.push(Math.round((Number(next() % 17280000000000000n) - 8.64e15)));
  for (let i = 0; i < 100; i++) times.push(Number(next() % 4102444800000n));
  times.push(NaN);
  const format = times.map((t) => {
    const d = new Date(t);
    return [arg(t), result(() => d.toISOString()), d.toString(), d.toUTCString(), d.toDateString(),
      d.toTimeString(), utilInspect(d), [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCDay(),
        d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()].map(arg)];
  });
  const componentArgs = [[], [2026], [2026, 0], [2026, 0, 1], [2026, 11, 31, 23, 59, 59, 999], [99, 0], [0, 0],
    [100, 0], [-1, 0], [99.9, 0], [-0.5, 0], [2026, 12], [2026, -1], [2026, 1, 29], [2024, 1, 29], [2026, 0, 0],
    [2026, 0, 1, 24], [2026, 0, 1, -1], [2026, 0, 1, 0, 0, 0, -1], [2026, 0, 1.9, 1.9, 1.9, 1.9, 1.9],
    [NaN, 0], [2026, NaN], [2026, 0, Infinity], [275760, 8, 13], [275760, 8, 13, 0, 0, 0, 1], [-271821, 3, 20],
    [-271821, 3, 19], [1000000, 0], [1000001, 0], [2026, 10000000], [2026, 10000001], [1970, 0, 1e8],
    [1970, 0, 1e8 + 1], [-1000000, 0], [1e308, 0], [2026, 0, 1, 0, 0, 0, 1e20], [0.5], [-1e-9, 0]];
  const components = componentArgs.map((a) => [a.map(arg), arg(a.length === 0 ? Date.UTC() : Date.UTC(...a)),
    arg(a.length >= 2 ? new Date(...a).getTime() : null)]);
  const parseInputs = ["2026-01-01", "2026-01-01T10:00", "2026-01-01T10:00Z", "2026-01-01T10:00:30",
    "2026-01-01T10:00:30.5Z", "2026-01-01T10:00:30.123Z", "2026-01-01T10:00:30.1234567Z", "2026-01-01T10:00+02:00",
    "2026-01-01T10:00:00-05:30", "2026-01-01T10:00:00+0530", "2026-01-01T10:00:00+05", "2026-01-01t10:00z",
    "2026", "2026-06", "+002026-01-01", "-000001-01-01T00:00:00Z", "-000000-01-01", "+275760-09-13T00:00:00.000Z",
    "+275760-09-13T00:00:00.001Z", "-271821-04-20T00:00:00.000Z", "-271821-04-19T23:59:59.999Z",
    "2026-02-31", "2026-02-30T10:00", "2026-13-01", "2026-00-01", "2026-01-32", "2026-01-00", "2026-01-01T24:00",
    "2026-01-01T24:00:01", "2026-01-01T25:00", "2026-01-01T10:60", "2026-01-01T10:00:60", "2026-01-01T1:00",
    "2026-01-01T10", "2026-01-01T", "2026-01-01 10:00", "2026-01-01 10:00:00Z", "2026-01-01 10:00:00 GMT+0100",
    "  2026-01-01", "2026-01-01  ", "2026-1-1", "2026/01/05", "2026/1/5 10:30", "01/05/2026", "1/2/26", "1/2/70",
    "Jan 5", "Jan 5 2026", "5 Jan 2026", "January 5, 2026", "Jan 5, 2026 10:00 PM", "Jan 5, 2026 12:00 AM",
    "Jan 5, 2026 13:00 PM", "Mon, 05 Jan 2026 10:00:00 GMT", "Thu Jan 01 2026 00:00:00 GMT+0000 (Coordinated Universal Time)",
    "Thu, 01 Jan 2026 00:00:00 GMT", "Wed Dec 31 1969 19:00:00 GMT-0500 (EST)", "Jan 5 2026 10:00 EST",
    "Jan 5 2026 10:00 PDT", "Jan 5 2026 10:00 UTC+2", "Jan 5 2026 10:00 GMT-08:00", "2026 Jan 5", "Jan 2026 5",
    "5/1/2026 10:00:00.250", "10:00 Jan 5 2026", "Jan 5 2026 10:00:00:00", "12/31/1999 23:59:59 PM", "", " ",
    "hello", "2026-01-01T10:00:00.Z", "2026-01-01T10:00:00.000+25:00", "Tue Feb 30 2026", "Feb 29 2024",
    "Feb 29 2026", "Sat, 13 Sep 275760 00:00:00 GMT", "x 2026-01-01", "2026-01-01 x", "Jan 5 2026 (note) 10:00",
    "Jan 5 2026 10:00 +0100", "Jan 5 2026 10:00 -1", "Jan 5 2026 10:00 +12345", "2026-01-01T10:00:00.000Z ",
    "2026-01-01T10:00:00.000Zjunk", "1970-01-01T00:00:00.000+00:00", "0001-01-01", "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999Z", "10000-01-01", "99-01-01", "49/1/1", "50/1/1", "June 2026", "2026 June",
    "Jan 5 2026 10 AM", "Jan 5 2026 10:00:00 am", "Jan 5 2026 10:00Z", "1 2 3", "1 2 3 4", "2026-01-01T10:00:00+01:00 ",
    "٢٠٢٦-01-01", "2026-01-01T10:00:00,5Z", "May 32 2026", "Mayday 5 2026", "mon jan 5 2026", "2026.01.05"];
  for (const t of times.slice(0, 80)) {
    const d = new Date(t);
    parseInputs.push(d.toString(), d.toUTCString(), d.toDateString(), result(() => d.toISOString()));
  }
  const parse = parseInputs.filter((s) => typeof s === "string").map((s) => [s, arg(Date.parse(s))]);
  return { format, components, parse };
}
writeFileSync(new URL("./dates.json", import.meta.url), JSON.stringify(dates()));

// ---------------------------------------------------------------- math
function math() {
  const specials = [0, -0, NaN, Infinity, -Infinity, 1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994,
    -0.49999999999999994, 4503599627370495.5, 4503599627370497, -4503599627370497, 2, 10, 1e-300, 1e300, 5e-324, 3];
  const xs = [...specials];
  for (let i = 0; i < 60; i++) xs.push(humanDouble());
  for (let i = 0; i < 30; i++) xs.push((Number(next() % 2000000n) - 1000000) / 1000);
  const unary = {};
  for (const f of ["round", "floor", "ceil", "trunc", "sign", "abs", "sqrt", "exp", "log"]) {
    unary[f] = xs.map((x) => [bits(x), bits(Math[f](x))]);
  }
  const pow = [];
  const bases = [...specials, 1.1, 0.9, 1.0000001, -2, -8, 3.7, 100, 0.1];
  const exps = [0, -0, NaN, Infinity, -Infinity, 1, -1, 0.5, -0.5, 2, 3, 10, 1 / 3, 53, 1024, -1075, 2.5, 0.1];
  for (const b of bases) for (const e of exps) pow.push([bits(b), bits(e), bits(b ** e)]);
  for (let k = -1074; k <= 1024; k += 13) pow.push([bits(2), bits(k), bits(2 ** k)]);
  for (let k = -30; k <= 30; k++) pow.push([bits(10), bits(k), bits(10 ** k)], [bits(3), bits(k), bits(3 ** k)]);
  for (let b = -12; b <= 12; b++) for (const k of [2, 3, 4, 7, 13]) pow.push([bits(b), bits(k), bits(b ** k)]);
  for (let i = 0; i < 150; i++) {
    const b = Math.abs(humanDouble()) % 1000;
    const e = (Number(next() % 20000n) - 10000) / 997;
    pow.push([bits(b), bits(e), bits(b ** e)]);
  }
  const minmax = [];
  for (const a of specials.slice(0, 9)) for (const b of specials.slice(0, 9)) {
    minmax.push([bits(a), bits(b), bits(Math.max(a, b)), bits(Math.min(a, b)), bits(a % b), bits(Math.atan2(a, b))]);
  }
  return { unary, pow, minmax };
}
writeFileSync(new URL("./math.json", import.meta.url), JSON.stringify(math()));

// ---------------------------------------------------------------- array positions
function indexRows() {
  const positions = [null, "-Infinity", -6, -5, -2, -1, -0.5, 0, 0.5, 1, 2, 4, 5, 6, "Infinity", "NaN"];
  const num = (p) => (p === null ? undefined : typeof p === "string" ? Number(p) : p);
  const arrays = [];
  for (const len of [0, 1, 5]) {
    const base = Array.from({ length: len }, (_, i) => i);
    for (const a of positions) {
      for (const b of positions) {
        const spliced = [...base];
        const removed = b === null ? spliced.splice(num(a)) : spliced.splice(num(a), num(b));
        const idx = base.map((v) => (a === null ? base.indexOf(v) : base.indexOf(v, num(a))));
        const lastIdx = base.map((v) => (a === null ? base.lastIndexOf(v) : base.lastIndexOf(v, num(a))));
        arrays.push([len, a, b, base.slice(num(a), num(b)), removed, base.at(num(a)) ?? null, idx, lastIdx]);
      }
    }
  }
  return { arrays };
}
writeFileSync(new URL("./index.json", import.meta.url), JSON.stringify(indexRows()));
