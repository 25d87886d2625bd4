/*
 * ttyscan: check the bytes a program wrote to a terminal (as ptyrun keeps
 * them) for control sequences the program did not mean.
 *
 *   ttyscan text FILE [FORBIDDEN...]   only SGR colours (ESC [ digits ; m),
 *                                      CR, LF; nothing else below 0x20, no DEL
 *   ttyscan ui FILE [FORBIDDEN...]     what curses sends: any CSI, the short
 *                                      ESC ( ) = > 7 8 M c forms, CR LF BS TAB BEL,
 *                                      and OSC 104 BEL exactly (terminfo oc)
 *
 * Both modes: no other OSC, no DCS, APC, PM or SOS (ESC ] P _ ^ X), the output is valid
 * UTF-8 with no C1 control (raw or encoded), no bidi control (U+202A-U+202E,
 * U+2066-U+2069, U+200E, U+200F, U+061C) and no zero-width character
 * (U+200B-U+200D, U+2060, U+FEFF). FORBIDDEN strings (C escapes \e \xHH) must
 * not occur anywhere: the raw form of the payloads the test planted, such
 * as "\e[31mINJ". Curses may legitimately send a CSI, so in ui mode an
 * injected CSI is caught by its FORBIDDEN raw form, not by shape.
 * Prints each finding with its offset and context; exit 1 if any, 2 on usage.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esc.h"

static int findings;

static void report(const unsigned char *s, size_t len, size_t at, const char *what)
{
	char ctx[400];
	size_t from = at > 40 ? at - 40 : 0, to = at + 40 < len ? at + 40 : len;

	esc_term(ctx, sizeof(ctx), (const char *)s + from, to - from, false);
	printf("ttyscan: offset %zu: %s: ...%s...\n", at, what, ctx);
	if (++findings > 50) {
		printf("ttyscan: too many findings, stopping\n");
		exit(1);
	}
}

static size_t unescape(char *out, const char *s)
{
	size_t o = 0;

	while (*s != '\0') {
		char c = *s++;
		if (c == '\\' && *s != '\0') {
			c = *s++;
			if (c == 'e')
				c = 033;
			else if (c == 'r')
				c = '\r';
			else if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c == 'x') {
				char hex[3] = { s[0], s[0] ? s[1] : 0, 0 };
				c = (char)strtol(hex, NULL, 16);
				s += strlen(hex);
			}
		}
		out[o++] = c;
	}
	return o;
}

int main(int argc, char **argv)
{
	bool ui;
	FILE *f;
	unsigned char *s = NULL;
	size_t len = 0, cap = 0, n;

	if (argc < 3 || (strcmp(argv[1], "text") != 0 && strcmp(argv[1], "ui") != 0)) {
		fputs("usage: ttyscan text|ui FILE [FORBIDDEN...]\n", stderr);
		return 2;
	}
	ui = strcmp(argv[1], "ui") == 0;
	if ((f = fopen(argv[2], "rb")) == NULL) {
		perror(argv[2]);
		return 2;
	}
	do {
		if (len + 65536 > cap) {
			unsigned char *grown;
			cap = (len + 65536) * 2;
			grown = realloc(s, cap);
			if (grown == NULL) {
				free(s);
				return 2;
			}
			s = grown;
		}
		n = fread(s + len, 1, 65536, f);
		len += n;
	} while (n > 0);
	fclose(f);

	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		unsigned cp;
		size_t k;

		if (c == 033) {
			unsigned char d = i + 1 < len ? s[i + 1] : 0;
			if (d == '[') {
				size_t j = i + 2;
				while (j < len && s[j] >= 0x30 && s[j] <= 0x3f)   /* parameters */
					j++;
				while (j < len && s[j] >= 0x20 && s[j] <= 0x2f)   /* intermediates */
					j++;
				if (j >= len || s[j] < 0x40 || s[j] > 0x7e) {
					report(s, len, i, "malformed CSI");
					i = j;
					continue;
				}
				if (!ui) {
					/* the text report's own colours only: ESC [ digits/; m */
					bool sgr = s[j] == 'm';
					for (size_t q = i + 2; q < j && sgr; q++)
						sgr = (s[q] >= '0' && s[q] <= '9') || s[q] == ';';
					if (!sgr)
						report(s, len, i, "CSI that is not a colour");
				}
				i = j + 1;
				continue;
			}
			/* curses' own "orig_colors" (terminfo oc, xterm: OSC 104), sent on resuming after
			 * SIGTSTP: exactly that and nothing else; it only resets the palette */
			if (ui && i + 6 <= len && memcmp(s + i, "\033]104\a", 6) == 0) {
				i += 6;
				continue;
			}
			if (d == ']' || d == 'P' || d == '_' || d == '^' || d == 'X') {
				report(s, len, i, "OSC/DCS/APC/PM/SOS introducer");
				i += 2;
				continue;
			}
			if (ui && (d == '(' || d == ')') && i + 2 < len) {
				i += 3;
				continue;
			}
			if (ui && (d == '=' || d == '>' || d == '7' || d == '8' || d == 'M' || d == 'c')) {
				i += 2;
				continue;
			}
			report(s, len, i, "ESC sequence the program does not use");
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			bool ok = c == '\n' || c == '\r' || (ui && (c == '\b' || c == '\t' || c == '\a'));
			if (!ok)
				report(s, len, i, "control byte");
			i++;
			continue;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		k = esc_utf8_char(s + i, len - i, &cp);
		if (k == 0) {
			report(s, len, i, c >= 0x80 && c <= 0x9f ? "raw C1 control byte" : "invalid UTF-8");
			i++;
			continue;
		}
		if (cp >= 0x80 && cp <= 0x9f)
			report(s, len, i, "C1 control as UTF-8");
		else if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
		         cp == 0x200f || cp == 0x061c)
			report(s, len, i, "bidi control");
		else if ((cp >= 0x200b && cp <= 0x200d) || cp == 0x2060 || cp == 0xfeff)
			report(s, len, i, "zero-width character");
		i += k;
	}
	for (int a = 3; a < argc; a++) {
		char pat[512];
		size_t plen;
		if (strlen(argv[a]) >= sizeof(pat))
			continue;
		plen = unescape(pat, argv[a]);
		for (const unsigned char *p = s; plen > 0 && (p = memmem(p, len - (size_t)(p - s), pat, plen)) != NULL; p++)
			report(s, len, (size_t)(p - s), "planted payload in raw form");
	}
	free(s);
	if (findings == 0)
		printf("ttyscan: %zu bytes, clean\n", len);
	return findings ? 1 : 0;
}
