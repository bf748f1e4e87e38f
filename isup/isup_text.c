/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text, JSON and builder forms of ISUP messages (see isup_text.h). */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "isup_param.h"
#include "isup_text.h"

/* ---- small helpers ---- */

struct sbuf {
	char *b;
	size_t size, len;
	bool full;
};

__attribute__((format(printf, 2, 3))) static void sb_printf(struct sbuf *s, const char *fmt, ...)
{
	if (s->full || !s->size)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(s->b + s->len, s->size - s->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= s->size - s->len) {
		s->full = true;
		s->len = s->size - 1;
	} else {
		s->len += (size_t)n;
	}
}

void isup_hex_encode(const uint8_t *d, size_t len, char *out, size_t size)
{
	static const char hx[] = "0123456789abcdef";
	size_t o = 0;
	for (size_t i = 0; i < len && o + 2 < size; i++) {
		out[o++] = hx[d[i] >> 4];
		out[o++] = hx[d[i] & 15];
	}
	if (size)
		out[o] = '\0';
}

int isup_hex_decode(const char *hex, uint8_t *out, size_t size)
{
	size_t n = 0;
	int hi = -1;
	for (const char *p = hex; *p; p++) {
		if (isspace((unsigned char)*p) || *p == ':')
			continue;
		int v;
		if (*p >= '0' && *p <= '9')
			v = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			v = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			v = *p - 'A' + 10;
		else
			return -1;
		if (hi < 0) {
			hi = v;
		} else {
			if (n >= size)
				return -1;
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return hi < 0 ? (int)n : -1;
}

static void kv_num(struct isup_kv *kv, int *n, int max, const char *key, unsigned v)
{
	if (*n >= max)
		return;
	snprintf(kv[*n].key, sizeof(kv[*n].key), "%s", key);
	snprintf(kv[*n].val, sizeof(kv[*n].val), "%u", v);
	kv[*n].num = true;
	(*n)++;
}

static void kv_str(struct isup_kv *kv, int *n, int max, const char *key, const char *v)
{
	if (*n >= max)
		return;
	snprintf(kv[*n].key, sizeof(kv[*n].key), "%s", key);
	snprintf(kv[*n].val, sizeof(kv[*n].val), "%s", v);
	kv[*n].num = false;
	(*n)++;
}

static void kv_hex(struct isup_kv *kv, int *n, int max, const char *key, const uint8_t *d, size_t len)
{
	char h[sizeof(kv[0].val)];
	if (len * 2 >= sizeof(h))
		len = sizeof(h) / 2 - 1;
	isup_hex_encode(d, len, h, sizeof(h));
	kv_str(kv, n, max, key, h);
}

/* Generic digits in BCD (Q.763 3.24 encoding 0/1) as a digit string. */
static void gd_digits(const struct isup_generic_digits *g, char *out, size_t size)
{
	static const char hd[] = "0123456789ABCDEF";
	size_t o = 0;
	unsigned nd = g->len * 2u - (g->encoding == 1 && g->len ? 1 : 0);
	for (unsigned k = 0; k < nd && o + 1 < size; k++)
		out[o++] = hd[(k & 1) ? g->data[k / 2] >> 4 : g->data[k / 2] & 15];
	out[o] = '\0';
}

int isup_par_to_kv(enum isup_variant v, uint8_t code, const uint8_t *d, uint16_t len, struct isup_kv *kv, int max)
{
	const struct isup_par_desc *pd = isup_par_desc(v, code);
	int n = 0, rc = ISUP_OK;
	if (!pd || pd->kind == ISUP_PK_RAW || len > 255) {
		kv_hex(kv, &n, max, "hex", d, len);
		return n;
	}
	switch (pd->kind) {
	case ISUP_PK_BITS: {
		union {
			uint8_t b[64];
			uint16_t align;
		} s = { { 0 } };
		rc = isup_bits_decode(v, code, d, (uint8_t)len, &s);
		if (rc)
			break;
		for (unsigned i = 0; i < pd->n_fields; i++) {
			const struct isup_bits_field *f = &pd->fields[i];
			unsigned val = s.b[f->off];
			if (f->size == 2) {
				uint16_t w;
				memcpy(&w, &s.b[f->off], 2);
				val = w;
			}
			if (!strncmp(f->name, "spare", 5) && !val)
				continue;
			kv_num(kv, &n, max, f->name, val);
		}
		break;
	}
	case ISUP_PK_NUMBER:
	case ISUP_PK_GENNUM:
	case ISUP_PK_SUBSEQ: {
		struct isup_number num;
		rc = isup_number_decode(v, code, d, (uint8_t)len, &num);
		if (rc)
			break;
		if (pd->kind == ISUP_PK_GENNUM)
			kv_num(kv, &n, max, "nqi", num.nqi);
		if (pd->kind == ISUP_PK_SUBSEQ) {
			if (num.nai)
				kv_num(kv, &n, max, "spare", num.nai);
		} else {
			kv_num(kv, &n, max, "nai", num.nai);
			if (pd->num_flags & ISUP_NF_INN)
				kv_num(kv, &n, max, "inn", num.inn_ni);
			else if (pd->num_flags & ISUP_NF_NI)
				kv_num(kv, &n, max, "ni", num.inn_ni);
			else if (num.inn_ni)
				kv_num(kv, &n, max, "bit8", num.inn_ni);
			kv_num(kv, &n, max, "npi", num.npi);
			if (pd->num_flags & ISUP_NF_APRI)
				kv_num(kv, &n, max, "apri", num.apri);
			else if (num.apri)
				kv_num(kv, &n, max, "bits43", num.apri);
			if (pd->num_flags & ISUP_NF_SI)
				kv_num(kv, &n, max, "si", num.si);
			else if (num.si)
				kv_num(kv, &n, max, "bits21", num.si);
		}
		kv_str(kv, &n, max, "digits", num.digits);
		if (num.filler)
			kv_num(kv, &n, max, "filler", num.filler);
		break;
	}
	case ISUP_PK_CAUSE: {
		struct isup_cause c;
		rc = isup_cause_decode(d, (uint8_t)len, &c);
		if (rc)
			break;
		kv_num(kv, &n, max, "coding", c.coding_std);
		kv_num(kv, &n, max, "location", c.location);
		if (c.spare)
			kv_num(kv, &n, max, "spare", c.spare);
		if (c.has_rec)
			kv_num(kv, &n, max, "rec", c.rec);
		kv_num(kv, &n, max, "cause", c.cause);
		if (c.diag_len)
			kv_hex(kv, &n, max, "diag", c.diag, c.diag_len);
		break;
	}
	case ISUP_PK_RANGE: {
		struct isup_range_status rs;
		rc = isup_rs_decode(d, (uint8_t)len, &rs);
		if (rc)
			break;
		kv_num(kv, &n, max, "range", rs.range);
		if (rs.status_len)
			kv_hex(kv, &n, max, "status", rs.status, rs.status_len);
		break;
	}
	case ISUP_PK_USI: {
		struct isup_usi u;
		rc = isup_usi_decode(d, (uint8_t)len, &u);
		if (rc)
			break;
		kv_num(kv, &n, max, "coding", u.coding_std);
		kv_num(kv, &n, max, "itc", u.itc);
		kv_num(kv, &n, max, "mode", u.mode);
		kv_num(kv, &n, max, "rate", u.rate);
		if (u.has_mult)
			kv_num(kv, &n, max, "mult", u.mult);
		if (u.has_l1) {
			kv_num(kv, &n, max, "l1", u.l1);
			if (!u.l1_ext)
				kv_num(kv, &n, max, "l1ext", u.l1_ext);
		}
		if (u.rest_len)
			kv_hex(kv, &n, max, "rest", u.rest, u.rest_len);
		break;
	}
	case ISUP_PK_GDIGITS: {
		struct isup_generic_digits g;
		rc = isup_gdigits_decode(d, (uint8_t)len, &g);
		if (rc)
			break;
		kv_num(kv, &n, max, "encoding", g.encoding);
		kv_num(kv, &n, max, "type", g.type);
		/* digits only where they rebuild the same octets: BCD even, or BCD odd with a zero filler */
		bool bcd = g.encoding == 0 || (g.encoding == 1 && g.len && !(g.data[g.len - 1] >> 4));
		if (bcd) {
			char dg[2 * ISUP_GD_MAX + 1];
			gd_digits(&g, dg, sizeof(dg));
			kv_str(kv, &n, max, "digits", dg);
		} else {
			kv_hex(kv, &n, max, "data", g.data, g.len);
		}
		break;
	}
	case ISUP_PK_MCI: {
		struct isup_instr ii;
		rc = isup_instr_decode(d, (uint8_t)len, &ii);
		if (rc)
			break;
		kv_num(kv, &n, max, "transit", ISUP_II_TRANSIT(ii.oct[0]));
		kv_num(kv, &n, max, "release", ISUP_II_RELEASE(ii.oct[0]));
		kv_num(kv, &n, max, "notify", ISUP_II_NOTIFY(ii.oct[0]));
		kv_num(kv, &n, max, "discard", ISUP_II_DISCARD_MSG(ii.oct[0]));
		kv_num(kv, &n, max, "pass_on_np", ISUP_II_MCI_PASS_ON_NP(ii.oct[0]));
		kv_hex(kv, &n, max, "hex", d, len);
		break;
	}
	case ISUP_PK_PCI: {
		struct isup_par_compat pci;
		rc = isup_pci_decode(d, (uint8_t)len, &pci);
		if (rc)
			break;
		for (unsigned i = 0; i < pci.n; i++) {
			char k[24], val[32];
			uint8_t o = pci.e[i].ii.oct[0];
			snprintf(k, sizeof(k), "p%02x", pci.e[i].code);
			snprintf(val, sizeof(val), "rel=%u,ntf=%u,dm=%u,dp=%u,pnp=%u", ISUP_II_RELEASE(o),
				 ISUP_II_NOTIFY(o), ISUP_II_DISCARD_MSG(o), ISUP_II_PCI_DISCARD_PAR(o),
				 ISUP_II_PCI_PASS_ON_NP(o));
			kv_str(kv, &n, max, k, val);
		}
		kv_hex(kv, &n, max, "hex", d, len);
		break;
	}
	case ISUP_PK_CIRC_STATE:
	case ISUP_PK_RAW:
	default:
		kv_hex(kv, &n, max, "hex", d, len);
		break;
	}
	if (rc) {
		n = 0;
		kv_hex(kv, &n, max, "hex", d, len);
		kv_str(kv, &n, max, "error", isup_err_str(rc));
	}
	return n;
}

/* ---- building from fields ---- */

static int kv_uint(const struct isup_kv *kv, unsigned max, unsigned *out, char *err, size_t es)
{
	char *e;
	if (!kv->val[0] || kv->val[0] == '-') {
		snprintf(err, es, "%s: not a number", kv->key);
		return ISUP_ERR_BAD_VALUE;
	}
	unsigned long v = strtoul(kv->val, &e, 0);
	if (*e || v > max) {
		snprintf(err, es, "%s=%s: not a number in 0..%u", kv->key, kv->val, max);
		return ISUP_ERR_BAD_VALUE;
	}
	*out = (unsigned)v;
	return ISUP_OK;
}

static int kv_bytes(const struct isup_kv *kv, uint8_t *out, size_t size, uint8_t *len, char *err, size_t es)
{
	int n = isup_hex_decode(kv->val, out, size);
	if (n < 0) {
		snprintf(err, es, "%s=%s: bad or too long hex", kv->key, kv->val);
		return ISUP_ERR_BAD_VALUE;
	}
	*len = (uint8_t)n;
	return ISUP_OK;
}

#define U(field, maxv)                                          \
	do {                                                    \
		unsigned _u;                                    \
		if ((rc = kv_uint(&kv[i], maxv, &_u, err, es))) \
			return rc;                              \
		field = (uint8_t)_u;                            \
	} while (0)

static int unknown_key(const struct isup_kv *kv, const struct isup_par_desc *pd, char *err, size_t es)
{
	snprintf(err, es, "%s has no field '%s'", pd ? pd->abbr : "parameter", kv->key);
	return ISUP_ERR_BAD_VALUE;
}

int isup_par_from_kv(enum isup_variant v, uint8_t code, const struct isup_kv *kv, int n, uint8_t *buf, size_t size,
		     char *err, size_t es)
{
	const struct isup_par_desc *pd = isup_par_desc(v, code);
	int rc = ISUP_OK;
	char dummy[8];
	if (!err) {
		err = dummy;
		es = sizeof(dummy);
	}
	err[0] = '\0';
	/* hex= sets the raw octets of any parameter */
	for (int i = 0; i < n; i++) {
		if (!strcmp(kv[i].key, "hex")) {
			uint8_t len;
			if (n != 1) {
				snprintf(err, es, "hex= cannot be combined with fields");
				return ISUP_ERR_BAD_VALUE;
			}
			if ((rc = kv_bytes(&kv[i], buf, size < 255 ? size : 255, &len, err, es)))
				return rc;
			return len;
		}
	}
	if (!pd || pd->kind == ISUP_PK_RAW || pd->kind == ISUP_PK_CIRC_STATE) {
		if (n)
			return unknown_key(&kv[0], pd, err, es);
		return 0;
	}
	switch (pd->kind) {
	case ISUP_PK_BITS: {
		union {
			uint8_t b[64];
			uint16_t align;
		} s = { { 0 } };
		for (int i = 0; i < n; i++) {
			const struct isup_bits_field *f = NULL;
			for (unsigned k = 0; k < pd->n_fields; k++)
				if (!strcmp(pd->fields[k].name, kv[i].key))
					f = &pd->fields[k];
			if (!f)
				return unknown_key(&kv[i], pd, err, es);
			unsigned u;
			if ((rc = kv_uint(&kv[i], f->width >= 16 ? 0xffff : (1u << f->width) - 1, &u, err, es)))
				return rc;
			if (f->size == 2) {
				uint16_t w = (uint16_t)u;
				memcpy(&s.b[f->off], &w, 2);
			} else {
				s.b[f->off] = (uint8_t)u;
			}
		}
		rc = isup_bits_encode(v, code, &s, buf, size);
		break;
	}
	case ISUP_PK_NUMBER:
	case ISUP_PK_GENNUM:
	case ISUP_PK_SUBSEQ: {
		struct isup_number num = { 0 };
		for (int i = 0; i < n; i++) {
			const char *k = kv[i].key;
			if (!strcmp(k, "nqi"))
				U(num.nqi, 255);
			else if (!strcmp(k, "nai") || !strcmp(k, "spare"))
				U(num.nai, 127);
			else if (!strcmp(k, "inn") || !strcmp(k, "ni") || !strcmp(k, "bit8"))
				U(num.inn_ni, 1);
			else if (!strcmp(k, "npi"))
				U(num.npi, 7);
			else if (!strcmp(k, "apri") || !strcmp(k, "bits43"))
				U(num.apri, 3);
			else if (!strcmp(k, "si") || !strcmp(k, "bits21"))
				U(num.si, 3);
			else if (!strcmp(k, "filler"))
				U(num.filler, 15);
			else if (!strcmp(k, "digits")) {
				size_t l = strlen(kv[i].val);
				if (l > ISUP_NUM_MAX_DIGITS) {
					snprintf(err, es, "too many digits");
					return ISUP_ERR_BAD_VALUE;
				}
				memcpy(num.digits, kv[i].val, l + 1);
				num.n_digits = (uint8_t)l;
			} else
				return unknown_key(&kv[i], pd, err, es);
		}
		rc = isup_number_encode(v, code, &num, buf, size);
		if (rc == ISUP_ERR_BAD_VALUE)
			snprintf(err, es, "%s: digits must be 0-9 or A-F", pd->abbr);
		break;
	}
	case ISUP_PK_CAUSE: {
		struct isup_cause c = { 0 };
		for (int i = 0; i < n; i++) {
			const char *k = kv[i].key;
			if (!strcmp(k, "coding"))
				U(c.coding_std, 3);
			else if (!strcmp(k, "location"))
				U(c.location, 15);
			else if (!strcmp(k, "spare"))
				U(c.spare, 1);
			else if (!strcmp(k, "rec")) {
				U(c.rec, 127);
				c.has_rec = true;
			} else if (!strcmp(k, "cause"))
				U(c.cause, 127);
			else if (!strcmp(k, "diag")) {
				if ((rc = kv_bytes(&kv[i], c.diag, sizeof(c.diag), &c.diag_len, err, es)))
					return rc;
			} else
				return unknown_key(&kv[i], pd, err, es);
		}
		rc = isup_cause_encode(&c, buf, size);
		break;
	}
	case ISUP_PK_RANGE: {
		struct isup_range_status rs = { 0 };
		for (int i = 0; i < n; i++) {
			if (!strcmp(kv[i].key, "range"))
				U(rs.range, 255);
			else if (!strcmp(kv[i].key, "status")) {
				if ((rc = kv_bytes(&kv[i], rs.status, sizeof(rs.status), &rs.status_len, err, es)))
					return rc;
			} else
				return unknown_key(&kv[i], pd, err, es);
		}
		rc = isup_rs_encode(&rs, buf, size);
		if (rc == ISUP_ERR_BAD_VALUE)
			snprintf(err, es, "rs: status needs (range+8)/8 octets");
		break;
	}
	case ISUP_PK_USI: {
		struct isup_usi u = { .l1_ext = 1 };
		for (int i = 0; i < n; i++) {
			const char *k = kv[i].key;
			if (!strcmp(k, "coding"))
				U(u.coding_std, 3);
			else if (!strcmp(k, "itc"))
				U(u.itc, 31);
			else if (!strcmp(k, "mode"))
				U(u.mode, 3);
			else if (!strcmp(k, "rate"))
				U(u.rate, 31);
			else if (!strcmp(k, "mult")) {
				U(u.mult, 127);
				u.has_mult = true;
			} else if (!strcmp(k, "l1")) {
				U(u.l1, 31);
				u.has_l1 = true;
			} else if (!strcmp(k, "l1ext"))
				U(u.l1_ext, 1);
			else if (!strcmp(k, "rest")) {
				if ((rc = kv_bytes(&kv[i], u.rest, sizeof(u.rest), &u.rest_len, err, es)))
					return rc;
			} else
				return unknown_key(&kv[i], pd, err, es);
		}
		rc = isup_usi_encode(&u, buf, size);
		break;
	}
	case ISUP_PK_GDIGITS: {
		struct isup_generic_digits g = { 0 };
		for (int i = 0; i < n; i++) {
			const char *k = kv[i].key;
			if (!strcmp(k, "encoding"))
				U(g.encoding, 7);
			else if (!strcmp(k, "type"))
				U(g.type, 31);
			else if (!strcmp(k, "data")) {
				if ((rc = kv_bytes(&kv[i], g.data, sizeof(g.data), &g.len, err, es)))
					return rc;
			} else if (!strcmp(k, "digits")) {
				size_t l = strlen(kv[i].val);
				if (l > 2 * ISUP_GD_MAX) {
					snprintf(err, es, "too many digits");
					return ISUP_ERR_BAD_VALUE;
				}
				memset(g.data, 0, sizeof(g.data));
				for (size_t d = 0; d < l; d++) {
					char c = kv[i].val[d];
					int h = isxdigit((unsigned char)c) ?
							(isdigit((unsigned char)c) ? c - '0' : toupper(c) - 'A' + 10) :
							-1;
					if (h < 0) {
						snprintf(err, es, "gd: digits must be 0-9 or A-F");
						return ISUP_ERR_BAD_VALUE;
					}
					g.data[d / 2] |= (uint8_t)((d & 1) ? h << 4 : h);
				}
				g.len = (uint8_t)((l + 1) / 2);
				g.encoding = l & 1;
			} else
				return unknown_key(&kv[i], pd, err, es);
		}
		rc = isup_gdigits_encode(&g, buf, size);
		break;
	}
	case ISUP_PK_MCI:
	case ISUP_PK_PCI:
	default:
		if (n)
			return unknown_key(&kv[0], pd, err, es);
		snprintf(err, es, "%s needs hex=", pd->abbr);
		return ISUP_ERR_BAD_VALUE;
	}
	if (rc < 0 && !err[0])
		snprintf(err, es, "%s: %s", pd->abbr, isup_err_str(rc));
	return rc;
}

/* ---- rendering ---- */

static const char *par_label(enum isup_variant v, uint8_t code, char *tmp, size_t size)
{
	const struct isup_par_desc *pd = isup_par_desc(v, code);
	if (pd)
		return pd->abbr;
	snprintf(tmp, size, "0x%02x", code);
	return tmp;
}

/* instance number of params[i] among params with the same code (1-based) */
static unsigned par_instance(const struct isup_msg *m, unsigned i)
{
	unsigned k = 1;
	for (unsigned j = 0; j < i; j++)
		if (m->params[j].code == m->params[i].code)
			k++;
	return k;
}

static const char *type_label(const struct isup_msg *m, char *tmp, size_t size)
{
	const char *a = (m->flags & ISUP_MSGF_UNKNOWN) ? NULL : isup_msg_abbr(m->variant, m->type);
	if (a)
		return a;
	snprintf(tmp, size, "0x%02x", m->type);
	return tmp;
}

int isup_msg_to_line(const struct isup_msg *m, char *buf, size_t size)
{
	struct sbuf s = { buf, size, 0, false };
	char tmp[8], tmp2[8];
	if (size)
		buf[0] = '\0';
	sb_printf(&s, "%s cic=%u", type_label(m, tmp, sizeof(tmp)), m->cic);
	if (m->flags & (ISUP_MSGF_RAW_BODY | ISUP_MSGF_UNPARSED)) {
		char h[2 * ISUP_MSG_MAX_DATA + 1];
		isup_hex_encode(m->data + m->params[0].off, m->params[0].len, h, sizeof(h));
		sb_printf(&s, " body=%s", h);
		return s.full ? -1 : (int)s.len;
	}
	for (unsigned i = 0; i < m->n_params; i++) {
		const struct isup_param *p = &m->params[i];
		struct isup_kv kv[ISUP_KV_MAX];
		int n = isup_par_to_kv(m->variant, p->code, m->data + p->off, p->len, kv, ISUP_KV_MAX);
		const char *lab = par_label(m->variant, p->code, tmp2, sizeof(tmp2));
		unsigned inst = par_instance(m, i);
		char pfx[40];
		if (inst > 1)
			snprintf(pfx, sizeof(pfx), "%s#%u", lab, inst);
		else
			snprintf(pfx, sizeof(pfx), "%s", lab);
		bool any = false;
		for (int k = 0; k < n; k++) {
			if (!strcmp(kv[k].key, "error"))
				continue;
			/* MCI/PCI print decoded flags for reading but rebuild from hex */
			if (!strcmp(kv[k].key, "hex")) {
				sb_printf(&s, " %s=%s", pfx, kv[k].val);
				any = true;
				break;
			}
		}
		if (any)
			continue;
		for (int k = 0; k < n; k++)
			sb_printf(&s, " %s.%s=%s", pfx, kv[k].key, kv[k].val);
		if (n == 0)
			sb_printf(&s, " %s=", pfx);
	}
	return s.full ? -1 : (int)s.len;
}

int isup_msg_to_text(const struct isup_msg *m, char *buf, size_t size)
{
	struct sbuf s = { buf, size, 0, false };
	char tmp[8];
	if (size)
		buf[0] = '\0';
	const struct isup_msg_fmt *f = (m->flags & ISUP_MSGF_UNKNOWN) ? NULL : isup_msg_fmt(m->variant, m->type);
	sb_printf(&s, "%s (%s, 0x%02x) CIC %u [%s]\n", type_label(m, tmp, sizeof(tmp)),
		  f ? f->name : "unrecognized message", m->type, m->cic, m->variant == ISUP_VAR_ANSI ? "ANSI" : "ITU");
	if (m->flags & (ISUP_MSGF_RAW_BODY | ISUP_MSGF_UNPARSED)) {
		char h[2 * ISUP_MSG_MAX_DATA + 1];
		isup_hex_encode(m->data + m->params[0].off, m->params[0].len, h, sizeof(h));
		sb_printf(&s, "  body: %s\n", h);
		return s.full ? -1 : (int)s.len;
	}
	for (unsigned i = 0; i < m->n_params; i++) {
		const struct isup_param *p = &m->params[i];
		struct isup_kv kv[ISUP_KV_MAX];
		const struct isup_par_desc *pd = isup_par_desc(m->variant, p->code);
		int n = isup_par_to_kv(m->variant, p->code, m->data + p->off, p->len, kv, ISUP_KV_MAX);
		sb_printf(&s, "  %s%s (0x%02x, %s, %u octets):", pd ? pd->name : "Unrecognized parameter",
			  i < m->n_mand ? "" : "", p->code, i < m->n_mand ? "mandatory" : "optional", p->len);
		for (int k = 0; k < n; k++)
			sb_printf(&s, " %s=%s", kv[k].key, kv[k].val);
		sb_printf(&s, "\n");
	}
	return s.full ? -1 : (int)s.len;
}

static void json_str(struct sbuf *s, const char *v)
{
	sb_printf(s, "\"");
	for (const char *p = v; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\')
			sb_printf(s, "\\%c", c);
		else if (c < 0x20)
			sb_printf(s, "\\u%04x", c);
		else
			sb_printf(s, "%c", c);
	}
	sb_printf(s, "\"");
}

int isup_msg_to_json(const struct isup_msg *m, char *buf, size_t size)
{
	struct sbuf s = { buf, size, 0, false };
	char tmp[8];
	if (size)
		buf[0] = '\0';
	const struct isup_msg_fmt *f = (m->flags & ISUP_MSGF_UNKNOWN) ? NULL : isup_msg_fmt(m->variant, m->type);
	sb_printf(&s, "{\"variant\":\"%s\",\"type\":", m->variant == ISUP_VAR_ANSI ? "ansi" : "itu");
	json_str(&s, type_label(m, tmp, sizeof(tmp)));
	sb_printf(&s, ",\"type_code\":%u,\"name\":", m->type);
	json_str(&s, f ? f->name : "unrecognized");
	sb_printf(&s, ",\"cic\":%u", m->cic);
	if (m->flags & (ISUP_MSGF_RAW_BODY | ISUP_MSGF_UNPARSED)) {
		char h[2 * ISUP_MSG_MAX_DATA + 1];
		isup_hex_encode(m->data + m->params[0].off, m->params[0].len, h, sizeof(h));
		sb_printf(&s, ",\"body\":\"%s\"}", h);
		return s.full ? -1 : (int)s.len;
	}
	sb_printf(&s, ",\"params\":[");
	for (unsigned i = 0; i < m->n_params; i++) {
		const struct isup_param *p = &m->params[i];
		const struct isup_par_desc *pd = isup_par_desc(m->variant, p->code);
		struct isup_kv kv[ISUP_KV_MAX];
		char h[2 * 256 + 1];
		int n = isup_par_to_kv(m->variant, p->code, m->data + p->off, p->len, kv, ISUP_KV_MAX);
		isup_hex_encode(m->data + p->off, p->len, h, sizeof(h));
		sb_printf(&s, "%s{\"code\":%u,\"abbr\":", i ? "," : "", p->code);
		json_str(&s, pd ? pd->abbr : "unknown");
		sb_printf(&s, ",\"name\":");
		json_str(&s, pd ? pd->name : "Unrecognized parameter");
		sb_printf(&s, ",\"mandatory\":%s,\"hex\":\"%s\",\"fields\":{", i < m->n_mand ? "true" : "false", h);
		for (int k = 0; k < n; k++) {
			sb_printf(&s, "%s", k ? "," : "");
			json_str(&s, kv[k].key);
			sb_printf(&s, ":");
			if (kv[k].num)
				sb_printf(&s, "%s", kv[k].val);
			else
				json_str(&s, kv[k].val);
		}
		sb_printf(&s, "}}");
	}
	sb_printf(&s, "]}");
	return s.full ? -1 : (int)s.len;
}

/* ---- parsing the one-line form ---- */

struct build_par {
	uint8_t code;
	unsigned inst;
	int n;
	struct isup_kv kv[ISUP_KV_MAX];
};

static int resolve_code(enum isup_variant v, const char *name, uint8_t *code)
{
	if (!strncasecmp(name, "0x", 2)) {
		char *e;
		unsigned long c = strtoul(name, &e, 16);
		if (*e || c > 255 || e == name + 2)
			return -1;
		*code = (uint8_t)c;
		return 0;
	}
	const struct isup_par_desc *pd = isup_par_desc_by_abbr(v, name);
	if (!pd)
		return -1;
	*code = pd->code;
	return 0;
}

static int parse_line(struct isup_msg *m, enum isup_variant v, char *work, char *err, size_t es, struct build_par *bp);

static int from_line(struct isup_msg *m, enum isup_variant v, const char *line, char *err, size_t es,
		     struct build_par *bp)
{
	char dummy[8];
	if (!err) {
		err = dummy;
		es = sizeof(dummy);
	}
	err[0] = '\0';
	char *work = strdup(line);
	if (!work) {
		snprintf(err, es, "out of memory");
		return ISUP_ERR_NOSPACE;
	}
	int rc = parse_line(m, v, work, err, es, bp);
	free(work);
	return rc;
}

static int parse_line(struct isup_msg *m, enum isup_variant v, char *work, char *err, size_t es, struct build_par *bp)
{
	char *save = NULL;
	char *tok = strtok_r(work, " \t\r\n", &save);
	if (!tok) {
		snprintf(err, es, "empty message");
		return ISUP_ERR_BAD_VALUE;
	}
	int type = isup_msg_type_by_abbr(v, tok);
	if (type < 0) {
		char *e;
		unsigned long t = strtoul(tok, &e, 0);
		if (*e || t > 255 || e == tok) {
			snprintf(err, es, "unknown message type '%s'", tok);
			return ISUP_ERR_UNKNOWN_MSG;
		}
		type = (int)t;
	}
	isup_msg_init(m, v, (uint8_t)type, 0);

	unsigned nbp = 0;
	bool have_body = false;
	while ((tok = strtok_r(NULL, " \t\r\n", &save))) {
		char *eq = strchr(tok, '=');
		if (!eq) {
			snprintf(err, es, "'%s': expected key=value", tok);
			return ISUP_ERR_BAD_VALUE;
		}
		*eq = '\0';
		const char *key = tok, *val = eq + 1;
		if (!strcmp(key, "cic")) {
			char *e;
			unsigned long c = strtoul(val, &e, 0);
			if (*e || c > isup_cic_max(v)) {
				snprintf(err, es, "cic=%s out of range", val);
				return ISUP_ERR_BAD_VALUE;
			}
			m->cic = (uint16_t)c;
			continue;
		}
		if (!strcmp(key, "body")) {
			uint8_t b[ISUP_MSG_MAX_DATA];
			int n = isup_hex_decode(val, b, sizeof(b));
			if (n < 0 || isup_msg_set_raw_body(m, b, (uint16_t)n)) {
				snprintf(err, es, "body=: bad hex or not a raw-body message");
				return ISUP_ERR_BAD_VALUE;
			}
			have_body = true;
			continue;
		}
		char pname[40], field[24] = "hex";
		const char *dot = strchr(key, '.');
		size_t pl = dot ? (size_t)(dot - key) : strlen(key);
		if (pl >= sizeof(pname) || (dot && strlen(dot + 1) >= sizeof(field))) {
			snprintf(err, es, "'%s': key too long", key);
			return ISUP_ERR_BAD_VALUE;
		}
		memcpy(pname, key, pl);
		pname[pl] = '\0';
		if (dot)
			strcpy(field, dot + 1);
		unsigned inst = 1;
		char *hash = strchr(pname, '#');
		if (hash) {
			*hash = '\0';
			inst = (unsigned)strtoul(hash + 1, NULL, 10);
			if (inst < 1 || inst > ISUP_MAX_PARAMS) {
				snprintf(err, es, "'%s': bad instance", key);
				return ISUP_ERR_BAD_VALUE;
			}
		}
		uint8_t code;
		if (resolve_code(v, pname, &code)) {
			snprintf(err, es, "unknown parameter '%s'", pname);
			return ISUP_ERR_BAD_VALUE;
		}
		struct build_par *b = NULL;
		for (unsigned i = 0; i < nbp; i++)
			if (bp[i].code == code && bp[i].inst == inst)
				b = &bp[i];
		if (!b) {
			if (nbp >= ISUP_MAX_PARAMS) {
				snprintf(err, es, "too many parameters");
				return ISUP_ERR_TOO_MANY_PARAMS;
			}
			b = &bp[nbp++];
			b->code = code;
			b->inst = inst;
			b->n = 0;
		}
		if (b->n >= ISUP_KV_MAX || strlen(val) >= sizeof(b->kv[0].val)) {
			snprintf(err, es, "'%s': too many fields or value too long", key);
			return ISUP_ERR_BAD_VALUE;
		}
		snprintf(b->kv[b->n].key, sizeof(b->kv[0].key), "%s", field);
		snprintf(b->kv[b->n].val, sizeof(b->kv[0].val), "%s", val);
		b->n++;
	}
	if (have_body && nbp) {
		snprintf(err, es, "body= cannot be combined with parameters");
		return ISUP_ERR_BAD_VALUE;
	}
	if ((m->flags & ISUP_MSGF_RAW_BODY) && !have_body) {
		snprintf(err, es, "%s needs body=", isup_msg_abbr(v, m->type));
		return ISUP_ERR_MISSING_MANDATORY;
	}

	/* mandatory parameters: default field values unless given */
	for (unsigned i = 0; i < m->n_mand; i++) {
		uint8_t code = m->params[i].code;
		struct build_par *b = NULL;
		for (unsigned k = 0; k < nbp; k++)
			if (bp[k].code == code && bp[k].inst == 1)
				b = &bp[k];
		uint8_t buf[255];
		char perr[96];
		int rc =
			isup_par_from_kv(v, code, b ? b->kv : NULL, b ? b->n : 0, buf, sizeof(buf), perr, sizeof(perr));
		if (rc < 0) {
			snprintf(err, es, "%s", perr);
			return rc;
		}
		if (rc == 0) {
			snprintf(err, es, "%s: mandatory parameter needs a value", isup_par_desc(v, code)->abbr);
			return ISUP_ERR_MISSING_MANDATORY;
		}
		isup_msg_set(m, code, buf, (uint8_t)rc);
		if (b)
			b->code = 0, b->inst = 0; /* consumed */
	}
	for (unsigned k = 0; k < nbp; k++) {
		struct build_par *b = &bp[k];
		if (!b->inst)
			continue;
		uint8_t buf[255];
		char perr[96];
		int rc = isup_par_from_kv(v, b->code, b->kv, b->n, buf, sizeof(buf), perr, sizeof(perr));
		if (rc < 0) {
			snprintf(err, es, "%s", perr);
			return rc;
		}
		rc = isup_msg_add(m, b->code, buf, (uint8_t)rc);
		if (rc < 0) {
			snprintf(err, es, "0x%02x: %s (no optional part in this message?)", b->code, isup_err_str(rc));
			return rc;
		}
	}
	return ISUP_OK;
}

int isup_msg_from_line(struct isup_msg *m, enum isup_variant v, const char *line, char *err, size_t es)
{
	/* A parameter takes at least one key=value: no more entries than '=' in the line. Each is 8.6 kB
	 * and set when used, so neither the 64 a message can have nor zeroing (a call's SAM builds a line). */
	size_t n = 1;
	for (const char *c = line; *c; c++)
		n += *c == '=';
	struct build_par *bp = malloc((n < ISUP_MAX_PARAMS ? n : ISUP_MAX_PARAMS) * sizeof(*bp));
	if (!bp) {
		if (err && es)
			snprintf(err, es, "out of memory");
		return ISUP_ERR_NOSPACE;
	}
	int rc = from_line(m, v, line, err, es, bp);
	free(bp);
	return rc;
}
