// vitest's setupFiles: runs in every test file's context before its tests.
import { afterAll } from 'vitest';
import { removeLeftOverTempDirs } from './tmp.js';

afterAll(removeLeftOverTempDirs);
