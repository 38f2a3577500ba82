#!/usr/bin/env bash
# The API's persons and organisations (tests/api/test_registry.py), on the backend under test.
. "$(dirname "$0")/../lib.sh"
export JY_API_TMP=$T
python3 "$(dirname "$0")/../api/test_registry.py"
