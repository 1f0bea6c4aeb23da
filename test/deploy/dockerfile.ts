/**
 * Just enough of Docker's own rules to check the Dockerfile without a Docker engine: instructions with
 * line continuations, build stages, and .dockerignore matching (last matching pattern wins, `!` re-includes,
 * `**` spans directories, a match on a directory covers everything below it).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  image: string;
  name?: string;
  platform?: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i] as string;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      i++;
      const next = lines[i] as string;
      if (/^\s*#/.test(next)) continue; // comments inside a continued instruction are dropped, as Docker does
      line = line.slice(0, -1) + ' ' + next.trim();
    }
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`Dockerfile line ${start + 1}: not an instruction: ${line}`);
    out.push({ keyword: (m[1] as string).toUpperCase(), args: (m[2] as string).trim(), line: start + 1 });
  }
  return out;
}

export function stages(instructions: Instruction[]): Stage[] {
  const out: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--platform=(\S+)\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`Dockerfile line ${ins.line}: cannot read FROM ${ins.args}`);
      out.push({ platform: m[1], image: m[2] as string, name: m[3], instructions: [] });
    } else {
      const current = out[out.length - 1];
      if (!current) throw new Error(`Dockerfile line ${ins.line}: ${ins.keyword} before FROM`);
      current.instructions.push(ins);
    }
  }
  return out;
}

/** The flags (`--from=x`) and operands of a COPY/ADD/RUN-style instruction in shell form. */
export function splitFlags(args: string): { flags: Map<string, string>; operands: string[] } {
  const flags = new Map<string, string>();
  const operands: string[] = [];
  for (const word of args.split(/\s+/)) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(word);
    if (m && operands.length === 0) flags.set(m[1] as string, m[2] ?? 'true');
    else operands.push(word);
  }
  return { flags, operands };
}

function patternRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (pattern.startsWith('**/', i)) {
      re += '(?:.*/)?';
      i += 2;
    } else if (pattern.startsWith('**', i)) {
      re += '.*';
      i += 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** A predicate telling whether a path (relative, `/`-separated) is sent to the build by .dockerignore. */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+|\/+$/g, '');
      return { negate, re: patternRegExp(pattern) };
    });
  return (path) => {
    const parts = path.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let included = true;
    for (const rule of rules) if (prefixes.some((p) => rule.re.test(p))) included = rule.negate;
    return included;
  };
}

/** Every file under root that the build context would hold. */
export function contextFiles(root: string, included: (path: string) => boolean, dir = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const rel = dir ? `${dir}/${name}` : name;
    if (name === 'node_modules' || name === '.git') continue;
    if (statSync(join(root, rel)).isDirectory()) out.push(...contextFiles(root, included, rel));
    else if (included(rel)) out.push(rel);
  }
  return out;
}

export function readDockerfile(root: string): { stages: Stage[]; included: (path: string) => boolean } {
  return {
    stages: stages(parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'))),
    included: dockerignore(readFileSync(join(root, '.dockerignore'), 'utf8')),
  };
}
