#!/usr/bin/env bash
# The API's cases (tests/api/test_cases.py), on the backend under test.
. "$(dirname "$0")/../lib.sh"
export JY_API_TMP=$T
python3 "$(dirname "$0")/../api/test_cases.py"
