// Rosters: OneRoster CSV import and export through the real program.
// Spec references: OneRoster 1.1 CSV Tables (v1.1.1) Table 2.1 and section 3 (format rules:
// RFC 4180, UTF-8 with optional BOM, case-sensitive header in the table's order, no empty
// files, bulk vs delta), and the OneRoster 1.2 CSV Binding (1.2.1) for users/roles/userProfiles.
// Fixtures are made here; the shared real-world sets are used when TRELLIS_TEST_DATA has them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, request, trellis, tempDir, DATA, hasData, dumpDb, sqlShell, PG } from './lib/trellis.mjs';

const MANIFEST12 = (modes) => ['propertyName,value', 'manifest.version,1.0', 'oneroster.version,1.2',
  ...['academicSessions', 'categories', 'classes', 'classResources', 'courses', 'courseResources',
    'demographics', 'enrollments', 'lineItems', 'orgs', 'resources', 'results', 'roles',
    'userProfiles', 'users'].map((f) => `file.${f},${modes[f] || 'absent'}`),
  'source.systemName,Test SIS', 'source.systemCode,TEST'].join('\n') + '\n';

const H = {
  orgs: 'sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId',
  academicSessions: 'sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear',
  courses: 'sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes',
  classes: 'sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods',
  users12: 'sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns',
  users11: 'sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password',
  roles: 'sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId',
  enrollments: 'sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate',
  demographics: 'sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus',
};

// A small 1.2 bulk set; opts lets a test drop or change rows.
function set12({ users = null, enrollments = null, extraUsers = [], demo = null } = {}) {
  const u = users || [
    'u-t1,,,true,kdiaz,,Kim,Diaz,,T1,kdiaz@test.example,,,,,,,,,,s1,',
    'u-s1,,,true,s100,,Ana,Ortiz,,100,,,,u-g1,04,,,,,,s1,',
    'u-s2,,,true,s101,,Ben,Cho,,101,,,,,04,,,,,,s1,',
    'u-g1,,,true,gortiz,,Eva,Ortiz,,,eva@home.example,555-0101,555-0102,u-s1,,,,,,,s1,',
    ...extraUsers,
  ];
  const roles = u.map((line) => {
    const id = line.split(',')[0];
    const role = id.startsWith('u-t') ? 'teacher' : id.startsWith('u-g') ? 'guardian' : 'student';
    return `r-${id},,,${id},primary,${role},,,s1,`;
  });
  return {
    'manifest.csv': MANIFEST12({ orgs: 'bulk', academicSessions: 'bulk', courses: 'bulk', classes: 'bulk',
      users: 'bulk', roles: 'bulk', enrollments: 'bulk', demographics: 'bulk' }),
    'orgs.csv': [H.orgs, 'd1,,,Test District,district,,', 's1,,,Test School,school,S1,d1'],
    'academicSessions.csv': [H.academicSessions, 'y1,,,2025-26,schoolYear,2025-08-01,2026-06-30,,2026',
      't1,,,Fall,term,2025-08-01,2025-12-19,y1,2026'],
    'courses.csv': [H.courses, 'c1,,,y1,Math 4,M4,04,s1,Mathematics,'],
    'classes.csv': [H.classes, 'k1,,,Math 4A,04,c1,M4A,scheduled,R1,s1,"y1,t1",Mathematics,,1'],
    'users.csv': [H.users12, ...u],
    'roles.csv': [H.roles, ...roles],
    'enrollments.csv': [H.enrollments, ...(enrollments || ['e1,,,k1,s1,u-t1,teacher,true,,',
      'e2,,,k1,s1,u-s1,student,false,2025-08-01,', 'e3,,,k1,s1,u-s2,student,false,2025-08-01,'])],
    'demographics.csv': [H.demographics, demo || 'u-s1,,,2015-04-01,female,false,false,false,false,true,false,true,US,WA,Yakima,'],
  };
}

function writeSet(dir, files, { crlf = false, bom = false } = {}) {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    let text = Array.isArray(content) ? content.join('\n') + '\n' : content;
    if (crlf) text = text.replace(/\n/g, '\r\n');
    writeFileSync(join(dir, name), (bom ? '\ufeff' : '') + text);
  }
  return dir;
}

function zipDir(dir, out) {
  const r = spawnSync('python3', ['-c', `import sys, zipfile, os
z = zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_DEFLATED)
for n in sorted(os.listdir(sys.argv[1])): z.write(os.path.join(sys.argv[1], n), n)
z.close()`, dir, out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return out;
}

// skipLog: without the logs an import or export adds to (the import log, the audit chain)
function dump(db, { skipLog = false } = {}) {
  return dumpDb(db).split('\n').filter((l) => !(skipLog && /^INSERT INTO "?(roster_imports|audit_log|audit_chain|audit_subjects)"? /.test(l))).join('\n');
}

function newDb(dir, name = 'r.db') {
  const db = join(dir, name);
  const r = trellis(['init', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  return db;
}

function imp(db, src, ok = true) {
  const r = trellis(['import', 'oneroster', '--db', db, '--json', src]);
  const out = JSON.parse(r.stdout);
  if (ok) assert.equal(r.status, 0, r.stderr);
  else assert.equal(r.status, 1, r.stdout);
  return { ...r, report: out };
}

let work;
before(() => { work = tempDir('trellis-roster-'); });

test('a 1.2 bulk set imports; importing it again changes nothing', () => {
  const db = newDb(work, 'a.db');
  const src = writeSet(join(work, 'a'), set12());
  const r = imp(db, src);
  assert.equal(r.report.version, '1.2');
  assert.equal(r.report.district.sourcedId, 'd1');
  assert.deepEqual(r.report.files['users.csv'], { mode: 'bulk', rows: 4, created: 4, updated: 0, unchanged: 0, deactivated: 0 });
  assert.equal(r.report.files['enrollments.csv'].created, 3);
  const before = dump(db, { skipLog: true });
  const again = imp(db, src);
  for (const f of Object.values(again.report.files)) assert.equal(f.created + f.updated + f.deactivated, 0);
  assert.equal(dump(db, { skipLog: true }), before);
});

test('export writes a valid 1.2 set whose import changes nothing (also from a .zip)', () => {
  const db = newDb(work, 'b.db');
  imp(db, writeSet(join(work, 'b'), set12()));
  const out = join(work, 'b-export');
  const e = trellis(['export', 'oneroster', '--db', db, out]);
  assert.equal(e.status, 0, e.stderr);
  const manifest = readFileSync(join(out, 'manifest.csv'), 'utf8');
  assert.match(manifest, /^oneroster\.version,1\.2$/m);
  assert.match(manifest, /^file\.users,delta$/m);
  assert.match(manifest, /^file\.userProfiles,absent$/m);
  assert.ok(!existsSync(join(out, 'userProfiles.csv')), 'no empty files (CSV Tables section 3)');
  assert.equal(readFileSync(join(out, 'users.csv'), 'utf8').split('\n')[0], H.users12);
  for (const f of readdirSync(out)) // student records: readable by their owner only
    assert.equal(statSync(join(out, f)).mode & 0o077, 0, `${f} must not be readable by others`);
  assert.match(readFileSync(join(out, 'classes.csv'), 'utf8'), /k1,active,[^,]+,Math 4A,04,c1,M4A,scheduled,R1,s1,"y1,t1",/);
  // sealed values come back in the export
  assert.match(readFileSync(join(out, 'users.csv'), 'utf8'), /eva@home\.example,555-0101,555-0102,u-s1/);
  const before = dump(db, { skipLog: true });
  const r = imp(db, out);
  for (const [name, f] of Object.entries(r.report.files)) assert.equal(f.created + f.updated + f.deactivated, 0, name);
  assert.equal(dump(db, { skipLog: true }), before);
  const z = imp(db, zipDir(out, join(work, 'b-export.zip')));
  assert.equal(z.report.files['enrollments.csv'].unchanged, 3);
  assert.equal(dump(db, { skipLog: true }), before);
  // a fresh database gets the same roster from the export
  const db2 = newDb(work, 'b2.db');
  imp(db2, out);
  const out2 = join(work, 'b-export2');
  assert.equal(trellis(['export', 'oneroster', '--db', db2, out2]).status, 0);
  for (const f of readdirSync(out)) assert.equal(readFileSync(join(out2, f), 'utf8'), readFileSync(join(out, f), 'utf8'), f);
});

test('a later bulk set deactivates what it lacks, never deletes it', () => {
  const db = newDb(work, 'c.db');
  imp(db, writeSet(join(work, 'c1'), set12()));
  const second = set12({
    users: ['u-t1,,,true,kdiaz,,Kim,Diaz,,T1,kdiaz@test.example,,,,,,,,,,s1,',
      'u-s1,,,true,s100,,Ana,Ortiz,,100,,,,u-g1,04,,,,,,s1,',
      'u-g1,,,true,gortiz,,Eva,Ortiz,,,eva@home.example,555-0101,555-0102,u-s1,,,,,,,s1,'],
    enrollments: ['e1,,,k1,s1,u-t1,teacher,true,,', 'e2,,,k1,s1,u-s1,student,false,2025-08-01,'],
  });
  const r = imp(db, writeSet(join(work, 'c2'), second));
  assert.equal(r.report.files['users.csv'].deactivated, 1);
  assert.equal(r.report.files['enrollments.csv'].deactivated, 1);
  assert.equal(r.report.files['roles.csv'].deactivated, 1);
  const out = join(work, 'c-export');
  assert.equal(trellis(['export', 'oneroster', '--db', db, out]).status, 0);
  const users = readFileSync(join(out, 'users.csv'), 'utf8');
  assert.match(users, /^u-s2,tobedeleted,\d{4}-\d\d-\d\dT[\d:.]+Z,true,s101,/m);
  assert.match(readFileSync(join(out, 'enrollments.csv'), 'utf8'), /^e3,tobedeleted,/m);
});

test('delta files add, change and deactivate records by status and dateLastModified', () => {
  const db = newDb(work, 'd.db');
  imp(db, writeSet(join(work, 'd1'), set12()));
  const when = '2025-10-15T09:30:00.000Z';
  const delta = {
    'manifest.csv': MANIFEST12({ users: 'delta', roles: 'delta', enrollments: 'delta' }),
    'users.csv': [H.users12, `u-s3,active,${when},true,s102,,Cy,Park,,102,,,,,04,,,,,,s1,`,
      `u-s2,active,${when},true,s101,,Ben,Cho-Lee,,101,,,,,04,,,,,,s1,`],
    'roles.csv': [H.roles, `r-u-s3,active,${when},u-s3,primary,student,,,s1,`],
    'enrollments.csv': [H.enrollments, `e3,tobedeleted,${when},k1,s1,u-s2,student,false,2025-08-01,`,
      `e4,active,${when},k1,s1,u-s3,student,false,2025-10-15,`],
  };
  const r = imp(db, writeSet(join(work, 'd2'), delta));
  assert.deepEqual(r.report.files['users.csv'], { mode: 'delta', rows: 2, created: 1, updated: 1, unchanged: 0, deactivated: 0 });
  assert.deepEqual(r.report.files['enrollments.csv'], { mode: 'delta', rows: 2, created: 1, updated: 1, unchanged: 0, deactivated: 0 });
  const out = join(work, 'd-export');
  assert.equal(trellis(['export', 'oneroster', '--db', db, out]).status, 0);
  const enr = readFileSync(join(out, 'enrollments.csv'), 'utf8');
  assert.match(enr, new RegExp(`^e3,tobedeleted,${when.replace(/\./g, '\\.')},`, 'm'));
  assert.match(enr, /^e4,active,/m);
  assert.match(enr, /^e1,active,/m, 'records a delta does not name are left alone');
  assert.match(readFileSync(join(out, 'users.csv'), 'utf8'), /^u-s2,active,[^,]+,true,s101,,Ben,Cho-Lee,/m);
  // a delta row without dateLastModified is refused (delta rows fill status and dateLastModified)
  // (only the files the manifest lists: it and the files must agree)
  const bad = { 'users.csv': [H.users12, 'u-s4,active,,true,s103,,Di,Lu,,103,,,,,04,,,,,,s1,'],
    'manifest.csv': MANIFEST12({ users: 'delta' }) };
  const before = dump(db);
  const b = imp(db, writeSet(join(work, 'd3'), bad), false);
  assert.deepEqual(b.report.errors, ['users.csv:2:3: dateLastModified: required in a delta file']);
  assert.equal(dump(db), before);
});

test('a 1.1 set imports: users.role and orgSourcedIds become roles', () => {
  const db = newDb(work, 'e.db');
  const files = set12();
  delete files['roles.csv'];
  files['manifest.csv'] = files['manifest.csv'].replace('oneroster.version,1.2', 'oneroster.version,1.1')
    .replace('file.roles,bulk\n', '').replace('file.userProfiles,absent\n', '');
  files['users.csv'] = [H.users11,
    'u-a1,,,true,d1,administrator,boss,,Rae,Lin,,A1,,,,,,',
    'u-t1,,,true,"s1",teacher,kdiaz,,Kim,Diaz,,T1,,,,,,secret',
    'u-s1,,,true,s1,student,s100,,Ana,Ortiz,,100,,,,,04,'];
  files['enrollments.csv'] = [H.enrollments, 'e1,,,k1,s1,u-t1,teacher,true,,', 'e2,,,k1,s1,u-s1,student,,,'];
  const r = imp(db, writeSet(join(work, 'e'), files));
  assert.equal(r.report.version, '1.1');
  assert.ok(r.report.warnings.includes('users.csv:0:18: password: 1 roster passwords ignored; Trellis never stores them'));
  assert.ok(r.report.warnings.some((w) => /^users\.csv:0:0: 1 fields are quoted without needing it/.test(w)));
  const out = join(work, 'e-export');
  assert.equal(trellis(['export', 'oneroster', '--db', db, out]).status, 0);
  const roles = readFileSync(join(out, 'roles.csv'), 'utf8');
  assert.match(roles, /^u-a1@d1,active,[^,]+,u-a1,primary,districtAdministrator,,,d1,$/m);
  assert.match(roles, /^u-t1@s1,active,[^,]+,u-t1,primary,teacher,,,s1,$/m);
  assert.doesNotMatch(readFileSync(join(out, 'users.csv'), 'utf8'), /secret/);
  const before = dump(db, { skipLog: true });
  imp(db, out);
  assert.equal(dump(db, { skipLog: true }), before);
});

test('BOM, CRLF and quoted fields are accepted with warnings', () => {
  const db = newDb(work, 'f.db');
  const r = imp(db, writeSet(join(work, 'f'), set12(), { crlf: true, bom: true }));
  assert.ok(r.report.warnings.includes('users.csv:1:1: a UTF-8 byte order mark starts the file: ignored'));
  assert.ok(r.report.warnings.includes('users.csv:1:0: lines end with CRLF: accepted'));
  assert.equal(r.report.files['classes.csv'].created, 1);
});

// Each bad set names file:line:column: reason, exits 1 and leaves the database exactly as it was.
const rejections = [
  ['an enumeration value in the wrong case', (f) => { f['classes.csv'][1] = f['classes.csv'][1].replace('scheduled', 'Scheduled'); },
    'classes.csv:2:8: classType: \'Scheduled\' is not one of homeroom, scheduled (values are case-sensitive)'],
  ['a date not in YYYY-MM-DD', (f) => { f['academicSessions.csv'][1] = f['academicSessions.csv'][1].replace('2025-08-01', '08/01/2025'); },
    'academicSessions.csv:2:6: startDate: \'08/01/2025\' is not a date in the form YYYY-MM-DD'],
  ['a duplicate sourcedId', (f) => { f['courses.csv'].push('c1,,,y1,Math again,M4,04,s1,,'); },
    'courses.csv:3:1: sourcedId: \'c1\' already appears on line 2'],
  ['columns out of order', (f) => { f['orgs.csv'][0] = 'sourcedId,status,dateLastModified,type,name,identifier,parentSourcedId'; },
    'orgs.csv:1:4: header: expected \'name\', found \'type\' (OneRoster 1.2 columns are case-sensitive and in a fixed order)'],
  ['a reference to nothing', (f) => { f['enrollments.csv'].push('e9,,,k9,s1,u-s1,student,,,'); },
    'enrollments.csv:5:4: classSourcedId: no class \'k9\' in classes.csv or in the district'],
  ['a required field left blank', (f) => { f['users.csv'][2] = f['users.csv'][2].replace(',Ana,', ',,'); },
    'users.csv:3:7: givenName: required, but blank'],
  ['a boolean in the wrong case', (f) => { f['users.csv'][1] = f['users.csv'][1].replace(',true,', ',TRUE,'); },
    'users.csv:2:4: enabledUser: \'TRUE\' is not true or false (values are case-sensitive)'],
  ['a stray quote', (f) => { f['orgs.csv'][2] = 's1,,,Test "School",school,S1,d1'; },
    'orgs.csv:3:4: a quote inside an unquoted field (quote the whole field)'],
  ['a row with too few fields', (f) => { f['courses.csv'][1] = 'c1,,,y1,Math 4'; },
    'courses.csv:2:6: the line has 5 fields, the header 10'],
  ['a file without data rows', (f) => { f['demographics.csv'] = [H.demographics]; },
    'demographics.csv:2:0: the file has no data rows, which OneRoster does not permit (mark it absent in manifest.csv instead)'],
  ['no manifest', (f) => { delete f['manifest.csv']; },
    'manifest.csv:0:0: missing: a OneRoster set must have manifest.csv at its top level (OneRoster 1.1 CSV Tables, Table 2.1)'],
  ['a 1.2 role outside the enumeration', (f) => { f['roles.csv'][1] = f['roles.csv'][1].replace('teacher', 'superintendent'); },
    'roles.csv:2:6: role: \'superintendent\' is not one of aide, counselor, districtAdministrator, guardian, parent, principal, proctor, relative, siteAdministrator, student, systemAdministrator, teacher (values are case-sensitive)'],
];

for (const [what, change, message] of rejections) {
  test(`rejected, nothing changed: ${what}`, () => {
    const db = newDb(work, `rej-${what.replace(/\W+/g, '-')}.db`);
    imp(db, writeSet(join(work, `rej-base-${what.replace(/\W+/g, '-')}`), set12()));
    const before = dump(db);
    const files = set12({ extraUsers: ['u-s9,,,true,s109,,Zed,Moss,,109,,,,,05,,,,,,s1,'] });
    change(files);
    const r = imp(db, writeSet(join(work, `rej-${what.replace(/\W+/g, '-')}`), files), false);
    assert.ok(r.report.errors.includes(message), `${JSON.stringify(r.report.errors)} lacks ${message}`);
    assert.match(r.stderr, /nothing was imported/);
    assert.equal(dump(db), before);
  });
}

// The manifest and the files must agree. OneRoster 1.1 CSV Tables (v1.1.1), Table 2.1: manifest.csv
// "contains the version ... and the list of files that are supplied in this data set", each as a
// file.<name> property whose value is absent (the file is not supplied), bulk or delta (it is);
// manifest.version is 1.0 and oneroster.version 1.1. The OneRoster 1.2 CSV Binding (1.2.1) keeps these
// manifest rules with oneroster.version 1.2 and adds roles.csv, userProfiles.csv and the gradebook
// files, which are therefore not part of a 1.1 set. Line numbers refer to MANIFEST12's order:
// 4 academicSessions, 8 courses, 10 demographics, 12 lineItems, 16 roles, 17 userProfiles, 18 users.
const disagreements = [
  ['a file marked absent that is present', (f) => { f['manifest.csv'] = f['manifest.csv'].replace('file.demographics,bulk', 'file.demographics,absent'); },
    ['demographics.csv:0:0: present, but manifest.csv line 10 marks it absent']],
  ['a file marked bulk that is missing', (f) => { delete f['courses.csv']; },
    ['courses.csv:0:0: missing: manifest.csv line 8 marks it bulk, but the set has no such file']],
  ['a file marked delta that is missing (one Trellis does not import)', (f) => { f['manifest.csv'] = f['manifest.csv'].replace('file.lineItems,absent', 'file.lineItems,delta'); },
    ['lineItems.csv:0:0: missing: manifest.csv line 12 marks it delta, but the set has no such file']],
  ['a file the manifest does not list', (f) => { f['manifest.csv'] = f['manifest.csv'].replace('file.demographics,bulk\n', ''); },
    ['demographics.csv:0:0: present, but manifest.csv does not list file.demographics']],
  ['an unknown file in the set', (f) => { f['teachers.csv'] = ['sourcedId', 't1']; f['userprofiles.csv'] = ['sourcedId']; },
    ['teachers.csv:0:0: not a OneRoster file, and manifest.csv cannot list it',
      'userprofiles.csv:0:0: not a OneRoster file: file names are case-sensitive (userProfiles.csv?)']],
  ['an unknown file in the manifest', (f) => { f['manifest.csv'] += 'file.teachers,bulk\n'; },
    ['manifest.csv:21:1: file.teachers: not a OneRoster file']],
  ['1.2 files in a 1.1 set', (f) => { f['manifest.csv'] = f['manifest.csv'].replace('oneroster.version,1.2', 'oneroster.version,1.1'); },
    ['manifest.csv:17:1: file.userProfiles: not part of OneRoster 1.1 (line 3 says oneroster.version 1.1)',
      'manifest.csv:16:1: file.roles: not part of OneRoster 1.1 (line 3 says oneroster.version 1.1)',
      'roles.csv:0:0: present, but not part of OneRoster 1.1 (manifest.csv line 3 says oneroster.version 1.1)']],
  ['1.2 users.csv in a 1.1 set', (f) => {
    f['manifest.csv'] = f['manifest.csv'].replace('oneroster.version,1.2', 'oneroster.version,1.1').replace('file.roles,bulk\n', '').replace('file.userProfiles,absent\n', '');
    delete f['roles.csv'];
  }, ['users.csv:1:0: header: these are the OneRoster 1.2 columns, but manifest.csv says oneroster.version 1.1']],
  ['a manifest.version other than 1.0', (f) => { f['manifest.csv'] = f['manifest.csv'].replace('manifest.version,1.0', 'manifest.version,1.1'); },
    ["manifest.csv:2:2: manifest.version: '1.1' is not 1.0"]],
  ['a oneroster.version other than 1.1 or 1.2', (f) => { f['manifest.csv'] = f['manifest.csv'].replace('oneroster.version,1.2', 'oneroster.version,1.3'); },
    ["manifest.csv:3:2: oneroster.version: '1.3' is not 1.1 or 1.2"]],
];

for (const [what, change, messages] of disagreements) {
  test(`manifest and files disagree, rejected with the file named: ${what}`, () => {
    const name = what.replace(/\W+/g, '-');
    const db = newDb(work, `mf-${name}.db`);
    imp(db, writeSet(join(work, `mf-base-${name}`), set12()));
    const before = dump(db);
    const files = set12();
    change(files);
    const r = imp(db, writeSet(join(work, `mf-${name}`), files), false);
    assert.deepEqual(r.report.errors, messages);
    assert.match(r.stderr, /nothing was imported/);
    assert.equal(dump(db), before);
    // the same set as a .zip
    const z = imp(db, zipDir(join(work, `mf-${name}`), join(work, `mf-${name}.zip`)), false);
    assert.deepEqual(z.report.errors, messages);
    assert.equal(dump(db), before);
  });
}

test('a file that is no CSV file (a README) is only a warning', () => {
  const db = newDb(work, 'mf-readme.db');
  const files = set12();
  files['README.txt'] = 'exported by the SIS\n';
  const r = imp(db, writeSet(join(work, 'mf-readme'), files));
  assert.ok(r.report.warnings.includes('README.txt:0:0: not a OneRoster file: ignored'), JSON.stringify(r.report.warnings));
  assert.equal(r.report.files['users.csv'].created, 4);
});

// A set for another district: set12() is district d1's; this one is district d2's.
function set12d2() {
  const f = set12();
  f['orgs.csv'] = [H.orgs, 'd2,,,Other District,district,,', 's1,,,Test School,school,S1,d2'];
  return f;
}

test('a set for another district is refused and changes nothing (CLI)', () => {
  const db = newDb(work, 'tenant.db');
  imp(db, writeSet(join(work, 'tenant-d1'), set12()));
  const before = dump(db);
  const other = writeSet(join(work, 'tenant-d2'), set12d2());
  let r = imp(db, other, false);
  assert.deepEqual(r.report.errors, ["orgs.csv:2:1: sourcedId: the set is for district 'd2', which this database does not hold (it holds 'd1'); to add it as a new district, import with --new-district"]);
  assert.match(r.stderr, /nothing was imported/);
  assert.equal(dump(db), before);
  // --district names the district the set must be for
  r = trellis(['import', 'oneroster', '--db', db, '--json', '--district', 'd1', other]);
  assert.equal(r.status, 1, r.stdout);
  assert.deepEqual(JSON.parse(r.stdout).errors, ["orgs.csv:2:1: sourcedId: the set is for district 'd2', not this district ('d1')"]);
  r = trellis(['import', 'oneroster', '--db', db, '--json', '--district', 'nope', other]);
  assert.equal(r.status, 1, r.stdout);
  assert.deepEqual(JSON.parse(r.stdout).errors, ["orgs.csv:0:0: district: this database holds no district 'nope'"]);
  assert.equal(dump(db), before);
  // the same district's set is still imported without a flag, and --new-district adds d2
  imp(db, writeSet(join(work, 'tenant-d1'), set12()));
  r = trellis(['import', 'oneroster', '--db', db, '--json', '--new-district', other]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).district.sourcedId, 'd2');
  assert.equal(JSON.parse(r.stdout).district.created, true);
  // a set naming no district goes into the one --district names (the database now holds two)
  const noDistrict = set12();
  noDistrict['orgs.csv'] = [H.orgs, 's1,,,Test School,school,S1,'];
  r = trellis(['import', 'oneroster', '--db', db, '--json', '--district', 'd2', writeSet(join(work, 'tenant-none'), noDistrict)]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).district.sourcedId, 'd2');
});

function auditShow(db, args = []) {
  const r = trellis(['audit', 'show', '--db', db, '--json', ...args]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

test('imports and exports write audit-chain entries that trellis audit show lists', () => {
  const db = newDb(work, 'audit.db');
  imp(db, writeSet(join(work, 'audit-set'), set12()));
  let entries = auditShow(db).filter((e) => e.object === 'roster:import');
  assert.equal(entries.length, 1);
  assert.equal(entries[0].action, 'admin');
  assert.equal(entries[0].actor_kind, 'operator');
  assert.equal(entries[0].actor, 'cli:import oneroster');
  assert.equal(entries[0].outcome, 'ok');
  assert.match(entries[0].detail, /^OneRoster 1\.2 import from '[^']*audit-set' into district 'd1': orgs\.csv bulk 2 rows \(created 2, updated 0, unchanged 0, deactivated 0\);/);
  assert.match(entries[0].detail, /; users\.csv bulk 4 rows \(created 4, updated 0, unchanged 0, deactivated 0\);/);
  assert.match(entries[0].detail, /; enrollments\.csv bulk 3 rows \(created 3, updated 0, unchanged 0, deactivated 0\);/);
  // a rejected import leaves no entry (nothing was imported)
  const bad = set12();
  bad['users.csv'][1] = bad['users.csv'][1].replace(',true,', ',TRUE,');
  imp(db, writeSet(join(work, 'audit-bad'), bad), false);
  assert.equal(auditShow(db).filter((e) => e.object === 'roster:import').length, 1);
  // the export: who, district, counts, what was unsealed, and the students concerned
  const out = join(work, 'audit-export');
  assert.equal(trellis(['export', 'oneroster', '--db', db, out]).status, 0);
  entries = auditShow(db).filter((e) => e.object === 'roster:export');
  assert.equal(entries.length, 1);
  assert.equal(entries[0].action, 'export');
  assert.equal(entries[0].actor, 'cli:export oneroster');
  assert.equal(entries[0].detail, `OneRoster 1.2 export of district 'd1' to '${out}': orgs.csv 2, academicSessions.csv 2, courses.csv 1, classes.csv 1, users.csv 4, roles.csv 4, enrollments.csv 3, demographics.csv 1 (18 records); unsealed: contact data (email, sms, phone) of 2 users, demographics of 1 students`);
  const students = sqlShell(db, "SELECT id FROM users WHERE role = 'student' ORDER BY id").split('\n').join(',');
  assert.equal(entries[0].subjects, students);
  // it is in each student's history, and the chain verifies
  assert.ok(auditShow(db, ['--student', 'u-s1']).some((e) => e.object === 'roster:export'));
  const v = trellis(['audit', 'verify', '--db', db]);
  assert.equal(v.status, 0, v.stderr);
});

test('sealed fields never reach the database file, its WAL or a backup', () => {
  const db = newDb(work, 'seal.db');
  const planted = {
    birth: '2014-02-29'.replace('29', '28'), email: 'planted.email.7Q@seal.example', sms: '+1-555-0177-SMS9',
    phone: '+1-555-0188-PHN9', country: 'QZ', state: 'ZQ', city: 'Plantedcityvillex', residence: 'plantedresidency01',
  };
  const files = set12({
    extraUsers: [`u-x1,,,true,x1,,Xa,Yu,,X1,${planted.email},${planted.sms},${planted.phone},,04,,,,,,s1,`],
    demo: `u-x1,,,${planted.birth},unspecified,true,false,true,false,false,true,true,${planted.country},${planted.state},${planted.city},${planted.residence}`,
  });
  imp(db, writeSet(join(work, 'seal'), files));
  let raw;
  if (PG) {
    // PostgreSQL: every row as the server holds it (backups are pg_dump's: the same rows)
    raw = [Buffer.from(dumpDb(db))];
  } else {
    const backup = join(work, 'seal-backup.db');
    assert.equal(trellis(['backup', '--db', db, backup]).status, 0);
    raw = [db, `${db}-wal`, backup].filter(existsSync).map((p) => readFileSync(p));
    assert.ok(raw.length >= 2);
  }
  for (const value of Object.values(planted)) {
    for (const buf of raw) assert.equal(buf.indexOf(Buffer.from(value)), -1, `'${value}' is in a raw file`);
  }
  // the service still reads them back (through the key)
  const out = join(work, 'seal-export');
  assert.equal(trellis(['export', 'oneroster', '--db', db, out]).status, 0);
  const users = readFileSync(join(out, 'users.csv'), 'utf8');
  assert.match(users, new RegExp(`${planted.email},${planted.sms.replace(/\+/g, '\\+')},${planted.phone.replace(/\+/g, '\\+')}`));
  const demo = readFileSync(join(out, 'demographics.csv'), 'utf8');
  assert.ok(demo.includes(`u-x1,active,`) && demo.includes(`${planted.birth},unspecified,true,false,true,false,false,true,true,${planted.country},${planted.state},${planted.city},${planted.residence}`));
});

test('the upload route refuses anonymous callers before reading the body', async () => {
  const srv = await startServer();
  try {
    const body = readFileSync(zipDir(writeSet(join(srv.dir, 'up'), set12()), join(srv.dir, 'up.zip')));
    let r = await request(srv.url, '/api/v1/districts/1/roster/imports', { method: 'POST', body, headers: { 'content-type': 'application/zip' } });
    assert.equal(r.status, 401);
    assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
    assert.equal(r.body.detail, 'log in first');
    // who is asking comes first: nothing of an anonymous request is looked at
    r = await request(srv.url, '/api/v1/districts/x/roster/imports', { method: 'POST', body });
    assert.equal(r.status, 401);
    assert.equal(r.body.detail, 'log in first');
    r = await request(srv.url, '/api/v1/districts/1/roster/imports');
    assert.equal(r.status, 405);
  } finally {
    await srv.cleanup();
  }
});

test('the demo district is deterministic, imports through the roster path and writes logins', () => {
  const a = join(work, 'demo-a.db'); const b = join(work, 'demo-b.db');
  const logins = join(work, 'demo-logins.json');
  let r = trellis(['init', '--db', a, '--demo', '--logins', logins, '--history-weeks', '0']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /3 schools, 600 students, \d+ teachers, \d+ guardians, \d+ classes, \d+ enrollments/);
  r = trellis(['init', '--db', b, '--demo', '--history-weeks', '0']);
  assert.equal(r.status, 0, r.stderr);
  const list = JSON.parse(readFileSync(logins, 'utf8'));
  for (const role of ['student', 'guardian', 'teacher', 'counsellor', 'school_admin', 'district_admin']) {
    const l = list.find((x) => x.role === role);
    assert.ok(l, role);
    assert.ok(l.password.length >= 16);
    // a second factor is required (and enrolled in the demo) for counsellors and administrators only
    if (['counsellor', 'school_admin', 'district_admin'].includes(role)) assert.match(l.totp_secret, /^[A-Z2-7]{32}$/);
    else assert.equal(l.totp_secret, undefined, role);
  }
  const strip = (dir, f) => readFileSync(join(dir, f), 'utf8').replace(/,(active|tobedeleted),[^,]+,/g, ',$1,,');
  const ea = join(work, 'demo-a-export'); const eb = join(work, 'demo-b-export');
  assert.equal(trellis(['export', 'oneroster', '--db', a, ea]).status, 0);
  assert.equal(trellis(['export', 'oneroster', '--db', b, eb]).status, 0);
  for (const f of readdirSync(ea)) assert.equal(strip(ea, f), strip(eb, f), f);
  const users = readFileSync(join(ea, 'users.csv'), 'utf8');
  assert.match(users, /^stu-000001,active,[^,]+,true,[a-z]+1,/m);
  assert.match(readFileSync(join(ea, 'roles.csv'), 'utf8'), /,counselor,/);
  assert.ok(readFileSync(join(ea, 'demographics.csv'), 'utf8').split('\n').length > 600);
  // init refuses --logins without --demo
  r = trellis(['init', '--db', join(work, 'x.db'), '--logins', logins]);
  assert.equal(r.status, 2);
});

// ---- the shared data (../shared/data/oneroster) ----
const OR = join(DATA, 'oneroster');
const shared = { skip: !hasData || !existsSync(OR) ? `no shared OneRoster data at ${OR}` : false };

test('shared synthetic valid sets import (folders and zips; bulk then delta)', shared, () => {
  for (const v of ['or11', 'or12']) {
    for (const ext of ['', '.zip']) {
      const db = newDb(work, `shared-${v}${ext}.db`);
      const bulk = imp(db, join(OR, 'synthetic/valid', `${v}-bulk${ext}`));
      assert.equal(bulk.report.version, v === 'or11' ? '1.1' : '1.2');
      assert.equal(bulk.report.district.sourcedId, 'org-d1');
      const delta = imp(db, join(OR, 'synthetic/valid', `${v}-delta${ext}`));
      assert.equal(delta.report.files['enrollments.csv'].created, 2);
      assert.equal(delta.report.files['enrollments.csv'].updated, 1);
    }
  }
});

test('shared synthetic invalid sets are rejected for their stated reason', shared, () => {
  const expect = {
    '01-no-manifest': 'manifest.csv:0:0: missing: a OneRoster set must have manifest.csv at its top level (OneRoster 1.1 CSV Tables, Table 2.1)',
    '03-header-reordered': 'orgs.csv:1:4: header: expected \'name\', found \'type\' (OneRoster 1.1 columns are case-sensitive and in a fixed order)',
    '05-bad-enum-case': 'classes.csv:3:8: classType: \'Homeroom\' is not one of homeroom, scheduled (values are case-sensitive)',
    '07-delta-missing-dateLastModified': 'users.csv:2:3: dateLastModified: required in a delta file',
    '09-bad-date-format': ['academicSessions.csv:2:6: startDate: \'08/11/2025\' is not a date in the form YYYY-MM-DD',
      'academicSessions.csv:2:7: endDate: \'06/05/2026\' is not a date in the form YYYY-MM-DD'],
    '11-role-not-in-enum-v12': 'roles.csv:2:6: role: \'superintendent\' is not one of aide, counselor, districtAdministrator, guardian, parent, principal, proctor, relative, siteAdministrator, student, systemAdministrator, teacher (values are case-sensitive)',
  };
  for (const [name, message] of Object.entries(expect)) {
    for (const ext of ['', '.zip']) {
      const db = newDb(work, `inv-${name}${ext}.db`);
      // the delta set applies on top of the valid bulk set it was cut from
      if (name.startsWith('07')) imp(db, join(OR, 'synthetic/valid/or11-bulk'));
      const before = dump(db);
      const r = imp(db, join(OR, 'synthetic/invalid', name + ext), false);
      assert.deepEqual(r.report.errors, Array.isArray(message) ? message : [message], name + ext);
      assert.equal(dump(db), before);
    }
  }
});

test('the Moodle and TAO fixtures are rejected with precise messages, never a crash', shared, () => {
  const cases = {
    'catalyst-moodle-enrol_oneroster/Test_minimal_data_set': [
      'classes.csv:2:8: classType: \'Scheduled\' is not one of homeroom, scheduled (values are case-sensitive)',
      'users.csv:2:4: enabledUser: \'TRUE\' is not true or false (values are case-sensitive)'],
    'catalyst-moodle-enrol_oneroster/Test_full_data_set.zip': [
      'orgs.csv:2:7: parentSourcedId: no org \'org-sch-222-3456\' in orgs.csv or in the district',
      'academicSessions.csv:4:2: status: \'inactive\' is not one of active, tobedeleted (values are case-sensitive)',
      'users.csv:2:3: dateLastModified: \'2023-05-01\' is not an ISO 8601 UTC date-time such as 2025-10-15T09:30:00.000Z'],
    'catalyst-moodle-enrol_oneroster/oneroster_test_data': [
      'users.csv:2:4: enabledUser: \'TRUE\' is not true or false (values are case-sensitive)'],
    'catalyst-moodle-enrol_oneroster/v1p2_full_dataset': [
      'manifest.csv:22:2: file.userProfiles: \'\' is not absent, bulk or delta',
      // its manifest leaves file.userProfiles blank and the set holds userprofiles.csv
      'userprofiles.csv:0:0: not a OneRoster file: file names are case-sensitive (userProfiles.csv?)'],
    'oat-sa-oneroster-import/OneRosterv1p1BaseCSV': [
      'orgs.csv:1:7: header: expected \'parentSourcedId\', found \'metadata.classification\' (OneRoster 1.1 columns are case-sensitive and in a fixed order)',
      'users.csv:1:2: header: expected \'status\', found \'enabledUser\' (OneRoster 1.1 columns are case-sensitive and in a fixed order)',
      'demographics.csv:1:1: header: expected \'sourcedId\', found \'userSourcedId\' (OneRoster 1.1 columns are case-sensitive and in a fixed order)'],
  };
  for (const [path, messages] of Object.entries(cases)) {
    const db = newDb(work, `real-${path.replace(/\W+/g, '-')}.db`);
    const before = dump(db);
    const r = imp(db, join(OR, path), false);
    assert.equal(r.signal, null);
    for (const m of messages) assert.ok(r.report.errors.includes(m), `${path}: ${JSON.stringify(r.report.errors)} lacks ${m}`);
    for (const e of r.report.errors) assert.match(e, /^[A-Za-z]+\.csv:\d+:\d+: .+/);
    assert.equal(dump(db), before);
  }
});

test('the real-world sets get past the manifest check: their manifests and files agree', shared, () => {
  // every set but v1p2_full_dataset (above) lists exactly the files it holds; their rejections
  // are for their rows, never for the manifest, whether read from a folder or a .zip
  const sets = ['catalyst-moodle-enrol_oneroster/Test_minimal_data_set', 'catalyst-moodle-enrol_oneroster/Test_minimal_data_set.zip',
    'catalyst-moodle-enrol_oneroster/Test_full_data_set', 'catalyst-moodle-enrol_oneroster/Test_full_data_set.zip',
    'catalyst-moodle-enrol_oneroster/oneroster_test_data', 'catalyst-moodle-enrol_oneroster/oneroster_test_data.zip',
    'oat-sa-oneroster-import/OneRosterv1p1BaseCSV'];
  const manifestStage = /^manifest\.csv:|:0:0: (present|missing|not a OneRoster file|cannot)/;
  for (const path of sets) {
    if (!existsSync(join(OR, path))) continue;
    const db = newDb(work, `agree-${path.replace(/\W+/g, '-')}.db`);
    const r = imp(db, join(OR, path), false);
    assert.ok(r.report.errors.length > 0, path);
    for (const e of r.report.errors) assert.doesNotMatch(e, manifestStage, path);
  }
  for (const v of ['or11-bulk', 'or11-delta', 'or12-bulk', 'or12-delta']) {
    for (const ext of ['', '.zip']) {
      const db = newDb(work, `agree-${v}${ext}.db`);
      if (v.endsWith('delta')) imp(db, join(OR, 'synthetic/valid', v.replace('delta', 'bulk')));
      const r = imp(db, join(OR, 'synthetic/valid', v + ext));
      assert.deepEqual(r.report.errors, []);
    }
  }
});

after(() => {});
