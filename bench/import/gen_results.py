#!/usr/bin/env python3
"""gen_results.py SESSION N OUT.csv [seed]: a results file in the import layout (README "Importing results") with N
registrations, one row per subject of a random qualification (about 2.4 rows per registration), valid resident ID
numbers (GB 11643 check digit), 5 % absent subjects. Reads the catalog from the repository's shared data or from
ScorePortal/Features/Demo/Data."""
import sys, json, random
session, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
import os
data = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'ScorePortal', 'Features', 'Demo', 'Data')
q = json.load(open(os.path.join(data, 'qualifications.json'), encoding='utf-8'))['qualifications']
provs = [p['code'] for p in json.load(open(os.path.join(data, 'provinces.json'), encoding='utf-8'))['provinces']]
W = [7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]; C = "10X98765432"
surn = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"; given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
with open(out, 'w', encoding='utf-8') as f:
    f.write("ticket_no,id_type,id_number,name,province_code,qualification_code,subject_code,score,status,email\n")
    for i in range(n):
        p = rng.choice(provs); qual = rng.choice(q)
        # Unique per i: the area code and birth date carry the higher digits, the sequence code the lower ones.
        area = f"{p}{(i // 1000) % 100:02d}{(i // 100000) % 100:02d}"
        body = f"{area}{1970 + (i // 1000) % 35}{1 + i % 12:02d}{1 + (i // 12) % 28:02d}{i % 1000:03d}"
        s = sum(int(a) * w for a, w in zip(body, W)); idn = body + C[s % 11]
        name = rng.choice(surn) + rng.choice(given) + (rng.choice(given) if i % 3 else "")
        ticket = f"{session}-{p}-{i+1:07d}"
        for sub in qual['subjects']:
            r = rng.random()
            if r < 0.05: f.write(f"{ticket},resident,{idn},{name},{p},{qual['code']},{sub['code']},,absent,\n")
            else: f.write(f"{ticket},resident,{idn},{name},{p},{qual['code']},{sub['code']},{rng.randint(20, sub['max'])},normal,\n")
