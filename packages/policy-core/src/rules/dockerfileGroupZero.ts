/**
 * OpenShift runs images with an arbitrary UID in group 0: a Dockerfile for OpenShift gives the
 * application files it copies after its last USER switch to group 0 (`COPY --chown=1001:0 …`, or
 * `chgrp -R 0 … && chmod -R g=u …` after the copy) and names no USER group other than 0. Run by
 * the `openshift` profile. The analysis lives in `dockerfile/`; this file declares the rule.
 *
 * Fix: a text edit (add or correct `--chown=<user>:0`, `USER <user>:0`).
 */

import {
  analyzeGroupZero,
  GROUP_ZERO_CONTROLS,
  groupZeroMessages,
  groupZeroReasons,
} from '../dockerfile/analyzeGroupZero.js';
import type { DockerfileView, RuleContext } from '../model/views.js';
import { type CheckResult, defineDockerfileRule, NO_RESULTS } from '../rulekit/define.js';
import { textFileResult } from '../rulekit/textFinding.js';

function checkGroupZero(dockerfile: DockerfileView, _context: RuleContext): readonly CheckResult[] {
  const findings = analyzeGroupZero(dockerfile.text, { target: dockerfile.target });
  if (findings.length === 0) return NO_RESULTS;
  return findings.map((finding) => textFileResult(finding, groupZeroReasons[finding.messageId]));
}

export const dockerfileGroupZero = defineDockerfileRule({
  id: 'dockerfileGroupZero',
  level: 'openshift',
  severity: 'warning',
  since: '0.2.0',
  reads: ['FROM', 'USER', 'WORKDIR', 'COPY', 'ADD', 'RUN'],
  description:
    "Files a Dockerfile copies after its last USER switch must be accessible to group 0, and USER must name no group other than 0, so the image runs under OpenShift's arbitrary UID.",
  controls: GROUP_ZERO_CONTROLS,
  fix: 'mixed',
  messages: groupZeroMessages,
  admission: {
    inexpressible: 'checks Dockerfiles, which never reach the API server',
  },
  check: checkGroupZero,
});
