/*
 * libFuzzer target: a whole buffer through ingest_buffer into a model, then
 * every report format (JSON, CSV, text with colour and UTF-8, and without),
 * the follower's per-event output, file timelines, and a few filters.
 * Output goes to /dev/null: this target is about crashes, leaks, undefined
 * behaviour and hangs. The first input byte picks a few options so that
 * --year, --chroot and the filters get fuzzed too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "ingest.h"
#include "ltime.h"
#include "model.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static void reports(const struct model *m, const struct filter *flt)
{
	static const struct report_opts opts[] = {
		{ .format = RF_JSON },
		{ .format = RF_CSV },
		{ .format = RF_TEXT, .color = true, .utf8 = true, .noise = true },
		{ .format = RF_TEXT, .color = false, .utf8 = false, .noise = false },
	};

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		report_write(devnull, m, flt, &opts[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const chroot[] = { "alice=/srv/jail/alice", "/srv/sftp/%u" };
	struct model_opts mo = { 0 };
	struct ingest_opts io = { 0 };
	struct report_opts jo = { .format = RF_JSON };
	struct report_opts to = { .format = RF_TEXT, .color = true, .utf8 = true };
	struct filter flt;
	uint8_t sel = size > 0 ? data[0] : 0;
	uint32_t *tl = NULL;
	size_t tlcap = 0;

	if (devnull == NULL)
		devnull = fopen("/dev/null", "w");
	if (sel & 1) {
		mo.chroot = chroot;
		mo.nchroot = 2;
	}
	if (sel & 2)
		io.year = 2024;
	struct model *m = model_new(&mo);
	struct ingest *in = ingest_new(m, &io);
	/* a fixed reference, so year inference does not depend on today */
	ingest_set_reference(in, ltime_make(2026, 11, 24, 12, 0, 0, 0));
	ingest_buffer(in, (const char *)data, size, true);

	reports(m, NULL);
	for (size_t s = 0; s < model_nsessions(m); s++)
		report_follow_session(devnull, m, &jo, (uint32_t)s, MC_UPDATED);
	for (size_t e = 0; e < model_nevents(m) && e < 4096; e++) {
		report_follow_event(devnull, m, &jo, (uint32_t)e);
		report_follow_event(devnull, m, &to, (uint32_t)e);
	}
	for (size_t f = 0; f < model_nfiles(m) && f < 256; f++)
		(void)model_timeline(m, (uint32_t)f, &tl, &tlcap);
	free(tl);

	filter_init(&flt);
	if (sel & 4) {
		const char *err;
		if (filter_parse(&flt, "deleted path:/upload/* user:alice", ltime_make(2026, 11, 24, 12, 0, 0, 0), &err) == 0)
			reports(m, &flt);
	}
	if (sel & 8) {
		filter_clear(&flt);
		flt.text = strdup("a");
		reports(m, &flt);
	}
	filter_clear(&flt);
	for (size_t i = 0; i < model_unparsed_count(m); i++) {
		size_t len;
		uint64_t no;
		(void)model_unparsed(m, i, &len, &no);
	}
	(void)model_bytes(m);
	ingest_free(in);
	model_free(m);
	return 0;
}
