/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Typed ISUP parameter values with structure beyond fixed bit fields: numbers, cause, range and
 * status, user service information, generic digits, compatibility information, circuit states. */

#include <string.h>

#include "isup_param.h"

static const char hexdig[] = "0123456789ABCDEF";

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Q.763 3.9 (called), 3.10 (calling), 3.26 (generic), 3.51 (subsequent) and their relatives. */
int isup_number_decode(enum isup_variant v, uint8_t code, const uint8_t *d, uint8_t len, struct isup_number *n)
{
	const struct isup_par_desc *pd = isup_par_desc(v, code);
	if (!pd || (pd->kind != ISUP_PK_NUMBER && pd->kind != ISUP_PK_GENNUM && pd->kind != ISUP_PK_SUBSEQ))
		return ISUP_ERR_BAD_VALUE;
	memset(n, 0, sizeof(*n));
	unsigned i = 0;
	if (pd->kind == ISUP_PK_GENNUM) {
		if (len < 1)
			return ISUP_ERR_BAD_LENGTH;
		n->nqi = d[i++];
	}
	unsigned hdr = pd->kind == ISUP_PK_SUBSEQ ? 1 : 2;
	if (len < i + hdr)
		return ISUP_ERR_BAD_LENGTH;
	bool odd = d[i] >> 7;
	n->nai = d[i++] & 0x7f;
	if (pd->kind != ISUP_PK_SUBSEQ) {
		uint8_t o = d[i++];
		n->inn_ni = o >> 7;
		n->npi = (o >> 4) & 7;
		n->apri = (o >> 2) & 3;
		n->si = o & 3;
	}
	unsigned octs = len - i;
	if (odd && octs == 0)
		return ISUP_ERR_BAD_VALUE;
	unsigned nd = octs * 2 - (odd ? 1 : 0);
	if (nd > ISUP_NUM_MAX_DIGITS)
		return ISUP_ERR_BAD_LENGTH;
	for (unsigned k = 0; k < nd; k++) {
		uint8_t b = d[i + k / 2];
		n->digits[k] = hexdig[(k & 1) ? b >> 4 : b & 0x0f];
	}
	n->digits[nd] = '\0';
	n->n_digits = (uint8_t)nd;
	if (odd)
		n->filler = d[len - 1] >> 4;
	return ISUP_OK;
}

int isup_number_encode(enum isup_variant v, uint8_t code, const struct isup_number *n, uint8_t *buf, size_t size)
{
	const struct isup_par_desc *pd = isup_par_desc(v, code);
	if (!pd || (pd->kind != ISUP_PK_NUMBER && pd->kind != ISUP_PK_GENNUM && pd->kind != ISUP_PK_SUBSEQ))
		return ISUP_ERR_BAD_VALUE;
	unsigned nd = n->n_digits;
	if (nd > ISUP_NUM_MAX_DIGITS || strnlen(n->digits, ISUP_NUM_MAX_DIGITS + 1) != nd)
		return ISUP_ERR_BAD_VALUE;
	if (n->nai > 0x7f || n->inn_ni > 1 || n->npi > 7 || n->apri > 3 || n->si > 3 || n->filler > 15)
		return ISUP_ERR_BAD_VALUE;
	bool odd = nd & 1;
	size_t need = (pd->kind == ISUP_PK_GENNUM) + (pd->kind == ISUP_PK_SUBSEQ ? 1 : 2) + (nd + 1) / 2;
	if (need > size || need > 255)
		return ISUP_ERR_NOSPACE;
	unsigned i = 0;
	if (pd->kind == ISUP_PK_GENNUM)
		buf[i++] = n->nqi;
	buf[i++] = (uint8_t)((odd ? 0x80 : 0) | n->nai);
	if (pd->kind != ISUP_PK_SUBSEQ)
		buf[i++] = (uint8_t)(n->inn_ni << 7 | n->npi << 4 | n->apri << 2 | n->si);
	memset(buf + i, 0, (nd + 1) / 2);
	for (unsigned k = 0; k < nd; k++) {
		int h = hexval(n->digits[k]);
		if (h < 0)
			return ISUP_ERR_BAD_VALUE;
		buf[i + k / 2] |= (uint8_t)((k & 1) ? h << 4 : h);
	}
	if (odd)
		buf[i + nd / 2] |= (uint8_t)(n->filler << 4);
	return (int)need;
}

/* Q.763 3.12 / Q.850 section 2 */
int isup_cause_decode(const uint8_t *d, uint8_t len, struct isup_cause *c)
{
	memset(c, 0, sizeof(*c));
	if (len < 2)
		return ISUP_ERR_BAD_LENGTH;
	unsigned i = 0;
	uint8_t o1 = d[i++];
	c->coding_std = (o1 >> 5) & 3;
	c->spare = (o1 >> 4) & 1;
	c->location = o1 & 0x0f;
	if (!(o1 & 0x80)) {
		if (len < 3)
			return ISUP_ERR_BAD_LENGTH;
		if (!(d[i] & 0x80))
			return ISUP_ERR_BAD_VALUE; /* Q.850: octet 3a is the last of its group */
		c->has_rec = true;
		c->rec = d[i++] & 0x7f;
	}
	if (!(d[i] & 0x80))
		return ISUP_ERR_BAD_VALUE; /* Q.850: the cause value octet ends its group */
	c->cause = d[i++] & 0x7f;
	unsigned nd = len - i;
	if (nd > ISUP_CAUSE_MAX_DIAG)
		return ISUP_ERR_BAD_LENGTH;
	c->diag_len = (uint8_t)nd;
	memcpy(c->diag, d + i, nd);
	return ISUP_OK;
}

int isup_cause_encode(const struct isup_cause *c, uint8_t *buf, size_t size)
{
	if (c->coding_std > 3 || c->location > 15 || c->spare > 1 || c->rec > 0x7f || c->cause > 0x7f ||
	    c->diag_len > ISUP_CAUSE_MAX_DIAG)
		return ISUP_ERR_BAD_VALUE;
	size_t need = 2u + (c->has_rec ? 1 : 0) + c->diag_len;
	if (need > size)
		return ISUP_ERR_NOSPACE;
	unsigned i = 0;
	buf[i++] = (uint8_t)((c->has_rec ? 0 : 0x80) | c->coding_std << 5 | c->spare << 4 | c->location);
	if (c->has_rec)
		buf[i++] = 0x80 | c->rec;
	buf[i++] = 0x80 | c->cause;
	memcpy(buf + i, c->diag, c->diag_len);
	return (int)need;
}

/* Q.763 3.43 */
int isup_rs_decode(const uint8_t *d, uint8_t len, struct isup_range_status *rs)
{
	memset(rs, 0, sizeof(*rs));
	if (len < 1)
		return ISUP_ERR_BAD_LENGTH;
	rs->range = d[0];
	unsigned sl = len - 1u;
	if (sl > ISUP_RS_MAX_STATUS)
		return ISUP_ERR_BAD_LENGTH;
	if (sl && sl != isup_rs_status_len(rs->range))
		return ISUP_ERR_BAD_VALUE;
	rs->status_len = (uint8_t)sl;
	memcpy(rs->status, d + 1, sl);
	return ISUP_OK;
}

int isup_rs_encode(const struct isup_range_status *rs, uint8_t *buf, size_t size)
{
	if (rs->status_len > ISUP_RS_MAX_STATUS || (rs->status_len && rs->status_len != isup_rs_status_len(rs->range)))
		return ISUP_ERR_BAD_VALUE;
	if (size < 1u + rs->status_len)
		return ISUP_ERR_NOSPACE;
	buf[0] = rs->range;
	memcpy(buf + 1, rs->status, rs->status_len);
	return 1 + rs->status_len;
}

/* Q.763 3.57: contents of Q.931 bearer capability from octet 3 */
int isup_usi_decode(const uint8_t *d, uint8_t len, struct isup_usi *u)
{
	memset(u, 0, sizeof(*u));
	if (len < 2)
		return ISUP_ERR_BAD_LENGTH;
	/* only the standard layout is modelled (octets 3 and 4 end their groups); others stay raw */
	if (!(d[0] & 0x80) || !(d[1] & 0x80))
		return ISUP_ERR_BAD_VALUE;
	u->coding_std = (d[0] >> 5) & 3;
	u->itc = d[0] & 0x1f;
	u->mode = (d[1] >> 5) & 3;
	u->rate = d[1] & 0x1f;
	unsigned i = 2;
	if (u->rate == 0x18 && i < len) {
		if (!(d[i] & 0x80))
			return ISUP_ERR_BAD_VALUE;
		u->has_mult = true;
		u->mult = d[i++] & 0x7f;
	}
	if (i < len && ((d[i] >> 5) & 3) == 1) {
		u->has_l1 = true;
		u->l1 = d[i] & 0x1f;
		u->l1_ext = d[i] >> 7;
		i++;
	}
	if (len - i > ISUP_USI_MAX_REST)
		return ISUP_ERR_BAD_LENGTH;
	u->rest_len = (uint8_t)(len - i);
	memcpy(u->rest, d + i, u->rest_len);
	return ISUP_OK;
}

int isup_usi_encode(const struct isup_usi *u, uint8_t *buf, size_t size)
{
	if (u->coding_std > 3 || u->itc > 31 || u->mode > 3 || u->rate > 31 || u->l1 > 31 || u->l1_ext > 1 ||
	    u->mult > 0x7f || u->rest_len > ISUP_USI_MAX_REST || (u->has_mult && u->rate != 0x18))
		return ISUP_ERR_BAD_VALUE;
	size_t need = 2u + u->has_mult + u->has_l1 + u->rest_len;
	if (need > size)
		return ISUP_ERR_NOSPACE;
	unsigned i = 0;
	buf[i++] = (uint8_t)(0x80 | u->coding_std << 5 | u->itc);
	buf[i++] = (uint8_t)(0x80 | u->mode << 5 | u->rate);
	if (u->has_mult)
		buf[i++] = 0x80 | u->mult;
	if (u->has_l1)
		buf[i++] = (uint8_t)(u->l1_ext << 7 | 1 << 5 | u->l1);
	memcpy(buf + i, u->rest, u->rest_len);
	return (int)need;
}

/* Q.763 3.24 */
int isup_gdigits_decode(const uint8_t *d, uint8_t len, struct isup_generic_digits *g)
{
	memset(g, 0, sizeof(*g));
	if (len < 1)
		return ISUP_ERR_BAD_LENGTH;
	if (len - 1u > ISUP_GD_MAX)
		return ISUP_ERR_BAD_LENGTH;
	g->encoding = d[0] >> 5;
	g->type = d[0] & 0x1f;
	g->len = len - 1;
	memcpy(g->data, d + 1, g->len);
	return ISUP_OK;
}

int isup_gdigits_encode(const struct isup_generic_digits *g, uint8_t *buf, size_t size)
{
	if (g->encoding > 7 || g->type > 31 || g->len > ISUP_GD_MAX)
		return ISUP_ERR_BAD_VALUE;
	if (size < 1u + g->len)
		return ISUP_ERR_NOSPACE;
	buf[0] = (uint8_t)(g->encoding << 5 | g->type);
	memcpy(buf + 1, g->data, g->len);
	return 1 + g->len;
}

/* Instruction indicators: octets chained by the extension bit (bit 8 = 1 marks the last). */
static int instr_parse(const uint8_t *d, unsigned len, struct isup_instr *ii)
{
	memset(ii, 0, sizeof(*ii));
	unsigned i = 0;
	while (i < len) {
		if (ii->n >= sizeof(ii->oct))
			return -1;
		ii->oct[ii->n++] = d[i];
		if (d[i++] & 0x80)
			return (int)i;
	}
	return -1;
}

int isup_instr_decode(const uint8_t *d, uint8_t len, struct isup_instr *ii)
{
	int n = instr_parse(d, len, ii);
	if (n < 0 || (unsigned)n != len)
		return ISUP_ERR_BAD_VALUE;
	return ISUP_OK;
}

int isup_instr_encode(const struct isup_instr *ii, uint8_t *buf, size_t size)
{
	if (ii->n < 1 || ii->n > sizeof(ii->oct))
		return ISUP_ERR_BAD_VALUE;
	if (size < ii->n)
		return ISUP_ERR_NOSPACE;
	for (unsigned i = 0; i < ii->n; i++) {
		bool last = i == ii->n - 1u;
		if (!!(ii->oct[i] & 0x80) != last)
			return ISUP_ERR_BAD_VALUE;
		buf[i] = ii->oct[i];
	}
	return ii->n;
}

/* Q.763 3.41 */
int isup_pci_decode(const uint8_t *d, uint8_t len, struct isup_par_compat *pci)
{
	memset(pci, 0, sizeof(*pci));
	unsigned i = 0;
	while (i < len) {
		if (pci->n >= ISUP_PCI_MAX)
			return ISUP_ERR_BAD_LENGTH;
		if (len - i < 2)
			return ISUP_ERR_BAD_VALUE;
		pci->e[pci->n].code = d[i++];
		int n = instr_parse(d + i, len - i, &pci->e[pci->n].ii);
		if (n < 0)
			return ISUP_ERR_BAD_VALUE;
		i += (unsigned)n;
		pci->n++;
	}
	return pci->n ? ISUP_OK : ISUP_ERR_BAD_LENGTH;
}

int isup_pci_encode(const struct isup_par_compat *pci, uint8_t *buf, size_t size)
{
	size_t n = 0;
	if (pci->n < 1 || pci->n > ISUP_PCI_MAX)
		return ISUP_ERR_BAD_VALUE;
	for (unsigned k = 0; k < pci->n; k++) {
		if (size - n < 1)
			return ISUP_ERR_NOSPACE;
		buf[n++] = pci->e[k].code;
		int rc = isup_instr_encode(&pci->e[k].ii, buf + n, size - n);
		if (rc < 0)
			return rc;
		n += (size_t)rc;
	}
	return n > 255 ? ISUP_ERR_NOSPACE : (int)n;
}

/* Q.763 3.14 */
int isup_csi_decode(const uint8_t *d, uint8_t len, struct isup_circ_state *cs)
{
	memset(cs, 0, sizeof(*cs));
	if (len < 1 || len > ISUP_CSI_MAX)
		return ISUP_ERR_BAD_LENGTH;
	cs->n = len;
	memcpy(cs->st, d, len);
	return ISUP_OK;
}

int isup_csi_encode(const struct isup_circ_state *cs, uint8_t *buf, size_t size)
{
	if (cs->n < 1 || cs->n > ISUP_CSI_MAX)
		return ISUP_ERR_BAD_VALUE;
	if (size < cs->n)
		return ISUP_ERR_NOSPACE;
	memcpy(buf, cs->st, cs->n);
	return cs->n;
}

/* ---- message conveniences ---- */

int isup_msg_get_number(const struct isup_msg *m, uint8_t code, struct isup_number *n)
{
	const struct isup_param *p = isup_msg_get(m, code);
	if (!p)
		return ISUP_ERR_MISSING_MANDATORY;
	return isup_number_decode(m->variant, code, isup_msg_pdata(m, p), (uint8_t)p->len, n);
}

int isup_msg_put_number(struct isup_msg *m, uint8_t code, const struct isup_number *n)
{
	uint8_t buf[255];
	int rc = isup_number_encode(m->variant, code, n, buf, sizeof(buf));
	return rc < 0 ? rc : isup_msg_set(m, code, buf, (uint8_t)rc);
}

int isup_msg_get_cause(const struct isup_msg *m, struct isup_cause *c)
{
	const struct isup_param *p = isup_msg_get(m, ISUP_PAR_CAUSE);
	if (!p)
		return ISUP_ERR_MISSING_MANDATORY;
	return isup_cause_decode(isup_msg_pdata(m, p), (uint8_t)p->len, c);
}

int isup_msg_put_cause(struct isup_msg *m, const struct isup_cause *c)
{
	uint8_t buf[64];
	int rc = isup_cause_encode(c, buf, sizeof(buf));
	return rc < 0 ? rc : isup_msg_set(m, ISUP_PAR_CAUSE, buf, (uint8_t)rc);
}

int isup_msg_get_rs(const struct isup_msg *m, struct isup_range_status *rs)
{
	const struct isup_param *p = isup_msg_get(m, ISUP_PAR_RANGE_STATUS);
	if (!p)
		return ISUP_ERR_MISSING_MANDATORY;
	return isup_rs_decode(isup_msg_pdata(m, p), (uint8_t)p->len, rs);
}

int isup_msg_put_rs(struct isup_msg *m, const struct isup_range_status *rs)
{
	uint8_t buf[64];
	int rc = isup_rs_encode(rs, buf, sizeof(buf));
	return rc < 0 ? rc : isup_msg_set(m, ISUP_PAR_RANGE_STATUS, buf, (uint8_t)rc);
}
