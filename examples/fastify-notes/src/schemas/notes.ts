export const noteSchema = {
  type: 'object',
  required: ['id', 'title', 'body', 'pinned', 'teamId', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'integer' },
    title: { type: 'string' },
    body: { type: 'string' },
    pinned: { type: 'boolean' },
    teamId: { type: ['integer', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;

export const teamIdParams = {
  type: 'object',
  required: ['teamId'],
  properties: { teamId: { type: 'integer', minimum: 1 } },
} as const;

export const createNoteBody = {
  type: 'object',
  required: ['title'],
  additionalProperties: false,
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 200 },
    body: { type: 'string', maxLength: 100_000, default: '' },
    pinned: { type: 'boolean', default: false },
    teamId: { type: 'integer', minimum: 1 },
  },
} as const;

export const updateNoteBody = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 200 },
    body: { type: 'string', maxLength: 100_000 },
    pinned: { type: 'boolean' },
  },
} as const;

export const listNotesQuery = {
  type: 'object',
  properties: {
    q: { type: 'string', maxLength: 100 },
    pinned: { type: 'boolean' },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    offset: { type: 'integer', minimum: 0, default: 0 },
  },
} as const;
