import type { NextStepCode, WarningCode } from './codes.js';
import type { NextStep, Warning } from './schema.js';

/** A warning, with its deprecated `message` alias filled in (internal: not exported from the package). */
export const warning = (code: WarningCode, reason: string): Warning => ({ code, reason, message: reason });

/** A next step: what (the code) and how (the text). */
export const nextStep = (code: NextStepCode, text: string): NextStep => ({ code, text });
