import { route } from '#generated/routes/getDashboard.ts';
import { DASHBOARD_CSP, DASHBOARD_HTML } from '#shared/dashboard-page.ts';
import { httpRoute } from '#shared/http.ts';

/** The operations dashboard: a page, public like the contract; everything it shows it reads with the user's token. */
export const handler = httpRoute(route, async () => ({
  statusCode: 200,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': DASHBOARD_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  },
  body: DASHBOARD_HTML,
}));
