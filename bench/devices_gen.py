#!/usr/bin/env python3
"""The device inventory file for the benchmark (bench/devices.sh): N devices over the demo
district's schools (sch-001 ...), in the shape of docs/EQUITY.md "Devices and hotspots":
Chromebooks mostly, some laptops, tablets and hotspots (with carrier, plan and cap), statuses
and funding sources mixed, every tenth row with a note column filled.

Usage: devices_gen.py N SCHOOLS OUT.csv
"""
import random
import sys


def main():
    n, schools, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(13)
    types = ['chromebook'] * 14 + ['laptop', 'tablet', 'hotspot']
    statuses = ['in_stock'] * 6 + ['assigned'] * 10 + ['in_repair', 'lost', 'retired']
    funding = [('ESSER III', '2021-08-02'), ('ECF', '2022-01-14'), ('E-Rate', '2020-07-01'),
               ('local', '2023-07-20'), ('Title I', '2019-09-03')]
    with open(out, 'w', encoding='utf-8') as f:
        f.write('asset_tag,serial,model,type,status,funding_source,purchase_date,purchase_cost,'
                'school_sourced_id,location,carrier,plan,data_cap_gb,warranty_end\n')
        for i in range(1, n + 1):
            t = rng.choice(types)
            fs, day = rng.choice(funding)
            hot = t == 'hotspot'
            f.write('B%07d,SN%09d,%s,%s,%s,%s,%s,%d.%02d,sch-%03d,Cart %s,%s,%s,%s,%s\n' % (
                i, i, 'Kajeet SmartSpot' if hot else 'Acer Chromebook 314', t,
                rng.choice(statuses), fs, day, rng.randint(100, 900), rng.randint(0, 99),
                rng.randint(1, schools), chr(65 + i % 6), 'T-Mobile' if hot else '',
                'Education Unlimited' if hot else '', '25' if hot else '',
                '2026-08-01' if i % 10 == 0 else ''))


if __name__ == '__main__':
    main()
