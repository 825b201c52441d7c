import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isAllowedAddress,
  MAX_WEBHOOK_URL_LENGTH,
  WEBHOOK_URL_RULES,
  webhookUrlViolations,
} from '#domain/webhook-url-policy.ts';

const deployed = { allowLoopback: false };
const local = { allowLoopback: true };
const rulesOf = (url: string, policy = deployed) => webhookUrlViolations(url, policy).map((v) => v.rule);

describe('which URLs a broker may register as a webhook', () => {
  const cases: ReadonlyArray<{ url: string; deployed: string[]; local: string[]; why: string }> = [
    { url: 'https://hooks.acme.example/preclearance', deployed: [], local: [], why: 'a public https URL' },
    {
      url: 'https://hooks.acme.example:8443/in?tenant=7',
      deployed: [],
      local: [],
      why: 'a port and a query are fine',
    },
    { url: 'https://93.184.215.14/hooks', deployed: [], local: [], why: 'a public IP address' },
    {
      url: 'http://hooks.acme.example/in',
      deployed: ['https-only'],
      local: ['https-only'],
      why: 'plain http to a public host, even where loopback is allowed',
    },
    {
      url: 'http://127.0.0.1:4567/hooks',
      deployed: ['https-only', 'public-host'],
      local: [],
      why: 'a receiver on this machine, over http, only where loopback is allowed',
    },
    {
      url: 'http://localhost:4567/hooks',
      deployed: ['https-only', 'public-host'],
      local: [],
      why: 'localhost names this machine',
    },
    {
      url: 'https://127.0.0.1/hooks',
      deployed: ['public-host'],
      local: [],
      why: 'loopback over https',
    },
    { url: 'https://[::1]/hooks', deployed: ['public-host'], local: [], why: 'IPv6 loopback' },
    {
      url: 'https://10.0.0.1/hooks',
      deployed: ['public-host'],
      local: ['public-host'],
      why: 'a private address is never allowed',
    },
    { url: 'https://192.168.1.20/', deployed: ['public-host'], local: ['public-host'], why: 'private' },
    { url: 'https://172.31.255.1/', deployed: ['public-host'], local: ['public-host'], why: 'private' },
    {
      url: 'http://169.254.169.254/latest/meta-data/',
      deployed: ['https-only', 'public-host'],
      local: ['https-only', 'public-host'],
      why: 'the instance metadata endpoint',
    },
    {
      url: 'https://[fd00:ec2::254]/',
      deployed: ['public-host'],
      local: ['public-host'],
      why: 'the IPv6 metadata endpoint',
    },
    {
      url: 'https://[::ffff:10.0.0.1]/',
      deployed: ['public-host'],
      local: ['public-host'],
      why: 'an IPv4-mapped IPv6 address',
    },
    { url: 'https://0x7f.1/', deployed: ['public-host'], local: [], why: 'loopback spelt in hex' },
    { url: 'https://2130706433/', deployed: ['public-host'], local: [], why: 'loopback spelt as one number' },
    {
      url: 'https://user:pass@hooks.acme.example/',
      deployed: ['no-userinfo'],
      local: ['no-userinfo'],
      why: 'credentials in the URL',
    },
    {
      url: 'https://hooks.acme.example/in#part',
      deployed: ['no-fragment'],
      local: ['no-fragment'],
      why: 'a fragment',
    },
    { url: '/hooks', deployed: ['absolute-url'], local: ['absolute-url'], why: 'a relative URL' },
    { url: 'not a url', deployed: ['absolute-url'], local: ['absolute-url'], why: 'not a URL' },
    {
      url: 'ftp://hooks.acme.example/',
      deployed: ['https-only'],
      local: ['https-only'],
      why: 'another scheme',
    },
  ];
  for (const example of cases) {
    it(`${example.url}: ${example.why}`, () => {
      assert.deepEqual(rulesOf(example.url).sort(), [...example.deployed].sort(), 'on a deployed stage');
      assert.deepEqual(rulesOf(example.url, local).sort(), [...example.local].sort(), 'where loopback is allowed');
    });
  }

  it(`refuses a URL longer than ${MAX_WEBHOOK_URL_LENGTH} characters`, () => {
    const url = `https://hooks.acme.example/${'a'.repeat(MAX_WEBHOOK_URL_LENGTH)}`;
    assert.deepEqual(rulesOf(url), [WEBHOOK_URL_RULES.maxLength]);
    assert.deepEqual(rulesOf(url.slice(0, MAX_WEBHOOK_URL_LENGTH)), []);
  });

  it('names the field /url and says what to do', () => {
    const [violation] = webhookUrlViolations('http://hooks.acme.example/', deployed);
    assert.deepEqual(violation, { pointer: '/url', rule: 'https-only', detail: 'must use https:' });
  });
});

describe('which addresses a delivery may connect to, once the host name is resolved', () => {
  it('a public address, but no private, loopback, link-local or metadata one', () => {
    assert.equal(isAllowedAddress('93.184.215.14', deployed), true);
    assert.equal(isAllowedAddress('2606:2800:21f:cb07:6820:80da:af6b:8b2c', deployed), true);
    for (const address of ['10.1.2.3', '127.0.0.1', '169.254.169.254', '::1', 'fe80::1', '100.100.100.200']) {
      assert.equal(isAllowedAddress(address, deployed), false, address);
    }
  });

  it('loopback only where the deployment allows it, and never a private address', () => {
    assert.equal(isAllowedAddress('127.0.0.1', local), true);
    assert.equal(isAllowedAddress('::1', local), true);
    assert.equal(isAllowedAddress('10.1.2.3', local), false);
  });

  it('refuses what is not an address at all', () => {
    assert.equal(isAllowedAddress('hooks.acme.example', local), false);
  });
});
