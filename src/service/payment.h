/* Payment batches (拨付批次): approved, unpaid payables gathered per programme (and month) into
 * a batch; a second person reviews it; it is exported as the bank file (CSV, XLSX) and marked
 * paid line by line. Individuals are paid to their social security card (社保卡),
 * organisations to their basic bank account (基本账户).
 *
 * Idempotency: each line has a key ("jy-pay-<batch>-<payable>") that the ledger's pay entry
 * carries (UNIQUE in the journal), and each line is paid in its own transaction (ledger entry,
 * payable, line and audit entries together). Marking a batch paid again, or after a crash,
 * pays only the lines still pending: nobody twice, nobody lost. docs/ledger.md. */
#ifndef JY_SERVICE_PAYMENT_H
#define JY_SERVICE_PAYMENT_H

#include "base/err.h"
#include "base/sb.h"
#include "service/case.h"
#include "service/privacy.h"
#include "store/store.h"

/* Every function below is a user's request: it first checks the actor's role for its operation
 * in policy/workflows.txt (the operations block: batch_build, batch_approve — not by the
 * builder —, batch_export, batch_pay) on the batch's county (workflow.h jy_wf_op_check). */

/* Builds a draft batch of county's approved payables of program (month: "YYYY-MM" or NULL for
 * every month; year 0: every year), from cases (docs/cases.md "Filing to payment"): each line's
 * case is checked again first — its workflow must let the payment step leave its state, and
 * jy_conflicts_check_case must find nothing hard. Left out and listed in skipped as a JSON array
 * [{"payable_id","reason",…}]: payees without an account on record, cases that fail, and
 * duplicates — two payables paying the same payee for the same programme, period and claim
 * (jy_ledger_claim_key), whether both wait for this batch or one is already in a batch or paid;
 * each is held with a finding naming the other ("duplicate_of") until a person cancels the wrong
 * one. JY_ENOTFOUND when nothing can be paid (skipped still filled). out receives the batch. */
int jy_batch_build_cases(jy_cases *cs, const char *county, const char *program, const char *month, int year,
                         const char *actor, jy_batch *out, jy_sb *skipped, jy_err *err);
/* jy_batch_build_cases with an idempotency key (NULL: none; idempotency.h); out receives the
 * answer: the batch with "skipped". */
int jy_batch_build_request(jy_cases *cs, const char *county, const char *program, const char *month, int year,
                           const char *idem_key, const char *actor, jy_sb *out, int *replayed, jy_err *err);

/* The review step: draft → approved, by someone other than the builder. */
int jy_batch_approve(jy_cases *cs, int64_t id, const char *actor, jy_batch *out, jy_err *err);
/* jy_batch_approve with an idempotency key; out receives the batch as JSON. */
int jy_batch_approve_request(jy_cases *cs, int64_t id, const char *idem_key, const char *actor, jy_sb *out,
                             int *replayed, jy_err *err);

/* Writes the bank file of an approved (or paid) batch — CSV and/or XLSX, either path may be NULL
 * (both NULL: only exported_at is recorded) — in the county's default layout and encoding
 * (jy_batch_export_bank below: one row per transfer). Records exported_at. JY_ENODATA for XLSX
 * when built without libxlsxwriter. The payees' ID numbers and accounts are masked (a copy to
 * check or file; docs/privacy.md): the file the bank pays from is jy_batch_export_unmasked's. */
int jy_batch_export(jy_cases *cs, int64_t id, const char *csv_path, const char *xlsx_path, const char *actor,
                    jy_err *err);
/* The bank file with the values whole, for payment: rq must ask for the unmasked view with a
 * reason, and its actor's role must hold JY_PRIV_BANK (finance, admin). The access-log entry
 * (export, pay_batch, "<id> csv=… xlsx=…") is committed before the file is written; a refusal
 * is logged as refused and writes nothing (service/privacy.h jy_privacy_grant). */
int jy_batch_export_unmasked(jy_cases *cs, int64_t id, const char *csv_path, const char *xlsx_path,
                             const jy_access_req *rq, jy_err *err);

/* The bank file (代发文件), issue 13: one row per transfer — a batch's lines to one payee account
 * summed, with a memo naming the programme and the people or class it pays ("P1拨付：马小军、杨帆、
 * 李娜") — in a layout read from policy_dir/bank-layouts/NAME.layout (bank_layout.h), CSV in
 * GB18030 or UTF-8 with a BOM. The XLSX has the transfers (sheet 代发明细) and which payables each
 * pays (sheet 应付款明细). jy_batch_export and jy_batch_export_unmasked are this with the
 * defaults. */
typedef struct jy_bank_export {
    const char *csv_path, *xlsx_path; /* either may be NULL */
    const char *layout;     /* NULL: the county's setting bank_layout (default "generic") */
    const char *encoding;   /* NULL: the layout's, else the setting bank_encoding (default "gb18030") */
    const char *policy_dir; /* NULL: $JIUYE_POLICY, else the built-in policy directory */
} jy_bank_export;

typedef struct jy_bank_export_info {
    char layout[48], layout_title[128], encoding[16];
    int transfers, lines;
} jy_bank_export_info;

/* rq NULL or not asking to unmask: the masked copy (as jy_batch_export, by actor); else the file
 * with the values whole (as jy_batch_export_unmasked). info (may be NULL) receives what was
 * written. A layout that pays persons only refuses a batch with an organisation's transfer. */
int jy_batch_export_bank(jy_cases *cs, int64_t id, const jy_bank_export *x, const jy_access_req *rq,
                         const char *actor, jy_bank_export_info *info, jy_err *err);

typedef struct jy_batch_run {
    int paid;          /* lines paid by this run */
    int already_paid;  /* lines found paid (earlier run) */
    int failed;        /* lines left failed (retry them) */
    int pending;       /* lines still pending afterwards */
} jy_batch_run;

/* Marks an approved batch's pending lines paid (line 0: all, else that one), each in its own
 * transaction, and moves each paid line's case to paid (its workflow's payment step,
 * jy_case_paid_by_batch) in the same transaction as the ledger posting and audit entries.
 * JIUYE_TEST_DELAY_MS (test hook) sleeps that long inside each line's transaction, before its
 * commit, so a test can kill the process mid-batch. When no line is left unpaid the batch
 * becomes "paid". A run of a batch that is paid already reports its lines as already paid and
 * changes nothing.
 *
 * Runs of one batch never overlap: this, jy_batch_mark_failed and jy_batch_retry hold the
 * batch's run lock (store/run_lock.h) from start to end, so of several at once — in this or other
 * processes, on either backend — exactly one goes ahead and every other returns JY_ECONFLICT
 * "payment batch N is being paid by another run right now …" having changed nothing. A run
 * that dies (kill -9) releases the lock with its process; the next run pays the lines it left. */
int jy_batch_mark_paid_cases(jy_cases *cs, int64_t id, int line, const char *actor, jy_batch_run *run, jy_err *err);
/* The same with the bank's value date paid_on (0: now): each line paid by this run records it
 * (paid_at "YYYY-MM-DD") and its case's payment step is dated by it. JY_EINVAL naming the date
 * when it lies after today. */
int jy_batch_mark_paid_on(jy_cases *cs, int64_t id, int line, jy_date paid_on, const char *actor, jy_batch_run *run,
                          jy_err *err);

/* Per transfer (issue 13), as the bank reports it: transfer 0 pays every pending line, else the
 * lines of that transfer (one row of the bank file), each line in its own transaction as above.
 * paid_on ("YYYY-MM-DD", NULL or "" for today) is the date the bank paid, recorded as the lines'
 * paid_at: not after today, not before the batch was approved. */
int jy_batch_mark_paid_transfer(jy_cases *cs, int64_t id, int transfer, const char *paid_on, const char *actor,
                                jy_batch_run *run, jy_err *err);
/* The bank returned a transfer unpaid: its pending lines → failed with the reason, together. */
int jy_batch_mark_failed_transfer(jy_cases *cs, int64_t id, int transfer, const char *reason, const char *actor,
                                  jy_err *err);
/* A failed transfer's lines back to pending together, the account read again; n (may be NULL)
 * receives how many. */
int jy_batch_retry_transfer(jy_cases *cs, int64_t id, int transfer, const char *actor, int *n, jy_err *err);

/* The bank returned line unpaid: pending → failed with the reason (money stays committed). */
int jy_batch_mark_failed(jy_cases *cs, int64_t id, int line, const char *reason, const char *actor, jy_err *err);

/* A failed line goes back to pending, with the payee's account read again from the registry
 * (it may have been corrected); mark it paid again afterwards. */
int jy_batch_retry(jy_cases *cs, int64_t id, int line, const char *actor, jy_batch_line *out, jy_err *err);

#endif
