export type { GoodsLine, Party } from './schemas/document-parts.ts';

/** A broken business rule on a submitted document: the field (JSON Pointer) and the rule that failed. */
export interface RuleViolation {
  readonly pointer: string;
  readonly rule: string;
  readonly detail: string;
}

/** Containers listed twice, and goods lines naming a container the declaration does not list. */
export function containerViolations(
  containers: readonly { readonly number: string }[],
  goods: readonly { readonly containerNumber?: string }[],
): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const seen = new Set<string>();
  containers.forEach((container, index) => {
    if (seen.has(container.number)) {
      violations.push({
        pointer: `/containers/${index}/number`,
        rule: 'unique-container',
        detail: `container ${container.number} is listed more than once`,
      });
    }
    seen.add(container.number);
  });
  goods.forEach((line, index) => {
    if (line.containerNumber !== undefined && !seen.has(line.containerNumber)) {
      violations.push({
        pointer: `/goods/${index}/containerNumber`,
        rule: 'declared-container',
        detail: `goods line refers to container ${line.containerNumber}, which is not in /containers`,
      });
    }
  });
  return violations;
}
