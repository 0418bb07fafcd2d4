// A seeded district whose sizes are known, for the school and district views' tests
// (tests/e2e/schoolview.test.mjs, tests/browser/school.test.mjs): a OneRoster 1.2 bulk set
// with one homeroom per size, `trellis import oneroster`, and answers sent as an API client
// would, each at a given time (the learner model's follower files them in that week).
//
//   sizes: { schoolSourcedId: { grade: [homeroom sizes] } }; schools sA, sB are School A, B.
//   Students are u0001, u0002 ... in the order of the sizes; ids() lists them the same way.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { request, trellis } from './trellis.mjs';

const MANIFEST = ['propertyName,value', 'manifest.version,1.0', 'oneroster.version,1.2',
  ...['academicSessions', 'categories', 'classes', 'classResources', 'courses', 'courseResources',
    'demographics', 'enrollments', 'lineItems', 'orgs', 'resources', 'results', 'roles',
    'userProfiles', 'users'].map((f) => `file.${f},${['academicSessions', 'classes', 'courses', 'enrollments', 'orgs', 'roles', 'users'].includes(f) ? 'bulk' : 'absent'}`),
  'source.systemName,Test SIS', 'source.systemCode,SV'].join('\n') + '\n';
const H = {
  orgs: 'sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId',
  academicSessions: 'sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear',
  courses: 'sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes',
  classes: 'sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods',
  users: 'sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns',
  roles: 'sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId',
  enrollments: 'sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate',
};
const V = { 'x-experience-api-version': '1.0.3' };

function day(offset) {
  return new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
}

export function rosterSet(sizes) {
  const users = [], roles = [], classes = [], courses = [], enr = [];
  let n = 0, e = 0;
  for (const [school, grades] of Object.entries(sizes)) {
    for (const [grade, list] of Object.entries(grades)) {
      courses.push(`hr-${school}-${grade},,,y1,Grade ${Number(grade)} Homeroom,HR${grade},${grade},${school},,`);
      list.forEach((size, k) => {
        const cls = `k-${school}-${grade}-${k}`;
        classes.push(`${cls},,,Homeroom ${Number(grade)}${'ABC'[k]} ${school},${grade},hr-${school}-${grade},H${grade}${k},homeroom,R${k},${school},y1,,,0`);
        for (let i = 0; i < size; i++) {
          const id = `u${String(++n).padStart(4, '0')}`;
          users.push(`${id},,,true,stu${id},,Stu,Dent${n},,${n},,,,,${grade},,,,,,${school},`);
          roles.push(`r-${id},,,${id},primary,student,,,${school},`);
          enr.push(`e${++e},,,${cls},${school},${id},student,false,,`);
        }
      });
    }
  }
  return {
    'manifest.csv': MANIFEST,
    'orgs.csv': [H.orgs, 'd1,,,Seeded District,district,,', 'sA,,,School A,school,A,d1', 'sB,,,School B,school,B,d1'],
    'academicSessions.csv': [H.academicSessions, `y1,,,This year,schoolYear,${day(-200)},${day(200)},,${day(200).slice(0, 4)}`],
    'courses.csv': [H.courses, ...courses],
    'classes.csv': [H.classes, ...classes],
    'users.csv': [H.users, ...users],
    'roles.csv': [H.roles, ...roles],
    'enrollments.csv': [H.enrollments, ...enr],
  };
}

// The students' sourcedIds per homeroom: [{ school, grade, index, size, ids }] in roster order.
export function homerooms(sizes) {
  const out = [];
  let n = 0;
  for (const [school, grades] of Object.entries(sizes))
    for (const [grade, list] of Object.entries(grades))
      list.forEach((size, index) => {
        const ids = [];
        for (let i = 0; i < size; i++) ids.push(`u${String(++n).padStart(4, '0')}`);
        out.push({ school, grade, index, size, ids });
      });
  return out;
}

// A new database at db (a path: SQLite, or PostgreSQL in the e2e_pg_ runs) with the set imported (work: a directory for the files).
export function seedDatabase(work, db, sizes) {
  const dir = join(work, 'set');
  mkdirSync(dir, { recursive: true });
  for (const [name, lines] of Object.entries(rosterSet(sizes)))
    writeFileSync(join(dir, name), Array.isArray(lines) ? lines.join('\n') + '\n' : lines);
  let r = trellis(['init', '--db', db]);
  if (r.status !== 0) throw new Error(`trellis init: ${r.stderr}`);
  r = trellis(['import', 'oneroster', '--db', db, dir]);
  if (r.status !== 0) throw new Error(`trellis import oneroster: ${r.stderr}${r.stdout}`);
}

// An API client that may write statements: its Basic authorization header.
export function statementWriter(db) {
  const r = trellis(['admin', 'add-client', '--db', db, '--name', 'tool', '--scope', 'statements/write']);
  if (r.status !== 0) throw new Error(`trellis admin add-client: ${r.stderr}`);
  const cred = JSON.parse(r.stdout);
  return 'Basic ' + Buffer.from(`${cred.key}:${cred.secret}`).toString('base64');
}

// Each student answers `answers` questions (30 seconds each) at time `when` (a Date):
// POST /xapi/statements as the client `auth`.
export async function practise(base, auth, ids, { answers = 6, when = new Date() } = {}) {
  const statements = [];
  for (const id of ids)
    for (let q = 0; q < answers; q++)
      statements.push({
        id: randomUUID(),
        actor: { objectType: 'Agent', account: { homePage: base, name: id } },
        verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
        object: { objectType: 'Activity', id: `https://example.org/items/${q}` },
        result: { success: true, duration: 'PT30S' },
        context: { contextActivities: { category: [{ objectType: 'Activity', id: 'https://example.org/skills/add',
          definition: { type: 'http://adlnet.gov/expapi/activities/objective' } }] } },
        timestamp: when.toISOString(),
      });
  const w = await request(base, '/xapi/statements', { method: 'POST', headers: { ...V, authorization: auth }, json: statements });
  if (w.status !== 200) throw new Error(`POST /xapi/statements: ${w.status} ${w.text}`);
}
