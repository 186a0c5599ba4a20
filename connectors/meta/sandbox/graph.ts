/**
 * What the sandbox's request dispatch needs from each simulated network's objects (a Page's, an
 * Instagram account's): whether it holds an id, whose budget a call on it spends, its node and its
 * edges as Graph answers them. Helpers shared by both: the answer type, field selection, paging links.
 */
import type { FastifyRequest } from 'fastify';
import type { Endpoint } from './config.ts';
import { selectFields, type FieldSelection, type NodeType } from './fields.ts';
import { one } from './paging.ts';
import { errorBody, unknownField, type GraphError } from './wire.ts';

export type Query = Readonly<Record<string, string | string[] | undefined>>;
/** A vendor answer before its headers. */
export interface Answer { status: number; body: unknown }

/** One network's objects in the sandbox. */
export interface SimulatedGraph {
  holds: (id: string) => boolean;
  /** The Page or Instagram account whose budget a call on `id` spends. */
  ownerOf: (id: string) => string;
  node: (request: FastifyRequest) => Answer;
  edge: (request: FastifyRequest) => Answer;
  /** The `_stats` endpoint of a node call (`edge` undefined) or an edge call. */
  endpointOf: (edge: string | undefined) => Endpoint;
  counts: () => Record<string, number>;
  clear: () => void;
}

/** Builds a `next`/`previous` URL: this request's path and query with the cursor replaced. */
export type LinkBuilder = (request: FastifyRequest) => (name: 'after' | 'before', cursor: string) => string;

export function linkBuilder(baseUrl: () => string): LinkBuilder {
  return (request) => (name, cursor) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query as Query)) {
      if (key !== 'after' && key !== 'before' && value !== undefined) params.set(key, String(Array.isArray(value) ? value.at(-1) : value));
    }
    params.set(name, cursor);
    const { version, id, edge } = request.params as { version: string; id: string; edge: string };
    return `${baseUrl()}/${version}/${id}/${edge}?${params.toString()}`;
  };
}

export function graphError(status: number, error: GraphError): Answer {
  return { status, body: errorBody(error) };
}

/** The answer built from the selected `fields` of `type`, or the nonexisting-field error. */
export function fieldsOf(request: FastifyRequest, type: NodeType, build: (fields: FieldSelection) => unknown): Answer {
  const selection = selectFields(one(request.query as Query, 'fields'), type);
  if ('unknown' in selection) return graphError(400, unknownField(selection.unknown, type.name));
  return { status: 200, body: build(selection.fields) };
}
