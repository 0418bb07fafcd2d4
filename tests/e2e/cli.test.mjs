// The command line's option tables (src/cli/cli.c): for every command `trellis help` lists,
// --help prints the usage line and exits 0, and every usage error (an unknown flag, a required
// flag left out, a bad number, a stray argument) exits 2 naming the flag, with nothing on stdout.
// The commands are read from `trellis help` and their options from each --help, so a command
// added later is covered too; the required flags are also checked against a list kept here.
// Settings come from defaults < file < TRELLIS_* env < flags, wherever --config stands.
// No database is opened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { trellis, tempDir } from './lib/trellis.mjs';

// The command names of `trellis help`: the indented lines, name then two or more spaces.
function commandNames() {
  const r = trellis(['help']);
  assert.equal(r.status, 0, r.stderr);
  const names = r.stdout.split('\n').filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim().split(/\s{2,}/)[0]);
  assert.ok(names.length >= 30, `trellis help lists ${names.length} commands:\n${r.stdout}`);
  return names;
}
const COMMANDS = commandNames();
const argv = (name, ...rest) => [...name.split(' '), ...rest];

// A command's --help: the usage line split into items, and its option lines.
function help(name) {
  const r = trellis(argv(name, '--help'));
  assert.equal(r.status, 0, `${name} --help: ${r.stderr}`);
  assert.equal(r.stderr, '', `${name} --help writes to stdout only`);
  const lines = r.stdout.split('\n');
  assert.ok(lines[0].startsWith(`usage: trellis ${name}`), `${name}: ${lines[0]}`);
  const usage = lines[0].slice(`usage: trellis ${name}`.length);
  // items: [--a A] optional, --a A required, (--a A | --b B) one of them required, WORD operand
  const items = [];
  for (const m of usage.matchAll(/\[([^\]]*)\]|\(([^)]*)\)|(--\S+(?: (?!--)[^\s[(]+)?)|(\S+)/g)) {
    if (m[1] !== undefined) items.push({ required: false, alts: m[1].split(' | ') });
    else if (m[2] !== undefined) items.push({ required: true, alts: m[2].split(' | ') });
    else if (m[3] !== undefined) items.push({ required: true, alts: [m[3]] });
    else items.push({ operand: m[4] });
  }
  const options = lines.filter((l) => /^ {2}--/.test(l)).map((l) => {
    const [flag, arg] = l.trim().split(/\s+/);
    return { flag, arg: arg && !arg.startsWith('--') && /^[A-Z0-9a-z.|:/%-]+/.test(arg) ? arg : null, line: l };
  });
  return { usage: lines[0], items, options, text: r.stdout };
}

const flagOf = (alt) => alt.split(' ')[0];
const argOf = (alt) => alt.split(' ')[1];

// A value a required flag accepts, so that leaving out another is the only error.
function goodValue(alt) {
  const flag = flagOf(alt), arg = argOf(alt);
  if (flag === '--scope') return 'all';
  if (flag === '--secret-env') return 'TRELLIS_CLI_TEST_SECRET';
  if (arg && /^[a-z0-9.]+(\|[a-z0-9.]+)+$/.test(arg)) return arg.split('|')[0]; // number|fraction|...
  return 'x';
}
const env = { TRELLIS_CLI_TEST_SECRET: 's' };

// Every usage error of command name run with rest: exit 2, "trellis NAME: ..." on stderr naming
// what was wrong, nothing on stdout.
function usageError(name, rest, ...named) {
  const args = argv(name, ...rest);
  const r = trellis(args, { env });
  assert.equal(r.status, 2, `${args.join(' ')} should be a usage error:\n${r.stdout}${r.stderr}`);
  assert.equal(r.stdout, '', `${args.join(' ')} printed on stdout`);
  for (const n of named) assert.ok(r.stderr.includes(n), `${args.join(' ')}: '${n}' not named in:\n${r.stderr}`);
  assert.ok(r.stderr.startsWith(`trellis ${name}: `), `${args.join(' ')}: ${r.stderr}`);
  return r;
}

test('every command: --help prints its usage line and its options, and exits 0', () => {
  for (const name of COMMANDS) {
    const h = help(name);
    assert.ok(h.text.includes('-h, --help'), `${name}: ${h.text}`);
    for (const it of h.items.filter((i) => i.alts))
      for (const alt of it.alts)
        assert.ok(h.options.some((o) => o.flag === flagOf(alt) || alt === '--SETTING VALUE ...'),
          `${name}: ${alt} is in the usage line but has no line of help`);
    // -h is --help
    const short = trellis(argv(name, '-h'));
    assert.equal(short.status, 0, `${name} -h: ${short.stderr}`);
    assert.equal(short.stdout, h.text);
  }
});

test('every command: an unknown flag exits 2 naming it', () => {
  for (const name of COMMANDS) {
    usageError(name, ['--no-such-flag'], '--no-such-flag', 'not an option', `usage: trellis ${name}`);
    usageError(name, ['--no-such-flag=1'], '--no-such-flag', 'not an option');
    usageError(name, ['-Z'], '-Z');
  }
});

test('every command: leaving out a required flag exits 2 naming it', () => {
  let checked = 0;
  for (const name of COMMANDS) {
    const h = help(name);
    const required = h.items.filter((i) => i.required);
    for (const missing of required) {
      const args = [];
      for (const other of required) if (other !== missing) args.push(flagOf(other.alts[0]), goodValue(other.alts[0]));
      if (h.items.some((i) => i.operand)) args.push('operand');
      usageError(name, args, ...missing.alts.map(flagOf));
      checked++;
    }
  }
  assert.ok(checked >= 25, `only ${checked} required flags found`);
});

// What each command required before the option tables (the old hand-written checks): the
// tables must keep it, so this list is kept by hand, not read from --help.
const REQUIRED = {
  'init': ['--db'],
  'migrate': ['--from', '--to'],
  'fit bkt': ['--input', '--out'],
  'fit irt': ['--input', '--model', '--out'],
  'check-answer': ['--type', '--expected', '--given'],
  'lrs delete': ['--learner|--before'],
  'lrs forward': ['--to', '--key', '--secret|--secret-env'],
  'model show': ['--student'],
  'admin add-district': ['--sourced-id', '--name'],
  'admin add-client': ['--name', '--scope'],
  'admin add-account': ['--username', '--name', '--role'],
  'admin set-password': ['--username|--sourced-id'],
  'admin unlock': ['--username'],
  'admin reset-totp': ['--username'],
  'admin disable': ['--username'],
  'admin enable': ['--username'],
  'badge export': ['--id'],
  'badge define': ['--name', '--description', '--competency'],
  'badge award': ['--to', '--achievement'],
  'badge revoke': ['--id', '--reason'],
};

test('the required flags are the ones each command always required', () => {
  for (const name of COMMANDS) {
    const got = help(name).items.filter((i) => i.required).map((i) => i.alts.map(flagOf).join('|'));
    assert.deepEqual(got, REQUIRED[name] || [], `${name}`);
  }
  for (const name of Object.keys(REQUIRED)) assert.ok(COMMANDS.includes(name), `${name} is not a command`);
});

test('every numeric flag: a value that is not a number exits 2 naming the flag and the range', () => {
  let checked = 0;
  for (const name of COMMANDS) {
    for (const o of help(name).options) {
      const m = /\((?:(-?\d+) to (-?\d+)|from (-?\d+))[;)]/.exec(o.line);
      if (!m) continue;
      const range = m[3] !== undefined ? `from ${m[3]} up` : `from ${m[1]} to ${m[2]}`;
      usageError(name, [o.flag, 'x'], `${o.flag}: 'x' is not a number ${range}`);
      if (m[2] !== undefined) usageError(name, [o.flag, String(BigInt(m[2]) + 1n)], o.flag, range);
      checked++;
    }
  }
  assert.ok(checked >= 12, `only ${checked} numeric flags found`);
  const r = usageError('audit show', ['--limit', 'x'], '--limit');
  assert.match(r.stderr, /^trellis audit show: --limit: 'x' is not a number from 1 to 1000000\nusage: trellis audit show /);
});

test('a flag without its value, a value for a flag that takes none, an ambiguous abbreviation', () => {
  usageError('audit show', ['--limit'], '--limit: needs a value');
  usageError('access policy', ['--json=yes'], '--json: takes no value');
  usageError('lrs forward', ['--ke', 'k'], '--ke: ambiguous (--key, --key-file)');
  usageError('config show', ['--listen'], '--listen: needs a value');
  // an option of the other command of the same group is named as such
  usageError('fit bkt', ['--input', 'x', '--out', 'y', '--model', 'rasch'], '--model', '`trellis fit irt`');
  usageError('audit checkpoint', ['--checkpoint', 'f'], '--checkpoint', '`trellis audit verify`');
});

test('positional arguments: refused unless the command declares one, which must then be given', () => {
  for (const name of COMMANDS) {
    const h = help(name);
    const operand = h.items.find((i) => i.operand);
    if (operand) {
      usageError(name, [], `expected one ${operand.operand} argument`);
      usageError(name, ['a', 'b'], "unexpected argument 'b'");
    } else {
      usageError(name, ['stray'], "unexpected argument 'stray'");
    }
  }
});

test('settings: defaults < file < TRELLIS_* env < flags, wherever --config stands', () => {
  const d = tempDir();
  const conf = join(d, 'trellis.conf');
  writeFileSync(conf, 'threads = 7\nlisten = 127.0.0.1:7000\n');
  const show = (args, e = {}) => {
    const r = trellis(['config', 'show', ...args], { env: e });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  let out = show([]);
  assert.match(out, /^threads\s+= 0\s+# default/m);
  out = show(['--config', conf]);
  assert.match(out, /^threads\s+= 7\s+# file/m);
  out = show(['--config', conf], { TRELLIS_THREADS: '5' });
  assert.match(out, /^threads\s+= 5\s+# env/m);
  assert.match(out, /^listen\s+= "127\.0\.0\.1:7000"\s+# file/m);
  // the flag wins over env and file, also when --config comes after it, and in --config=FILE form
  out = show(['--threads', '9', `--config=${conf}`], { TRELLIS_THREADS: '5' });
  assert.match(out, /^threads\s+= 9\s+# flag/m);
  assert.match(out, /^listen\s+= "127\.0\.0\.1:7000"\s+# file/m);
  out = show(['--log_level=debug', '--web-root', d], { TRELLIS_CONFIG: conf });
  assert.match(out, /^log_level\s+= "debug"\s+# flag/m);
  assert.match(out, /^threads\s+= 7\s+# file/m);
  // a bad value given as a flag names the flag and the setting
  usageError('config show', ['--threads', 'lots'], 'flag --threads: threads:');
  usageError('serve', ['--threads', 'lots'], 'flag --threads: threads:');
  // a setting that is not a flag of this command is refused (only config show takes them all)
  usageError('serve', ['--session-idle-min', '5'], '--session-idle-min', 'not an option');
  rmSync(d, { recursive: true, force: true });
});
