#!/usr/bin/env bash
# Rule versions over the API (tests/api/test_versions.py), on the backend under test.
. "$(dirname "$0")/../lib.sh"
export JY_API_TMP=$T
python3 "$(dirname "$0")/../api/test_versions.py"
