/*
 * esc: making log bytes safe for the places they go. Nothing read from a
 * log reaches a terminal, a JSON string or a CSV field without passing here.
 */
#ifndef SFTPTOP_ESC_H
#define SFTPTOP_ESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * For a terminal: printable ASCII as is; valid UTF-8 of printable
 * characters as is when utf8 is true (else \ooo per byte); control bytes as
 * C escapes (\n \t \033 ...); backslash as \\; invalid UTF-8, C1 controls,
 * bidi controls (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C)
 * and zero-width characters (U+200B..U+200D, U+2060, U+FEFF) as \u{XXXX}
 * or octal escapes. Returns bytes written to dst (at most size-1, always
 * NUL-terminated, never cutting an escape or a character in half).
 */
size_t esc_term(char *dst, size_t size, const char *src, size_t len, bool utf8);
/* Same, to a stream. */
void esc_term_fputs(FILE *f, const char *src, size_t len, bool utf8);

/*
 * JSON string contents (no quotes) into dst: as much of src as fits in cap
 * bytes, never cutting an escape or a character; *used gets the bytes of src
 * done. Returns the bytes written. With cap >= ESC_JSON_UNIT it always makes
 * progress.
 */
#define ESC_JSON_UNIT 12
size_t esc_json_mem(char *dst, size_t cap, const char *src, size_t len, size_t *used);
/* JSON string contents (no quotes); invalid UTF-8 bytes as the text \ooo. */
void esc_json_fputs(FILE *f, const char *src, size_t len);
/* A whole JSON string with quotes. */
void esc_json_str(FILE *f, const char *src, size_t len);
/* An RFC 4180 CSV field (quoted when needed); invalid UTF-8 as \ooo. */
void esc_csv_field(FILE *f, const char *src, size_t len);

/* Length of the valid UTF-8 sequence at s (1..4), 0 when invalid; *cp gets the code point. */
size_t esc_utf8_char(const unsigned char *s, size_t len, unsigned *cp);

#endif
