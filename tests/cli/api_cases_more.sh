#!/usr/bin/env bash
# The cases over the API, the rest of item 1 (tests/api/test_cases_more.py), on the backend under test.
. "$(dirname "$0")/../lib.sh"
export JY_API_TMP=$T
python3 "$(dirname "$0")/../api/test_cases_more.py"
