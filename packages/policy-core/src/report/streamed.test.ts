import { describe, expect, it, test } from 'vitest';
import { fixtureReport } from './__fixtures__/scanReport.js';
import { joinFindings, reportPieces, stringifyAt } from './streamed.js';
import { streamedFormats } from './streamedFormats.js';

describe('separable formats', () => {
  const report = fixtureReport();
  const findings = [...report.findings, ...report.findings, ...report.findings];

  test.each(Object.keys(streamedFormats) as (keyof typeof streamedFormats)[])(
    '%s: findings written in runs anywhere and joined in order are the report written one by one',
    (name) => {
      const format = streamedFormats[name];
      const separable = format.separable;
      if (!separable) throw new Error(`${name} is not separable`);
      const whole = [...reportPieces(format, { ...report, findings })].join('');
      // Every way of cutting the findings into consecutive runs of up to 3.
      for (let first = 0; first <= 3; first++) {
        const runs: (typeof findings)[] = [findings.slice(0, first)];
        for (let at = first; at < findings.length; at += 2) runs.push(findings.slice(at, at + 2));
        let written = 0;
        let text = format.head();
        for (const run of runs) {
          // What a worker thread hands over for a run: its findings' texts, joined.
          const texts = run.map((finding) => separable.text(finding));
          text += joinFindings(separable, texts.length > 0 ? [texts.join(separable.between)] : [], written);
          written += run.length;
        }
        text += format.tail(report, written);
        expect(text).toBe(whole);
      }
    },
  );

  test('a run of no findings adds nothing', () => {
    expect(
      joinFindings(
        streamedFormats.json.separable as NonNullable<typeof streamedFormats.json.separable>,
        [],
        5,
      ),
    ).toBe('');
  });
});

describe('stringifyAt', () => {
  const values = [
    { rule: 'privileged', path: '/spec', empty: {}, none: [], nested: { a: [1, { b: 'x\ny' }], c: null } },
    { message: 'line\nbreak "quoted"', list: [[], [{}]], undefinedIsDropped: undefined },
    [],
    {},
  ];
  it.each([0, 1, 2, 4])('prints as JSON.stringify(value, null, 2) re-indented %i levels deep', (depth) => {
    const pad = ' '.repeat(2 * depth);
    for (const value of values) {
      expect(stringifyAt(value, depth)).toBe(
        `${pad}${JSON.stringify(value, null, 2).replace(/\n/g, `\n${pad}`)}`,
      );
    }
  });
});
