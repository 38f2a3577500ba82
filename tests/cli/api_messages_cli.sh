#!/usr/bin/env bash
# An error the API returns from the route files converted by issue 13 item 4's CLI/HTTP share
# carries its Chinese text (tests/api/test_messages_cli.py), on the backend under test.
. "$(dirname "$0")/../lib.sh"
export JY_API_TMP=$T
python3 "$(dirname "$0")/../api/test_messages_cli.py"
