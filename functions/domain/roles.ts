/**
 * Who calls the API. Each is a Cognito user-pool group; a broker also carries its tenancy (the broker id).
 *   broker         files and follows declarations for its clients
 *   railway        files train manifests and reports what happens to trains
 *   port-operator  reports port events (arrivals, gate-ins, scans)
 *   officer        a customs officer: reads every declaration and decides
 */
export const ROLES = ['broker', 'railway', 'port-operator', 'officer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(candidate: unknown): candidate is Role {
  return typeof candidate === 'string' && (ROLES as readonly string[]).includes(candidate);
}
