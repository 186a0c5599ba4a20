// Crisis rules (issue 21 item 6): what start.ts and server.ts wire.
export { createCrisisEngine, type CrisisEngine, type CrisisEngineOptions } from './engine.ts';
export { checkRuleText, loadRules, type CompiledRule, type RuleProblem } from './load-rules.ts';
export { previewRule, type PreviewIncident, type RulePreview } from './preview.ts';
export { ruleErrors } from './rule-errors.ts';
