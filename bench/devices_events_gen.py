#!/usr/bin/env python3
"""The device history file for the benchmark (bench/devices.sh): EVENTS events over the
inventory devices_gen.py makes (asset tags B0000001 ...), in the shape of docs/EQUITY.md
"The history file": each device lent and returned again and again to the demo district's
students (their sourcedIds stu-000001 ...), in time order, with now and then damage, a
repair or a loss; the last loan of some devices still open.

Usage: devices_events_gen.py EVENTS DEVICES STUDENTS OUT.csv
"""
import random
import sys
import time

DAY = 86400


def main():
    events, devices, students, out = (int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]),
                                      sys.argv[4])
    rng = random.Random(7)
    per = max(1, events // devices)
    n = 0
    start = 1630454400  # 2021-09-01
    with open(out, 'w', encoding='utf-8') as f:
        f.write('asset_tag,event,at,user_sourced_id,due_date,condition,note,cost\n')
        for d in range(1, devices + 1):
            if n >= events:
                break
            t = start + rng.randint(0, 30) * DAY
            lent = False
            k = 0
            while k < per and n < events:
                t += rng.randint(1, 40) * DAY
                if not lent:
                    row = ('check_out', 'stu-%06d' % rng.randint(1, students), '', 'good', '', '')
                    lent = True
                elif rng.random() < 0.05:
                    row = ('damage', '', '', '', 'cracked screen', '45.00')
                else:
                    row = ('check_in', '', '', 'good', '', '')
                    lent = False
                f.write('B%07d,%s,%s,%s,%s,%s,%s,%s\n' % (
                    d, row[0], time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(t + 9 * 3600)),
                    row[1], row[2], row[3], row[4], row[5]))
                n += 1
                k += 1
    sys.stderr.write('%d events\n' % n)


if __name__ == '__main__':
    main()
