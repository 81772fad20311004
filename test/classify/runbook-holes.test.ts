import { describe, expect, it } from 'vitest';
import { classifyScript } from '../../src/index.js';

/** Shapes that once ran vault (or wrote /sys) unseen, or cried wolf on plain commands: each row is one spelling. */
const verdicts = (text: string) => classifyScript(text).map((c) => `${c.verdict} ${c.method ?? '-'} ${c.path ?? '-'}`);

describe('an option letter before "vault" takes a value only in a tool known to give it one', () => {
  it.each([
    'unshare -n vault operator seal',
    'unshare -m -u vault operator seal',
    'mytool -n vault write sys/mounts/x type=kv',
    'mytool -c vault secrets disable kv',
  ])('%s is a vault command run through a tool the gate does not know: invalid', (script) => {
    expect(verdicts(script)).toEqual(['invalid - -']);
  });

  it.each([
    'kubectl -n vault delete pod vault-2',
    'kubectl --namespace vault delete pod vault-0',
    '$KUBECTL -n vault delete pod vault-2',
    'oc -n vault delete pod vault-1',
    'helm -n vault status vault',
    'helm -n vault list',
    'kubectl -n vault auth can-i list secrets',
    'pkill -u vault',
  ])('%s names a namespace or a user called vault: nothing', (script) => {
    expect(classifyScript(script)).toEqual([]);
  });
});

describe('clusters of short options, read as getopt reads them', () => {
  it.each([
    'sudo -iu vault vault operator seal',
    'sudo -Eu vault vault operator seal',
    'sudo -nu vault -- vault operator seal',
    "su -lc 'vault operator seal' vault",
    "bash -euo pipefail -c 'vault operator seal'",
    "bash -O extglob -c 'vault operator seal'",
    "bash -eo pipefail -xc 'vault operator seal'",
    'sh -euo pipefail <<EOF\nvault operator seal\nEOF',
    'bash +o history -e <<EOF\nvault operator seal\nEOF',
  ])('%s', (script) => {
    expect(verdicts(script)).toEqual(['backup-first PUT sys/seal']);
  });

  it('an option value glued to its letter is not taken from the next word', () => {
    expect(verdicts('nice -n10 vault operator seal')).toEqual(['backup-first PUT sys/seal']);
    expect(verdicts('echo kv | xargs -I{} vault secrets disable {}')).toEqual([
      'backup-first DELETE sys/mounts/$XARGS_INPUT',
    ]);
  });
});

describe('a shell that reads its standard input as the script', () => {
  it.each([
    'su - vault <<EOF\nvault operator seal\nEOF',
    'sudo -i <<EOF\nvault operator seal\nEOF',
    'sudo -s <<EOF\nvault operator seal\nEOF',
    'sudo su - <<EOF\nvault operator seal\nEOF',
    'sudo -iu vault <<EOF\nvault operator seal\nEOF',
    "echo 'vault operator seal' | su vault",
    "echo 'vault operator seal' | sudo --login",
    'runuser -l vault <<EOF\nvault operator seal\nEOF',
    'doas -s <<EOF\nvault operator seal\nEOF',
    "bash -s prod <<'EOF'\nvault operator seal\nEOF",
    "bash -s -- prod eu-west-1 <<'EOF'\nvault operator seal\nEOF",
    "kubectl exec -i vault-0 -- bash -s prod <<'EOF'\nvault operator seal\nEOF",
    "ssh host 'cd /tmp && bash -s' <<EOF\nvault operator seal\nEOF",
    'ssh host "sudo -i" <<EOF\nvault operator seal\nEOF',
    'ssh host bash -s <<EOF\nvault operator seal\nEOF',
    'ssh host sudo bash <<EOF\nvault operator seal\nEOF',
    "su vault -c 'bash -s' <<EOF\nvault operator seal\nEOF",
  ])('%s', (script) => {
    expect(verdicts(script)).toEqual(['backup-first PUT sys/seal']);
  });

  it('without standard input, or given to a command that is no shell, it runs nothing', () => {
    expect(classifyScript('sudo -i\nsu - vault\nbash -s prod')).toEqual([]);
    expect(classifyScript("ssh host 'cat > /tmp/notes' <<EOF\nvault operator seal\nEOF")).toEqual([]);
    expect(classifyScript('sudo tee /etc/motd <<EOF\nvault operator seal\nEOF')).toEqual([]);
  });
});

describe('here-strings', () => {
  it.each([
    'bash <<< "vault operator seal"',
    "sh <<<'vault operator seal'",
    'ssh host <<< "vault operator seal"',
    'kubectl exec -i vault-0 -- sh <<< "vault operator seal"',
    'sudo -i <<< "vault operator seal"',
    'cat <<< "vault operator seal" | bash',
  ])('%s feeds the shell its script', (script) => {
    expect(verdicts(script)).toEqual(['backup-first PUT sys/seal']);
  });

  it('are data to any other command, and take no word of the next command', () => {
    expect(classifyScript('grep -q sealed <<< "$(vault status)"').map((c) => c.path)).toEqual(['sys/seal-status']);
    expect(classifyScript('read -r a b <<< "vault operator seal"')).toEqual([]);
    expect(verdicts('cat <<< x\nvault operator seal')).toEqual(['backup-first PUT sys/seal']);
  });
});

describe('curl --next', () => {
  it.each([
    ["curl -X GET https://v:8200/v1/sys/health --next -d '{}' https://v:8200/v1/sys/seal", 'POST'],
    ['curl -X GET https://v:8200/v1/sys/health -: -XPUT https://v:8200/v1/sys/seal', 'PUT'],
    ['curl -G https://v:8200/v1/sys/health --next -T body.json https://v:8200/v1/sys/seal', 'PUT'],
  ])('%s: each part has its own method', (script, method) => {
    expect(verdicts(script)).toEqual(['read-only GET sys/health', `backup-first ${method} sys/seal`]);
  });

  it('a header is the part’s own; an option value spelled --next is no separator; -K still reads the call whole', () => {
    const ns = classifyScript(
      'curl -H "X-Vault-Namespace: team" https://v:8200/v1/sys/health --next -XPUT https://v:8200/v1/sys/mounts/x',
    );
    expect(ns.map((c) => `${c.path} ${c.namespace}`)).toEqual(['sys/health team', 'sys/mounts/x ']);
    expect(verdicts('curl -X PUT -H --next https://v:8200/v1/sys/seal')).toEqual(['backup-first PUT sys/seal']);
    expect(verdicts('curl https://v:8200/v1/sys/health --next -K cfg https://v:8200/v1/sys/seal')).toEqual([
      'invalid - -',
    ]);
  });
});

describe('a Vault address written without a scheme', () => {
  it.each([
    'http PUT :8200/v1/sys/seal',
    'http PUT localhost:8200/v1/sys/seal X-Vault-Token:$T',
    'https PUT vault.example.com/v1/sys/seal',
    'xh put vault:8200/v1/sys/seal',
    'wget --method=PUT vault:8200/v1/sys/seal',
    'wget --method=PUT [::1]:8200/v1/sys/seal',
  ])('%s calls the API through a tool the gate does not read: invalid', (script) => {
    expect(verdicts(script)).toEqual(['invalid - -']);
  });

  it('paths that only look alike stay quiet', () => {
    expect(classifyScript('go test ./pkg/v1/...\nmytool gen api/v1/sys\nmake -C docs/v1 all')).toEqual([]);
  });
});

describe('prose about vault is not a command', () => {
  it.each([
    'git commit -m "docs: explain vault status output"',
    'git tag -a v1 --message="vault write support"',
    'gh pr create --title "vault secrets enable for team" --body "runs vault operator seal later"',
    'pkill -f "vault agent"',
    'pgrep -f "vault server -config=/etc/vault.d"',
    'wall "vault status: sealed, run vault operator unseal"',
    'notify-send "vault status is sealed"',
  ])('%s', (script) => {
    expect(classifyScript(script)).toEqual([]);
  });

  it('a command given as text to a tool that may run it is still invalid', () => {
    expect(verdicts('ansible all -m shell -a "vault operator seal"')).toEqual(['invalid - -']);
    expect(verdicts('awk \'BEGIN { system("vault operator seal") }\'')).toEqual(['invalid - -']);
    expect(verdicts('unshare -m vault operator seal')).toEqual(['invalid - -']);
  });
});

describe('command substitutions the shell runs where the reader saw data', () => {
  it.each([
    'cat <<EOF > /tmp/x\n$(vault operator seal)\nEOF',
    'cat <<EOF\nsealed at `vault operator seal`\nEOF',
    'cat <<-EOF >> /tmp/log\n\tresult: $(vault operator seal)\n\tEOF',
    'echo "`vault operator seal`"',
    'x=$(( $(vault operator seal) + 1 ))',
    'echo "$(( `vault operator seal` ))"',
  ])('%s', (script) => {
    expect(verdicts(script)).toEqual(['backup-first PUT sys/seal']);
  });

  it('a quoted delimiter keeps the body as it is written', () => {
    expect(classifyScript("cat <<'EOF'\n$(vault operator seal)\nEOF")).toEqual([]);
    expect(classifyScript('cat <<"EOF"\n`vault operator seal`\nEOF')).toEqual([]);
    expect(classifyScript('echo "\\`vault operator seal\\`"\necho \'a `vault operator seal`\'')).toEqual([]);
  });

  it('keeps the line of a substitution deep in a here-document', () => {
    expect(classifyScript('cat <<EOF\none\ntwo\n$(vault operator seal)\nEOF\n').map((c) => c.line)).toEqual([4]);
  });
});

describe('a vault command inside $(…) given to another command', () => {
  it.each([
    ['kubectl create secret generic x --from-literal=pw="$(vault kv get -field=pw secret/x)"', 'not-sys GET secret/x'],
    ['docker login -u ci -p "$(vault kv get -field=pw secret/reg)" registry.example.com', 'not-sys GET secret/reg'],
    ["for m in $(vault secrets list -format=json | jq -r 'keys[]'); do echo $m; done", 'read-only GET sys/mounts'],
    ['aws configure set key `vault read -field=access_key aws/creds/ci`', 'not-sys GET aws/creds/ci'],
    ['mytool "$(vault operator seal)"', 'backup-first PUT sys/seal'],
  ])('%s is read where it stands, and the outer command only gets its output', (script, expected) => {
    expect(verdicts(script)).toEqual([expected]);
  });

  it('text that runs vault outside a substitution is still invalid', () => {
    expect(verdicts('ansible all -a "vault operator seal $(date)"')).toEqual(['invalid - -']);
  });
});

describe('a script file the runbook writes, then runs', () => {
  it.each([
    'cat <<EOF >/tmp/seal.sh\nvault operator seal\nEOF\nbash /tmp/seal.sh',
    'tee /tmp/seal.sh <<EOF\nvault operator seal\nEOF\nsh /tmp/seal.sh',
    'echo "vault operator seal" > /tmp/s.sh && chmod +x /tmp/s.sh && /tmp/s.sh',
    "cat > step.sh <<'EOF'\nvault operator seal\nEOF\nsource ./step.sh",
    "cat > step.sh <<'EOF'\nvault operator seal\nEOF\n. step.sh",
    "cat > step.sh <<'EOF'\nvault operator seal\nEOF\nssh host bash -s < step.sh",
    "echo 'vault operator seal' | sudo tee /usr/local/bin/seal >/dev/null\nsudo bash /usr/local/bin/seal",
  ])('%s', (script) => {
    expect(verdicts(script)).toEqual(['backup-first PUT sys/seal']);
  });

  it('appends with >>, never loops on a file that runs itself, and a file only read is data', () => {
    expect(
      classifyScript('echo "vault status" > a.sh\necho "vault operator seal" >> a.sh\nbash a.sh').map((c) => c.path),
    ).toEqual(['sys/seal-status', 'sys/seal']);
    expect(verdicts('cat > x.sh <<EOF\nbash x.sh\nEOF\nbash x.sh')).toEqual(['invalid - -']);
    expect(classifyScript('cat > notes.txt <<EOF\nvault operator seal\nEOF\ncat notes.txt')).toEqual([]);
  });
});

describe('a pipe through tee or cat still feeds the shell', () => {
  it.each([
    "echo 'vault operator seal' | tee /dev/stderr | bash",
    "echo 'vault operator seal' | tee -a run.log | sudo -i",
    "echo 'vault operator seal' | cat | sh",
    "cat <<'EOF' | tee plan.txt | ssh host bash\nvault operator seal\nEOF",
  ])('%s', (script) => {
    expect(verdicts(script)).toEqual(['backup-first PUT sys/seal']);
  });

  it('cat of a file passes the file on, not the pipe', () => {
    expect(classifyScript("echo 'vault operator seal' | cat notes.txt | sh")).toEqual([]);
  });
});

describe("an image's docker-entrypoint.sh runs its arguments", () => {
  it("the Vault chart's server command is a local server start, not an invalid line", () => {
    const chart =
      "sh -ec 'cp /vault/config/x.hcl /tmp/s.hcl; /usr/local/bin/docker-entrypoint.sh vault server -config=/tmp/s.hcl'";
    expect(classifyScript(chart).map((c) => `${c.verdict} ${c.category}`)).toEqual(['not-sys local']);
    expect(verdicts('docker-entrypoint.sh vault operator seal')).toEqual(['backup-first PUT sys/seal']);
  });
});
