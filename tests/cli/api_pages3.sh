#!/usr/bin/env bash
# What the staff pages of issue 12 (pages3) ask of the API (tests/api/test_pages3.py), on the backend under test.
. "$(dirname "$0")/../lib.sh"
export JY_API_TMP=$T
python3 "$(dirname "$0")/../api/test_pages3.py"
