import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { applyEdits, documentEdits, jsonEqual, UneditableError } from './yamlEdits.js';

type Value = Record<string, unknown>;

/** Edits `source` into `change(its value)`; returns the new text, checked to read as intended. */
function edit(source: string, change: (value: Value) => void, json = false): string {
  const document = parseDocument(source);
  const before = document.toJS() as Value;
  const after = structuredClone(before);
  change(after);
  const text = applyEdits(source, documentEdits(document, source, before, after, json));
  expect(parseDocument(text).toJS()).toEqual(after);
  return text;
}

describe('documentEdits', () => {
  it('inserts missing keys at the indentation of their siblings, after a trailing comment', () => {
    const source = 'spec:\n  containers:\n    - name: a # the app\n      image: x\n# column 0\nkind: Pod\n';
    const text = edit(source, (v) => {
      const spec = v.spec as { containers: Value[]; securityContext?: unknown };
      (spec.containers[0] as Value).securityContext = { allowPrivilegeEscalation: false };
      spec.securityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
    });
    expect(text).toBe(
      'spec:\n  containers:\n    - name: a # the app\n      image: x\n      securityContext:\n        allowPrivilegeEscalation: false\n  securityContext:\n    runAsNonRoot: true\n    seccompProfile:\n      type: RuntimeDefault\n# column 0\nkind: Pod\n',
    );
  });

  it("writes sequences as the document does: '- ' under the key or indented", () => {
    const flat = edit('a:\n  list:\n  - x\n  b: 1\n', (v) => {
      (v.a as Value).caps = { drop: ['ALL'] };
    });
    expect(flat).toBe('a:\n  list:\n  - x\n  b: 1\n  caps:\n    drop:\n    - ALL\n');
    const indented = edit('a:\n    list:\n        - x\n', (v) => {
      (v.a as Value).list = ['x', { name: 'tmp', emptyDir: {} }];
    });
    expect(indented).toBe('a:\n    list:\n        - x\n        - name: tmp\n          emptyDir: {}\n');
  });

  it('leaves folded and literal scalars alone and inserts after them', () => {
    const source = 'metadata:\n  description: >-\n    folded\n    text\n\nspec:\n  script: |\n    echo hi\n';
    const text = edit(source, (v) => {
      (v.metadata as Value).name = 'x';
      (v.spec as Value).hostNetwork = false;
    });
    expect(text).toBe(
      'metadata:\n  description: >-\n    folded\n    text\n  name: x\n\nspec:\n  script: |\n    echo hi\n  hostNetwork: false\n',
    );
  });

  it('inserts into flow maps and sequences in their style, JSON-quoted where the document quotes', () => {
    expect(
      edit('{a: 1, b: {c: [x]}}', (v) => {
        (v.b as Value).d = true;
        ((v.b as Value).c as string[]).push('ALL');
      }),
    ).toBe('{a: 1, b: {c: [x, ALL], d: true}}');
    expect(
      edit('{"a": {"b": 1}}\n', (v) => {
        (v.a as Value).c = { d: 'yes' };
      }),
    ).toBe('{"a": {"b": 1, "c": {"d": "yes"}}}\n');
    expect(
      edit('x: {}\ny: []\n', (v) => {
        v.x = { a: 1 };
        v.y = ['b'];
      }),
    ).toBe('x: {a: 1}\ny: [b]\n');
  });

  it('spreads nested values in pretty JSON with its indentation', () => {
    const source = '{\n    "spec": {\n        "containers": []\n    }\n}\n';
    const text = edit(
      source,
      (v) => {
        (v.spec as Value).securityContext = { runAsNonRoot: true };
      },
      true,
    );
    expect(text).toBe(
      '{\n    "spec": {\n        "containers": [],\n        "securityContext": {\n            "runAsNonRoot": true\n        }\n    }\n}\n',
    );
    expect(JSON.parse(text)).toEqual({ spec: { containers: [], securityContext: { runAsNonRoot: true } } });
  });

  it('replaces scalars in place, keeping their quotes and trailing comments', () => {
    expect(
      edit('a: "x" # why\nb: \'y\'\nc: 1\n', (v) => {
        v.a = 'z';
        v.b = "it's";
        v.c = 2;
      }),
    ).toBe("a: \"z\" # why\nb: 'it''s'\nc: 2\n");
  });

  it('gives an empty or null value a block under its key', () => {
    expect(
      edit('a:\nb: null # n\nc: ~\n', (v) => {
        v.a = { x: 1 };
        v.b = { y: [1] };
        v.c = 'd';
      }),
    ).toBe('a:\n  x: 1\nb:\n  "y":\n    - 1 # n\nc: d\n');
  });

  it('removes keys and sequence items with their lines, and flow entries with their commas', () => {
    expect(
      edit('caps:\n  add:\n    - SYS_ADMIN\n    - NET_BIND_SERVICE\n  keep: 1\n  drop: x\n', (v) => {
        (v.caps as Value).add = ['NET_BIND_SERVICE'];
        delete (v.caps as Value).drop;
      }),
    ).toBe('caps:\n  add:\n    - NET_BIND_SERVICE\n  keep: 1\n');
    expect(
      edit('add: [IPC_LOCK, SYS_TIME, NET_RAW]\nm: {a: 1, b: 2}\n', (v) => {
        v.add = ['IPC_LOCK'];
        v.m = { b: 2 };
      }),
    ).toBe('add: [IPC_LOCK]\nm: {b: 2}\n');
    expect(
      edit('m:\n  a: 1\nn: [x]\n', (v) => {
        v.m = {};
        v.n = [];
      }),
    ).toBe('m:\n    {}\nn: []\n');
  });

  it('overrides a value from a merge key with a key of its own', () => {
    const source = 'base: &b {x: 1}\nspec:\n  <<: *b\n  y: 2\n';
    const document = parseDocument(source, { merge: true });
    const before = document.toJS() as Value;
    const after = structuredClone(before);
    (after.spec as Value).x = 5;
    const text = applyEdits(source, documentEdits(document, source, before, after));
    expect(text).toBe('base: &b {x: 1}\nspec:\n  <<: *b\n  y: 2\n  x: 5\n');
    expect(parseDocument(text, { merge: true }).toJS()).toEqual(after);
  });

  it('refuses to edit through an alias (the change would reach every use of it)', () => {
    const source = 'a: &ctx {runAsUser: 0}\nb: *ctx\n';
    const document = parseDocument(source);
    const before = document.toJS() as Value;
    const after = structuredClone(before);
    (after.b as Value).runAsUser = 1000;
    expect(() => documentEdits(document, source, before, after)).toThrow(UneditableError);
    expect(() => documentEdits(document, source, before, after)).toThrow('/b comes from an alias (*ctx)');
  });

  it('quotes strings that would read as something else', () => {
    const text = edit('a: 1\n', (v) => {
      v.b = 'true';
      v.c = '0755';
      v.d = 'a: b';
      v.e = '';
      v.on = 'y';
    });
    expect(text).toBe('a: 1\nb: "true"\nc: "0755"\nd: "a: b"\ne: ""\n"on": "y"\n');
  });
});

/** Source texts in the styles manifests come in: block, unindented sequences, flow, JSON, comments. */
const SOURCES = [
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p # name\n  labels: {app: p}\nspec:\n  containers:\n    - name: a\n      image: x\n      args: [a, b]\n# column 0\n    - name: b\n      securityContext:\n        runAsUser: 0\n  volumes: []\n',
  'kind: List\nitems:\n- kind: Pod\n  spec:\n    containers:\n    - name: c\n      env:\n      - name: A\n        value: >-\n          folded\n          value\n    hostPID: true\n- kind: Pod\n  spec: {containers: [{name: d}]}\n',
  '{"kind": "Pod", "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 80}]}],\n  "securityContext": {"runAsUser": 1000}}}\n',
  '{\n  "kind": "Pod",\n  "spec": {\n    "containers": [\n      {\n        "name": "c"\n      }\n    ]\n  }\n}',
];

type Path = (string | number)[];

/** Every map and sequence in a value, with its path. */
function collections(value: unknown, path: Path = [], out: { path: Path; value: unknown }[] = []) {
  if (Array.isArray(value)) {
    out.push({ path, value });
    value.forEach((item, i) => {
      collections(item, [...path, i], out);
    });
  } else if (typeof value === 'object' && value !== null) {
    out.push({ path, value });
    for (const [key, member] of Object.entries(value)) collections(member, [...path, key], out);
  }
  return out;
}

const leaf = fc.oneof(
  fc.boolean(),
  fc.integer({ min: 0, max: 70000 }),
  fc.constantFrom('ALL', 'RuntimeDefault', '/tmp', 'a b', 'yes', '1.0', ''),
);
const newValue = fc.oneof(
  leaf,
  fc.dictionary(fc.constantFrom('type', 'drop', 'name', 'runAsNonRoot'), leaf, { minKeys: 1, maxKeys: 3 }),
  fc.array(leaf, { minLength: 1, maxLength: 3 }),
);
const change = fc.record({
  target: fc.nat(),
  kind: fc.constantFrom('add', 'replace', 'append', 'remove'),
  key: fc.constantFrom('securityContext', 'readOnlyRootFilesystem', 'x-new', 'name'),
  value: newValue,
});

describe('documentEdits (property)', () => {
  it('gives text that reads as the changed value and keeps every line it does not touch', () => {
    fc.assert(
      fc.property(
        fc.nat(SOURCES.length - 1),
        fc.array(change, { minLength: 1, maxLength: 4 }),
        (s, changes) => {
          const source = SOURCES[s] as string;
          const json = source.startsWith('{\n');
          const document = parseDocument(source);
          const before = document.toJS() as unknown;
          const after = structuredClone(before);
          for (const { target, kind, key, value: generated } of changes) {
            // Each change gets its own copy: values never share structure (nor become cyclic).
            const value = structuredClone(generated);
            const all = collections(after);
            const { value: node } = all[target % all.length] as { value: unknown };
            if (Array.isArray(node)) {
              if (kind === 'remove' && node.length > 0) node.splice(target % node.length, 1);
              else if (kind === 'replace' && node.length > 0) node[target % node.length] = value;
              else node.push(value);
            } else {
              const map = node as Value;
              const keys = Object.keys(map);
              if (kind === 'remove' && keys.length > 0) delete map[keys[target % keys.length] as string];
              else if (kind === 'replace' && keys.length > 0)
                map[keys[target % keys.length] as string] = value;
              else map[key] = value;
            }
          }
          const edits = documentEdits(document, source, before, after, json);
          const text = applyEdits(source, edits);
          expect(jsonEqual(parseDocument(text).toJS(), after)).toBe(true);
          if (json) expect(JSON.parse(text)).toEqual(after);
          // Lines no edit touches are still there, in order.
          const touched = new Set<number>();
          const lineOf = (offset: number) => source.slice(0, offset).split('\n').length - 1;
          for (const e of edits) for (let l = lineOf(e.start); l <= lineOf(e.end); l++) touched.add(l);
          const kept = source.split('\n').filter((_, i) => !touched.has(i));
          const lines = text.split('\n');
          let at = 0;
          for (const line of kept) {
            while (at < lines.length && lines[at] !== line) at++;
            expect(at, `line ${JSON.stringify(line)} kept`).toBeLessThan(lines.length);
            at++;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
