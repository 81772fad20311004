import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './tmp.js';

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** A real git repository in a temp folder: `main`, no signing, no auto gc. */
export class GitDir {
  readonly dir: string;
  constructor(dir?: string, options: { bare?: boolean; objectFormat?: 'sha1' | 'sha256' } = {}) {
    this.dir = dir ?? tempDir('git-');
    mkdirSync(this.dir, { recursive: true });
    this.git(
      'init',
      '-q',
      '-b',
      'main',
      ...(options.bare ? ['--bare'] : []),
      ...(options.objectFormat ? [`--object-format=${options.objectFormat}`] : []),
    );
    if (!options.bare) {
      this.git('config', 'commit.gpgsign', 'false');
      this.git('config', 'gc.auto', '0');
      this.git('config', 'user.name', 'Test');
      this.git('config', 'user.email', 'test@example.invalid');
    }
  }
  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }
  write(files: Record<string, string | null>): this {
    for (const [name, text] of Object.entries(files)) {
      const full = path.join(this.dir, name);
      if (text === null) rmSync(full, { force: true });
      else {
        mkdirSync(path.dirname(full), { recursive: true });
        writeFileSync(full, text);
      }
    }
    return this;
  }
  commit(files: Record<string, string | null>, message = 'change'): string {
    this.write(files);
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }
  get env(): NodeJS.ProcessEnv {
    return ENV;
  }
}
