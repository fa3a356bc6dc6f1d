// Line-by-line differences between two texts (Myers' O(ND) diff), as CodeMirror changes, so
// replacing a document with an edited copy touches only the lines that differ and the
// selection and scroll position stay with the text around them.

export interface TextChange {
  from: number;
  to: number;
  insert: string;
}

/** Above this many differing lines, the differing middle becomes one change. */
const MAX_EDITS = 2000;

/** Changes (in `a`'s offsets, ascending, non-overlapping) that turn `a` into `b`. */
export function lineChanges(a: string, b: string): TextChange[] {
  if (a === b) return [];
  // Lines keep their "\n", so offsets add up exactly and a last line without one differs
  // from the same line with one.
  const linesA = a.split(/(?<=\n)/);
  const linesB = b.split(/(?<=\n)/);
  const startA = starts(linesA);
  const startB = starts(linesB);
  const changes: TextChange[] = [];
  for (const [fromA, toA, fromB, toB] of hunks(linesA, linesB)) {
    changes.push({
      from: startA[fromA],
      to: startA[toA],
      insert: b.slice(startB[fromB], startB[toB]),
    });
  }
  return changes;
}

function starts(lines: readonly string[]): number[] {
  const out = [0];
  for (const line of lines) out.push(out[out.length - 1] + line.length);
  return out;
}

/** [fromA, toA, fromB, toB] line ranges that differ, ascending. */
function hunks(a: readonly string[], b: readonly string[]): [number, number, number, number][] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const matches = commonLines(midA, midB);
  if (!matches) return [[head, a.length - tail, head, b.length - tail]];
  const out: [number, number, number, number][] = [];
  let x = 0;
  let y = 0;
  for (const [mx, my] of [...matches, [midA.length, midB.length] as const]) {
    if (mx > x || my > y) out.push([head + x, head + mx, head + y, head + my]);
    x = mx + 1;
    y = my + 1;
  }
  return out;
}

/**
 * The pairs of equal lines (index in `a`, index in `b`) of a shortest edit script, in
 * order, or null when it needs more than MAX_EDITS insertions and deletions.
 */
function commonLines(a: readonly string[], b: readonly string[]): [number, number][] | null {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDITS);
  const offset = max + 1;
  // v[offset + k]: the furthest x reached on diagonal k (= x - y).
  const v = new Int32Array(2 * max + 3);
  // trace[d]: v after round d, for k in [-d, d].
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])
          ? v[offset + k + 1]
          : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        trace.push(v.slice(offset - d, offset + d + 1));
        return backtrack(a, b, trace, d);
      }
    }
    trace.push(v.slice(offset - d, offset + d + 1));
  }
  return null;
}

function backtrack(
  a: readonly string[],
  b: readonly string[],
  trace: readonly Int32Array[],
  edits: number,
): [number, number][] {
  const matches: [number, number][] = [];
  let x = a.length;
  let y = b.length;
  for (let d = edits; d > 0; d--) {
    const prev = trace[d - 1];
    const at = (k: number) => prev[k + d - 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    // The snake after the edit: equal lines back to where the edit landed.
    const startX = prevK === k + 1 ? prevX : prevX + 1;
    while (x > startX) matches.push([--x, --y]);
    x = prevX;
    y = prevY;
  }
  while (x > 0) matches.push([--x, --y]);
  return matches.reverse();
}
