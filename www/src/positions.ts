// LSP positions (0-based line, 0-based UTF-16 column) <-> CodeMirror offsets.
// CodeMirror offsets count UTF-16 code units as well, so a column maps 1:1 within a line.
import type { Text } from '@codemirror/state';
import type { Position, Range } from '@kubeharden/engine/kubeharden.js';

export function positionToOffset(doc: Text, pos: Position): number {
  if (pos.line < 0) return 0;
  if (pos.line >= doc.lines) return doc.length;
  const line = doc.line(pos.line + 1);
  return line.from + Math.min(Math.max(pos.character, 0), line.length);
}

export function rangeToOffsets(doc: Text, range: Range): { from: number; to: number } {
  const from = positionToOffset(doc, range.start);
  const to = positionToOffset(doc, range.end);
  return to >= from ? { from, to } : { from: to, to: from };
}
