#!/usr/bin/env python3
"""Writes policy/common-passwords.txt: the passwords jiuye refuses as common (src/service/auth.c).

Nothing here is downloaded. The list is (1) passwords that every published leak analysis puts at
the top, written from memory, with the Chinese favourites (数字谐音 520/1314, 我爱你 woaini, 拼音
names, keyboard walks on a Chinese keyboard); (2) patterns: repeated and consecutive digits,
keyboard walks, common words with the usual suffixes, pinyin surnames × given names, and the
words of this deployment (jiuye, haiyuan, ningxia, renshe …). The service lower-cases a password
and also checks its word without leading/trailing digits and symbols, so "Woaini1314!" is found
through "woaini". Run it again after editing; the output is sorted and without duplicates.
"""
import itertools
import os

TOP = """
123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123 baseball abc123
football monkey letmein 696969 shadow master 666666 qwertyuiop 123321 mustang 1234567890 michael
654321 superman 1qaz2wsx 7777777 121212 000000 qazwsx 123qwe killer trustno1 jordan jennifer zxcvbnm
asdfgh hunter buster soccer harley batman andrew tigger sunshine iloveyou charlie robert thomas
hockey ranger daniel starwars klaster 112233 george computer michelle jessica pepper 1111 zxcvbn
555555 11111111 131313 freedom 777777 pass maggie 159753 aaaaaa ginger princess joshua cheese
amanda summer love ashley nicole chelsea matthew access yankees 987654321 dallas austin thunder
taylor matrix william corvette hello martin heather secret merlin diamond 1234qwer gfhjkm hammer
silver 222222 88888888 anthony justin test bailey q1w2e3r4t5 patrick internet scooter orange 11111
golfer cookie richard samantha bigdog guitar jackson whatever mickey chicken sparky snoopy maverick
phoenix camaro peanut morgan welcome falcon cowboy ferrari samsung andrea smokey steelers joseph
mercedes dakota arsenal eagles melissa boomer booboo spider nascar monster tigers yellow xxxxxx
123123123 gateway marina diablo bulldog qwer1234 compaq purple hardcore banana junior hannah 123654
porsche lakers iceman money cowboys 987654 london tennis 999999 ncc1701 coffee scooby 0000 miller
boston q1w2e3r4 brandon yamaha chester mother forever johnny edward 333333 oliver redsox player
nikita knight fender barney midnight please brandy chicago badboy slayer rangers charles angel
flower rabbit wizard jasmine admin admin123 administrator root toor passw0rd p@ssw0rd p@ssword
password1 password12 password123 password1234 welcome1 welcome123 changeme changeme123 letmein123
qwerty123 qwerty1234 iloveyou1 iloveyou123 abc12345 abcd1234 abcd12345 1q2w3e4r 1q2w3e4r5t
1q2w3e4r5t6y 1q2w3e zaq12wsx !qaz2wsx 1qazxsw2 qazwsxedc 1qaz2wsx3edc 1qaz2wsx3edc4rfv asdf1234
asdfghjkl zxcvbnm123 qwertyui qwert asdfasdf 1234abcd a1b2c3d4 a1b2c3d4e5 aa123456 a123456
a12345678 a123456789 qq123456 qq123456789 123456a 123456aa 123456abc 123abc abc123456 abc1234567
abcdefg abcdefgh abcdefghij 123456789abc 1234567890abc zaq1xsw2 1qaz@wsx 1qaz!qaz 123qweasd
123qweasdzxc qweasdzxc qweasd qwe123 qwe123456 asd123 asd123456 zxc123 zxc123456 1q2w3e4r5t6y7u8i
superman123 football1 baseball1 monkey123 dragon123 master123 shadow123 princess1 sunshine1
trustno11 letmein1 starwars1 passpass password! password@123 admin@123 admin888 admin1234
administrator1 root123 root1234 test123 test1234 test123456 guest guest123 user user123 user1234
default system system123 manager manager123 service support server oracle mysql postgres sa
sa123 sa123456 ubuntu linux windows microsoft apple google baidu tencent alibaba taobao weixin
wechat qq qqqqqq qqqqqqqq
"""

CHINESE = """
woaini woaini1314 woaini520 woaini521 woaini123 woaini1314520 woainiwoaini woaiwojia woaimama
woaibaba woaini1 woaini12 wodemima mima mima123 mimamima mima1234 mima123456 zhongguo zhongguo123
zhonghua zhonghuarenmin china china123 china1234 chinese beijing beijing2008 shanghai guangzhou
shenzhen nihao nihao123 nihaoma haoren xiaoming xiaohong zhangsan lisi wangwu aiqing xingfu kuaile
pingan pinganfu fuqi tiantian baobei baobao laopo laogong qinqin qinaide xiaobao xiaobai shengri
jiayou caifu facai dafa hongyun yiqiefeng shunli wanshiruyi xinxiangshicheng gongxifacai
huanying zhuni ganen xiexie duibuqi wohenhao woxiangni wuxian yongyuan yongyuanaini
5201314 1314520 520520 521521 1314521 5211314 7758521 7758258 147258369 147258 159357 741852963
789456123 123456789a 1a2b3c4d 520131400 1314520520 5201314520 52013145201314 1314520a 5201314a
a5201314 a1314520 w5201314 woaini5201314 iloveyou520 iloveyou1314 521125 520025 1314 520 521
666888 168168 518518 888888 8888888 8888888888 88888888 66666666 6666666666 168888 186186
13800138000 13888888888 18888888888 13999999999 15888888888 13333333333 13666666666
zhang123456 wang123456 li123456 liu123456 chen123456 yang123456
"""

# words of this deployment: the system, the place, the office
LOCAL = """
jiuye jiuyeju jiuyezhan haiyuan haiyuanxian ningxia guyuan yinchuan zhongning wuzhong renshe
rensheju renshebu shebao shebaoka jiuyefuwu gonggongjiuye peixun butie zijin laowu xiangzhen
haiyuan640522 ningxia640000 640522 640000 jiuye123 haiyuan123 ningxia123 renshe123 shebao123
"""

SURNAMES = """
wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang
xie song tang han feng deng cao peng zeng xiao tian dong yuan pan yu jiang cai jia ding wei xue ye
yan lu du su lv jin mo kong bai cui kang mao qiu qin shi gu hou shao meng long wan duan lei qian
tang yin yi chang wu qiao lai gong wen pang fan fang ren yao lei
""".split()

GIVEN = """
wei fang na min jing li qiang lei jun yang yong yan jie juan tao ming chao xiuying xiuzhen hui
ling ping gang guiying hua fei hong bin yu dan lin hai xin long peng bo ning rui hao tingting
jing jiajia xiaoyan xiaohong xiaoming jianguo jianhua guoqiang zhiqiang haiyan yanyan lili
""".split()

SUFFIXES = ["", "1", "12", "123", "1234", "12345", "123456", "520", "521", "1314", "888", "666",
            "168", "!", "@", "@123", "!@#", "123!", ".", "2020", "2021", "2022", "2023", "2024",
            "2025", "2026"]

WORDS_WITH_SUFFIXES = """
password admin root test qwerty abc woaini iloveyou welcome letmein monkey dragon master shadow
jiuye haiyuan ningxia renshe shebao zhongguo china beijing nihao mima baobei
""".split()


def digits_patterns():
    out = set()
    for d in "0123456789":
        for n in range(4, 17):
            out.add(d * n)
    ring = "01234567890123456789"
    for start in range(10):
        for n in range(6, 13):
            s = ring[start:start + n]
            if len(s) == n:
                out.add(s)
                out.add(s[::-1])
    for a, b in itertools.product("0123456789", repeat=2):
        if a != b:
            for n in (3, 4, 5, 6):
                out.add((a + b) * n)
    for abc in ("123", "321", "147", "258", "369", "789", "456", "159", "357", "520", "521"):
        for n in (2, 3, 4):
            out.add(abc * n)
    return out


def keyboard_walks():
    rows = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "!@#$%^&*()"]
    out = set()
    for r in rows:
        for n in range(4, len(r) + 1):
            out.add(r[:n])
            out.add(r[:n][::-1])
    cols = ["1qaz", "2wsx", "3edc", "4rfv", "5tgb", "6yhn", "7ujm", "8ik,", "9ol.", "0p;/"]
    for n in range(2, len(cols) + 1):
        out.add("".join(cols[:n]))
        out.add("".join(c[:3] for c in cols[:n]))
    out.update({"qazwsxedcrfv", "qazwsxedc", "qazwsx", "wsxedc", "zaqxswcde", "qweasdzxc",
                "qwertyasdfgh", "qwertyasdfghzxcvbn", "asdfghjkl;", "zxcvbnm,./", "1q2w3e4r5t6y7u8i9o0p",
                "q1w2e3r4t5y6", "1q2w3e4r5t6y", "!qaz@wsx", "!qaz@wsx#edc", "1qaz@wsx#edc", "qwer!@#$",
                "1234!@#$", "!@#$qwer", "!@#$%^", "!@#123", "123!@#", "!@#qwe", "qwe!@#", "asd!@#"})
    return out


def main():
    words = set()
    for block in (TOP, CHINESE, LOCAL):
        words.update(block.split())
    words.update(digits_patterns())
    words.update(keyboard_walks())
    for w in WORDS_WITH_SUFFIXES:
        for s in SUFFIXES:
            words.add(w + s)
            if s:
                words.add(w.capitalize() + s)
    for s, g in itertools.product(SURNAMES, GIVEN):
        words.add(s + g)  # "zhangwei123456" is found through its word, "zhangwei"
    words = sorted({w.lower() for w in words if w.strip()})
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "..", "policy", "common-passwords.txt")
    with open(out, "w", encoding="utf-8") as f:
        f.write("# policy/common-passwords.txt — passwords jiuye refuses as common (docs/security.md).\n")
        f.write("# Made by scripts/common-passwords.py (nothing downloaded); one per line, lower case;\n")
        f.write("# the service also refuses a listed word with digits or symbols around it. An officer may\n")
        f.write("# add lines (local words, the office's old passwords); lines starting with # are comments.\n")
        for w in words:
            f.write(w + "\n")
    print(len(words), "passwords written to", os.path.normpath(out))


if __name__ == "__main__":
    main()
