/* Fuzz target: the JSON case reader (jy_policy_case_parse) and the evaluator on arbitrary lines,
 * against the shipped rule set ($JY_POLICY_DIR, else the source tree's policy/). */
#include <stdint.h>
#include <stdlib.h>

#include "policy/policy.h"

static jy_policy *pol;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!pol) {
        const char *dir = getenv("JY_POLICY_DIR");
        if (jy_policy_load(dir && *dir ? dir : JY_POLICY_DIR, &pol, NULL) != 0) abort();
    }
    static jy_policy_case c;
    char id[64];
    int has_id;
    if (jy_policy_case_parse(pol, (const char *)data, size, &c, id, sizeof id, &has_id, NULL) == 0) {
        jy_decision d;
        jy_policy_eval(pol, &c, &d);
        jy_sb sb = JY_SB_INIT;
        jy_policy_decision_json(pol, id, has_id, &d, 1, &sb);
        jy_sb_free(&sb);
    }
    return 0;
}
