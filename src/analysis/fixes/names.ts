// Names for the variables a fix declares.
import type { FileFacts } from '../facts/package';
import { outerFunction } from '../facts/scope';
import { ofType } from '../facts/syntax';
import type { SyntaxNode } from '../parser';

/**
 * Is `name` in use where a fix would declare it at `at`: written anywhere in the outermost function
 * holding `at` (a new declaration must neither shadow nor be shadowed by one of its names, in any
 * scope), or declared at package level (functions, variables, constants, types, imports)?
 */
export function nameInUse(file: FileFacts, at: SyntaxNode, name: string): boolean {
  return inUse(file, namesInFunction(at), name);
}

/** The first candidate not in use at `at` (nameInUse), else the first one numbered: `ctx2`, `ctx3`, … */
export function freshName(file: FileFacts, at: SyntaxNode, candidates: readonly string[]): string {
  const used = namesInFunction(at);
  for (const c of candidates) if (!inUse(file, used, c)) return c;
  for (let i = 2; ; i++) if (!inUse(file, used, `${candidates[0]}${i}`)) return `${candidates[0]}${i}`;
}

function inUse(file: FileFacts, used: Set<string>, name: string): boolean {
  return used.has(name) || file.pkg.declared.has(name) || !!file.imports.pathOf(name);
}

/** Identifier and type names written anywhere in the outermost function holding `at` (the file, outside functions). */
export function namesInFunction(at: SyntaxNode): Set<string> {
  const scope = outerFunction(at) ?? at.tree.rootNode;
  return new Set(ofType(scope, ['identifier', 'type_identifier']).map((i) => i.text));
}
