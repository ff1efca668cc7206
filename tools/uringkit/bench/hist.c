/* SPDX-License-Identifier: MIT */
/* uringkit bench: latency histograms, for percentiles without keeping samples. */
#include <math.h>
#include "record.h"

/*
 * Bucket i < LAT_SUB holds exactly i ns; above, each power of two is split
 * into LAT_SUB equal buckets, so a bucket is at most 1/16 of its value wide.
 */
static unsigned bucket_of(uint64_t ns)
{
	unsigned e, idx;

	if (ns < LAT_SUB)
		return (unsigned) ns;
	e = 63u - (unsigned) __builtin_clzll(ns);	/* >= 4 */
	idx = (e - 3) * LAT_SUB + (unsigned) ((ns >> (e - 4)) & (LAT_SUB - 1));
	return idx < LAT_BUCKETS ? idx : LAT_BUCKETS - 1;
}

static double bucket_mid(unsigned idx)
{
	unsigned e, sub;
	double lower, width;

	if (idx < LAT_SUB)
		return idx;
	e = idx / LAT_SUB + 3;
	sub = idx % LAT_SUB;
	width = ldexp(1.0, (int) e - 4);
	lower = (LAT_SUB + sub) * width;
	return lower + width / 2;
}

void lat_hist_add(struct lat_hist *h, uint64_t ns)
{
	h->count[bucket_of(ns)]++;
	h->n++;
}

void lat_hist_merge(struct lat_hist *dst, const struct lat_hist *src)
{
	unsigned i;

	for (i = 0; i < LAT_BUCKETS; i++)
		dst->count[i] += src->count[i];
	dst->n += src->n;
}

double lat_hist_quantile(const struct lat_hist *h, double q)
{
	uint64_t rank, seen = 0;
	unsigned i;

	if (!h->n)
		return NAN;
	/* The smallest value with at least q of the samples at or below it. */
	rank = (uint64_t) ceil(q * (double) h->n);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < LAT_BUCKETS; i++) {
		seen += h->count[i];
		if (seen >= rank)
			return bucket_mid(i);
	}
	return bucket_mid(LAT_BUCKETS - 1);
}

void lat_hist_fill(const struct lat_hist *h, struct bench_record *r)
{
	r->lat_p50_us = lat_hist_quantile(h, 0.50) / 1e3;
	r->lat_p99_us = lat_hist_quantile(h, 0.99) / 1e3;
	r->lat_p999_us = lat_hist_quantile(h, 0.999) / 1e3;
}
