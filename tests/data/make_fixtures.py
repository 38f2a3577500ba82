#!/usr/bin/env python3
"""Writes the small roster fixtures used by tests/cli/import_*.sh and tests/unit/test_import.c.

Run from this directory: python3 make_fixtures.py. The outputs are committed; the script records
how they were made (ID numbers and USCCs get real check characters; the GB18030 file is the
UTF-8 one converted by iconv, the same as Excel's "CSV" on a Chinese Windows)."""
import subprocess

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

def idcard(first17):
    s = sum(int(c) * w for c, w in zip(first17, W))
    return first17 + "10X98765432"[s % 11]

def bad_check(idn):
    good = idn[17]
    other = "0" if good != "0" else "1"
    return idn[:17] + other

ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"

def orgcode(body8):
    ws = [3, 7, 9, 10, 5, 8, 4, 2]
    v = lambda c: int(c) if c.isdigit() else ord(c) - 55
    c = 11 - sum(v(ch) * w for ch, w in zip(body8, ws)) % 11
    return body8 + ("X" if c == 10 else "0" if c == 11 else str(c))

def uscc(first8, body8):
    f17 = first8 + orgcode(body8)
    s = sum(ALPHA.index(c) * pow(3, i, 31) for i, c in enumerate(f17))
    return f17 + ALPHA[(31 - s % 31) % 31]

# persons (17th digit odd = 男)
A = idcard("64052219900307001")   # 男
B = idcard("64052219851112002")   # 女
C = idcard("64052220010101003")   # 男
D = idcard("64052219990229001")   # impossible birth date, real check char
E = idcard("64052219920615004")   # 女, but the roster says 男
F = idcard("64052219800101005")   # name missing
G = idcard("64052219750808007")   # 男, quoted fields
H = idcard("64052219950505008")   # 女, landline
BAD = bad_check(idcard("64052219880808009"))

header = "序号,姓名,性别,民族,文化程度,身份证号,户籍性质,户籍所在地,务工时间,从事岗位,月收入,是否缴纳社保,联系电话,备注"
rows = [
    f"1,马小明,男,回族,初中,{A},农村,海原县七营镇张堡村,2024-03,电焊工,5200,是,13995512345,",
    f"2,李秀兰,女,汉族,高中,{B},农业,640522101,2024-05,保洁,3000,否,13709551234,",
    f"3,王强,男,回,小学,{BAD},农村,海原县李旺镇,2024-01,搬运,4000,否,13895501234,",
    f"4,张伟,男,汉族,初中,{D},农村,海原县,2024-02,厨师,4500,是,13995500001,",
    f"5,田芳,男,回族,初中,{E},农村,海原县,2024-02,服务员,3500,否,13995500002,",
    f"6,,男,回族,初中,{F},农村,海原县,2024-02,保安,3500,否,13995500003,",
    f"7,李秀兰,女,汉族,高中,{B},农业,海原县李旺镇,2024-05,保洁,3000,否,13709551234,重复",
    f"8,\"马,福\",男,回族,大专,{G},城镇,\"宁夏回族自治区中卫市海原县海城镇\",2023-11,\"司机，货运\",6000,是,139-9551-0000,\"备注有逗号, 和\n换行\"",
    f"9,周敏,女,汉族,本科,{H},非农业,海原县三河镇,2024-06,会计,5000,是,0955-4012345,",
]
open("roster_mixed.csv", "w", encoding="utf-8", newline="").write(header + "\n" + "\n".join(rows) + "\n")

good = [
    f"1,马小明,男,回族,初中,{A},农村,海原县七营镇,2024-03,电焊工,5200,是,13995512345,",
    f"2,李秀兰,女,汉族,高中,{B},农业,海原县李旺镇,2024-05,保洁,3000,否,13709551234,",
    f"3,杨光,男,回族,初中,{C},农村,海原县关桥乡,2024-01,瓦工,4800,否,15009551111,",
]
text = header + "\n" + "\n".join(good) + "\n"
open("roster_good.csv", "w", encoding="utf-8", newline="").write(text)
# UTF-8 with a BOM and CRLF line ends (Excel's "CSV UTF-8")
open("roster_bom.csv", "w", encoding="utf-8-sig", newline="").write(text.replace("\n", "\r\n"))
# GB18030 (Excel's plain "CSV" on a Chinese Windows), made with iconv like the real thing
gb = subprocess.run(["iconv", "-f", "UTF-8", "-t", "GB18030"], input=text.encode(), check=True,
                    capture_output=True).stdout
open("roster_gb18030.csv", "wb").write(gb)

# 5-20-2 帮扶车间带动就业花名册 layout: title lines above the header, 户籍地址, 常住地址, 人员类别
P = idcard("64052219880315001")
Q = idcard("64052219900720002")
R = idcard("64052219700101003")
workshop = "\n".join([
    "帮扶车间带动就业花名册,,,,,,,,,,,,",
    "填报单位（盖章）：海原县某帮扶车间,,,,,,,,,,,,",
    ",,,,,,,,,,,,",
    "序号,姓名,身份证号,户籍性质,户籍地址,常住地址,在车间工作起止时间,岗位,月收入（元/人/月）,人员类别,联系方式,本人签字,备注",
    f"1,马海,{P},农村,海原县史店乡,海原县海城镇,2024.1-2024.12,缝纫工,2800,脱贫人口,13995520001,,",
    f"2,马兰,{Q},农村,海原县史店乡,海原县海城镇,2024.1-2024.12,包装工,2600,\"监测对象、低保\",13995520002,,",
    f"3,田有,{R},农村,海原县关庄乡,海原县关庄乡,2024.3-2024.12,保管员,3000,农村劳动力,13995520003,,",
    "4,,,,,,,,,,,,",
    "备注：人员类别包含脱贫人口、农村低收入人口、搬迁群众、农村劳动力及其他人员。,,,,,,,,,,,,",
])
open("roster_workshop.csv", "w", encoding="utf-8", newline="").write(workshop + "\n")

# organisations
U1 = uscc("91640522", "MA76XK1P")
U2 = uscc("93640522", "MA77AB2C")
U3 = uscc("52640522", "MJ00123A")
UB = U1[:17] + ("0" if U1[17] != "0" else "1")
orgs = "\n".join([
    "序号,单位名称,统一社会信用代码,类型,规模,法定代表人,联系电话,地址,开户行,账号",
    f"1,海原县兴盛服装有限公司,{U1},\"用人单位、帮扶车间\",小型,马建国,13995530001,海原县海城镇工业园区,宁夏银行海原支行,6228 4800 1234 5678",
    f"2,海原县七营镇富民种植专业合作社,{U2},合作社,微型,李富民,0955-4011111,海原县七营镇,黄河农村商业银行七营支行,110022003300",
    f"3,海原县阳光职业技能培训学校,{U3},培训机构,,周晓,13995530003,海原县海城镇,中国农业银行海原县支行,29300101040012345",
    f"4,坏代码公司,{UB},用人单位,小型,某人,13995530004,海原县,银行,123456789",
    f"5,重复的合作社,{U2},合作社,微型,李富民,13995530005,海原县七营镇,银行,123456789",
])
open("orgs.csv", "w", encoding="utf-8", newline="").write(orgs + "\n")

with open("fixtures.txt", "w") as f:
    f.write(f"A={A}\nB={B}\nC={C}\nD={D}\nE={E}\nF={F}\nG={G}\nH={H}\nBAD={BAD}\nP={P}\nQ={Q}\nR={R}\n")
    f.write(f"U1={U1}\nU2={U2}\nU3={U3}\nUB={UB}\n")
