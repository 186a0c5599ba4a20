import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { nextPageHint, readPages, withPaging, type PageOptions } from '../pages.ts';
import { cell, describe, table } from '../render.ts';

// `parley person …`: a thin client over /v1/identities and /v1/persons (ARCHITECTURE.md, Fixed
// interfaces: People). The unified view's shape is open (issue 20: linked identities, recent
// interactions, each destination's CRM records, last sync), so `show` prints whatever it holds.

/** An item of GET /v1/identities?q=. */
export interface IdentityItem { key: string; network?: string; handle?: string; displayName?: string; personId?: string | null }

const personPath = (id: string) => `/v1/persons/${encodeURIComponent(id)}`;

/** Adds `person search|show|link|unlink` to `program`. */
export function addPersonCommands(program: Command, context: CliContext): void {
  const person = program.command('person').description('find people across networks, see one, link and unlink their identities');

  withPaging(person.command('search').argument('<query>', 'a handle, a name or an e-mail address')
    .description('find identities by handle, name or e-mail (GET /v1/identities?q=)'))
    .action(async (query: string, options: PageOptions, command: Command) => {
      const page = await readPages<IdentityItem>(context.client(command), { path: '/v1/identities', query: { q: query } }, options);
      context.print(command, page, () => table(page.items, [
        { header: 'KEY', value: (i) => i.key }, { header: 'NETWORK', value: (i) => i.network }, { header: 'HANDLE', value: (i) => i.handle },
        { header: 'NAME', value: (i) => i.displayName }, { header: 'PERSON', value: (i) => i.personId },
      ]));
      if (!context.json(command)) context.io.stderr(nextPageHint(`parley person search ${JSON.stringify(query)}`, page.nextCursor));
    });

  person.command('show').argument('<personId>', 'the person\'s id (the PERSON column of search)')
    .description('show one person: every linked identity, recent interactions, each CRM\'s records for them, last sync')
    .action(async (personId: string, _options: unknown, command: Command) => {
      const { body } = await context.client(command).request({ method: 'GET', path: personPath(personId) });
      context.print(command, body, () => describe(body));
    });

  person.command('link').argument('<personId>', 'the person to link to').argument('<identityKey>', 'the identity to link, as network:userId (facebook:987)')
    .description('link an identity to a person: a person\'s decision, recorded as the link\'s evidence. Needs an "operate" key.')
    .action(async (personId: string, identityKey: string, _options: unknown, command: Command) => {
      const body = { identity: identityKey };
      const answer = await context.client(command).request({ method: 'POST', path: `${personPath(personId)}/links`, body });
      context.print(command, answer.body ?? body, () => `linked ${cell(identityKey)} to person ${cell(personId)}\n${answer.body === undefined ? '' : describe(answer.body)}`);
    });

  person.command('unlink').argument('<personId>', 'the person').argument('<identityKey>', 'the identity to unlink, as network:userId')
    .description('unlink an identity from a person (unmerge: its CRM records follow it). Needs an "operate" key.')
    .action(async (personId: string, identityKey: string, _options: unknown, command: Command) => {
      const answer = await context.client(command).request({ method: 'DELETE', path: `${personPath(personId)}/links/${encodeURIComponent(identityKey)}` });
      context.print(command, answer.body ?? { personId, identityKey }, () => `unlinked ${cell(identityKey)} from person ${cell(personId)}\n${answer.body === undefined ? '' : describe(answer.body)}`);
    });
}
