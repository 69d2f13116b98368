/*
** prefmon — text forms shared by every writer: the shortest round-trip
** decimal of a double, the reversible spreadsheet-formula guard of CSV text
** cells, and the escaping of control bytes for a terminal.
**
** One source for each rule: every CSV prefmon writes guards its text cells
** with pm_csv_guard, and every reader of prefmon's own CSV undoes it with
** pm_csv_unguard, so `=x` and `'=x` stay two different names.
**
** Ownership: every function writes into a caller-owned buffer and returns
** the length the whole result needs (excluding the NUL), like snprintf: the
** result was cut when the return value is >= size. Nothing is allocated.
*/
#ifndef PREFMON_TEXT_H
#define PREFMON_TEXT_H

#include <stddef.h>

#include "prefmon/export.h"

PM_BEGIN_DECLS

/** Room for any pm_fmt_double result with its NUL
 *  ("-2.2250738585072014e-308" is 24 characters). */
#define PM_DOUBLE_TEXT 32

/** The shortest decimal (printf %g style, 1 to 17 significant digits) that
 *  reads back with strtod as exactly v: 0.9 -> "0.9", 0.1 + 0.2 ->
 *  "0.30000000000000004". NaN -> "nan", infinities -> "inf" / "-inf". */
PM_API size_t pm_fmt_double(double v, char *buf, size_t size);

/** 1 when a CSV text cell starting like s must be guarded: its first byte
 *  is one that spreadsheets read as a formula (= + - @), hides one (TAB,
 *  CR), or is the guard itself ('), so that the guard can be undone. */
PM_API int pm_csv_needs_guard(const char *s);

/** The guarded form of a text cell: "'" + s when pm_csv_needs_guard(s),
 *  else s (OWASP CSV injection). Reversible: pm_csv_unguard gives s back,
 *  for every s. Numbers are not text cells and are never guarded. */
PM_API size_t pm_csv_guard(const char *s, char *buf, size_t size);

/** The inverse of pm_csv_guard: drops one leading "'" when the byte after
 *  it is one pm_csv_needs_guard guards; returns a pointer into s (no copy). */
PM_API const char *pm_csv_unguard(const char *s);

/** s for a terminal or a one-line message: control bytes (C0, DEL) and
 *  bytes that are not UTF-8 become \n, \r, \t or \xHH, and a backslash
 *  stays a backslash. The result never holds a byte a terminal acts on. */
PM_API size_t pm_text_escape(const char *s, char *buf, size_t size);

/** 1 when pm_text_escape would change s (so callers can skip the copy). */
PM_API int pm_text_needs_escape(const char *s);

PM_END_DECLS

#endif
