#!/usr/bin/env bash
# The API's money routes (tests/api/test_money.py): placements, attendance, payroll, ledger and
# payment batches end to end by several users, on the backend under test.
. "$(dirname "$0")/../lib.sh"
export JY_API_TMP=$T
python3 "$(dirname "$0")/../api/test_money.py"
