/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ISUP message structure: mandatory fixed, mandatory variable and optional parts (Q.763 1.3-1.8). */

#include <string.h>
#include <strings.h>

#include "isup_msg.h"
#include "isup_param.h"

#define P(x) ISUP_PAR_##x
#define FMT(t, vm, ab, nm, nf, fx, nv, vr, o)                                                                         \
	{                                                                                                             \
		.type = ISUP_MT_##t, .variants = vm, .abbr = ab, .name = nm, .n_fixed = nf, .fixed = fx, .n_var = nv, \
		.var = vr, .opt = o                                                                                   \
	}
#define L(...)              \
	{                   \
		__VA_ARGS__ \
	}
#define NONE      \
	{         \
		0 \
	}

/* Q.763 Tables 32-53 (ITU) and T1.113.3 (ANSI). Where the variants differ, two rows. */
static const struct isup_msg_fmt fmts[] = {
	FMT(IAM, ISUP_VM_ITU, "IAM", "Initial address", 4, L(P(NCI), P(FCI), P(CPC), P(TMR)), 1, L(P(CALLED)), true),
	/* T1.113: user service information is mandatory variable and TMR is absent */
	FMT(IAM, ISUP_VM_ANSI, "IAM", "Initial address", 3, L(P(NCI), P(FCI), P(CPC)), 2, L(P(USI), P(CALLED)), true),
	FMT(SAM, ISUP_VM_BOTH, "SAM", "Subsequent address", 0, NONE, 1, L(P(SUBSEQ)), true),
	FMT(INR, ISUP_VM_BOTH, "INR", "Information request", 1, L(P(INR_IND)), 0, NONE, true),
	FMT(INF, ISUP_VM_BOTH, "INF", "Information", 1, L(P(INF_IND)), 0, NONE, true),
	FMT(COT, ISUP_VM_BOTH, "COT", "Continuity", 1, L(P(COT_IND)), 0, NONE, false),
	FMT(ACM, ISUP_VM_BOTH, "ACM", "Address complete", 1, L(P(BCI)), 0, NONE, true),
	FMT(CON, ISUP_VM_BOTH, "CON", "Connect", 1, L(P(BCI)), 0, NONE, true),
	FMT(FOT, ISUP_VM_BOTH, "FOT", "Forward transfer", 0, NONE, 0, NONE, true),
	FMT(ANM, ISUP_VM_BOTH, "ANM", "Answer", 0, NONE, 0, NONE, true),
	FMT(REL, ISUP_VM_BOTH, "REL", "Release", 0, NONE, 1, L(P(CAUSE)), true),
	FMT(SUS, ISUP_VM_BOTH, "SUS", "Suspend", 1, L(P(SUS_RES_IND)), 0, NONE, true),
	FMT(RES, ISUP_VM_BOTH, "RES", "Resume", 1, L(P(SUS_RES_IND)), 0, NONE, true),
	FMT(RLC, ISUP_VM_BOTH, "RLC", "Release complete", 0, NONE, 0, NONE, true),
	FMT(CCR, ISUP_VM_BOTH, "CCR", "Continuity check request", 0, NONE, 0, NONE, false),
	FMT(RSC, ISUP_VM_BOTH, "RSC", "Reset circuit", 0, NONE, 0, NONE, false),
	FMT(BLO, ISUP_VM_BOTH, "BLO", "Blocking", 0, NONE, 0, NONE, false),
	FMT(UBL, ISUP_VM_BOTH, "UBL", "Unblocking", 0, NONE, 0, NONE, false),
	FMT(BLA, ISUP_VM_BOTH, "BLA", "Blocking acknowledgement", 0, NONE, 0, NONE, false),
	FMT(UBA, ISUP_VM_BOTH, "UBA", "Unblocking acknowledgement", 0, NONE, 0, NONE, false),
	FMT(GRS, ISUP_VM_BOTH, "GRS", "Circuit group reset", 0, NONE, 1, L(P(RANGE_STATUS)), false),
	FMT(CGB, ISUP_VM_BOTH, "CGB", "Circuit group blocking", 1, L(P(CGSMT)), 1, L(P(RANGE_STATUS)), false),
	FMT(CGU, ISUP_VM_BOTH, "CGU", "Circuit group unblocking", 1, L(P(CGSMT)), 1, L(P(RANGE_STATUS)), false),
	FMT(CGBA, ISUP_VM_BOTH, "CGBA", "Circuit group blocking acknowledgement", 1, L(P(CGSMT)), 1, L(P(RANGE_STATUS)),
	    false),
	FMT(CGUA, ISUP_VM_BOTH, "CGUA", "Circuit group unblocking acknowledgement", 1, L(P(CGSMT)), 1,
	    L(P(RANGE_STATUS)), false),
	FMT(FAR, ISUP_VM_BOTH, "FAR", "Facility request", 1, L(P(FACILITY_IND)), 0, NONE, true),
	FMT(FAA, ISUP_VM_BOTH, "FAA", "Facility accepted", 1, L(P(FACILITY_IND)), 0, NONE, true),
	FMT(FRJ, ISUP_VM_BOTH, "FRJ", "Facility reject", 1, L(P(FACILITY_IND)), 1, L(P(CAUSE)), true),
	FMT(LPA, ISUP_VM_BOTH, "LPA", "Loop back acknowledgement", 0, NONE, 0, NONE, false),
	FMT(GRA, ISUP_VM_BOTH, "GRA", "Circuit group reset acknowledgement", 0, NONE, 1, L(P(RANGE_STATUS)), false),
	FMT(CQM, ISUP_VM_BOTH, "CQM", "Circuit group query", 0, NONE, 1, L(P(RANGE_STATUS)), false),
	FMT(CQR, ISUP_VM_BOTH, "CQR", "Circuit group query response", 0, NONE, 2, L(P(RANGE_STATUS), P(CIRC_STATE)),
	    false),
	FMT(CPG, ISUP_VM_BOTH, "CPG", "Call progress", 1, L(P(EVENT_INFO)), 0, NONE, true),
	FMT(USR, ISUP_VM_BOTH, "USR", "User-to-user information", 0, NONE, 1, L(P(UUI)), true),
	FMT(UCIC, ISUP_VM_BOTH, "UCIC", "Unequipped CIC", 0, NONE, 0, NONE, false),
	FMT(CFN, ISUP_VM_BOTH, "CFN", "Confusion", 0, NONE, 1, L(P(CAUSE)), true),
	FMT(OLM, ISUP_VM_BOTH, "OLM", "Overload", 0, NONE, 0, NONE, false),
	FMT(CRG, ISUP_VM_BOTH, "CRG", "Charge information", 0, NONE, 0, NONE, true),
	FMT(NRM, ISUP_VM_ITU, "NRM", "Network resource management", 0, NONE, 0, NONE, true),
	FMT(FAC, ISUP_VM_BOTH, "FAC", "Facility", 0, NONE, 0, NONE, true),
	FMT(UPT, ISUP_VM_ITU, "UPT", "User part test", 0, NONE, 0, NONE, true),
	FMT(UPA, ISUP_VM_ITU, "UPA", "User part available", 0, NONE, 0, NONE, true),
	FMT(IDR, ISUP_VM_ITU, "IDR", "Identification request", 0, NONE, 0, NONE, true),
	FMT(IRS, ISUP_VM_ITU, "IRS", "Identification response", 0, NONE, 0, NONE, true),
	FMT(SGM, ISUP_VM_ITU, "SGM", "Segmentation", 0, NONE, 0, NONE, true),
	FMT(LOP, ISUP_VM_ITU, "LOP", "Loop prevention", 0, NONE, 0, NONE, true),
	FMT(APM, ISUP_VM_ITU, "APM", "Application transport", 0, NONE, 0, NONE, true),
	FMT(PRI, ISUP_VM_ITU, "PRI", "Pre-release information", 0, NONE, 0, NONE, true),
	FMT(SDM, ISUP_VM_ITU, "SDM", "Subsequent directory number", 0, NONE, 0, NONE, true),
	/* ANSI T1.113 only */
	FMT(CRA, ISUP_VM_ANSI, "CRA", "Circuit reservation acknowledgement", 0, NONE, 0, NONE, false),
	FMT(CRM, ISUP_VM_ANSI, "CRM", "Circuit reservation", 1, L(P(NCI)), 0, NONE, false),
	FMT(CVR, ISUP_VM_ANSI, "CVR", "Circuit validation response", 2, L(P(ANSI_CVR_RESP_IND), P(ANSI_CG_CHAR_IND)), 0,
	    NONE, true),
	FMT(CVT, ISUP_VM_ANSI, "CVT", "Circuit validation test", 0, NONE, 0, NONE, false),
	FMT(EXM, ISUP_VM_ANSI, "EXM", "Exit", 0, NONE, 0, NONE, true),
	/* Pass-along carries a whole embedded message: kept as one raw body. */
	{ .type = ISUP_MT_PAM, .variants = ISUP_VM_BOTH, .abbr = "PAM", .name = "Pass-along", .raw_body = true },
};

/* type -> index+1 into fmts, per variant; built once */
static uint8_t fmt_index[2][256];

__attribute__((constructor)) static void isup_msg_fmt_index_init(void)
{
	for (unsigned i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
		for (unsigned v = 0; v < 2; v++)
			if (fmts[i].variants & ISUP_VAR_MASK(v))
				fmt_index[v][fmts[i].type] = (uint8_t)(i + 1);
}

const struct isup_msg_fmt *isup_msg_fmt(enum isup_variant v, uint8_t type)
{
	unsigned i = fmt_index[v & 1][type];
	return i ? &fmts[i - 1] : NULL;
}

const struct isup_msg_fmt *isup_msg_fmt_at(enum isup_variant v, unsigned idx)
{
	for (unsigned i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		if (!(fmts[i].variants & ISUP_VAR_MASK(v)))
			continue;
		if (idx-- == 0)
			return &fmts[i];
	}
	return NULL;
}

const char *isup_msg_abbr(enum isup_variant v, uint8_t type)
{
	const struct isup_msg_fmt *f = isup_msg_fmt(v, type);
	return f ? f->abbr : NULL;
}

int isup_msg_type_by_abbr(enum isup_variant v, const char *abbr)
{
	for (unsigned i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
		if ((fmts[i].variants & ISUP_VAR_MASK(v)) && !strcasecmp(fmts[i].abbr, abbr))
			return fmts[i].type;
	return -1;
}

const char *isup_err_str(int err)
{
	switch (err) {
	case ISUP_OK:
		return "ok";
	case ISUP_ERR_SHORT:
		return "message too short";
	case ISUP_ERR_UNKNOWN_MSG:
		return "unrecognized message type";
	case ISUP_ERR_FIXED_SHORT:
		return "mandatory fixed part truncated";
	case ISUP_ERR_BAD_POINTER:
		return "pointer outside the message";
	case ISUP_ERR_MISSING_MANDATORY:
		return "mandatory parameter missing";
	case ISUP_ERR_BAD_LENGTH:
		return "bad parameter length";
	case ISUP_ERR_NO_EOP:
		return "optional part not terminated";
	case ISUP_ERR_TOO_MANY_PARAMS:
		return "too many parameters";
	case ISUP_ERR_NO_OPT_PTR:
		return "optional part pointer missing";
	case ISUP_ERR_NOSPACE:
		return "buffer too small";
	case ISUP_ERR_BAD_VALUE:
		return "bad parameter value";
	default:
		return "unknown error";
	}
}

static int msg_store(struct isup_msg *m, uint8_t code, const uint8_t *d, uint16_t len)
{
	if (m->n_params >= ISUP_MAX_PARAMS)
		return ISUP_ERR_TOO_MANY_PARAMS;
	if ((size_t)m->data_len + len > sizeof(m->data))
		return ISUP_ERR_NOSPACE;
	struct isup_param *p = &m->params[m->n_params++];
	p->code = code;
	p->len = len;
	p->off = m->data_len;
	if (len)
		memcpy(m->data + m->data_len, d, len);
	m->data_len += len;
	return ISUP_OK;
}

static void msg_reset(struct isup_msg *m, enum isup_variant v, uint8_t type, uint16_t cic)
{
	m->variant = v;
	m->type = type;
	m->cic = cic;
	m->flags = 0;
	m->n_mand = 0;
	m->n_params = 0;
	m->data_len = 0;
}

/* Parse an optional part starting at t (Q.763 1.8): code, length, value ... terminated by 0. */
static int parse_optional(struct isup_msg *m, const uint8_t *t, const uint8_t *end)
{
	if (t < end && *t == ISUP_PAR_EOP) {
		m->flags |= ISUP_MSGF_OPT_EMPTY_EOP;
		return ISUP_OK;
	}
	while (t < end) {
		uint8_t code = t[0];
		if (code == ISUP_PAR_EOP)
			return ISUP_OK;
		if (end - t < 2)
			return ISUP_ERR_BAD_LENGTH;
		uint8_t len = t[1];
		if (end - t - 2 < len)
			return ISUP_ERR_BAD_LENGTH;
		int rc = msg_store(m, code, t + 2, len);
		if (rc)
			return rc == ISUP_ERR_NOSPACE ? ISUP_ERR_BAD_LENGTH : rc;
		t += 2 + len;
	}
	return ISUP_ERR_NO_EOP;
}

/* Q.763: messages defined after ISUP'92 and unknown ones carry only a pointer to the optional part. */
static int decode_unknown(struct isup_msg *m, const uint8_t *p, const uint8_t *end)
{
	m->flags |= ISUP_MSGF_UNKNOWN;
	int rc = ISUP_ERR_BAD_POINTER;
	if (p < end) {
		if (p[0] == 0 && end - p == 1)
			rc = ISUP_OK;
		else if (p[0] != 0 && p[0] < end - p)
			rc = parse_optional(m, p + p[0], end);
	}
	if (rc != ISUP_OK) {
		m->n_params = 0;
		m->data_len = 0;
		m->flags = ISUP_MSGF_UNKNOWN | ISUP_MSGF_UNPARSED;
		if (msg_store(m, 0, p, (uint16_t)(end - p)))
			return ISUP_ERR_BAD_LENGTH;
	}
	return ISUP_ERR_UNKNOWN_MSG;
}

int isup_msg_decode_body(struct isup_msg *m, enum isup_variant v, uint16_t cic, const uint8_t *buf, size_t len)
{
	if (len < 1)
		return ISUP_ERR_SHORT;
	if (len > ISUP_MSG_MAX_WIRE)
		return ISUP_ERR_BAD_LENGTH;
	msg_reset(m, v, buf[0], cic);
	const uint8_t *p = buf + 1, *end = buf + len;
	const struct isup_msg_fmt *f = isup_msg_fmt(v, m->type);
	if (!f)
		return decode_unknown(m, p, end);
	if (f->raw_body) {
		m->flags |= ISUP_MSGF_RAW_BODY;
		return msg_store(m, 0, p, (uint16_t)(end - p)) ? ISUP_ERR_BAD_LENGTH : ISUP_OK;
	}

	/* mandatory fixed part */
	for (unsigned i = 0; i < f->n_fixed; i++) {
		const struct isup_par_desc *d = isup_par_desc(v, f->fixed[i]);
		uint8_t flen = d->min_len;
		if (end - p < flen)
			return ISUP_ERR_FIXED_SHORT;
		if (msg_store(m, f->fixed[i], p, flen))
			return ISUP_ERR_BAD_LENGTH;
		p += flen;
	}

	/* pointers: one per mandatory variable parameter, then one to the optional part */
	unsigned n_ptr = f->n_var + (f->opt ? 1 : 0);
	if (end - p < (ptrdiff_t)n_ptr) {
		if (end - p < (ptrdiff_t)f->n_var)
			return ISUP_ERR_MISSING_MANDATORY;
		/* Only the optional part's pointer is missing and it would have been the last octet
		 * (e.g. an ANSI RLC from a switch that reads T1.113 as "no optional part"): accept. */
		if (f->n_var == 0) {
			m->n_mand = m->n_params;
			m->flags |= ISUP_MSGF_NO_OPT_PTR;
			return ISUP_OK;
		}
		return ISUP_ERR_NO_OPT_PTR;
	}
	const uint8_t *ptr_end = p + n_ptr;
	for (unsigned i = 0; i < f->n_var; i++) {
		const uint8_t *ptr = p + i;
		if (*ptr == 0)
			return ISUP_ERR_MISSING_MANDATORY;
		const uint8_t *t = ptr + *ptr;
		if (t < ptr_end || t >= end)
			return ISUP_ERR_BAD_POINTER;
		uint8_t plen = t[0];
		if (end - t - 1 < plen)
			return ISUP_ERR_BAD_LENGTH;
		const struct isup_par_desc *d = isup_par_desc(v, f->var[i]);
		if (plen == 0)
			return ISUP_ERR_MISSING_MANDATORY;
		if (plen < d->min_len || plen > d->max_len)
			return ISUP_ERR_BAD_LENGTH;
		/* overlapping pointers could make the copies outgrow the store */
		if (msg_store(m, f->var[i], t + 1, plen))
			return ISUP_ERR_BAD_LENGTH;
	}
	m->n_mand = m->n_params;
	if (!f->opt)
		return ISUP_OK;

	const uint8_t *optr = p + f->n_var;
	if (*optr == 0)
		return ISUP_OK;
	const uint8_t *t = optr + *optr;
	if (t < ptr_end || t >= end)
		return ISUP_ERR_BAD_POINTER;
	return parse_optional(m, t, end);
}

int isup_msg_decode(struct isup_msg *m, enum isup_variant v, const uint8_t *buf, size_t len)
{
	if (len < 3)
		return ISUP_ERR_SHORT;
	uint16_t cic = (uint16_t)(buf[0] | (buf[1] << 8)) & isup_cic_max(v);
	return isup_msg_decode_body(m, v, cic, buf + 2, len - 2);
}

static int enc_opt_params(const struct isup_msg *m, unsigned from, uint8_t *o, size_t room)
{
	size_t n = 0;
	for (unsigned i = from; i < m->n_params; i++) {
		const struct isup_param *p = &m->params[i];
		if (p->len > 255)
			return ISUP_ERR_BAD_LENGTH;
		if (room - n < 2u + p->len)
			return ISUP_ERR_NOSPACE;
		o[n++] = p->code;
		o[n++] = (uint8_t)p->len;
		memcpy(o + n, m->data + p->off, p->len);
		n += p->len;
	}
	if (room - n < 1)
		return ISUP_ERR_NOSPACE;
	o[n++] = ISUP_PAR_EOP;
	return (int)n;
}

int isup_msg_encode_body(const struct isup_msg *m, uint8_t *out, size_t size)
{
	if (size < 1)
		return ISUP_ERR_NOSPACE;
	out[0] = m->type;
	size_t n = 1;

	if (m->flags & (ISUP_MSGF_RAW_BODY | ISUP_MSGF_UNPARSED)) {
		if (m->n_params != 1)
			return ISUP_ERR_MISSING_MANDATORY;
		const struct isup_param *p = &m->params[0];
		if (size - n < p->len)
			return ISUP_ERR_NOSPACE;
		memcpy(out + n, m->data + p->off, p->len);
		return (int)(n + p->len);
	}

	const struct isup_msg_fmt *f = (m->flags & ISUP_MSGF_UNKNOWN) ? NULL : isup_msg_fmt(m->variant, m->type);
	unsigned n_fixed = f ? f->n_fixed : 0, n_var = f ? f->n_var : 0;
	bool opt = f ? f->opt : true;
	if (m->n_mand != n_fixed + n_var || m->n_params < m->n_mand)
		return ISUP_ERR_MISSING_MANDATORY;

	for (unsigned i = 0; i < n_fixed; i++) {
		const struct isup_param *p = &m->params[i];
		const struct isup_par_desc *d = isup_par_desc(m->variant, f->fixed[i]);
		if (p->len != d->min_len)
			return p->len ? ISUP_ERR_BAD_LENGTH : ISUP_ERR_MISSING_MANDATORY;
		if (size - n < p->len)
			return ISUP_ERR_NOSPACE;
		memcpy(out + n, m->data + p->off, p->len);
		n += p->len;
	}

	size_t ptr0 = n, n_ptr = n_var + (opt ? 1 : 0);
	if (size - n < n_ptr)
		return ISUP_ERR_NOSPACE;
	n += n_ptr;
	for (unsigned i = 0; i < n_var; i++) {
		const struct isup_param *p = &m->params[n_fixed + i];
		if (p->len == 0)
			return ISUP_ERR_MISSING_MANDATORY;
		if (p->len > 255)
			return ISUP_ERR_BAD_LENGTH;
		if (n - (ptr0 + i) > 255)
			return ISUP_ERR_BAD_LENGTH;
		out[ptr0 + i] = (uint8_t)(n - (ptr0 + i));
		if (size - n < 1u + p->len)
			return ISUP_ERR_NOSPACE;
		out[n++] = (uint8_t)p->len;
		memcpy(out + n, m->data + p->off, p->len);
		n += p->len;
	}
	if (!opt) {
		if (m->n_params > m->n_mand)
			return ISUP_ERR_BAD_VALUE;
		return (int)n;
	}
	size_t optr = ptr0 + n_var;
	if (m->n_params == m->n_mand && (m->flags & ISUP_MSGF_NO_OPT_PTR) && n_var == 0)
		return (int)(n - 1);
	if (m->n_params == m->n_mand && !(m->flags & ISUP_MSGF_OPT_EMPTY_EOP)) {
		out[optr] = 0;
		return (int)n;
	}
	if (n - optr > 255)
		return ISUP_ERR_BAD_LENGTH;
	out[optr] = (uint8_t)(n - optr);
	int rc = enc_opt_params(m, m->n_mand, out + n, size - n);
	if (rc < 0)
		return rc;
	return (int)(n + (size_t)rc);
}

int isup_msg_encode(const struct isup_msg *m, uint8_t *out, size_t size)
{
	if (size < 2)
		return ISUP_ERR_NOSPACE;
	if (m->cic > isup_cic_max(m->variant))
		return ISUP_ERR_BAD_VALUE;
	out[0] = m->cic & 0xff;
	out[1] = m->cic >> 8;
	int rc = isup_msg_encode_body(m, out + 2, size - 2);
	return rc < 0 ? rc : rc + 2;
}

int isup_msg_init(struct isup_msg *m, enum isup_variant v, uint8_t type, uint16_t cic)
{
	msg_reset(m, v, type, cic);
	const struct isup_msg_fmt *f = isup_msg_fmt(v, type);
	if (!f) {
		m->flags |= ISUP_MSGF_UNKNOWN;
		return ISUP_ERR_UNKNOWN_MSG;
	}
	if (f->raw_body) {
		m->flags |= ISUP_MSGF_RAW_BODY;
		return ISUP_OK;
	}
	for (unsigned i = 0; i < f->n_fixed; i++)
		msg_store(m, f->fixed[i], NULL, 0);
	for (unsigned i = 0; i < f->n_var; i++)
		msg_store(m, f->var[i], NULL, 0);
	m->n_mand = m->n_params;
	return ISUP_OK;
}

/* Replace the bytes of parameter i; data is compacted so repeated sets do not grow the buffer. */
static int msg_replace(struct isup_msg *m, unsigned i, const uint8_t *d, uint16_t len)
{
	struct isup_param *p = &m->params[i];
	uint16_t old_off = p->off, old_len = p->len;
	if ((size_t)m->data_len - old_len + len > sizeof(m->data))
		return ISUP_ERR_NOSPACE;
	memmove(m->data + old_off, m->data + old_off + old_len, m->data_len - old_off - old_len);
	m->data_len -= old_len;
	for (unsigned k = 0; k < m->n_params; k++)
		if (m->params[k].off > old_off)
			m->params[k].off -= old_len;
	p->off = m->data_len;
	p->len = len;
	if (len)
		memcpy(m->data + m->data_len, d, len);
	m->data_len += len;
	return ISUP_OK;
}

int isup_msg_set(struct isup_msg *m, uint8_t code, const uint8_t *d, uint8_t len)
{
	if (m->flags & (ISUP_MSGF_RAW_BODY | ISUP_MSGF_UNPARSED))
		return ISUP_ERR_BAD_VALUE;
	for (unsigned i = 0; i < m->n_params; i++)
		if (m->params[i].code == code)
			return msg_replace(m, i, d, len);
	if (code == ISUP_PAR_EOP)
		return ISUP_ERR_BAD_VALUE;
	const struct isup_msg_fmt *f = isup_msg_fmt(m->variant, m->type);
	if (f && !f->opt)
		return ISUP_ERR_BAD_VALUE;
	return msg_store(m, code, d, len);
}

int isup_msg_add(struct isup_msg *m, uint8_t code, const uint8_t *d, uint8_t len)
{
	if (m->flags & (ISUP_MSGF_RAW_BODY | ISUP_MSGF_UNPARSED))
		return ISUP_ERR_BAD_VALUE;
	const struct isup_msg_fmt *f = isup_msg_fmt(m->variant, m->type);
	if (code == ISUP_PAR_EOP || (f && !f->opt))
		return ISUP_ERR_BAD_VALUE;
	return msg_store(m, code, d, len);
}

int isup_msg_set_raw_body(struct isup_msg *m, const uint8_t *d, uint16_t len)
{
	if (!(m->flags & (ISUP_MSGF_RAW_BODY | ISUP_MSGF_UNKNOWN)))
		return ISUP_ERR_BAD_VALUE;
	if (!(m->flags & ISUP_MSGF_RAW_BODY))
		m->flags |= ISUP_MSGF_UNPARSED;
	m->n_params = 0;
	m->data_len = 0;
	return msg_store(m, 0, d, len);
}

int isup_msg_del(struct isup_msg *m, uint8_t code)
{
	for (unsigned i = m->n_mand; i < m->n_params; i++) {
		if (m->params[i].code != code)
			continue;
		msg_replace(m, i, NULL, 0);
		memmove(&m->params[i], &m->params[i + 1], (m->n_params - i - 1) * sizeof(m->params[0]));
		m->n_params--;
		return ISUP_OK;
	}
	return ISUP_ERR_MISSING_MANDATORY;
}

const struct isup_param *isup_msg_get(const struct isup_msg *m, uint8_t code)
{
	if (m->flags & (ISUP_MSGF_RAW_BODY | ISUP_MSGF_UNPARSED))
		return NULL;
	for (unsigned i = 0; i < m->n_params; i++)
		if (m->params[i].code == code && (m->params[i].len || i >= m->n_mand))
			return &m->params[i];
	return NULL;
}

bool isup_msg_equal(const struct isup_msg *a, const struct isup_msg *b)
{
	if (a->variant != b->variant || a->type != b->type || a->cic != b->cic || a->n_mand != b->n_mand ||
	    a->n_params != b->n_params)
		return false;
	if ((a->flags & ~ISUP_MSGF_WIRE_QUIRKS) != (b->flags & ~ISUP_MSGF_WIRE_QUIRKS))
		return false;
	for (unsigned i = 0; i < a->n_params; i++) {
		const struct isup_param *pa = &a->params[i], *pb = &b->params[i];
		if (pa->code != pb->code || pa->len != pb->len || memcmp(a->data + pa->off, b->data + pb->off, pa->len))
			return false;
	}
	return true;
}
