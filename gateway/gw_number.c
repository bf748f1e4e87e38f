/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Number normalisation tables (gw_number.h): the steps of one table on one number, and the tables attached
 * to a trunk and a peer on the numbers of a message. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>

#include "gw_number.h"

const char *const gw_num_kind_names[GW_NUM_KIND_N] = {
	[GW_NUM_CALLED] = "called",	      [GW_NUM_CALLING] = "calling",
	[GW_NUM_REDIRECTING] = "redirecting", [GW_NUM_ORIG_CALLED] = "original-called",
	[GW_NUM_GENERIC] = "generic",	      [GW_NUM_CONNECTED] = "connected",
};

const char *const gw_num_form_names[] = {
	[GW_NUM_FORM_KEEP] = "keep",	     [GW_NUM_FORM_E164] = "e164",
	[GW_NUM_FORM_NATIONAL] = "national", [GW_NUM_FORM_SUBSCRIBER] = "subscriber",
	[GW_NUM_FORM_PREFIXED] = "prefixed",
};

/* the ISUP parameter of each kind */
static const uint8_t kind_par[GW_NUM_KIND_N] = {
	[GW_NUM_CALLED] = ISUP_PAR_CALLED,	     [GW_NUM_CALLING] = ISUP_PAR_CALLING,
	[GW_NUM_REDIRECTING] = ISUP_PAR_REDIRECTING, [GW_NUM_ORIG_CALLED] = ISUP_PAR_ORIG_CALLED,
	[GW_NUM_GENERIC] = ISUP_PAR_GENERIC_NUM,     [GW_NUM_CONNECTED] = ISUP_PAR_CONNECTED,
};

int gw_num_nai_value(const char *name)
{
	static const struct {
		const char *name;
		int nai;
	} t[] = { { "subscriber", ISUP_NAI_SUBSCRIBER },
		  { "unknown", ISUP_NAI_UNKNOWN },
		  { "national", ISUP_NAI_NATIONAL },
		  { "international", ISUP_NAI_INTERNATIONAL } };
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(name, t[i].name))
			return t[i].nai;
	return -1;
}

const char *gw_num_nai_name(int nai)
{
	switch (nai) {
	case ISUP_NAI_SUBSCRIBER:
		return "subscriber";
	case ISUP_NAI_UNKNOWN:
		return "unknown";
	case ISUP_NAI_NATIONAL:
		return "national";
	case ISUP_NAI_INTERNATIONAL:
		return "international";
	default:
		return "other";
	}
}

struct gw_numbers *gw_numbers_alloc(void *ctx)
{
	struct gw_numbers *nums = talloc_zero(ctx, struct gw_numbers);
	if (nums)
		INIT_LLIST_HEAD(&nums->tables);
	return nums;
}

struct gw_num_table *gw_num_table_find(struct gw_numbers *nums, const char *name)
{
	struct gw_num_table *t;
	llist_for_each_entry(t, &nums->tables, list)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static int rewrite_destroy(struct gw_num_rewrite *r)
{
	regfree(&r->re);
	return 0;
}

struct gw_num_table *gw_num_table_get(struct gw_numbers *nums, const char *name)
{
	struct gw_num_table *t = gw_num_table_find(nums, name);
	if (t)
		return t;
	t = talloc_zero(nums, struct gw_num_table);
	if (!t)
		return NULL;
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->national_prefix, sizeof(t->national_prefix), "0");
	snprintf(t->international_prefix, sizeof(t->international_prefix), "00");
	t->default_nai = ISUP_NAI_NATIONAL;
	INIT_LLIST_HEAD(&t->rewrites);
	INIT_LLIST_HEAD(&t->attach);
	llist_add_tail(&t->list, &nums->tables);
	return t;
}

void gw_num_table_free(struct gw_num_table *t)
{
	llist_del(&t->list);
	talloc_free(t);
}

int gw_num_rewrite_set(struct gw_num_table *t, unsigned id, int if_nai, const char *match, const char *replace,
		       int set_nai, char *err, size_t err_size)
{
	struct gw_num_rewrite *r = talloc_zero(t, struct gw_num_rewrite);
	if (!r)
		return -ENOMEM;
	int rc = regcomp(&r->re, match, REG_EXTENDED);
	if (rc) {
		regerror(rc, &r->re, err, err_size);
		talloc_free(r);
		return -EINVAL;
	}
	talloc_set_destructor(r, rewrite_destroy);
	r->id = id;
	r->if_nai = if_nai;
	r->set_nai = set_nai;
	snprintf(r->match, sizeof(r->match), "%s", match);
	snprintf(r->replace, sizeof(r->replace), "%s", replace);
	gw_num_rewrite_del(t, id);
	struct gw_num_rewrite *o;
	llist_for_each_entry(o, &t->rewrites, list) {
		if (o->id > id) {
			llist_add_tail(&r->list, &o->list); /* before the first with a higher id */
			return 0;
		}
	}
	llist_add_tail(&r->list, &t->rewrites);
	return 0;
}

void gw_num_rewrite_del(struct gw_num_table *t, unsigned id)
{
	struct gw_num_rewrite *r;
	llist_for_each_entry(r, &t->rewrites, list) {
		if (r->id == id) {
			llist_del(&r->list);
			talloc_free(r);
			return;
		}
	}
}

/* ---- one table on one number ---- */

__attribute__((format(printf, 3, 4))) static void why_add(char *why, size_t size, const char *fmt, ...)
{
	size_t l = strlen(why);
	if (l + 3 >= size)
		return;
	if (l) {
		memcpy(why + l, ", ", 3);
		l += 2;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why + l, size - l, fmt, ap);
	va_end(ap);
}

static bool starts(const char *s, const char *prefix)
{
	return prefix[0] && !strncmp(s, prefix, strlen(prefix));
}

/* d := prefix + d[skip..] */
static void set_digits(char *d, size_t size, const char *prefix, size_t skip)
{
	char tmp[ISUP_NUM_MAX_DIGITS + 1];
	snprintf(tmp, sizeof(tmp), "%s%s", prefix, d + skip);
	snprintf(d, size, "%s", tmp);
}

/* The replacement with \0..\9 taken from the match; false when it does not fit. */
static bool substitute(const struct gw_num_rewrite *r, const char *in, const regmatch_t *pm, char *out, size_t size)
{
	size_t k = 0;
	for (const char *p = r->replace; *p; p++) {
		const char *src = p;
		size_t n = 1;
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '9') {
			const regmatch_t *g = &pm[p[1] - '0'];
			p++;
			if (g->rm_so < 0)
				continue;
			src = in + g->rm_so;
			n = (size_t)(g->rm_eo - g->rm_so);
		}
		if (k + n >= size)
			return false;
		memcpy(out + k, src, n);
		k += n;
	}
	out[k] = 0;
	return true;
}

/* the E.164 digits (no '+') of a number, as the table's country and area codes make them */
static void e164_of(const struct gw_num_table *t, const struct isup_number *n, const char *d, char *out, size_t size)
{
	switch (n->nai) {
	case ISUP_NAI_INTERNATIONAL:
		snprintf(out, size, "%s", d);
		break;
	case ISUP_NAI_NATIONAL:
		snprintf(out, size, "%s%s", t->country_code, d);
		break;
	case ISUP_NAI_SUBSCRIBER:
		snprintf(out, size, "%s%s%s", t->country_code, t->area_code, d);
		break;
	default:
		if (starts(d, t->international_prefix))
			snprintf(out, size, "%s", d + strlen(t->international_prefix));
		else if (starts(d, t->national_prefix))
			snprintf(out, size, "%s%s", t->country_code, d + strlen(t->national_prefix));
		else
			snprintf(out, size, "%s", d);
	}
}

static void to_form(const struct gw_num_table *t, struct isup_number *n, char *d, size_t size)
{
	const char *cc = t->country_code, *ac = t->area_code;
	char ccac[40];
	snprintf(ccac, sizeof(ccac), "%s%s", cc, ac);
	switch (t->form) {
	case GW_NUM_FORM_E164:
		if (n->nai == ISUP_NAI_SUBSCRIBER && ac[0]) {
			set_digits(d, size, ac, 0);
			n->nai = ISUP_NAI_NATIONAL;
		}
		if (n->nai == ISUP_NAI_NATIONAL && cc[0]) {
			set_digits(d, size, cc, 0);
			n->nai = ISUP_NAI_INTERNATIONAL;
		}
		break;
	case GW_NUM_FORM_NATIONAL:
		if (n->nai == ISUP_NAI_INTERNATIONAL && starts(d, cc) && d[strlen(cc)]) {
			set_digits(d, size, "", strlen(cc));
			n->nai = ISUP_NAI_NATIONAL;
		} else if (n->nai == ISUP_NAI_SUBSCRIBER && ac[0]) {
			set_digits(d, size, ac, 0);
			n->nai = ISUP_NAI_NATIONAL;
		}
		break;
	case GW_NUM_FORM_SUBSCRIBER:
		if (n->nai == ISUP_NAI_INTERNATIONAL && cc[0] && ac[0] && starts(d, ccac) && d[strlen(ccac)]) {
			set_digits(d, size, "", strlen(ccac));
			n->nai = ISUP_NAI_SUBSCRIBER;
		} else if (n->nai == ISUP_NAI_NATIONAL && starts(d, ac) && d[strlen(ac)]) {
			set_digits(d, size, "", strlen(ac));
			n->nai = ISUP_NAI_SUBSCRIBER;
		}
		break;
	case GW_NUM_FORM_PREFIXED:
		if (n->nai == ISUP_NAI_INTERNATIONAL) {
			set_digits(d, size, t->international_prefix, 0);
			n->nai = ISUP_NAI_UNKNOWN;
		} else if (n->nai == ISUP_NAI_NATIONAL) {
			set_digits(d, size, t->national_prefix, 0);
			n->nai = ISUP_NAI_UNKNOWN;
		}
		break;
	case GW_NUM_FORM_KEEP:
		break;
	}
}

/* step 5: calling number screening; true when the number or its presence changed */
static bool screen(struct gw_num_table *t, struct isup_number *n, bool *present, const char *d, char *why,
		   size_t why_size)
{
	if (*present) {
		if (!t->n_allow)
			return false; /* a default number alone replaces only a missing one */
		char e[ISUP_NUM_MAX_DIGITS + 16];
		e164_of(t, n, d, e, sizeof(e));
		for (unsigned i = 0; i < t->n_allow; i++) {
			if (starts(e, t->allow[i])) {
				t->screen_pass++;
				uint8_t si = t->verified_network ? 3 : 1;
				why_add(why, why_size, "screening passed (range %s, %s)", t->allow[i],
					si == 3 ? "network provided" : "user provided verified");
				bool changed = n->si != si;
				n->si = si;
				return changed;
			}
		}
		t->screen_fail++;
		if (!t->default_digits[0]) {
			why_add(why, why_size, "screening failed (%s not in a range): removed, no default", e);
			*present = false;
			return true;
		}
		why_add(why, why_size, "screening failed (%s not in a range): default number %s", e, t->default_digits);
	} else {
		if (!t->default_digits[0])
			return false;
		why_add(why, why_size, "no number: default number %s", t->default_digits);
	}
	t->screen_default++;
	uint8_t apri = *present ? n->apri : 0; /* a restricted caller stays restricted */
	memset(n, 0, sizeof(*n));
	n->nai = t->default_nai;
	n->npi = 1;
	n->apri = apri;
	n->si = 3; /* network provided */
	snprintf(n->digits, sizeof(n->digits), "%s", t->default_digits);
	n->n_digits = (uint8_t)strlen(n->digits);
	*present = true;
	return true;
}

bool gw_num_apply(struct gw_num_table *t, enum gw_num_kind kind, struct isup_number *n, bool *present, char *why,
		  size_t why_size)
{
	why[0] = 0;
	char d[ISUP_NUM_MAX_DIGITS + 1] = "";
	bool st = false;
	if (*present) {
		snprintf(d, sizeof(d), "%s", n->digits);
		size_t l = strlen(d);
		if (l && d[l - 1] == 'F') { /* ST: kept out of the rules, put back at the end */
			d[l - 1] = 0;
			st = true;
		}
	}
	const struct isup_number before = *n;
	const bool was_present = *present;
	if (*present) {
		if (t->prefix_to_nai && n->nai == ISUP_NAI_UNKNOWN) {
			if (starts(d, t->international_prefix)) {
				set_digits(d, sizeof(d), "", strlen(t->international_prefix));
				n->nai = ISUP_NAI_INTERNATIONAL;
				why_add(why, why_size, "prefix-to-nai international");
			} else if (starts(d, t->national_prefix)) {
				set_digits(d, sizeof(d), "", strlen(t->national_prefix));
				n->nai = ISUP_NAI_NATIONAL;
				why_add(why, why_size, "prefix-to-nai national");
			}
		}
		struct gw_num_rewrite *r;
		llist_for_each_entry(r, &t->rewrites, list) {
			regmatch_t pm[10];
			if (r->if_nai != GW_NUM_NAI_ANY && r->if_nai != n->nai)
				continue;
			if (regexec(&r->re, d, 10, pm, 0))
				continue;
			/* the match is replaced, what is before and after it stays (as sed's s///) */
			char rep[ISUP_NUM_MAX_DIGITS + 1], out[ISUP_NUM_MAX_DIGITS + 1];
			if (!substitute(r, d, pm, rep, sizeof(rep)))
				continue;
			int len = snprintf(out, sizeof(out), "%.*s%s%s", (int)pm[0].rm_so, d, rep, d + pm[0].rm_eo);
			if (len < 0 || (size_t)len >= sizeof(out))
				continue;
			r->hits++;
			why_add(why, why_size, "rewrite %u '%s' -> '%s'", r->id, r->match, r->replace);
			snprintf(d, sizeof(d), "%s", out);
			if (r->set_nai != GW_NUM_NAI_KEEP)
				n->nai = (uint8_t)r->set_nai;
			break; /* the first match wins */
		}
		if (t->strip[0] && starts(d, t->strip) && d[strlen(t->strip)]) {
			set_digits(d, sizeof(d), "", strlen(t->strip));
			why_add(why, why_size, "strip-prefix %s", t->strip);
		}
		if (t->add[0]) {
			set_digits(d, sizeof(d), t->add, 0);
			why_add(why, why_size, "add-prefix %s", t->add);
		}
		uint8_t nai = n->nai;
		to_form(t, n, d, sizeof(d));
		if (n->nai != nai)
			why_add(why, why_size, "form %s", gw_num_form_names[t->form]);
	}
	if (kind == GW_NUM_CALLING && screen(t, n, present, d, why, why_size) && *present)
		snprintf(d, sizeof(d), "%s", n->digits);
	if (*present) {
		size_t l = strlen(d);
		if (st && l < ISUP_NUM_MAX_DIGITS)
			d[l++] = 'F';
		d[l] = 0;
		memcpy(n->digits, d, l + 1);
		n->n_digits = (uint8_t)l;
	}
	return was_present != *present ||
	       (*present && (before.nai != n->nai || before.si != n->si || strcmp(before.digits, n->digits)));
}

/* ---- the tables of a trunk and a peer on a message ---- */

static bool attached(const struct gw_num_table *t, bool trunk, const char *name, bool out, enum gw_num_kind kind)
{
	const struct gw_num_attach *a;
	llist_for_each_entry(a, &t->attach, list)
		if (a->trunk == trunk && a->out == out && (a->kind < 0 || a->kind == (int)kind) &&
		    !strcmp(a->name, name))
			return true;
	return false;
}

/* One table on one number kind, each change logged at INFO with the table, where it applies, and the rule */
static bool apply_logged(struct gw_num_table *t, int k, struct isup_number *n, bool *present, const char *where,
			 struct osmo_fsm_inst *fi)
{
	char why[512], from[ISUP_NUM_MAX_DIGITS + 24];
	snprintf(from, sizeof(from), "%s/%s", *present ? gw_num_nai_name(n->nai) : "none", *present ? n->digits : "-");
	if (!gw_num_apply(t, k, n, present, why, sizeof(why)) && !why[0])
		return false;
	char line[1024];
	snprintf(line, sizeof(line), "number-rules %s (%s): %s %s -> %s/%s: %s\n", t->name, where, gw_num_kind_names[k],
		 from, *present ? gw_num_nai_name(n->nai) : "none", *present ? n->digits : "-", why);
	if (fi)
		LOGPFSML(fi, LOGL_INFO, "%s", line);
	else
		LOGP(DLGLOBAL, LOGL_INFO, "%s", line);
	return true;
}

/* fn on every number m carries (and, for an IAM, the calling number it lacks); what fn changed goes back */
typedef bool (*num_step_fn)(void *arg, int k, struct isup_number *n, bool *present, struct osmo_fsm_inst *fi);
static void each_number(struct isup_msg *m, num_step_fn fn, void *arg, struct osmo_fsm_inst *fi)
{
	for (int k = 0; k < GW_NUM_KIND_N; k++) {
		struct isup_number n;
		bool present = !isup_msg_get_number(m, kind_par[k], &n);
		if (!present && (k != GW_NUM_CALLING || m->type != ISUP_MT_IAM))
			continue;
		if (!present)
			memset(&n, 0, sizeof(n));
		if (!fn(arg, k, &n, &present, fi))
			continue;
		if (present)
			isup_msg_put_number(m, kind_par[k], &n);
		else
			isup_msg_del(m, kind_par[k]);
	}
}

struct sides {
	struct gw_numbers *nums;
	struct {
		bool trunk;
		const char *name;
		bool out;
	} at[2];
};

static bool sides_step(void *arg, int k, struct isup_number *n, bool *present, struct osmo_fsm_inst *fi)
{
	struct sides *sd = arg;
	bool changed = false;
	for (int i = 0; i < 2; i++) {
		if (!sd->at[i].name)
			continue;
		char where[64];
		snprintf(where, sizeof(where), "%s %s %s", sd->at[i].trunk ? "trunk" : "sip-peer", sd->at[i].name,
			 sd->at[i].out ? "out" : "in");
		struct gw_num_table *t;
		llist_for_each_entry(t, &sd->nums->tables, list)
			if (attached(t, sd->at[i].trunk, sd->at[i].name, sd->at[i].out, k))
				changed |= apply_logged(t, k, n, present, where, fi);
	}
	return changed;
}

void gw_numbers_apply(struct gw_numbers *nums, enum gw_num_dir dir, const char *trunk, const char *peer,
		      struct isup_msg *m, struct osmo_fsm_inst *fi)
{
	/* ISUP -> SIP: from the trunk, then toward the peer; SIP -> ISUP: from the peer, then toward the trunk */
	struct sides sd = { .nums = nums,
			    .at = { { dir == GW_NUM_ISUP_TO_SIP, dir == GW_NUM_ISUP_TO_SIP ? trunk : peer, false },
				    { dir != GW_NUM_ISUP_TO_SIP, dir == GW_NUM_ISUP_TO_SIP ? peer : trunk, true } } };
	if (!nums || llist_empty(&nums->tables))
		return;
	each_number(m, sides_step, &sd, fi);
}

struct one_table {
	struct gw_num_table *t;
	const char *where;
};

static bool table_step(void *arg, int k, struct isup_number *n, bool *present, struct osmo_fsm_inst *fi)
{
	struct one_table *o = arg;
	return apply_logged(o->t, k, n, present, o->where, fi);
}

void gw_num_table_apply_msg(struct gw_num_table *t, struct isup_msg *m, const char *where, struct osmo_fsm_inst *fi)
{
	struct one_table o = { t, where };
	each_number(m, table_step, &o, fi);
}
