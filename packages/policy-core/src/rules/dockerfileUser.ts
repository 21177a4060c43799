/**
 * The user a Dockerfile's final stage (or build target) runs as: forgotten root, `USER root`, a
 * named user the kubelet cannot verify, UIDs outside the policy, `useradd` without a fixed UID.
 * A USER or base image that depends on a build argument without a value is unknown until build
 * time: a warning naming the argument, never "runs as root". The analysis lives in
 * `dockerfile/`; this file declares the rule and maps its findings to check results.
 *
 * Fix: a text edit (replace the USER line, add one at the end of the stage, add `--uid`).
 */

import {
  DOCKERFILE_CONTROLS,
  dockerfileFindings,
  dockerfileMessages,
  dockerfileReasons,
} from '../dockerfile/analyzeDockerfile.js';
import {
  DENY_UIDS_SCHEMA,
  IMAGE_USERS_SCHEMA,
  NON_ROOT_BASES_SCHEMA,
  UID_RANGE_SCHEMA,
} from '../model/optionSchemas.js';
import type { DockerfileView, RuleContext } from '../model/views.js';
import { type CheckResult, defineDockerfileRule, NO_RESULTS } from '../rulekit/define.js';
import { textFileResult } from '../rulekit/textFinding.js';

function checkDockerfile(dockerfile: DockerfileView, context: RuleContext): readonly CheckResult[] {
  const { options } = context;
  const findings = dockerfileFindings(dockerfile.text, {
    nonRootBases: options.nonRootBases,
    imageUsers: options.imageUsers,
    buildArgs: dockerfile.buildArgs,
    uidRange: options.uidRange,
    denyUids: options.denyUids,
    target: dockerfile.target,
  });
  if (findings.length === 0) return NO_RESULTS;
  return findings.map((finding) =>
    textFileResult(finding, dockerfileReasons[finding.messageId], {
      // Adding the missing USER line only adds; replacing a USER or a RUN the author wrote does not.
      // The analyzer's fix descriptions already name the line they write.
      kind: finding.messageId === 'noUser' ? 'safe' : 'unsafe',
    }),
  );
}

export const dockerfileUser = defineDockerfileRule({
  id: 'dockerfileUser',
  level: 'hardened',
  severity: 'error',
  since: '0.1.0',
  reads: ['ARG', 'FROM', 'ENV', 'USER', 'RUN'],
  options: {
    imageUsers: IMAGE_USERS_SCHEMA,
    uidRange: UID_RANGE_SCHEMA,
    denyUids: DENY_UIDS_SCHEMA,
    nonRootBases: NON_ROOT_BASES_SCHEMA,
  },
  description:
    'The final stage of a Dockerfile must set USER to a numeric non-root UID, so the kubelet can verify runAsNonRoot.',
  controls: DOCKERFILE_CONTROLS,
  fix: 'mixed',
  messages: dockerfileMessages,
  admission: {
    inexpressible: 'checks Dockerfiles, which never reach the API server',
  },
  check: checkDockerfile,
});
