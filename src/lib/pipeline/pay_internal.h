/* Internal: the payment table's columns, ONE list shared by its writer
 * (pay_write.c, which defines it) and its reader (pay_read.c), so that the
 * reader cannot drift from what the writer writes (pmx_). */
#ifndef PREFMON_PAY_INTERNAL_H
#define PREFMON_PAY_INTERNAL_H

enum {
    PMX_PAY_ANNOTATOR,
    PMX_PAY_PAIRS,
    PMX_PAY_CONSISTENT,
    PMX_PAY_WAGE,
    PMX_PAY_PAID,
    PMX_PAY_BONUS,
    PMX_PAY_REASON,
    PMX_PAY_CURRENCY,
    PMX_PAY_UNIT,
    PMX_PAY_NCOL
};

/* The header names in column order ("annotator", "pairs", ...). */
extern const char *const pmx_pay_cols[PMX_PAY_NCOL];

#endif
