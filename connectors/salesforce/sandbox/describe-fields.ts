/**
 * The shapes every describe field shares: text types, SOAP types, the keys most fields carry with the
 * same value, and the sizes a field of a type has when nothing else is known. Used both to complete
 * the SocialPersona/SocialPost dumps (describe-metadata.ts) and to build operator custom fields
 * (describe-catalog.ts).
 */
import type { FieldDescribe } from './types.ts';

/** Types whose value is text with a maximum `length` (characters). */
export const TEXT_TYPES = new Set(['string', 'textarea', 'picklist', 'multipicklist', 'url', 'email', 'phone', 'combobox', 'encryptedstring']);

/** Salesforce's SOAP type per field type, as the real describes in metadata/ show them. */
const SOAP_TYPES: Record<string, string> = {
  id: 'tns:ID', reference: 'tns:ID', boolean: 'xsd:boolean', int: 'xsd:int', double: 'xsd:double', currency: 'xsd:double',
  percent: 'xsd:double', date: 'xsd:date', datetime: 'xsd:dateTime',
};

/** Keys every field of a real describe carries with the same value unless the field is special. */
export const FIELD_CONSTANTS = {
  aiPredictionField: false, autoNumber: false, calculated: false, calculatedFormula: null, cascadeDelete: false, caseSensitive: false,
  compoundFieldName: null, controllerName: null, defaultValueFormula: null, dependentPicklist: false, deprecatedAndHidden: false,
  displayLocationInDecimal: false, encrypted: false, externalId: false, filteredLookupInfo: null, formulaTreatNullNumberAsZero: false,
  highScaleNumber: false, htmlFormatted: false, idLookup: false, mask: null, maskType: null, nameField: false, namePointing: false,
  queryByDistance: false, referenceTargetField: null, relationshipOrder: null, restrictedDelete: false, restrictedPicklist: false,
  searchPrefilterable: false, unique: false, writeRequiresMasterRead: false,
} as const;

/** Length, digits, precision, scale and SOAP type a field of `type` has when nothing else is known. */
export function typeDefaults(type: string): Pick<FieldDescribe, 'length' | 'digits' | 'precision' | 'scale'> & { soapType: string } {
  const soapType = SOAP_TYPES[type] ?? 'xsd:string';
  if (type === 'id' || type === 'reference') return { length: 18, digits: 0, precision: 0, scale: 0, soapType };
  if (type === 'int') return { length: 0, digits: 9, precision: 0, scale: 0, soapType };
  if (type === 'double' || type === 'currency' || type === 'percent') return { length: 0, digits: 0, precision: 18, scale: 0, soapType };
  return { length: TEXT_TYPES.has(type) ? 255 : 0, digits: 0, precision: 0, scale: 0, soapType };
}

/** Bytes Salesforce reserves for a field: 3 per character of text (every real describe here), 18 for ids. */
export function byteLengthOf(type: string, length: number): number {
  if (type === 'id' || type === 'reference') return 18;
  return TEXT_TYPES.has(type) ? length * 3 : 0;
}

/** A copy of `value` with its keys in alphabetical order, as Salesforce writes describe JSON. */
export function sortKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
