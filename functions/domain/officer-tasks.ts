/** Placeholder names until the officer-task domain lands; the state machine branches on these. */
export const OFFICER_DECISION = {
  APPROVE: 'APPROVE',
  REQUEST_DOCUMENTS: 'REQUEST_DOCUMENTS',
  REJECT: 'REJECT',
} as const;
export const OFFICER_TASK_KIND = {
  DOCUMENT_REVIEW: 'DOCUMENT_REVIEW',
  PHYSICAL_INSPECTION: 'PHYSICAL_INSPECTION',
  MANUAL_REVIEW: 'MANUAL_REVIEW',
} as const;
export const OFFICER_QUEUE = { OFFICERS: 'officers', SUPERVISORS: 'supervisors' } as const;
