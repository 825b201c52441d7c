import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RAIL_IMPORT_RISK_PROFILE } from '#domain/declaration-types/rail-import.ts';
import {
  assessRiskOf,
  consigneeKeyOf,
  disclosedAssessment,
  entryWithDisclosableRisk,
  historyWithRiskReasonsFor,
  RISK_CHANNELS,
  type RiskAssessment,
  type RiskContext,
  type RiskInput,
  type RiskProfile,
  riskEntryReason,
} from '#domain/risk.ts';
import {
  DEFAULT_RANDOM_SELECTION,
  NO_RANDOM_SELECTION,
  parseRandomSelection,
  type SupportingDocumentType,
} from '#domain/risk-reference-data.ts';
import { RISK_RULES, type RiskRuleName } from '#domain/risk-rules.ts';
import type { HistoryEntry } from '#domain/schemas/history-entry.ts';

type Line = RiskInput['goods'][number];
const line = (hsCode: string, overrides: Partial<Line> = {}): Line => ({
  hsCode,
  value: { amount: 1_000, currency: 'USD' },
  grossMassKg: 100,
  ...overrides,
});
const load = (goods: Line[], documents: SupportingDocumentType[] = []): RiskInput => ({
  goods,
  consignee: { name: 'Almaty Trade LLP', taxId: '123456789012' },
  supportingDocuments: documents.map((type) => ({ type })),
});
const regular: RiskContext = {
  declarationId: 'DCL-0123456789ABCDEF01234567',
  consigneeHasClearedBefore: true,
  randomSelection: { rates: NO_RANDOM_SELECTION, seed: 'test' },
};
/** The rail import lane's profile, or the rules given, in the rail import lane. */
const railProfile = (rules?: RiskRuleName[]): RiskProfile =>
  rules === undefined ? RAIL_IMPORT_RISK_PROFILE : { lane: 'RAIL_IMPORT', rules };
const only = (rule: RiskRuleName, input: RiskInput, context: RiskContext = regular) =>
  assessRiskOf(railProfile([rule]), input, context);

describe('risk rule: the green channel for agricultural and sideline products', () => {
  it('sends apples with their phytosanitary certificate to the green channel, with priority', () => {
    const outcome = assessRiskOf(railProfile(), load([line('08081000')], ['PHYTOSANITARY_CERTIFICATE']), regular);
    assert.deepEqual([outcome.channel, outcome.rule, outcome.priority], ['GREEN', 'AGRICULTURAL_GREEN_CHANNEL', true]);
  });

  it('needs no certificate for processed foods (chapters 15–23), but does not take tobacco (24)', () => {
    assert.equal(only('AGRICULTURAL_GREEN_CHANNEL', load([line('20091100')])).rule, 'AGRICULTURAL_GREEN_CHANNEL');
    assert.equal(only('AGRICULTURAL_GREEN_CHANNEL', load([line('24022000')])).fired.length, 0);
  });

  it('does not apply to a load that mixes farm produce with laptops', () => {
    const mixed = load([line('08081000'), line('84713000')], ['PHYTOSANITARY_CERTIFICATE']);
    assert.equal(only('AGRICULTURAL_GREEN_CHANNEL', mixed).fired.length, 0);
  });
});

describe('risk rule: a quarantine certificate the goods need is missing', () => {
  it('sends apples without a phytosanitary certificate to a yellow document check, naming the certificate', () => {
    const outcome = assessRiskOf(railProfile(), load([line('08081000')]), regular);
    assert.equal(outcome.channel, 'YELLOW');
    assert.equal(outcome.rule, 'QUARANTINE_CERTIFICATE_MISSING');
    assert.equal(outcome.reason, 'missing phytosanitary certificate (line 1)');
    assert.equal(outcome.priority, true, 'perishables keep their priority while the papers are checked');
  });

  it('asks for a veterinary certificate for meat and a phytosanitary one for fruit, each once', () => {
    const outcome = only('QUARANTINE_CERTIFICATE_MISSING', load([line('02013000'), line('08081000'), line('0805')]));
    assert.equal(outcome.reason, 'missing veterinary certificate (line 1), phytosanitary certificate (lines 2, 3)');
  });

  it('is satisfied by the right certificate only', () => {
    assert.equal(
      only('QUARANTINE_CERTIFICATE_MISSING', load([line('02013000')], ['VETERINARY_CERTIFICATE'])).channel,
      'GREEN',
    );
    assert.equal(
      only('QUARANTINE_CERTIFICATE_MISSING', load([line('02013000')], ['PHYTOSANITARY_CERTIFICATE'])).channel,
      'YELLOW',
    );
  });

  it('treats a declaration without a supportingDocuments field as carrying none', () => {
    const { supportingDocuments: _none, ...withoutField } = load([line('08081000')]);
    assert.equal(only('QUARANTINE_CERTIFICATE_MISSING', withoutField).channel, 'YELLOW');
  });
});

describe('risk rule: high-risk HS chapters', () => {
  it('sends arms (93) and explosives (36) to red, precursors (29) and precious metals (71) to yellow', () => {
    assert.equal(only('HIGH_RISK_CHAPTER', load([line('93020000')])).channel, 'RED');
    assert.equal(only('HIGH_RISK_CHAPTER', load([line('36041000')])).channel, 'RED');
    assert.equal(only('HIGH_RISK_CHAPTER', load([line('29393000')])).channel, 'YELLOW');
    assert.equal(only('HIGH_RISK_CHAPTER', load([line('71131900')])).channel, 'YELLOW');
    assert.equal(only('HIGH_RISK_CHAPTER', load([line('85171300')])).fired.length, 0);
  });

  it('takes the most severe chapter of a mixed load and names the lines', () => {
    const outcome = only('HIGH_RISK_CHAPTER', load([line('29393000'), line('85171300'), line('93020000')]));
    assert.equal(outcome.channel, 'RED');
    assert.match(outcome.reason, /arms and ammunition/);
    assert.match(outcome.reason, /lines 1, 3/);
  });
});

describe('risk rule: declared value against the reference value of the HS heading', () => {
  // Laptops (8471) are referenced at 60 USD/kg.
  it('lets laptops at a plausible value through', () => {
    assert.equal(
      only('VALUE_BELOW_REFERENCE', load([line('84713000', { value: { amount: 6_000, currency: 'USD' } })])).fired
        .length,
      0,
    );
  });

  it('sends laptops declared at a fifth of the reference to yellow, and at a twentieth to red', () => {
    const fifth = only(
      'VALUE_BELOW_REFERENCE',
      load([line('84713000', { value: { amount: 1_200, currency: 'USD' } })]),
    );
    assert.equal(fifth.channel, 'YELLOW');
    assert.equal(fifth.reason, 'line 1 declared at 12.00 USD/kg, 20% of the reference 60.00 USD/kg');
    const twentieth = only(
      'VALUE_BELOW_REFERENCE',
      load([line('84713000', { value: { amount: 300, currency: 'USD' } })]),
    );
    assert.equal(twentieth.channel, 'RED');
  });

  it('converts the currency and prefers the net mass', () => {
    // 20,000 CNY = 2,800 USD over 100 kg net = 28 USD/kg: 47% of the reference, no finding.
    const net = line('84713000', { value: { amount: 20_000, currency: 'CNY' }, grossMassKg: 400, netMassKg: 100 });
    assert.equal(only('VALUE_BELOW_REFERENCE', load([net])).fired.length, 0);
    // The same over the 400 kg gross would be 7 USD/kg.
    const { netMassKg: _net, ...grossOnly } = net;
    assert.equal(only('VALUE_BELOW_REFERENCE', load([grossOnly])).channel, 'YELLOW');
  });

  it('does not compare headings without a reference or currencies without a rate', () => {
    assert.equal(
      only('VALUE_BELOW_REFERENCE', load([line('85171300', { value: { amount: 1, currency: 'USD' } })])).fired.length,
      0,
    );
    assert.equal(
      only('VALUE_BELOW_REFERENCE', load([line('84713000', { value: { amount: 1, currency: 'GBP' } })])).fired.length,
      0,
    );
  });
});

describe('risk rule: first-time consignee', () => {
  it('sends a consignee who has never cleared goods here to yellow, and a regular one nowhere', () => {
    const firstTime = only('FIRST_TIME_CONSIGNEE', load([line('85171300')]), {
      ...regular,
      consigneeHasClearedBefore: false,
    });
    assert.deepEqual([firstTime.channel, firstTime.rule], ['YELLOW', 'FIRST_TIME_CONSIGNEE']);
    assert.equal(only('FIRST_TIME_CONSIGNEE', load([line('85171300')])).fired.length, 0);
  });

  it('knows a consignee by its tax number, else by its name whatever the case and spacing', () => {
    assert.equal(consigneeKeyOf({ name: 'Almaty Trade', taxId: '123456789012' }), 'TAXID#123456789012');
    assert.equal(consigneeKeyOf({ name: '  almaty   Trading llp' }), consigneeKeyOf({ name: 'Almaty Trading LLP' }));
    assert.notEqual(consigneeKeyOf({ name: 'Almaty Trading LLP' }), consigneeKeyOf({ name: 'Almaty Trade LLP' }));
  });
});

describe('risk rule: goods that need a licence', () => {
  it('sends pistols without a licence to red and gold without one to yellow', () => {
    assert.equal(only('LICENCE_MISSING', load([line('93020000')])).channel, 'RED');
    const gold = only('LICENCE_MISSING', load([line('71081200')]));
    assert.deepEqual([gold.channel, gold.reason], ['YELLOW', 'missing import licence for gold (line 1)']);
  });

  it('is satisfied by a licence', () => {
    assert.equal(only('LICENCE_MISSING', load([line('71081200')], ['LICENCE'])).fired.length, 0);
  });
});

describe('risk rule: the seeded random floor', () => {
  const ids = Array.from({ length: 20_000 }, (_, index) => `DCL-${index.toString(16).toUpperCase().padStart(24, '0')}`);
  const rates = { ...DEFAULT_RANDOM_SELECTION, RAIL_IMPORT: { YELLOW: 0.201, RED: 0.01 } };

  it('selects about the configured shares of 20,000 declarations for yellow and red', () => {
    const counts = { GREEN: 0, YELLOW: 0, RED: 0 };
    for (const declarationId of ids) {
      const outcome = only('RANDOM_SELECTION', load([line('85171300')]), {
        ...regular,
        declarationId,
        randomSelection: { rates, seed: 'horgos-2025' },
      });
      counts[outcome.channel] += 1;
    }
    // Binomial standard deviations at n = 20,000: 0.28% for 20.1%, 0.07% for 1%; four of them as tolerance.
    assert.ok(Math.abs(counts.YELLOW / ids.length - 0.201) < 0.012, `yellow share ${counts.YELLOW / ids.length}`);
    assert.ok(Math.abs(counts.RED / ids.length - 0.01) < 0.003, `red share ${counts.RED / ids.length}`);
  });

  it('decides the same way on every retry, and differently under another seed', () => {
    const decide = (declarationId: string, seed: string) =>
      only('RANDOM_SELECTION', load([line('85171300')]), {
        ...regular,
        declarationId,
        randomSelection: { rates, seed },
      }).channel;
    const first = ids.slice(0, 200).map((id) => decide(id, 'horgos-2025'));
    assert.deepEqual(
      ids.slice(0, 200).map((id) => decide(id, 'horgos-2025')),
      first,
    );
    assert.notDeepEqual(
      ids.slice(0, 200).map((id) => decide(id, 'another-seed')),
      first,
    );
  });

  it('selects nothing when the floor is off, and uses the lane of the profile', () => {
    const off = { ...regular, randomSelection: { rates: NO_RANDOM_SELECTION, seed: 's' } };
    assert.ok(
      ids
        .slice(0, 500)
        .every(
          (declarationId) =>
            only('RANDOM_SELECTION', load([line('85171300')]), { ...off, declarationId }).channel === 'GREEN',
        ),
    );
    const roadOnly = { ...NO_RANDOM_SELECTION, ROAD_EXPORT: { YELLOW: 1, RED: 0 } };
    const context = { ...regular, randomSelection: { rates: roadOnly, seed: 's' } };
    assert.equal(
      assessRiskOf({ lane: 'ROAD_EXPORT', rules: ['RANDOM_SELECTION'] }, load([line('85171300')]), context).channel,
      'YELLOW',
    );
    assert.equal(
      assessRiskOf({ lane: 'RAIL_IMPORT', rules: ['RANDOM_SELECTION'] }, load([line('85171300')]), context).channel,
      'GREEN',
    );
  });

  it('reads its rates from configuration: default, off, or JSON per lane, refusing nonsense', () => {
    assert.deepEqual(parseRandomSelection('default'), DEFAULT_RANDOM_SELECTION);
    assert.deepEqual(parseRandomSelection('0'), NO_RANDOM_SELECTION);
    assert.deepEqual(parseRandomSelection('off'), NO_RANDOM_SELECTION);
    assert.deepEqual(parseRandomSelection('{"RAIL_IMPORT":{"YELLOW":0.2,"RED":0.01}}').RAIL_IMPORT, {
      YELLOW: 0.2,
      RED: 0.01,
    });
    assert.deepEqual(
      parseRandomSelection('{"RAIL_IMPORT":{"YELLOW":0.2,"RED":0.01}}').ROAD_EXPORT,
      DEFAULT_RANDOM_SELECTION.ROAD_EXPORT,
    );
    assert.throws(() => parseRandomSelection('{"SEA_IMPORT":{"YELLOW":0.2,"RED":0}}'), /unknown lane SEA_IMPORT/);
    assert.throws(() => parseRandomSelection('{"RAIL_IMPORT":{"YELLOW":0.7,"RED":0.5}}'), /at most 1 together/);
    assert.throws(() => parseRandomSelection('lots'), /JSON rates per lane/);
  });
});

describe('the engine: every rule that fired is recorded, the most severe channel wins', () => {
  it('goes green, naming no rule, when nothing fires', () => {
    assert.deepEqual(assessRiskOf(railProfile(), load([line('85171300')]), regular), {
      channel: 'GREEN',
      rule: 'DEFAULT_GREEN',
      reason: 'no risk rule fired',
      priority: false,
      fired: [],
    });
  });

  it('records every rule that fired, and the most severe decides', () => {
    const outcome = assessRiskOf(railProfile(), load([line('08081000'), line('93020000')]), {
      ...regular,
      consigneeHasClearedBefore: false,
    });
    assert.deepEqual(
      outcome.fired.map(({ rule, channel }) => [rule, channel]),
      [
        ['QUARANTINE_CERTIFICATE_MISSING', 'YELLOW'],
        ['HIGH_RISK_CHAPTER', 'RED'],
        ['LICENCE_MISSING', 'RED'],
        ['FIRST_TIME_CONSIGNEE', 'YELLOW'],
      ],
    );
    assert.deepEqual([outcome.channel, outcome.rule], ['RED', 'HIGH_RISK_CHAPTER'], 'the first red rule decides');
  });

  it('lets a yellow rule override the agricultural green channel', () => {
    const outcome = assessRiskOf(railProfile(), load([line('08081000')], ['PHYTOSANITARY_CERTIFICATE']), {
      ...regular,
      consigneeHasClearedBefore: false,
    });
    assert.deepEqual([outcome.channel, outcome.rule, outcome.priority], ['YELLOW', 'FIRST_TIME_CONSIGNEE', true]);
  });

  it('runs only the rules its profile names', () => {
    const arms = load([line('93020000')]);
    assert.equal(assessRiskOf(railProfile(['FIRST_TIME_CONSIGNEE']), arms, regular).channel, 'GREEN');
  });

  it('only knows the green, yellow and red channels', () => {
    assert.deepEqual([...RISK_CHANNELS], ['GREEN', 'YELLOW', 'RED']);
  });
});

describe('what each role is told of the reasons', () => {
  const assessment: RiskAssessment = assessRiskOf(
    railProfile(),
    load([line('08081000'), line('84713000', { value: { amount: 10, currency: 'USD' } })]),
    {
      ...regular,
      consigneeHasClearedBefore: false,
    },
  );
  const entry: HistoryEntry = {
    version: 2,
    status: 'RISK_ASSESSED',
    previousStatus: 'RECEIVED',
    transition: 'ASSIGN_RISK_CHANNEL',
    actor: { kind: 'system', id: 'risk-engine' },
    occurredAt: '2025-03-01T06:01:00.000Z',
    recordedAt: '2025-03-01T06:01:00.000Z',
    reason: riskEntryReason(assessment),
    details: { ...assessment },
  };

  it('marks the missing certificate and licence disclosable, the targeting criteria not', () => {
    const disclosable = Object.values(RISK_RULES)
      .filter((rule) => rule.disclosable)
      .map((rule) => rule.name);
    assert.deepEqual(disclosable.sort(), [
      'AGRICULTURAL_GREEN_CHANNEL',
      'LICENCE_MISSING',
      'QUARANTINE_CERTIFICATE_MISSING',
    ]);
  });

  it('tells the broker the channel and the disclosable rules only, never the deciding confidential one', () => {
    assert.equal(assessment.rule, 'VALUE_BELOW_REFERENCE');
    const told = disclosedAssessment(assessment);
    assert.equal(told.channel, 'RED');
    assert.equal(told.rule, undefined);
    assert.equal(told.reason, 'selected for inspection');
    assert.deepEqual(
      told.fired.map((rule) => rule.rule),
      ['QUARANTINE_CERTIFICATE_MISSING'],
    );
  });

  it('rewrites the history entry for a broker and leaves it whole for an officer', () => {
    const [forBroker] = historyWithRiskReasonsFor(['broker'], [entry]);
    assert.equal(forBroker?.reason, 'red channel: selected for inspection');
    assert.doesNotMatch(JSON.stringify(forBroker), /VALUE_BELOW_REFERENCE|FIRST_TIME_CONSIGNEE|USD\/kg/);
    assert.match(JSON.stringify(forBroker), /missing phytosanitary certificate/);
    assert.deepEqual(historyWithRiskReasonsFor(['officer'], [entry]), [entry]);
    assert.deepEqual(historyWithRiskReasonsFor(['broker', 'officer'], [entry]), [entry]);
  });

  it('tells the broker the deciding rule when it may be told', () => {
    const yellow = assessRiskOf(railProfile(), load([line('08081000')]), regular);
    const told = entryWithDisclosableRisk({ ...entry, reason: riskEntryReason(yellow), details: { ...yellow } });
    assert.equal(told.reason, 'yellow channel: missing phytosanitary certificate (line 1)');
  });

  it('leaves every other entry alone', () => {
    const arrival: HistoryEntry = { ...entry, transition: 'RECORD_ARRIVAL', status: 'ARRIVED', reason: 'train in' };
    assert.deepEqual(entryWithDisclosableRisk(arrival), arrival);
  });
});
