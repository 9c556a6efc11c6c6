import type { InputRequest } from '@headway/core';

/** One field a task asks for, from its question's JSON Schema. */
export interface InputField {
  name: string;
  type?: string;
  title?: string;
  description?: string;
  required?: boolean;
  /** Allowed values, for an enum. */
  options?: string[];
}

/** The question a task waits on (`ctx.elicit`), as the page shows it; the request id stays here. */
export interface InputView {
  message: string;
  requestedAt: number;
  expiresAt?: number;
  fields?: InputField[];
}

const MAX_FIELDS = 20;
const MAX_OPTIONS = 20;

function text(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

/** The fields of an object schema: names, types, titles, descriptions, required, enum values. */
function fieldsOf(schema: Readonly<Record<string, unknown>> | undefined): InputField[] | undefined {
  const properties = schema?.properties;
  if (typeof properties !== 'object' || properties === null) return undefined;
  const required = new Set(Array.isArray(schema?.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  const fields: InputField[] = [];
  for (const [name, raw] of Object.entries(properties as Record<string, unknown>).slice(0, MAX_FIELDS)) {
    const property = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    const field: InputField = { name: text(name, 100) ?? '?' };
    const type = text(property.type, 30);
    if (type) field.type = type;
    const title = text(property.title, 200);
    if (title) field.title = title;
    const description = text(property.description, 300);
    if (description) field.description = description;
    if (required.has(name)) field.required = true;
    const values = Array.isArray(property.enum) ? property.enum : undefined;
    if (values) field.options = values.slice(0, MAX_OPTIONS).map((v) => text(String(v), 100) ?? '');
    fields.push(field);
  }
  return fields;
}

export function inputView(request: InputRequest): InputView {
  const view: InputView = { message: text(request.message, 1000) ?? '', requestedAt: request.requestedAt };
  if (request.expiresAt !== undefined) view.expiresAt = request.expiresAt;
  const fields = fieldsOf(request.schema);
  if (fields?.length) view.fields = fields;
  return view;
}
