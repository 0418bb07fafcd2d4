/*
 * Functions that must not be used in Trellis (after git's banned.h).
 *
 * Each is either unbounded (strcpy, strcat, sprintf), not reentrant (strtok)
 * or silent about bad input (atoi). Use snprintf, buf_*, str_* or strtol with
 * end and errno checks instead. Included last by common.h.
 */
#ifndef TRELLIS_BANNED_H
#define TRELLIS_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_in_trellis

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef gmtime
#define gmtime(x) BANNED(gmtime)
#undef localtime
#define localtime(x) BANNED(localtime)

#endif
