import {
  DOCKERFILE_CONTROLS,
  DOCKERFILE_RULE,
  INVALID_INPUT,
  INVALID_SUPPRESSION,
  ruleRegistry,
  UNUSED_SUPPRESSION,
} from '@podguard/policy-core';

/** What `podguard rules` prints and SARIF's `tool.driver.rules` lists, for every finding id. */
export interface RuleDescriptor {
  id: string;
  level: string;
  severity: 'error' | 'warning';
  description: string;
  controls: string[];
}

/** Every rule id a scan can report: the registry, Dockerfiles, and the input/suppression findings. */
export function ruleDescriptors(): RuleDescriptor[] {
  return [
    ...[...ruleRegistry.values()].map((rule) => ({
      id: rule.id,
      level: rule.level,
      severity: rule.severity,
      description: rule.description,
      controls: [...rule.controls],
    })),
    {
      id: DOCKERFILE_RULE,
      level: 'hardened',
      severity: 'error',
      description: 'The final stage of a Dockerfile sets a numeric, non-root USER.',
      controls: [...DOCKERFILE_CONTROLS],
    },
    {
      id: INVALID_INPUT,
      level: 'input',
      severity: 'error',
      description:
        'The object could not be evaluated: a field has the wrong type or the pod spec is missing.',
      controls: [],
    },
    {
      id: INVALID_SUPPRESSION,
      level: 'input',
      severity: 'error',
      description:
        'A suppression is malformed: unknown rule, reason shorter than 10 characters, or bad expiry.',
      controls: [],
    },
    {
      id: UNUSED_SUPPRESSION,
      level: 'input',
      severity: 'warning',
      description: 'A suppression matched no finding.',
      controls: [],
    },
  ];
}
