#!/usr/bin/env bash
# Roster imports over the API (tests/api/test_import.py), on the backend under test.
. "$(dirname "$0")/../lib.sh"
export JY_API_TMP=$T
python3 "$(dirname "$0")/../api/test_import.py"
