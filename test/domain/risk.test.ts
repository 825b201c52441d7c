import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ARMS_ARE_INSPECTED,
  decideRiskChannel,
  QUARANTINE_DOCUMENTS_ARE_CHECKED,
  RISK_CHANNELS,
  type RiskRule,
} from '#domain/risk.ts';

type Load = { readonly goods: readonly { readonly hsCode: string }[] };
const load = (...hsCodes: string[]): Load => ({ goods: hsCodes.map((hsCode) => ({ hsCode })) });
const RULES: readonly RiskRule<Load>[] = [ARMS_ARE_INSPECTED, QUARANTINE_DOCUMENTS_ARE_CHECKED];

describe('selectivity: the first rule that applies decides the channel', () => {
  it('goes green, naming the default, when no rule applies', () => {
    assert.deepEqual(decideRiskChannel(RULES, load('85171300')), {
      channel: 'GREEN',
      rule: 'DEFAULT_GREEN',
      reason: 'no risk rule matched',
    });
  });

  it('goes green when a type has no rules at all', () => {
    assert.equal(decideRiskChannel([], load('93020000')).channel, 'GREEN');
  });

  it('records the rule’s name and reason, so the broker and the officer can be told why', () => {
    assert.deepEqual(decideRiskChannel(RULES, load('93020000')), {
      channel: 'RED',
      rule: 'REGULATED_GOODS_CHAPTER_93',
      reason: ARMS_ARE_INSPECTED.reason,
    });
  });

  it('lets the order of the rules decide when several apply', () => {
    const mixed = load('93020000', '08081000');

    assert.equal(decideRiskChannel(RULES, mixed).channel, 'RED');
    assert.equal(decideRiskChannel([...RULES].reverse(), mixed).channel, 'YELLOW');
  });

  it('asks for quarantine papers from chapter 01 to 14 and not beyond', () => {
    assert.equal(QUARANTINE_DOCUMENTS_ARE_CHECKED.applies(load('14049000')), true);
    assert.equal(QUARANTINE_DOCUMENTS_ARE_CHECKED.applies(load('15079000')), false);
    assert.equal(QUARANTINE_DOCUMENTS_ARE_CHECKED.applies(load('01012100')), true);
  });

  it('only knows the green, yellow and red channels', () => {
    assert.deepEqual([...RISK_CHANNELS], ['GREEN', 'YELLOW', 'RED']);
    for (const rule of RULES) assert.ok(RISK_CHANNELS.includes(rule.channel), rule.name);
  });

  it('decides the same way every time for the same load', () => {
    const mixed = load('85171300', '03021100');
    assert.deepEqual(decideRiskChannel(RULES, mixed), decideRiskChannel(RULES, mixed));
  });
});
