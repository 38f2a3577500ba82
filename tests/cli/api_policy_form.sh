#!/usr/bin/env bash
# A programme's filing form over the API, and a filing's 422 naming the fact (tests/api/test_policy_form.py),
# on the backend under test.
. "$(dirname "$0")/../lib.sh"
export JY_API_TMP=$T
python3 "$(dirname "$0")/../api/test_policy_form.py"
