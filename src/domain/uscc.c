/* 统一社会信用代码 validation (GB 32100-2015); see uscc.h. */
#include "domain/uscc.h"

#include <string.h>

#include "domain/textcheck.h"

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY"; /* 31 characters */
static const int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

/* Value of c in the code alphabet, or -1. */
static int value_of(char c)
{
    const char *p = c ? strchr(alphabet, c) : NULL;
    return p ? (int)(p - alphabet) : -1;
}

char jy_uscc_check_char(const char *first17)
{
    if (!first17) return '\0';
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        int v = value_of(first17[i]);
        if (v < 0) return '\0';
        sum += v * weights[i];
    }
    int c = 31 - sum % 31;
    return alphabet[c == 31 ? 0 : c];
}

char jy_uscc_orgcode_check_char(const char *body8)
{
    static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    if (!body8) return '\0';
    int sum = 0;
    for (int i = 0; i < 8; i++) {
        char c = body8[i];
        int v;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'A' && c <= 'Z') v = c - 'A' + 10;
        else return '\0';
        sum += v * w[i];
    }
    int c = 11 - sum % 11;
    return c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
}

/* Registration authorities (登记管理部门) and the organisation types each may register
 * (GB 32100-2015 Appendix A, with the codes assigned since). */
static const struct {
    char authority;
    const char *authority_name;
    const char *types; /* type codes, parallel to type_names */
    const char *type_names[6];
} authorities[] = {
    {'1', "机构编制", "1239", {"机关", "事业单位", "中央编办直接管理机构编制的群众团体", "其他"}},
    {'2', "外交", "19", {"外国常驻新闻机构", "其他"}},
    {'3', "司法行政", "123459", {"律师执业机构", "公证处", "基层法律服务所", "司法鉴定机构", "仲裁委员会", "其他"}},
    {'4', "文化", "19", {"外国在华文化中心", "其他"}},
    {'5', "民政", "1239", {"社会团体", "民办非企业单位", "基金会", "其他"}},
    {'6', "旅游", "129", {"外国旅游部门常驻代表机构", "港澳台地区旅游部门常驻内地（大陆）代表机构", "其他"}},
    {'7', "宗教", "129", {"宗教活动场所", "宗教院校", "其他"}},
    {'8', "工会", "19", {"基层工会", "其他"}},
    {'9', "工商", "123", {"企业", "个体工商户", "农民专业合作社"}},
    {'A', "中央军委改革和编制办公室", "19", {"军队事业单位", "其他"}},
    {'N', "农业", "1239", {"组级集体经济组织", "村级集体经济组织", "乡镇级集体经济组织", "其他"}},
    {'Y', "其他", "1", {"其他"}},
};

int jy_uscc_check_n(const char *s, size_t n, const jy_divisions *divs, jy_uscc *out, jy_err *err)
{
    char buf[40], code[19];
    if (!s || n == 0) return jy_err_set2(err, JY_EINVAL, "uscc.empty", "credit code is empty", "统一社会信用代码为空");
    int rc = jy_tc_reject_fullwidth(s, n, "credit code", err);
    if (rc) return rc;
    size_t chars = jy_tc_count_chars(s, n);
    if (chars != 18)
        return jy_err_set2(err, JY_EINVAL, "uscc.length", "credit code must be 18 characters, found %zu", "统一社会信用代码应为18位，实际为%zu位", chars);
    for (size_t i = 0; i < 18; i++) {
        if ((unsigned char)s[i] >= 0x80 || (n != 18 && i == 17)) {
            jy_tc_describe(s + i, n - i, buf, sizeof buf);
            return jy_err_set2(err, JY_EINVAL, "uscc.bad_char",
                              "character %zu (%s) is not allowed: a credit code uses 0-9 and "
                              "A-Z without I, O, S, V, Z", "统一社会信用代码第%zu位（%s）不允许：只能使用数字0-9和除 I、O、S、V、Z 以外的大写字母",
                              i + 1, buf);
        }
        char c = s[i];
        if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        if (value_of(c) < 0) {
            jy_tc_describe(s + i, 1, buf, sizeof buf);
            if (c == 'I' || c == 'O' || c == 'S' || c == 'V' || c == 'Z')
                return jy_err_set2(err, JY_EINVAL, "uscc.letter_unused",
                                  "character %zu (%s): the letters I, O, S, V and Z are not used "
                                  "in credit codes", "统一社会信用代码第%zu位（%s）：统一社会信用代码不使用字母 I、O、S、V、Z",
                                  i + 1, buf);
            return jy_err_set2(err, JY_EINVAL, "uscc.bad_char",
                              "character %zu (%s) is not allowed: a credit code uses 0-9 and "
                              "A-Z without I, O, S, V, Z", "统一社会信用代码第%zu位（%s）不允许：只能使用数字0-9和除 I、O、S、V、Z 以外的大写字母",
                              i + 1, buf);
        }
        code[i] = c;
    }
    code[18] = '\0';

    size_t a = 0, na = sizeof authorities / sizeof authorities[0];
    while (a < na && authorities[a].authority != code[0]) a++;
    if (a == na)
        return jy_err_set2(err, JY_EINVAL, "uscc.authority",
                          "registration authority code %c (character 1) does not exist", "统一社会信用代码第1位登记管理部门代码 %c 不存在", code[0]);
    const char *tp = strchr(authorities[a].types, code[1]);
    if (!tp)
        return jy_err_set2(err, JY_EINVAL, "uscc.org_type",
                          "organisation type %c (character 2) does not exist for authority %c "
                          "(%s): allowed %s", "统一社会信用代码第2位机构类别代码 %c 不存在（登记管理部门 %c 为%s，允许的类别：%s）",
                          code[1], code[0], authorities[a].authority_name, authorities[a].types);
    for (int i = 2; i < 8; i++)
        if (code[i] < '0' || code[i] > '9')
            return jy_err_set2(err, JY_EINVAL, "uscc.division_digits",
                              "division code %.6s (characters 3-8) must be 6 digits", "统一社会信用代码第3-8位登记管理机关行政区划码 %.6s 应为6位数字", code + 2);
    if (memcmp(code + 2, "100000", 6) != 0) { /* 100000: registered at national level */
        if (memcmp(code + 2, "00", 2) == 0 ||
            (divs && !jy_division_province_known(divs, code + 2)))
            return jy_err_set2(err, JY_EINVAL, "uscc.division_province",
                              "division code %.6s (characters 3-8): province %.2s does not exist", "统一社会信用代码第3-8位行政区划码 %.6s 有误：不存在省级代码 %.2s",
                              code + 2, code + 2);
    }
    char want = jy_uscc_check_char(code);
    if (want != code[17])
        return jy_err_set2(err, JY_EINVAL, "uscc.check_char", "check character should be %c", "统一社会信用代码校验位（第18位）有误，应为 %c", want);
    if (out) {
        memcpy(out->code, code, 19);
        memcpy(out->division, code + 2, 6);
        out->division[6] = '\0';
        memcpy(out->orgcode, code + 8, 9);
        out->orgcode[9] = '\0';
        out->authority = authorities[a].authority_name;
        out->type = authorities[a].type_names[tp - authorities[a].types];
        out->orgcode_ok = jy_uscc_orgcode_check_char(code + 8) == code[16];
    }
    return 0;
}

int jy_uscc_check(const char *s, const jy_divisions *divs, jy_uscc *out, jy_err *err)
{
    return jy_uscc_check_n(s, s ? strlen(s) : 0, divs, out, err);
}
