/*
** Internal: UTF-8 validation.
*/
#ifndef PREFMON_CORE_UTF8_H
#define PREFMON_CORE_UTF8_H

#include <stddef.h>

/** 0 when the n bytes at s are valid UTF-8 without NUL (RFC 3629: no
 *  overlong forms, no surrogates, nothing past U+10FFFF); otherwise the
 *  1-based offset of the first byte that is not. */
size_t pmx_utf8_bad(const char *s, size_t n);

#endif
