import { errors } from '../errors.ts';

/** The crisis rules' errors, from the one catalogue (src/errors.ts, docs/errors.md). */
export const ruleErrors = {
  RULE_INVALID: errors.RULE_INVALID,
  API_RULE_NOT_FOUND: errors.API_RULE_NOT_FOUND,
  API_INCIDENT_NOT_FOUND: errors.API_INCIDENT_NOT_FOUND,
};
