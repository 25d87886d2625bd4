/*
 * keys: the key map as data. Every binding is one row: the key, the action
 * it means, and its line in the help screen (view_help.c draws this table,
 * so the help can never miss a key). Views act on actions, not on keys.
 */
#include "ui_int.h"

#define CTRL(c) ((c) & 0x1f)

const struct key_binding keys_table[] = {
	{ KEY_UP, true, A_UP, "Up Down k j", "move the cursor", K_ALL },
	{ 'k', false, A_UP, NULL, NULL, K_ALL },
	{ KEY_DOWN, true, A_DOWN, NULL, NULL, K_ALL },
	{ 'j', false, A_DOWN, NULL, NULL, K_ALL },
	{ KEY_PPAGE, true, A_PGUP, "PgUp PgDn", "page up / down", K_ALL },
	{ KEY_NPAGE, true, A_PGDN, NULL, NULL, K_ALL },
	{ CTRL('b'), false, A_PGUP, NULL, NULL, K_ALL },
	{ CTRL('f'), false, A_PGDN, NULL, NULL, K_ALL },
	{ 'g', false, A_HOME, "g G Home End", "first / last row", K_ALL },
	{ KEY_HOME, true, A_HOME, NULL, NULL, K_ALL },
	{ 'G', false, A_END, NULL, NULL, K_ALL },
	{ KEY_END, true, A_END, NULL, NULL, K_ALL },
	{ '\n', false, A_OPEN, "Enter l Right", "open the row under the cursor", K_ALL },
	{ '\r', false, A_OPEN, NULL, NULL, K_ALL },
	{ KEY_ENTER, true, A_OPEN, NULL, NULL, K_ALL },
	{ 'l', false, A_OPEN, NULL, NULL, K_ALL },
	{ KEY_RIGHT, true, A_OPEN, NULL, NULL, K_ALL },
	{ KEY_LEFT, true, A_BACK, "Esc h Left Bksp", "back to the previous view", K_ALL },
	{ 'h', false, A_BACK, NULL, NULL, K_ALL },
	{ KEY_BACKSPACE, true, A_BACK, NULL, NULL, K_ALL },
	{ 127, false, A_BACK, NULL, NULL, K_ALL },
	{ CTRL('h'), false, A_BACK, NULL, NULL, K_ALL },
	{ 27, false, A_BACK, NULL, NULL, K_ALL },
	{ 'q', false, A_QUIT, "q", "back; quit in the sessions list", K_ALL },
	{ KEY_F(10), true, A_EXIT, "F10", "quit", K_ALL },
	{ '?', false, A_HELP, "? F1", "this help", K_ALL },
	{ KEY_F(1), true, A_HELP, NULL, NULL, K_ALL },
	{ '/', false, A_SEARCH, "/", "search the rows (then n / N)", K_ALL },
	{ 'n', false, A_NEXT, "n N", "next / previous search match", K_ALL },
	{ 'N', false, A_PREV, NULL, NULL, K_ALL },
	{ '\\', false, A_FILTER, "\\ F4", "filter (user: path: ip: host:)", K_ALL },
	{ KEY_F(4), true, A_FILTER, NULL, NULL, K_ALL },
	{ 'u', false, A_USERS, "u", "pick a user to filter on", K_ALL },
	{ 'D', false, A_DELETIONS, "D", "all deletions, newest first", K_ALL },
	{ '<', false, A_SORT_PREV, "< >", "sort by previous / next column", K_SESSIONS },
	{ '>', false, A_SORT_NEXT, NULL, NULL, K_SESSIONS },
	{ 'I', false, A_INVERT, "I", "invert the sort order", K_SESSIONS },
	{ ' ', false, A_PAUSE, "Space", "pause / resume updates, replay", K_ALL },
	{ 'e', false, A_NEXT_BAD, "e E", "next / prev deletion or failure", K_ALL },
	{ 'E', false, A_PREV_BAD, NULL, NULL, K_ALL },
	{ 'r', false, A_RAW, "r Tab", "session: files / raw events", K_SESSION },
	{ '\t', false, A_RAW, NULL, NULL, K_SESSION },
	{ 'a', false, A_NOISE, "a", "show / hide stat, realpath, ls", K_SESSION },
	{ 's', false, A_SESSION, "s", "open the row's session", K_FILE | K_DELETIONS },
	{ 't', false, A_TIMELINE, "t", "open the row's file timeline", K_SESSION | K_DELETIONS },
	{ 'x', false, A_EXPORT, "x", "save this view as a text report", K_ALL },
	{ '+', false, A_FASTER, "+ -", "replay faster / slower", K_REPLAY },
	{ '=', false, A_FASTER, NULL, NULL, K_REPLAY },
	{ '-', false, A_SLOWER, NULL, NULL, K_REPLAY },
	{ CTRL('l'), false, A_REDRAW, "Ctrl-L", "redraw the screen", K_ALL },
};
const size_t keys_count = sizeof(keys_table) / sizeof(keys_table[0]);

enum action keys_lookup(int key, bool fn)
{
	for (size_t i = 0; i < keys_count; i++)
		if (keys_table[i].key == key && keys_table[i].fn == fn)
			return keys_table[i].action;
	return A_NONE;
}
