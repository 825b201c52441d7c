/** Items per page when a listing's caller does not say (the route schemas document it as their default). */
export const DEFAULT_PAGE_SIZE = 25;
