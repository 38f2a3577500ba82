#!/usr/bin/env bash
# A case explained (tests/api/test_policy_explain.py), on the backend under test.
. "$(dirname "$0")/../lib.sh"
export JY_API_TMP=$T
python3 "$(dirname "$0")/../api/test_policy_explain.py"
