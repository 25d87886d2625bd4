/*
 * version: the curses library version for sftptop --version. It lives in
 * ui/ because only ui/ may include curses.
 */
#include "provide_curses.h"
#include "ui.h"

const char *ui_curses_version(void)
{
	return curses_version();
}
