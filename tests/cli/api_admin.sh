#!/usr/bin/env bash
# The API's audit, accounts and reports (tests/api/test_admin.py), on the backend under test.
. "$(dirname "$0")/../lib.sh"
export JY_API_TMP=$T
# a PDF over the API (issue 14's 5-22-1): cairo 1.16 loses 768 bytes per embedded font (docs/reports.md)
export LSAN_OPTIONS="suppressions=$JY_SOURCE_DIR/tests/lsan_cairo.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
python3 "$(dirname "$0")/../api/test_admin.py"
