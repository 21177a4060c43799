/**
 * Setting the SELinux type is restricted, and setting a custom SELinux user or role is forbidden.
 *
 * Restricted fields: `spec.securityContext.seLinuxOptions` and
 * `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.seLinuxOptions`:
 * - `.type`: undefined/empty, `container_t`, `container_init_t`, `container_kvm_t`, and from
 *   v1.31 `container_engine_t`;
 * - `.user`, `.role`: undefined/empty.
 *
 * No fix: SELinux labels are host policy; a person has to decide.
 */

import type { SELinuxOptions } from '../model/k8s.js';
import type { FindingLocation, JsonPointer } from '../model/types.js';
import type { ContainerRef, PodView } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import * as cel from '../rulekit/cel.js';
import {
  ALLOWED,
  type CheckResult,
  containersWhere,
  definePodRule,
  type PodCheck,
} from '../rulekit/define.js';
import { describeContainers, joinQuote, pluralize, sortedSet } from '../rulekit/wording.js';

const ALLOWED_TYPES_1_0: ReadonlySet<string> = new Set([
  '',
  'container_t',
  'container_init_t',
  'container_kvm_t',
]);
const ALLOWED_TYPES_1_31: ReadonlySet<string> = new Set([...ALLOWED_TYPES_1_0, 'container_engine_t']);

const setsSeLinuxOptions = (ref: ContainerRef): boolean =>
  ref.container.securityContext?.seLinuxOptions != null;

function seLinuxOptionsCheck(allowedTypes: ReadonlySet<string>): PodCheck {
  return (pod: PodView): CheckResult => {
    // Nearly every pod sets no SELinux options at all.
    if (
      pod.spec.securityContext?.seLinuxOptions == null &&
      containersWhere(pod, setsSeLinuxOptions).length === 0
    ) {
      return ALLOWED;
    }
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const locations: FindingLocation[] = [];

    /** Whether the options are allowed; records what is wrong and where. */
    const valid = (options: SELinuxOptions, path: JsonPointer, container?: string): boolean => {
      const at = (field: string): FindingLocation =>
        container === undefined ? { path: pointer(path, field) } : { path: pointer(path, field), container };
      let ok = true;
      const type = options.type ?? '';
      if (!allowedTypes.has(type)) {
        ok = false;
        badTypes.push(type);
        locations.push(at('type'));
      }
      if ((options.user ?? '').length > 0) {
        ok = false;
        setUser = true;
        locations.push(at('user'));
      }
      if ((options.role ?? '').length > 0) {
        ok = false;
        setRole = true;
        locations.push(at('role'));
      }
      return ok;
    };

    const badSetters: string[] = [];
    const podOptions = pod.spec.securityContext?.seLinuxOptions;
    if (
      podOptions != null &&
      !valid(podOptions, pointer(pod.specPath, 'securityContext', 'seLinuxOptions'))
    ) {
      badSetters.push('pod');
    }
    const badContainers: string[] = [];
    for (const ref of pod.containers) {
      const options = ref.container.securityContext?.seLinuxOptions;
      if (options == null) continue;
      if (!valid(options, pointer(ref.path, 'securityContext', 'seLinuxOptions'), ref.name)) {
        badContainers.push(ref.name);
      }
    }
    if (badContainers.length > 0) badSetters.push(describeContainers(badContainers));
    if (badSetters.length === 0) return ALLOWED;

    const types = sortedSet(badTypes);
    const badData: string[] = [];
    if (types.length > 0) badData.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
    if (setUser) badData.push('user may not be set');
    if (setRole) badData.push('role may not be set');
    return {
      allowed: false,
      reason: 'seLinuxOptions',
      detail: `${badSetters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${badData.join('; ')}`,
      locations,
    };
  };
}

export const seLinuxOptions = definePodRule({
  id: 'seLinuxOptions',
  level: 'baseline',
  severity: 'error',
  since: '0.1.0',
  reads: ['securityContext.seLinuxOptions', 'containers[].securityContext.seLinuxOptions'],
  messages: { seLinuxOptions: 'seLinuxOptions ({detail})' },
  description:
    'Pods and containers must not set a custom SELinux user or role, nor a non-container SELinux type.',
  controls: ['PSS baseline: SELinux', 'NSA/CISA: Kubernetes Pod security'],
  fix: 'none',
  admission: {
    check: () => {
      const allowed = cel.celStrings(ALLOWED_TYPES_1_31);
      const options = (base: string): string => `${base}.securityContext.seLinuxOptions`;
      const typeOf = (base: string): string => cel.valueOr(options(base), 'type', "''");
      const sets = (base: string, field: string): string =>
        `${cel.valueOr(options(base), field, "''")} != ''`;
      const bad = (base: string): string =>
        `(!(${typeOf(base)} in ${allowed}) || ${sets(base, 'user')} || ${sets(base, 'role')})`;
      const pod = 'variables.spec';
      const withOptions = `variables.containers.filter(c, ${cel.present('c', 'securityContext.seLinuxOptions')})`;
      return {
        variables: {
          podSet: cel.present(pod, 'securityContext.seLinuxOptions'),
          pod: `$podSet && ${bad(pod)}`,
          bad: `${withOptions}.filter(c, ${bad('c')}).map(c, c.name)`,
          ...cel.sortedSetVariables(
            'types',
            `[($podSet && !(${typeOf(pod)} in ${allowed}) ? [${typeOf(pod)}] : []) + ${withOptions}.filter(c, !(${typeOf('c')} in ${allowed})).map(c, ${typeOf('c')})]`,
          ),
          user: `($podSet && ${sets(pod, 'user')}) || ${withOptions}.exists(c, ${sets('c', 'user')})`,
          role: `($podSet && ${sets(pod, 'role')}) || ${withOptions}.exists(c, ${sets('c', 'role')})`,
        },
        expression: '!$pod && size($bad) == 0',
        messageExpression: `'seLinuxOptions (' + ${cel.joinNonEmpty(["($pod ? 'pod' : '')", `(size($bad) > 0 ? ${cel.describeContainers('$bad')} : '')`], ' and ')} + ' set forbidden securityContext.seLinuxOptions: ' + ${cel.joinNonEmpty(
          [
            `(size($types) > 0 ? ${cel.pluralize('type', 'types', 'size($types)')} + ' ' + ${cel.joinQuote('$types')} : '')`,
            "($user ? 'user may not be set' : '')",
            "($role ? 'role may not be set' : '')",
          ],
          '; ',
        )} + ')'`,
      };
    },
  },
  versions: [
    { since: 'v1.0', check: seLinuxOptionsCheck(ALLOWED_TYPES_1_0) },
    { since: 'v1.31', check: seLinuxOptionsCheck(ALLOWED_TYPES_1_31) },
  ],
});
