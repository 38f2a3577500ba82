#!/usr/bin/env bash
# What the staff pages of issue 12 (pages2) ask of the API (tests/api/test_pages2.py), on the backend under test.
. "$(dirname "$0")/../lib.sh"
export JY_API_TMP=$T
python3 "$(dirname "$0")/../api/test_pages2.py"
