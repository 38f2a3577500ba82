#!/usr/bin/env bash
# Prints how to log in as each role of the demo county (`make run`): the accounts file that
# `jiuye demo --accounts FILE` wrote (names, generated passwords, TOTP secrets; mode 0600).
set -euo pipefail
f=${1:-var/demo-accounts.txt}
if [ ! -f "$f" ]; then
  echo "jiuye: no demo accounts ($f): remove var/jiuye.db and run make run again to make a demo county with one account per role"
  exit 0
fi
echo "== 演示账户 demo accounts (http://127.0.0.1:8080/login); the passwords are only in $f and, hashed, in the database"
printf '%-16s %-16s %-22s %s\n' "role" "name" "password" "second factor (TOTP)"
while IFS=$'\t' read -r role name pw secret area; do
  case "$role" in '#'*|'') continue ;; esac
  if [ "$secret" = "-" ]; then totp="-"; else totp="oathtool --totp -b $secret"; fi
  printf '%-16s %-16s %-22s %s\n' "$role" "$name" "$pw" "$totp"
done <"$f"
# who moves the money (policy/workflows.txt, operations block — the same table for the CLI and the API)
echo "资金 money: demo-finance (财务) enters the budgets and builds, exports and pays the batches; a second person"
echo "  approves each batch (another finance account, or demo-admin); demo-county (县级审核) decides the cases and"
echo "  runs the monthly payroll, which another reviewer commits (docs/ledger.md \"Who may do what\")"
