import { describe, expect, test } from 'vitest';
import { fixtureReport } from './__fixtures__/scanReport.js';
import { joinFindings, reportPieces } from './streamed.js';
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
