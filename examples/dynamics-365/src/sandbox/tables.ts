/**
 * The tables the sandbox simulates, as data: a subset of each table's columns from Microsoft's
 * table reference (learn.microsoft.com/power-apps/developer/data-platform/reference/entities/<table>),
 * with their types, lengths and whether they are valid for create and update. `parley_socialpost`
 * is the custom table README.md tells you to create; the alternate key on
 * `socialprofile.uniqueprofileid` is one you add too (no social profile key ships with Dataverse).
 */

export type AttributeType = 'String' | 'Memo' | 'Integer' | 'Double' | 'Boolean' | 'DateTime' | 'Picklist' | 'State' | 'Uniqueidentifier' | 'Lookup' | 'Customer';

export interface AttributeDef {
  name: string;
  type: AttributeType;
  label: string;
  maxLength?: number;
  required?: 'None' | 'ApplicationRequired' | 'SystemRequired';
  /** IsValidForCreate / IsValidForUpdate (both true unless said). */
  create?: boolean;
  update?: boolean;
  /** Picklist values. */
  options?: number[];
  /** Lookups: the navigation property for each table it may point to. */
  targets?: Array<{ nav: string; table: string }>;
}

export interface TableDef {
  logicalName: string;
  entitySet: string;
  primaryId: string;
  primaryName: string;
  label: string;
  attributes: AttributeDef[];
  keys: Array<{ name: string; attributes: string[] }>;
}

const system: AttributeDef[] = [
  { name: 'createdon', type: 'DateTime', label: 'Created On', create: false, update: false },
  { name: 'modifiedon', type: 'DateTime', label: 'Modified On', create: false, update: false },
];

const id = (name: string): AttributeDef => ({ name, type: 'Uniqueidentifier', label: 'Id', required: 'SystemRequired', update: false });

export const TABLES: readonly TableDef[] = [
  {
    logicalName: 'contact', entitySet: 'contacts', primaryId: 'contactid', primaryName: 'fullname', label: 'Contact', keys: [],
    attributes: [
      id('contactid'),
      { name: 'firstname', type: 'String', label: 'First Name', maxLength: 50 },
      { name: 'lastname', type: 'String', label: 'Last Name', maxLength: 50, required: 'ApplicationRequired' },
      { name: 'fullname', type: 'String', label: 'Full Name', maxLength: 160, create: false, update: false },
      { name: 'emailaddress1', type: 'String', label: 'Email', maxLength: 100 },
      { name: 'mobilephone', type: 'String', label: 'Mobile Phone', maxLength: 50 },
      { name: 'description', type: 'Memo', label: 'Description', maxLength: 2000 },
      ...system,
    ],
  },
  {
    // socialprofile reference: community is not valid for update; customerid is a Customer lookup (account or contact).
    logicalName: 'socialprofile', entitySet: 'socialprofiles', primaryId: 'socialprofileid', primaryName: 'profilename', label: 'Social Profile',
    keys: [{ name: 'parley_uniqueprofileid_key', attributes: ['uniqueprofileid'] }],
    attributes: [
      id('socialprofileid'),
      { name: 'profilename', type: 'String', label: 'Profile Name', maxLength: 100 },
      { name: 'uniqueprofileid', type: 'String', label: 'Unique Profile ID', maxLength: 100 },
      { name: 'profilefullname', type: 'String', label: 'Full Name', maxLength: 160 },
      { name: 'profilelink', type: 'String', label: 'Profile Link', maxLength: 100 },
      { name: 'community', type: 'Picklist', label: 'Social Channel', options: [0, 1, 2], update: false },
      { name: 'blocked', type: 'Boolean', label: 'Blocked' },
      { name: 'influencescore', type: 'Double', label: 'Influence Score' },
      { name: 'customerid', type: 'Customer', label: 'Customer', targets: [{ nav: 'customerid_contact', table: 'contact' }] },
      { name: 'statecode', type: 'State', label: 'Status', options: [0, 1], create: false },
      ...system,
    ],
  },
  {
    logicalName: 'parley_socialpost', entitySet: 'parley_socialposts', primaryId: 'parley_socialpostid', primaryName: 'parley_name', label: 'Social Post',
    keys: [{ name: 'parley_externalpostid_key', attributes: ['parley_externalpostid'] }],
    attributes: [
      id('parley_socialpostid'),
      { name: 'parley_name', type: 'String', label: 'Name', maxLength: 200, required: 'ApplicationRequired' },
      { name: 'parley_externalpostid', type: 'String', label: 'External Post ID', maxLength: 100, required: 'ApplicationRequired' },
      { name: 'parley_network', type: 'String', label: 'Network', maxLength: 20 },
      { name: 'parley_activity', type: 'String', label: 'Activity', maxLength: 20 },
      { name: 'parley_direction', type: 'String', label: 'Direction', maxLength: 10 },
      { name: 'parley_text', type: 'Memo', label: 'Text', maxLength: 100_000 },
      { name: 'parley_url', type: 'String', label: 'URL', maxLength: 500 },
      { name: 'parley_inreplyto', type: 'String', label: 'In Reply To', maxLength: 100 },
      { name: 'parley_postedon', type: 'DateTime', label: 'Posted On' },
      { name: 'parley_socialprofileid', type: 'Lookup', label: 'Social Profile', targets: [{ nav: 'parley_SocialProfileId', table: 'socialprofile' }] },
      { name: 'parley_contactid', type: 'Lookup', label: 'Contact', targets: [{ nav: 'parley_ContactId', table: 'contact' }] },
      ...system,
    ],
  },
  {
    // annotation (Note) reference: objectid is the record the note is attached to.
    logicalName: 'annotation', entitySet: 'annotations', primaryId: 'annotationid', primaryName: 'subject', label: 'Note', keys: [],
    attributes: [
      id('annotationid'),
      { name: 'subject', type: 'String', label: 'Title', maxLength: 500 },
      { name: 'notetext', type: 'Memo', label: 'Description', maxLength: 100_000 },
      { name: 'isdocument', type: 'Boolean', label: 'Is Document' },
      { name: 'objectid', type: 'Lookup', label: 'Regarding', targets: [{ nav: 'objectid_contact', table: 'contact' }, { nav: 'objectid_socialprofile', table: 'socialprofile' }] },
      ...system,
    ],
  },
  {
    // "For internal use only": served because every org has it; see config.ts for what writing it means.
    logicalName: 'socialactivity', entitySet: 'socialactivities', primaryId: 'activityid', primaryName: 'subject', label: 'Social Activity', keys: [],
    attributes: [
      id('activityid'),
      { name: 'subject', type: 'String', label: 'Subject', maxLength: 200 },
      { name: 'description', type: 'Memo', label: 'Description', maxLength: 100_000 },
      { name: 'postid', type: 'String', label: 'Post ID', maxLength: 100 },
      { name: 'posturl', type: 'String', label: 'Post URL', maxLength: 200 },
      { name: 'postedon', type: 'DateTime', label: 'Posted On' },
      { name: 'community', type: 'Picklist', label: 'Social Channel', options: [0, 1, 2] },
      { name: 'sentimentvalue', type: 'Double', label: 'Sentiment Value' },
      { name: 'postfromprofileid', type: 'Lookup', label: 'Posted By', targets: [{ nav: 'postfromprofileid', table: 'socialprofile' }] },
      ...system,
    ],
  },
];

/** The table of an entity set or logical name. */
export function tableBy(name: { entitySet: string } | { logicalName: string }): TableDef | undefined {
  return 'entitySet' in name ? TABLES.find((t) => t.entitySet === name.entitySet) : TABLES.find((t) => t.logicalName === name.logicalName);
}
