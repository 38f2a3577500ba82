#!/usr/bin/env bash
# The API's audit, accounts and reports (tests/api/test_admin.py), on the backend under test.
. "$(dirname "$0")/../lib.sh"
export JY_API_TMP=$T
python3 "$(dirname "$0")/../api/test_admin.py"
