#!/usr/bin/env bash
# The write lane: group commit of concurrent case filings (tests/api/test_write_lane.py), on the
# backend under test (on PostgreSQL the lane is off and the same answers are checked).
. "$(dirname "$0")/../lib.sh"
export JY_API_TMP=$T
python3 "$(dirname "$0")/../api/test_write_lane.py"
