#!/usr/bin/env bash
# The routes for the staff pages (tests/api/test_web.py), on the backend under test.
. "$(dirname "$0")/../lib.sh"
export JY_API_TMP=$T
python3 "$(dirname "$0")/../api/test_web.py"
