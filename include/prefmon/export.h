/*
** prefmon — symbol visibility and attribute macros, included by every
** public header.
**
** PM_API marks a function of the public API: it is exported from the shared
** library (built with -fvisibility=hidden, so nothing else is). Build the
** library with PM_BUILDING; link it statically with PM_STATIC (Windows-style
** import decorations are then left out).
**
** PM_PRINTF(f, a) is GCC's format attribute, and PM_NODISCARD its
** warn_unused_result. Both expand to nothing for a C parser without GNU
** extensions (cffi, ctypesgen, bindgen in C mode): define PM_NO_ATTRIBUTES
** before including a prefmon header, or use any compiler that is not GCC
** or Clang.
**
** PM_BEGIN_DECLS / PM_END_DECLS wrap each header in extern "C" for C++.
*/
#ifndef PREFMON_EXPORT_H
#define PREFMON_EXPORT_H

#if defined(_WIN32) && !defined(PM_STATIC)
#ifdef PM_BUILDING
#define PM_API __declspec(dllexport)
#else
#define PM_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) && !defined(PM_NO_ATTRIBUTES)
#define PM_API __attribute__((visibility("default")))
#else
#define PM_API
#endif

#if defined(__GNUC__) && !defined(PM_NO_ATTRIBUTES)
#define PM_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define PM_NODISCARD __attribute__((warn_unused_result))
#else
#define PM_PRINTF(fmt, args)
#define PM_NODISCARD
#endif

#ifdef __cplusplus
#define PM_BEGIN_DECLS extern "C" {
#define PM_END_DECLS }
#else
#define PM_BEGIN_DECLS
#define PM_END_DECLS
#endif

#endif
