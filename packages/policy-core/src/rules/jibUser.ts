/**
 * The user an image built by Jib (Maven or Gradle, no Dockerfile) runs as: no container user on a
 * base image not known to run as non-root, root, a named user the kubelet cannot verify, UIDs
 * outside the policy. A value that depends on a property without a value is unknown until build
 * time: a warning naming it, never "runs as root". A build file without Jib is not judged. The
 * analysis lives in `jib/`; this file declares the rule and maps its findings to check results.
 *
 * Fix: a text edit (add `<user>` / `user = '…'`, or replace the value written).
 */

import { JIB_CONTROLS, jibFindings, jibMessages, jibReasons } from '../jib/analyzeJib.js';
import {
  DENY_UIDS_SCHEMA,
  IMAGE_USERS_SCHEMA,
  NON_ROOT_BASES_SCHEMA,
  UID_RANGE_SCHEMA,
} from '../model/optionSchemas.js';
import type { JibView, RuleContext } from '../model/views.js';
import { type CheckResult, defineJibRule, NO_RESULTS } from '../rulekit/define.js';
import { textFileResult } from '../rulekit/textFinding.js';

function checkJib(build: JibView, context: RuleContext): readonly CheckResult[] {
  const { options } = context;
  const findings = jibFindings(build.text, {
    format: build.format,
    properties: build.properties,
    profiles: build.profiles,
    parents: build.parents,
    nonRootBases: options.nonRootBases,
    imageUsers: options.imageUsers,
    uidRange: options.uidRange,
    denyUids: options.denyUids,
  });
  if (findings.length === 0) return NO_RESULTS;
  return findings.map((finding) => textFileResult(finding, jibReasons[finding.messageId]));
}

export const jibUser = defineJibRule({
  id: 'jibUser',
  level: 'hardened',
  severity: 'error',
  since: '0.2.0',
  reads: ['container.user', 'from.image'],
  options: {
    imageUsers: IMAGE_USERS_SCHEMA,
    uidRange: UID_RANGE_SCHEMA,
    denyUids: DENY_UIDS_SCHEMA,
    nonRootBases: NON_ROOT_BASES_SCHEMA,
  },
  description:
    'An image built by Jib (Maven or Gradle) must run as a numeric non-root user: container.user, or a base image known to run as non-root.',
  controls: JIB_CONTROLS,
  fix: 'mixed',
  messages: jibMessages,
  admission: {
    inexpressible: 'checks Maven and Gradle Jib builds, which never reach the API server',
  },
  check: checkJib,
});
