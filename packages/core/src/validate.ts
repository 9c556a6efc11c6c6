import { InvalidArgumentError } from './errors.js';

export function checkPercent(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 100)) {
    throw new InvalidArgumentError(argument, value, 'a finite number from 0 to 100');
  }
  return value;
}

export function checkPositive(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0) || value === Infinity) {
    throw new InvalidArgumentError(argument, value, 'a finite number greater than 0');
  }
  return value;
}

export function checkNonNegative(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0) || value === Infinity) {
    throw new InvalidArgumentError(argument, value, 'a finite number of 0 or more');
  }
  return value;
}

export function checkNonNegativeInteger(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(argument, value, 'a whole number of 0 or more');
  }
  return value;
}

export function checkPositiveInteger(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(argument, value, 'a whole number of 1 or more');
  }
  return value;
}

export function checkNonEmptyString(argument: string, value: unknown, maxLength = 256): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw new InvalidArgumentError(argument, value, `a non-empty string of at most ${maxLength} characters`);
  }
  return value;
}

export function checkOptionalString(argument: string, value: unknown): string | undefined {
  if (value !== undefined && typeof value !== 'string') {
    throw new InvalidArgumentError(argument, value, 'a string');
  }
  return value;
}

export function checkPlainObject(argument: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(argument, value, 'an object');
  }
  return value as Record<string, unknown>;
}

export function checkBoolean(argument: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidArgumentError(argument, value, 'true or false');
  return value;
}

export function checkFunction(argument: string, value: unknown): void {
  if (typeof value !== 'function') throw new InvalidArgumentError(argument, value, 'a function');
}

/** Refuses keys an options object does not know (a misspelt option would otherwise be silently ignored). */
export function checkKnownKeys(argument: string, value: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(argument, value, `only ${known.join(', ')}; unknown: ${unknown.join(', ')}`);
  }
}
