#!/usr/bin/env bash
# The seed's training names and facts as people give them, over HTTP (tests/api/test_policy_names.py).
. "$(dirname "$0")/../lib.sh"
export JY_API_TMP=$T
python3 "$(dirname "$0")/../api/test_policy_names.py"
