/*
** Wages from each annotator's outcome, in exact integer cents (see pay.h
** for the rule and the rounding).
*/
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/pay.h"
#include "prefmon/text.h"

/* 128-bit integers: a GCC/Clang extension, marked so -Wpedantic accepts it. */
__extension__ typedef __int128 i128;

/* Largest amount written: 10^15 cents (10 trillion in the currency). */
#define MAX_CENTS 1000000000000000LL
/* A decimal with more places than this cannot be scaled exactly anyway. */
#define MAX_SCALE 36

/* A decimal number num / 10^scale. */
typedef struct dec {
    i128 num;
    int scale;
} dec;

static int pow10_i128(int e, i128 *out)
{
    i128 p = 1;
    for (int i = 0; i < e; i++)
        if (__builtin_mul_overflow(p, 10, &p))
            return 0;
    *out = p;
    return 1;
}

/* Parse "[-]d.ddd[e[+-]dd]" (what %.*e prints, or a plain decimal). */
static int dec_parse(const char *s, dec *out)
{
    int neg = 0, digits = 0, frac = 0, seen_dot = 0;
    i128 m = 0;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            if (digits >= 36)
                return 0;
            if (m > 0 || *s != '0')
                digits++;
            m = m * 10 + (*s - '0');
            frac += seen_dot;
        } else if (*s == '.' && !seen_dot) {
            seen_dot = 1;
        } else {
            break;
        }
    }
    long e = 0;
    if (*s == 'e' || *s == 'E') {
        char *end;
        e = strtol(s + 1, &end, 10);
        s = end;
    }
    if (*s != '\0')
        return 0;
    long scale = frac - e;
    if (scale < 0) {
        i128 p;
        if (-scale > MAX_SCALE || !pow10_i128((int)-scale, &p) || __builtin_mul_overflow(m, p, &m))
            return 0;
        scale = 0;
    }
    if (scale > MAX_SCALE)
        return 0;
    out->num = neg ? -m : m;
    out->scale = (int)scale;
    return 1;
}

/* The shortest decimal that reads back as v (pm_fmt_double: at most 17
 * digits, "%g" form, which dec_parse reads with or without an exponent). */
static int dec_from_double(double v, dec *out)
{
    char buf[PM_DOUBLE_TEXT];
    if (!isfinite(v))
        return 0;
    pm_fmt_double(v, buf, sizeof buf);
    return dec_parse(buf, out);
}

/* a rescaled to `scale` >= a.scale. */
static int dec_rescale(dec a, int scale, i128 *num)
{
    i128 p;
    return pow10_i128(scale - a.scale, &p) && !__builtin_mul_overflow(a.num, p, num);
}

/* round(num / den) half away from zero, den > 0. */
static i128 div_round(i128 num, i128 den)
{
    i128 q = num / den, r = num % den;
    i128 ar = r < 0 ? -r : r;
    if (ar >= den - ar)
        q += num < 0 ? -1 : 1;
    return q;
}

/* cents = round(100 * unit * (a + b * x / m)), exactly. b may be NULL. */
static int cents_of(dec a, const dec *b, long x, long m, dec unit, long long *cents)
{
    int s = a.scale;
    if (b && b->scale > s)
        s = b->scale;
    i128 an, bn = 0, p, num, den, su;
    if (!dec_rescale(a, s, &an) || (b && !dec_rescale(*b, s, &bn)))
        return 0;
    /* (an * m + bn * x) / (10^s * m) */
    if (__builtin_mul_overflow(an, (i128)m, &num) || __builtin_mul_overflow(bn, (i128)x, &p) ||
        __builtin_add_overflow(num, p, &num))
        return 0;
    if (!pow10_i128(s, &den) || __builtin_mul_overflow(den, (i128)m, &den))
        return 0;
    if (!pow10_i128(unit.scale, &su) || __builtin_mul_overflow(den, su, &den) ||
        __builtin_mul_overflow(num, unit.num, &num) || __builtin_mul_overflow(num, 100, &num))
        return 0;
    i128 c = div_round(num, den);
    if (c > MAX_CENTS || c < -MAX_CENTS)
        return 0;
    *cents = (long long)c;
    return 1;
}

pm_status pm_pay_scaled_threshold(long k, long n, long n_i, long *k_i, pm_error *err)
{
    if (n < 1 || k < 0 || n_i < 0)
        return pm_error_set(err, PM_EINVAL,
                            "threshold scaling needs n >= 1, k >= 0, n_i >= 0 (got n = %ld, "
                            "k = %ld, n_i = %ld)",
                            n, k, n_i);
    long prod, num;
    if (__builtin_mul_overflow(k, n_i, &prod) || __builtin_add_overflow(prod, n - 1, &num))
        return pm_error_set(err, PM_ERANGE,
                            "threshold scaling: k * n_i + n - 1 overflows "
                            "(k = %ld, n_i = %ld, n = %ld)",
                            k, n_i, n);
    *k_i = num / n;
    return PM_OK;
}

void pm_money_format(long long cents, char *buf, size_t size)
{
    unsigned long long a = cents < 0 ? 0ULL - (unsigned long long)cents : (unsigned long long)cents;
    snprintf(buf, size, "%s%llu.%02llu", cents < 0 ? "-" : "", a / 100, a % 100);
}

pm_status pm_money_parse(const char *s, long long *cents, pm_error *err)
{
    const char *p = s;
    long long whole = 0;
    int nd = 0, frac = 0, nf = 0;
    if (!s)
        return pm_error_set(err, PM_EINVAL, "amount: missing");
    for (; *p >= '0' && *p <= '9'; p++, nd++) {
        if (whole > (MAX_CENTS / 100) / 10)
            return pm_error_set(err, PM_EINVAL, "amount '%s': too large", s);
        whole = whole * 10 + (*p - '0');
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, nf++) {
            if (nf < 2)
                frac = frac * 10 + (*p - '0');
            else if (*p != '0')
                return pm_error_set(err, PM_EINVAL,
                                    "amount '%s': more than two decimals (amounts are in cents)",
                                    s);
        }
    }
    if (*p != '\0' || (nd == 0 && nf == 0))
        return pm_error_set(err, PM_EINVAL,
                            "amount '%s': not a non-negative decimal number such as 1.50", s);
    if (nf == 1)
        frac *= 10;
    *cents = whole * 100 + frac;
    return PM_OK;
}

static pm_status check_terms(const pm_contract_terms *t, pm_error *err)
{
    if (!t || (t->type != PM_CONTRACT_LINEAR && t->type != PM_CONTRACT_BINARY))
        return pm_error_set(err, PM_EINVAL, "contract terms: missing or unknown contract type");
    if (t->n < 1)
        return pm_error_set(err, PM_EINVAL, "contract terms: n = %ld, must be >= 1", t->n);
    if (!isfinite(t->base))
        return pm_error_set(err, PM_EINVAL, "contract terms: base is not a finite number");
    if (t->type == PM_CONTRACT_LINEAR && !(isfinite(t->slope) && t->slope >= 0))
        return pm_error_set(err, PM_EINVAL,
                            "contract terms: linear slope must be finite and >= 0 (a contract "
                            "that pays less for more consistency is refused)");
    if (t->type == PM_CONTRACT_BINARY) {
        if (!(isfinite(t->bonus) && t->bonus >= 0))
            return pm_error_set(err, PM_EINVAL,
                                "contract terms: binary bonus must be finite and >= 0");
        if (t->k < 0 || t->k > t->n + 1)
            return pm_error_set(err, PM_EINVAL, "contract terms: k = %ld outside 0..n+1 = %ld",
                                t->k, t->n + 1);
    }
    return PM_OK;
}

/* ISO 4217 (List One, "Current currency & funds code list", SIX Financial
 * Information for the ISO 4217 Maintenance Agency, as amended to 2024/2025):
 * the currencies whose minor unit is 2, i.e. whose amounts are hundredths,
 * which is what pay computes. Funds codes (BOV, CHE, CHW, COU, MXV, USN) are
 * units of account, not money anyone is paid in, and are left out. Sorted,
 * for bsearch. */
static const char two_decimals[][4] = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF",
    "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR",
    "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF",
    "IDR", "ILS", "INR", "IRR", "JMD", "KES", "KGS", "KHR", "KPW", "KYD", "KZT", "LAK", "LBP",
    "LKR", "LRD", "LSL", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "PAB", "PEN", "PGK",
    "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD",
    "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TOP",
    "TRY", "TTD", "TWD", "TZS", "UAH", "USD", "UYU", "UZS", "VED", "VES", "WST", "XCD", "XCG",
    "YER", "ZAR", "ZMW", "ZWG"};

/* ISO 4217 codes whose minor unit is not 2, for a message that says why:
 * 0 decimals, 3 decimals, 4 decimals, and "N.A." (precious metals, special
 * drawing rights, test and no-currency codes). */
static const struct {
    const char *codes, *why;
} other_units[] = {
    {"BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF",
     "has no minor unit in ISO 4217 (0 decimals)"},
    {"BHD IQD JOD KWD LYD OMR TND", "has 3 decimals in ISO 4217"},
    {"CLF UYW", "has 4 decimals in ISO 4217"},
    {"XAG XAU XBA XBB XBC XBD XDR XPD XPT XSU XTS XUA XXX",
     "is an ISO 4217 code without a minor unit (a metal, a unit of account, a test or "
     "no-currency code), not money to pay in"},
    {"BOV CHE CHW COU MXV USN", "is an ISO 4217 funds code (a unit of account), not a currency"},
};

static int cmp_code(const void *a, const void *b)
{
    return strcmp(a, b);
}

pm_status pm_pay_check_currency(const char *c, pm_error *err)
{
    if (!c || strlen(c) != 3 || strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
        return pm_error_set(
            err, PM_EINVAL,
            "currency '%s': not an ISO 4217 code of three capital letters (USD, GBP, "
            "EUR)",
            c ? c : "");
    if (bsearch(c, two_decimals, sizeof two_decimals / sizeof *two_decimals, sizeof *two_decimals,
                cmp_code))
        return PM_OK;
    for (size_t i = 0; i < sizeof other_units / sizeof *other_units; i++) {
        const char *hit = strstr(other_units[i].codes, c);
        if (hit && (hit - other_units[i].codes) % 4 == 0)
            return pm_error_set(
                err, PM_EINVAL,
                "currency %s %s; prefmon pays in hundredths, so only currencies with 2 "
                "decimals (USD, GBP, EUR, ...) can be paid",
                c, other_units[i].why);
    }
    return pm_error_set(err, PM_EINVAL,
                        "currency '%s': not a current ISO 4217 currency code (USD, GBP, EUR, ...)",
                        c);
}

/* Finer units than this cannot be multiplied exactly by terms with up to
 * 17 significant digits in 128-bit integers, and a millionth of the
 * currency per contract unit is far below any cent a wage can hold. */
#define MAX_UNIT_DECIMALS 6

/* The unit as a decimal; 0 with err set when it is not a positive decimal
 * with at most MAX_UNIT_DECIMALS places (trailing zeros do not count). */
static pm_status parse_unit(const char *u, dec *unit, pm_error *err)
{
    if (!u || !*u)
        return pm_error_set(err, PM_EINVAL,
                            "the money unit is required (money per contract unit, e.g. 0.10)");
    int ok = strspn(u, "0123456789.") == strlen(u) && strchr(u, '.') == strrchr(u, '.') &&
             strcmp(u, ".") != 0 && dec_parse(u, unit);
    if (!ok || unit->num <= 0)
        return pm_error_set(err, PM_EINVAL,
                            "unit '%s': not a positive decimal number (money per contract unit, "
                            "e.g. 0.10)",
                            u);
    while (unit->scale > 0 && unit->num % 10 == 0) {
        unit->num /= 10;
        unit->scale--;
    }
    if (unit->scale > MAX_UNIT_DECIMALS)
        return pm_error_set(err, PM_EINVAL,
                            "unit '%s' has %d decimal places; at most %d (a millionth of the "
                            "currency per contract unit) are supported",
                            u, unit->scale, MAX_UNIT_DECIMALS);
    return PM_OK;
}

pm_status pm_pay_check_unit(const char *unit, pm_error *err)
{
    dec d;
    return parse_unit(unit, &d, err);
}

static pm_status check_options(const pm_pay_options *opt, dec *unit, pm_error *err)
{
    if (!opt)
        return pm_error_set(err, PM_EINVAL, "pay options missing");
    if (!pm_threshold_rule_name(opt->threshold))
        return pm_error_set(err, PM_EINVAL, "pay options: unknown threshold rule %d",
                            (int)opt->threshold);
    if (opt->partial != PM_PAY_PARTIAL_BASE && opt->partial != PM_PAY_PARTIAL_PRO_RATA)
        return pm_error_set(err, PM_EINVAL, "pay options: unknown partial rule %d",
                            (int)opt->partial);
    pm_status st = parse_unit(opt->unit, unit, err);
    return st == PM_OK ? pm_pay_check_currency(opt->currency, err) : st;
}

static int cmp_name(const void *a, const void *b)
{
    const pm_pay_input *x = *(const pm_pay_input *const *)a, *y = *(const pm_pay_input *const *)b;
    return strcmp(x->annotator, y->annotator);
}

static pm_status check_rows(const pm_pay_input *in, size_t count, pm_error *err)
{
    for (size_t i = 0; i < count; i++) {
        const pm_pay_input *r = &in[i];
        if (!r->annotator || !*r->annotator)
            return pm_error_set(err, PM_EINVAL, "row %zu: empty annotator id", i + 1);
        if (r->pairs < 0 || r->consistent < 0 || r->consistent > r->pairs)
            return pm_error_set(err, PM_EINVAL,
                                "annotator '%s': consistent = %ld, pairs = %ld (need 0 <= "
                                "consistent <= pairs)",
                                r->annotator, r->consistent, r->pairs);
        if (r->paid_cents < 0 || r->paid_cents > MAX_CENTS)
            return pm_error_set(err, PM_EINVAL, "annotator '%s': paid amount out of range",
                                r->annotator);
    }
    if (count < 2)
        return PM_OK;
    const pm_pay_input **idx = malloc(count * sizeof *idx);
    if (!idx)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    for (size_t i = 0; i < count; i++)
        idx[i] = &in[i];
    qsort(idx, count, sizeof *idx, cmp_name);
    pm_status st = PM_OK;
    for (size_t i = 1; i < count && st == PM_OK; i++)
        if (strcmp(idx[i - 1]->annotator, idx[i]->annotator) == 0)
            st = pm_error_set(err, PM_EINVAL,
                              "annotator '%s' appears twice: each annotator is paid once "
                              "(merge the rows first)",
                              idx[i]->annotator);
    free(idx);
    return st;
}

/* Append to the row's reason (cut like snprintf). */
static void reason_add(pm_pay_row *o, const char *fmt, const char *a, const char *b)
{
    char more[2 * PM_PAY_REASON];
    snprintf(more, sizeof more, fmt, a, b);
    size_t n = strlen(o->reason), m = strlen(more);
    if (n + m + 1 > sizeof o->reason)
        m = sizeof o->reason - n - 1;
    memcpy(o->reason + n, more, m);
    o->reason[n + m] = '\0';
}

/* The ones among the first n outcomes. */
static long first_ones(const char *outcomes, long n)
{
    long x = 0;
    for (long j = 0; j < n && outcomes[j]; j++)
        x += outcomes[j] == '1';
    return x;
}

/* The wage of one row in cents, with k_used/passed and the reason. */
static pm_status pay_one(const pm_contract_terms *t, const dec terms[3], dec unit,
                         const pm_pay_options *opt, const pm_pay_input *r,
                         const pm_pay_evidence *ev, pm_pay_row *o, pm_error *err)
{
    long ni = r->pairs, x = r->consistent;
    int ok, n = 0, first_n = opt->threshold == PM_THRESHOLD_FIRST_N;
    o->k_used = 0;
    o->passed = 0;
    o->judged_pairs = ni;
    o->judged_consistent = x;
    if (ni == 0) {
        ok = cents_of(terms[0], NULL, 0, 1, unit, &o->wage_cents);
        n = snprintf(o->reason, sizeof o->reason, "no pairs");
    } else if (ni != t->n && opt->strict_n) {
        return pm_error_set(
            err, PM_EINVAL,
            "annotator '%s' has %ld pairs but the contract is for n = %ld "
            "(strict mode refuses; drop the strict option to judge them by the "
            "threshold rule %s)",
            r->annotator, ni, t->n,
            pm_threshold_rule_name(opt->threshold) ? pm_threshold_rule_name(opt->threshold) : "?");
    } else if (first_n && ni < t->n) {
        /* No bonus on less evidence than the contract asked for: paying
         * 1 of 1 but not 15 of 16 is what the scaled threshold did. */
        o->partial = 1;
        dec zero = {0, 0};
        if (opt->partial == PM_PAY_PARTIAL_PRO_RATA)
            ok = cents_of(zero, &terms[0], ni, t->n, unit, &o->wage_cents);
        else
            ok = cents_of(terms[0], NULL, 0, 1, unit, &o->wage_cents);
        n = snprintf(o->reason, sizeof o->reason,
                     "%ld of %ld pairs consistent, fewer than the contract's n = %ld: no bonus "
                     "on this evidence, %s",
                     x, ni, t->n,
                     opt->partial == PM_PAY_PARTIAL_PRO_RATA ? "base pro rata" : "base only");
    } else {
        long nj = ni;
        if (first_n && ni > t->n) {
            if (!ev->outcomes)
                return pm_error_set(
                    err, PM_EPARSE,
                    "annotator '%s' has %ld pairs, more than the contract's n = %ld, and the "
                    "assessment does not record their order (pair_outcomes), so the first n "
                    "cannot be judged: rerun assess to record it, or choose the threshold rule "
                    "scaled",
                    r->annotator, ni, t->n);
            nj = t->n;
            x = first_ones(ev->outcomes, nj);
            o->judged_pairs = nj;
            o->judged_consistent = x;
        }
        char of[64] = "";
        if (nj != ni)
            snprintf(of, sizeof of, " (the first %ld of %ld pairs)", nj, ni);
        if (t->type == PM_CONTRACT_LINEAR) {
            ok = cents_of(terms[0], &terms[1], x, nj, unit, &o->wage_cents);
            n = snprintf(o->reason, sizeof o->reason, "linear: %ld of %ld consistent%s", x, nj, of);
        } else {
            o->k_used = t->k;
            if (!first_n) {
                pm_status st = pm_pay_scaled_threshold(t->k, t->n, ni, &o->k_used, err);
                if (st != PM_OK)
                    return st;
            }
            o->passed = x >= o->k_used;
            ok = cents_of(terms[0], o->passed ? &terms[2] : NULL, 1, 1, unit, &o->wage_cents);
            n = snprintf(o->reason, sizeof o->reason, "%s: %ld of %ld consistent%s %s k = %ld",
                         o->passed ? "passed" : "below threshold", x, nj, of,
                         o->passed ? ">=" : "<", o->k_used);
            if (!first_n && ni != t->n && n > 0 && (size_t)n < sizeof o->reason)
                n += snprintf(o->reason + n, sizeof o->reason - (size_t)n,
                              " (k = %ld for n = %ld scaled to ceil(%ld*%ld/%ld))", t->k, t->n,
                              t->k, ni, t->n);
        }
    }
    if (!ok)
        return pm_error_set(err, PM_ERANGE,
                            "annotator '%s': the wage times the unit cannot be computed exactly "
                            "in 128-bit cents or exceeds 10^13 (round the contract terms to "
                            "fewer decimals)",
                            r->annotator);
    o->paid_cents = r->paid_cents;
    o->bonus_cents = o->wage_cents - r->paid_cents;
    if (o->bonus_cents < 0 && n > 0 && (size_t)n < sizeof o->reason) {
        char b[32];
        pm_money_format(-o->bonus_cents, b, sizeof b);
        snprintf(o->reason + n, sizeof o->reason - (size_t)n,
                 "; wage below the amount already paid by %s (not deducted, not uploaded)", b);
    }
    /* Pay follows the action: only pay is uploaded, unless the buyer says
     * to pay review or block anyway; a hold is never uploaded. */
    pm_action act = ev->action;
    o->action = act;
    const char *why = ev->action_reason[0] ? ev->action_reason : pm_action_name(act);
    if (o->bonus_cents > 0 && act != PM_ACTION_PAY) {
        unsigned bit = act == PM_ACTION_REVIEW  ? PM_PAY_FLAGGED_REVIEW
                       : act == PM_ACTION_BLOCK ? PM_PAY_FLAGGED_BLOCK
                                                : 0;
        if (bit && (opt->pay_flagged & bit)) {
            reason_add(o, "; %s, uploaded as the buyer chose: %s", pm_action_name(act), why);
        } else {
            o->withheld = 1;
            reason_add(o, "; not uploaded, %s: %s",
                       act == PM_ACTION_HOLD ? "bonus held" : pm_action_name(act), why);
        }
    }
    o->upload_cents = o->bonus_cents > 0 && !o->withheld ? o->bonus_cents : 0;
    return PM_OK;
}

pm_status pm_pay_compute(const pm_contract_terms *t, const pm_pay_options *opt,
                         const pm_pay_input *in, size_t count, pm_pay_row *out, pm_pay_summary *sum,
                         pm_error *err)
{
    return pm_pay_compute_ev(t, opt, in, NULL, count, out, sum, err);
}

pm_status pm_pay_compute_ev(const pm_contract_terms *t, const pm_pay_options *opt,
                            const pm_pay_input *in, const pm_pay_evidence *ev, size_t count,
                            pm_pay_row *out, pm_pay_summary *sum, pm_error *err)
{
    static const pm_pay_evidence none; /* action pay, no pair order */
    dec unit, terms[3] = {{0, 0}, {0, 0}, {0, 0}};
    pm_status st = check_terms(t, err);
    if (st == PM_OK)
        st = check_options(opt, &unit, err);
    if (st == PM_OK && count > 0 && (!in || !out))
        st = pm_error_set(err, PM_EINVAL, "pm_pay_compute: rows or output missing");
    if (st == PM_OK)
        st = check_rows(in, count, err);
    if (st != PM_OK)
        return st;
    if (!dec_from_double(t->base, &terms[0]) ||
        (t->type == PM_CONTRACT_LINEAR && !dec_from_double(t->slope, &terms[1])) ||
        (t->type == PM_CONTRACT_BINARY && !dec_from_double(t->bonus, &terms[2])))
        return pm_error_set(err, PM_ERANGE,
                            "contract terms: a term has no exact decimal within 36 places");
    pm_pay_summary s;
    memset(&s, 0, sizeof s);
    for (size_t i = 0; i < count; i++) {
        pm_pay_row *o = &out[i];
        memset(o, 0, sizeof *o);
        o->annotator = in[i].annotator;
        o->pairs = in[i].pairs;
        o->consistent = in[i].consistent;
        st = pay_one(t, terms, unit, opt, &in[i], ev ? &ev[i] : &none, o, err);
        if (st != PM_OK)
            return st;
        s.rows++;
        s.no_pairs += o->pairs == 0;
        s.scaled += opt->threshold == PM_THRESHOLD_SCALED && t->type == PM_CONTRACT_BINARY &&
                    o->pairs > 0 && o->pairs != t->n;
        s.partial += o->partial;
        s.truncated += o->judged_pairs != o->pairs;
        s.withheld += o->withheld;
        s.held += o->withheld && o->action == PM_ACTION_HOLD;
        if (__builtin_add_overflow(s.upload_total_cents, o->upload_cents, &s.upload_total_cents))
            return pm_error_set(err, PM_ERANGE, "the total of the uploads overflows");
        if (__builtin_add_overflow(s.wage_total_cents, o->wage_cents, &s.wage_total_cents))
            return pm_error_set(err, PM_ERANGE, "the total of the wages overflows");
        s.payable += o->upload_cents > 0;
        if (o->bonus_cents > 0) {
            if (__builtin_add_overflow(s.bonus_total_cents, o->bonus_cents, &s.bonus_total_cents))
                return pm_error_set(err, PM_ERANGE, "the total of the bonuses overflows");
        } else if (o->bonus_cents == 0) {
            s.zero++;
        } else {
            s.negative++;
        }
    }
    if (sum)
        *sum = s;
    return PM_OK;
}

pm_status pm_pay_rule_text(const pm_contract_terms *t, const pm_pay_options *opt, char *buf,
                           size_t size, pm_error *err)
{
    pm_status st = check_terms(t, err);
    if (st != PM_OK)
        return st;
    if (!buf || size == 0)
        return pm_error_set(err, PM_EINVAL, "pm_pay_rule_text: no buffer");
    int strict = opt && opt->strict_n;
    int scaled = opt && opt->threshold == PM_THRESHOLD_SCALED;
    int pro_rata = opt && opt->partial == PM_PAY_PARTIAL_PRO_RATA;
    const char *unit = opt && opt->unit ? opt->unit : "?";
    const char *cur = opt && opt->currency ? opt->currency : "?";
    char base[40], more[40], other[320];
    /* The terms as money, rounded to cents as the wages are: a solver's
     * base of 2.07e-10 units is 0.00, not "2.07e-10". */
    dec du, d;
    long long c;
    pm_error ignore;
    double mt = t->type == PM_CONTRACT_BINARY ? t->bonus : t->slope;
    if (parse_unit(opt ? opt->unit : NULL, &du, &ignore) == PM_OK && dec_from_double(t->base, &d) &&
        cents_of(d, NULL, 0, 1, du, &c)) {
        pm_money_format(c, base, sizeof base);
    } else {
        pm_fmt_double(t->base, base, sizeof base);
        strcat(base, " units");
    }
    if (parse_unit(opt ? opt->unit : NULL, &du, &ignore) == PM_OK && dec_from_double(mt, &d) &&
        cents_of(d, NULL, 0, 1, du, &c)) {
        pm_money_format(c, more, sizeof more);
    } else {
        pm_fmt_double(mt, more, sizeof more);
        strcat(more, " units");
    }
    if (strict)
        snprintf(other, sizeof other, "an annotator with n_i != n pairs is refused (strict)");
    else if (scaled && t->type == PM_CONTRACT_BINARY)
        snprintf(other, sizeof other,
                 "threshold rule scaled: an annotator with n_i != n pairs needs ceil(k * n_i / "
                 "n)");
    else if (scaled)
        snprintf(other, sizeof other,
                 "threshold rule scaled: n_i is the annotator's own number of pairs");
    else
        snprintf(other, sizeof other,
                 "threshold rule first-n: an annotator with more than n pairs is judged on the "
                 "first n in order, one with fewer gets no bonus on this evidence (%s)",
                 pro_rata ? "base * n_i / n" : "base only");
    if (t->type == PM_CONTRACT_BINARY)
        snprintf(buf, size,
                 "binary contract for n = %ld pairs: wage = %s %s + %s %s if consistent >= k = "
                 "%ld (contract units times %s %s, rounded to cents half away from zero); %s; "
                 "no pairs: base only",
                 t->n, base, cur, more, cur, t->k, unit, cur, other);
    else
        snprintf(buf, size,
                 "linear contract for n = %ld pairs: wage = %s %s + %s %s * consistent / %s "
                 "(contract units times %s %s, rounded to cents half away from zero); %s; no "
                 "pairs: base only",
                 t->n, base, cur, more, cur, scaled ? "n_i" : "n", unit, cur, other);
    return PM_OK;
}

void pm_pay_options_default(pm_pay_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->unit = "1";
    opt->currency = "USD";
}
