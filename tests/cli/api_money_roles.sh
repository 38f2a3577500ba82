#!/usr/bin/env bash
# Who may move money: every money operation × every role on the command line and through the API
# (tests/api/test_money_roles.py) — the same roles refused on both, from policy/workflows.txt's
# operations block — on the backend under test.
. "$(dirname "$0")/../lib.sh"
export JY_API_TMP=$T
export JY_POLICY_DIR="$JY_SOURCE_DIR/policy"
python3 "$(dirname "$0")/../api/test_money_roles.py"
