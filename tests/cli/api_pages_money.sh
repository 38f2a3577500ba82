#!/usr/bin/env bash
# Routes the ledger, batch, placement and account pages added (tests/api/test_pages_money.py), on
# the backend under test.
. "$(dirname "$0")/../lib.sh"
export JY_API_TMP=$T
python3 "$(dirname "$0")/../api/test_pages_money.py"
