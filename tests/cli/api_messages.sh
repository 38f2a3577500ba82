#!/usr/bin/env bash
# API errors in English and Chinese with their keys (tests/api/test_messages.py), on the backend under test.
. "$(dirname "$0")/../lib.sh"
export JY_API_TMP=$T
python3 "$(dirname "$0")/../api/test_messages.py"
