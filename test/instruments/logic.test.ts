import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInstruments } from '../../server/instruments/registry.js';
import { projectRoot } from '../../server/platform/paths.js';
import { expectRuleWorks, rawRuleCount, rulesOf } from '../support/logicSearch.js';

/*
 * Every skip rule of every shipped instrument gets its own test, generated from the files: the
 * search tries the answers each referenced question can take and must find one answer set under
 * which the rule holds and one under which it does not, and survey-core must then show/hide,
 * require/release or enable/disable the element accordingly. A rule that can never be true (or
 * never false) is a dead item or an item nobody can skip, so it fails too.
 */

const shipped = loadInstruments(path.join(projectRoot, 'instruments')).all();

// `%s` rather than `$name`: vitest quotes and cuts `$`-interpolated strings at 40 characters.
describe.each(shipped.map((instrument) => [instrument.meta.id, instrument] as const))(
  'skip logic of %s',
  (_id, instrument) => {
    const rules = rulesOf(instrument);

    it('has a generated test for every visibleIf, requiredIf and enableIf in its file', () => {
      expect(rules.length).toBeGreaterThan(0);
      expect(rules.length, 'rules generated from survey-core vs. rule keys in the raw file').toBe(
        rawRuleCount(instrument.file),
      );
    });

    it.each(rules.map((rule) => [rule.name, rule] as const))('%s', (_name, rule) => expectRuleWorks(rule));
  },
);
