#!/usr/bin/env python3
"""Sign in the logins of bench/views_gen.c (TOTP for the administrators) on a server and
write the request targets of bench/views.sh, one "cookie<TAB>path" a line, per view:
OUT.class (each teacher's classes with 10 or more students, up to CLASSES_PER_TEACHER),
OUT.school (each school administrator's school), OUT.district, OUT.healthz.
  views_login.py URL LOGINS_JSON OUT [CLASSES_PER_TEACHER]"""
import base64, hashlib, hmac, json, struct, sys, time, urllib.error, urllib.request

url, logins, out = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3]
per_teacher = int(sys.argv[4]) if len(sys.argv) > 4 else 2
used = {}


def totp(secret, key):
    # one step per account (the server takes each step once): now, then now+1, now-1
    k = base64.b32decode(secret)
    for _ in range(100):
        now = int(time.time() // 30)
        for step in (now, now + 1, now - 1):
            if step not in used.setdefault(key, set()):
                used[key].add(step)
                mac = hmac.new(k, struct.pack('>Q', step), hashlib.sha1).digest()
                o = mac[-1] & 15
                return '%06d' % ((struct.unpack('>I', mac[o:o + 4])[0] & 0x7fffffff) % 1000000)
        time.sleep(1)
    raise SystemExit('no TOTP step left')


def get(path, cookie):
    rq = urllib.request.Request(url + path, headers={'Cookie': cookie})
    return json.loads(urllib.request.urlopen(rq, timeout=600).read())


targets = {'class': [], 'school': [], 'district': [], 'healthz': [('', '/healthz')]}
for l in logins:
    # a step an earlier run used is refused: try the next one (at most three)
    for attempt in range(3 if l.get('totp_secret') else 1):
        body = {'username': l['username'], 'password': l['password']}
        if l.get('totp_secret'):
            body['totp'] = totp(l['totp_secret'], l['username'])
        rq = urllib.request.Request(url + '/api/v1/session', data=json.dumps(body).encode(),
                                    headers={'content-type': 'application/json'})
        try:
            r = urllib.request.urlopen(rq)
            break
        except urllib.error.HTTPError as e:
            if e.code != 401 or attempt == 2 or not l.get('totp_secret'):
                sys.exit(f"login of {l['username']} ({l['role']}): {e.code} {e.read()[:200]!r}")
    me = json.loads(r.read())
    cookie = [h.split(';')[0] for h in r.headers.get_all('Set-Cookie')
              if h.startswith('trellis_session=')][0]
    if l['role'] == 'teacher':
        classes = [c for c in get('/api/v1/home', cookie)['classes'] if c['students'] >= 10]
        for c in classes[:per_teacher]:
            targets['class'].append((cookie, f"/api/v1/classes/{c['id']}/mastery"))
    elif l['role'] == 'school_admin':
        for s in get('/api/v1/home', cookie)['schools'][:1]:
            targets['school'].append((cookie, f"/api/v1/schools/{s['id']}/overview"))
    elif l['role'] == 'district_admin':
        targets['district'].append((cookie, f"/api/v1/districts/{me['district']['id']}/overview"))
for k, v in targets.items():
    with open(f'{out}.{k}', 'w') as f:
        for cookie, path in v:
            f.write(f'{cookie}\t{path}\n')
print(' '.join(f'{k}={len(v)}' for k, v in targets.items()))
