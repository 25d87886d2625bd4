/*
 * provide_curses: the one place that includes curses. The wide-character
 * API (get_wch, addnwstr, wcwidth) is needed for UTF-8 names at their real
 * width, so ask for it before the include.
 */
#ifndef SFTPTOP_PROVIDE_CURSES_H
#define SFTPTOP_PROVIDE_CURSES_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <curses.h>

#endif
