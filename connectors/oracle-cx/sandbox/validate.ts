/**
 * Payload validation against a resource's attribute table (resource-model.ts), as ADF does it
 * (../shared/reference/oracle-cx.md §3: unknown attribute, wrong type, too long, bad LOV code,
 * missing mandatory, read-only written → 400). The JBO codes are ADF's business-component codes for
 * these cases [inferred]; clients read `detail`, never the code.
 */
import type { OracleCxSandboxConfig } from './config.ts';
import { OracleCxError } from './errors.ts';
import { lovCodes, type AttributeSpec, type ResourceSpec } from './resource-model.ts';

/** The config keys validation reads (the LOVs). */
export type LovConfig = Pick<OracleCxSandboxConfig, 'socialNetworkCodes' | 'postMessageTypeCodes' | 'severityCodes'>;

const refuse = (attribute: string, detail: string, errorCode: string) => new OracleCxError(400, detail, { errorCode, path: `/${attribute}` });

/**
 * Checks a POST (`create`) or PATCH (`update`) body and returns its values normalised (integers as
 * numbers, date-times as ISO 8601 UTC). `ignore` names attributes taken as they are (an upsert's key).
 * A `links` member is dropped: clients send read items back.
 * @throws OracleCxError 400 for the first problem, with `o:errorPath` naming the attribute
 */
export function validatePayload(resource: ResourceSpec, body: unknown, mode: 'create' | 'update', config: LovConfig, ignore: readonly string[] = []): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OracleCxError(400, 'The request body is not a JSON object.', { errorCode: 'OAS-BAD-BODY' });
  }
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    if (name === 'links' || ignore.includes(name)) continue;
    const attribute = resource.attributes.find((a) => a.name === name);
    if (!attribute) throw refuse(name, `The attribute ${name} is not valid for the resource ${resource.name}.`, 'JBO-25058');
    const allow = attribute.allowChanges ?? 'always';
    if (allow === 'never') throw refuse(name, `Attribute ${name} in ${resource.name} is read only.`, 'JBO-27008');
    if (allow === 'create' && mode === 'update') throw refuse(name, `Attribute ${name} in ${resource.name} can be set only when the row is created.`, 'JBO-27008');
    values[name] = checkValue(attribute, value, config);
  }
  if (mode === 'create') {
    for (const attribute of resource.attributes) {
      if (attribute.mandatory && (values[attribute.name] === undefined || values[attribute.name] === null || values[attribute.name] === '')) {
        throw refuse(attribute.name, `Attribute ${attribute.name} in ${resource.name} is required.`, 'JBO-27014');
      }
    }
  }
  return values;
}

function checkValue(attribute: AttributeSpec, value: unknown, config: LovConfig): unknown {
  const { name } = attribute;
  if (value === null) {
    if (attribute.mandatory) throw refuse(name, `Attribute ${name} is required.`, 'JBO-27014');
    return null;
  }
  const wrongType = () => refuse(name, `The value ${JSON.stringify(value)} of attribute ${name} is not a valid ${attribute.type}.`, 'JBO-27018');
  switch (attribute.type) {
    case 'integer': {
      const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw wrongType();
      return n;
    }
    case 'number': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw wrongType();
      return n;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw wrongType();
      return value;
    case 'date':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw wrongType();
      return value;
    case 'datetime':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(Date.parse(value))) throw wrongType();
      return new Date(value).toISOString();
    case 'string': {
      if (typeof value !== 'string') throw wrongType();
      if (attribute.maxLength !== undefined && value.length > attribute.maxLength) {
        throw refuse(name, `The value of attribute ${name} is too long: ${value.length} characters, at most ${attribute.maxLength}.`, 'JBO-27010');
      }
      if (attribute.lov && value !== '' && !lovCodes(attribute.lov.codes, config).includes(value)) {
        throw refuse(name, `Attribute ${name} has an invalid value. ${value} is not a code of the lookup ${attribute.lov.lookup}.`, 'JBO-27024');
      }
      return value;
    }
  }
}
