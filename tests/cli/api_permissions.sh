#!/usr/bin/env bash
# Every API route × every role (tests/api/test_permissions.py), on the backend under test.
. "$(dirname "$0")/../lib.sh"
export JY_API_TMP=$T
python3 "$(dirname "$0")/../api/test_permissions.py"
