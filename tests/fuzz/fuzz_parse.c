/*
 * libFuzzer target: one line through parse_line.
 *
 * Besides crashes and sanitizer reports, it checks the parser's contract:
 * every string in the result lies inside the line or the parser's scratch
 * (ASan sees a read of each), numbers are in range, and every decoded name,
 * passed through esc_term, comes out with no control byte, no C1 control
 * and no bidi or zero-width character: what the terminal would be shown.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esc.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct parser *parser;

static void touch(struct parse_str s)
{
	volatile unsigned sum = 0;

	for (size_t i = 0; i < s.len; i++)
		sum += (unsigned char)s.p[i];
	(void)sum;
}

/* The terminal form of s must be inert: printable ASCII, or UTF-8 that is not dangerous. */
static void check_term(struct parse_str s, bool utf8)
{
	static char out[65536 * 8];
	size_t n = esc_term(out, sizeof(out), s.p, s.len, utf8);
	const unsigned char *o = (const unsigned char *)out;

	if (n >= sizeof(out) || out[n] != '\0')
		abort();
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t k;
		if (o[i] < 0x20 || o[i] == 0x7f)
			abort();
		if (o[i] < 0x80) {
			i++;
			continue;
		}
		if (!utf8)
			abort();
		k = esc_utf8_char(o + i, n - i, &cp);
		if (k == 0 || (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0x200b && cp <= 0x200f) || cp == 0xfeff)
			abort();
		i += k;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parse_result r;
	char *line;

	if (parser == NULL)
		parser = parse_new();
	/* an exact-size copy, so a read past the end is caught */
	line = malloc(size ? size : 1);
	if (line == NULL)
		return 0;
	memcpy(line, data, size);
	parse_line(parser, line, size, &r);

	if (r.cls > PC_BLANK || r.hdr > HDR_RFC5424 || (unsigned)r.op >= OP__COUNT)
		abort();
	if (r.cls != PC_SFTP && r.op != OP_NONE)
		abort();
	if (r.cls == PC_SFTP && (r.op == OP_NONE || r.repeat == 0 || r.pid == 0))
		abort();
	if (r.hdr != HDR_NONE && (r.time.mon < 1 || r.time.mon > 12 || r.time.mday < 1 ||
	                          r.time.mday > 31 || r.time.hour > 23 || r.time.min > 59 ||
	                          r.time.sec > 60 || r.time.usec < 0 || r.time.usec > 999999))
		abort();
	touch(r.host);
	touch(r.prog);
	touch(r.path);
	touch(r.path2);
	touch(r.text);
	touch(r.text2);
	if (r.cls == PC_SFTP) {
		check_term(r.path, true);
		check_term(r.path, false);
		check_term(r.path2, true);
		check_term(r.text, true);
		check_term(r.text2, false);
	}
	(void)parse_op_from_name(parse_op_name(r.op));
	free(line);
	return 0;
}
