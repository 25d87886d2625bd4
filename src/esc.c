/*
 * esc: the one place where bytes from a log are made safe for a terminal,
 * a JSON string or a CSV field. Names in the log are chosen by remote users:
 * a name may carry ESC sequences, OSC 52 clipboard writes, bidi overrides or
 * invalid UTF-8, and none of that may reach its destination raw.
 */
#include "esc.h"

#include <string.h>

#define UNIT_MAX 24

size_t esc_utf8_char(const unsigned char *s, size_t len, unsigned *cp)
{
	unsigned c = s[0], v;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10ffff)) ||
	    (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

/* Characters that can change how the rest of a line looks, or hide. */
static bool cp_dangerous(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9f) ||         /* C1 controls (CSI, OSC as one byte) */
	       cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) ||       /* embeddings, overrides */
	       (cp >= 0x2066 && cp <= 0x2069) ||       /* isolates */
	       (cp >= 0x200b && cp <= 0x200d) || cp == 0x2060 || cp == 0xfeff ||   /* zero width */
	       cp == 0x2028 || cp == 0x2029 ||         /* line and paragraph separators */
	       cp == 0x00ad ||                          /* soft hyphen */
	       (cp >= 0xfff9 && cp <= 0xfffb) ||       /* interlinear annotations */
	       (cp >= 0xe0000 && cp <= 0xe007f);       /* tag characters */
}

static const char *c_escape(unsigned char c)
{
	switch (c) {
	case '\n': return "\\n";
	case '\t': return "\\t";
	case '\r': return "\\r";
	case '\a': return "\\a";
	case '\b': return "\\b";
	case '\v': return "\\v";
	case '\f': return "\\f";
	case '\\': return "\\\\";
	default: return NULL;
	}
}

/*
 * Escape one unit of src for a terminal into out (UNIT_MAX bytes: four
 * octal escapes of a 4-byte sequence are 16 bytes plus snprintf's NUL).
 * Returns the bytes of src consumed; *outlen gets the output length.
 */
static size_t term_unit(const unsigned char *s, size_t len, bool utf8, char *out, size_t *outlen)
{
	unsigned cp;
	size_t n;
	const char *e;

	if (s[0] >= 0x20 && s[0] < 0x7f && s[0] != '\\') {
		out[0] = (char)s[0];
		*outlen = 1;
		return 1;
	}
	if (s[0] < 0x80) {
		e = c_escape(s[0]);
		if (e != NULL) {
			*outlen = strlen(e);
			memcpy(out, e, *outlen);
		} else {
			*outlen = (size_t)snprintf(out, UNIT_MAX, "\\%03o", s[0]);
		}
		return 1;
	}
	n = esc_utf8_char(s, len, &cp);
	if (n == 0 || !utf8) {
		if (n == 0)
			n = 1;
		*outlen = 0;
		for (size_t i = 0; i < n; i++)
			*outlen += (size_t)snprintf(out + *outlen, UNIT_MAX - *outlen, "\\%03o", s[i]);
		return n;
	}
	if (cp_dangerous(cp)) {
		*outlen = (size_t)snprintf(out, UNIT_MAX, "\\u{%X}", cp);
		return n;
	}
	memcpy(out, s, n);
	*outlen = n;
	return n;
}

size_t esc_term(char *dst, size_t size, const char *src, size_t len, bool utf8)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0;
	char unit[UNIT_MAX];
	size_t ulen;

	if (size == 0)
		return 0;
	while (i < len) {
		size_t n = term_unit(s + i, len - i, utf8, unit, &ulen);
		if (o + ulen >= size)
			break;
		memcpy(dst + o, unit, ulen);
		o += ulen;
		i += n;
	}
	dst[o] = '\0';
	return o;
}

void esc_term_fputs(FILE *f, const char *src, size_t len, bool utf8)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, start = 0;
	char unit[UNIT_MAX];
	size_t ulen;

	while (i < len) {
		/* runs of plain ASCII go out in one write */
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') {
			i++;
			continue;
		}
		if (i > start)
			fwrite(s + start, 1, i - start, f);
		i += term_unit(s + i, len - i, utf8, unit, &ulen);
		fwrite(unit, 1, ulen, f);
		start = i;
	}
	if (i > start)
		fwrite(s + start, 1, i - start, f);
}

static size_t hex4(char *d, unsigned v)
{
	static const char hex[] = "0123456789abcdef";

	d[0] = '\\';
	d[1] = 'u';
	d[2] = hex[(v >> 12) & 15];
	d[3] = hex[(v >> 8) & 15];
	d[4] = hex[(v >> 4) & 15];
	d[5] = hex[v & 15];
	return 6;
}

size_t esc_json_mem(char *dst, size_t cap, const char *src, size_t len, size_t *used)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0;

	while (i < len) {
		unsigned char c = s[i];
		unsigned cp;
		size_t n;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			/* a run of plain ASCII in one copy */
			size_t j = i + 1;
			while (j < len && s[j] >= 0x20 && s[j] < 0x7f && s[j] != '"' && s[j] != '\\')
				j++;
			if (j - i > cap - o)
				j = i + (cap - o);
			if (j == i)
				break;
			memcpy(dst + o, s + i, j - i);
			o += j - i;
			i = j;
			continue;
		}
		if (cap - o < ESC_JSON_UNIT)
			break;
		if (c == '"' || c == '\\') {
			dst[o++] = '\\';
			dst[o++] = (char)c;
			i++;
		} else if (c < 0x80) {
			const char *e = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;
			if (e != NULL) {
				dst[o++] = e[0];
				dst[o++] = e[1];
			} else {
				o += hex4(dst + o, c);
			}
			i++;
		} else if ((n = esc_utf8_char(s + i, len - i, &cp)) == 0) {
			/* not UTF-8: keep OpenSSH's octal escape, as text */
			dst[o++] = '\\';
			dst[o++] = '\\';
			dst[o++] = (char)('0' + (c >> 6));
			dst[o++] = (char)('0' + ((c >> 3) & 7));
			dst[o++] = (char)('0' + (c & 7));
			i++;
		} else if (cp_dangerous(cp)) {
			/* same value for a JSON reader, but inert on a terminal (above U+FFFF: a surrogate pair) */
			if (cp > 0xffff) {
				o += hex4(dst + o, 0xd800 + ((cp - 0x10000) >> 10));
				o += hex4(dst + o, 0xdc00 + ((cp - 0x10000) & 0x3ff));
			} else {
				o += hex4(dst + o, cp);
			}
			i += n;
		} else {
			memcpy(dst + o, s + i, n);
			o += n;
			i += n;
		}
	}
	*used = i;
	return o;
}

void esc_json_fputs(FILE *f, const char *src, size_t len)
{
	char buf[1024];

	while (len > 0) {
		size_t used, n = esc_json_mem(buf, sizeof(buf), src, len, &used);
		fwrite(buf, 1, n, f);
		src += used;
		len -= used;
	}
}

void esc_json_str(FILE *f, const char *src, size_t len)
{
	fputc('"', f);
	esc_json_fputs(f, src, len);
	fputc('"', f);
}

void esc_csv_field(FILE *f, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	bool quote = len > 0 && (s[0] == ' ' || s[len - 1] == ' ');

	for (size_t i = 0; i < len && !quote; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			quote = true;
	if (quote)
		fputc('"', f);
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n;
		unsigned char c = s[i];

		if (c == '"') {
			fputs("\"\"", f);
			i++;
		} else if (c >= 0x20 && c < 0x7f) {
			fputc(c, f);
			i++;
		} else if (c < 0x80) {
			/*
			 * ESC and friends never go out raw; nor do TAB, CR and LF:
			 * RFC 4180 would allow them quoted, but a CR from a name
			 * overwrites what a terminal shows, and one record stays one line.
			 */
			fprintf(f, "\\%03o", c);
			i++;
		} else if ((n = esc_utf8_char(s + i, len - i, &cp)) == 0 || cp_dangerous(cp)) {
			if (n == 0)
				n = 1;
			for (size_t k = 0; k < n; k++)
				fprintf(f, "\\%03o", s[i + k]);
			i += n;
		} else {
			fwrite(s + i, 1, n, f);
			i += n;
		}
	}
	if (quote)
		fputc('"', f);
}
