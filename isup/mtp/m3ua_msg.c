/* SPDX-License-Identifier: GPL-2.0-or-later */
/* M3UA message codec (RFC 4666 section 3). */

#include <string.h>

#include "m3ua_msg.h"

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static const struct {
	uint8_t cls, type;
	const char *name;
} msg_names[] = {
	{ M3UA_CL_MGMT, M3UA_MGMT_ERR, "ERR" },
	{ M3UA_CL_MGMT, M3UA_MGMT_NTFY, "NTFY" },
	{ M3UA_CL_XFER, M3UA_XFER_DATA, "DATA" },
	{ M3UA_CL_SSNM, M3UA_SSNM_DUNA, "DUNA" },
	{ M3UA_CL_SSNM, M3UA_SSNM_DAVA, "DAVA" },
	{ M3UA_CL_SSNM, M3UA_SSNM_DAUD, "DAUD" },
	{ M3UA_CL_SSNM, M3UA_SSNM_SCON, "SCON" },
	{ M3UA_CL_SSNM, M3UA_SSNM_DUPU, "DUPU" },
	{ M3UA_CL_SSNM, M3UA_SSNM_DRST, "DRST" },
	{ M3UA_CL_ASPSM, M3UA_ASPSM_UP, "ASPUP" },
	{ M3UA_CL_ASPSM, M3UA_ASPSM_DOWN, "ASPDN" },
	{ M3UA_CL_ASPSM, M3UA_ASPSM_BEAT, "BEAT" },
	{ M3UA_CL_ASPSM, M3UA_ASPSM_UP_ACK, "ASPUP_ACK" },
	{ M3UA_CL_ASPSM, M3UA_ASPSM_DOWN_ACK, "ASPDN_ACK" },
	{ M3UA_CL_ASPSM, M3UA_ASPSM_BEAT_ACK, "BEAT_ACK" },
	{ M3UA_CL_ASPTM, M3UA_ASPTM_ACTIVE, "ASPAC" },
	{ M3UA_CL_ASPTM, M3UA_ASPTM_INACTIVE, "ASPIA" },
	{ M3UA_CL_ASPTM, M3UA_ASPTM_ACTIVE_ACK, "ASPAC_ACK" },
	{ M3UA_CL_ASPTM, M3UA_ASPTM_INACTIVE_ACK, "ASPIA_ACK" },
	{ M3UA_CL_RKM, M3UA_RKM_REG_REQ, "REG_REQ" },
	{ M3UA_CL_RKM, M3UA_RKM_REG_RSP, "REG_RSP" },
	{ M3UA_CL_RKM, M3UA_RKM_DEREG_REQ, "DEREG_REQ" },
	{ M3UA_CL_RKM, M3UA_RKM_DEREG_RSP, "DEREG_RSP" },
};

bool m3ua_msg_known(uint8_t cls, uint8_t type)
{
	for (unsigned i = 0; i < sizeof(msg_names) / sizeof(msg_names[0]); i++)
		if (msg_names[i].cls == cls && msg_names[i].type == type)
			return true;
	return false;
}

const char *m3ua_msg_name(uint8_t cls, uint8_t type)
{
	for (unsigned i = 0; i < sizeof(msg_names) / sizeof(msg_names[0]); i++)
		if (msg_names[i].cls == cls && msg_names[i].type == type)
			return msg_names[i].name;
	return "unknown";
}

const char *m3ua_err_name(unsigned code)
{
	switch (code) {
	case M3UA_ERR_INVALID_VERSION:
		return "invalid version";
	case M3UA_ERR_UNSUPP_MSG_CLASS:
		return "unsupported message class";
	case M3UA_ERR_UNSUPP_MSG_TYPE:
		return "unsupported message type";
	case M3UA_ERR_UNSUPP_TRAFFIC_MODE:
		return "unsupported traffic mode type";
	case M3UA_ERR_UNEXPECTED_MSG:
		return "unexpected message";
	case M3UA_ERR_PROTOCOL_ERROR:
		return "protocol error";
	case M3UA_ERR_INVALID_STREAM_ID:
		return "invalid stream identifier";
	case M3UA_ERR_REFUSED_MGMT_BLOCKING:
		return "refused - management blocking";
	case M3UA_ERR_ASP_ID_REQUIRED:
		return "ASP identifier required";
	case M3UA_ERR_INVALID_ASP_ID:
		return "invalid ASP identifier";
	case M3UA_ERR_INVALID_PARAM_VALUE:
		return "invalid parameter value";
	case M3UA_ERR_PARAM_FIELD_ERROR:
		return "parameter field error";
	case M3UA_ERR_UNEXPECTED_PARAM:
		return "unexpected parameter";
	case M3UA_ERR_DEST_STATUS_UNKNOWN:
		return "destination status unknown";
	case M3UA_ERR_INVALID_NETWORK_APPEARANCE:
		return "invalid network appearance";
	case M3UA_ERR_MISSING_PARAM:
		return "missing parameter";
	case M3UA_ERR_INVALID_ROUTING_CTX:
		return "invalid routing context";
	case M3UA_ERR_NO_CONFGD_AS_FOR_ASP:
		return "no configured AS for ASP";
	default:
		return "unknown error";
	}
}

int m3ua_frame_len(const uint8_t *buf, size_t avail)
{
	if (avail < M3UA_HDR_LEN)
		return 0;
	if (buf[0] != M3UA_VERSION)
		return -M3UA_ERR_INVALID_VERSION;
	uint32_t len = get32(buf + 4);
	if (len < M3UA_HDR_LEN || len > M3UA_MAX_MSG)
		return -M3UA_ERR_PROTOCOL_ERROR;
	return avail >= len ? (int)len : 0;
}

int m3ua_msg_decode(struct m3ua_msg *m, const uint8_t *buf, size_t len)
{
	memset(m, 0, sizeof(*m));
	if (len < M3UA_HDR_LEN)
		return -M3UA_ERR_PROTOCOL_ERROR;
	if (buf[0] != M3UA_VERSION)
		return -M3UA_ERR_INVALID_VERSION;
	m->cls = buf[2];
	m->type = buf[3];
	m->len = get32(buf + 4);
	if (m->len != len || m->len > M3UA_MAX_MSG)
		return -M3UA_ERR_PROTOCOL_ERROR;
	switch (m->cls) {
	case M3UA_CL_MGMT:
	case M3UA_CL_XFER:
	case M3UA_CL_SSNM:
	case M3UA_CL_ASPSM:
	case M3UA_CL_ASPTM:
	case M3UA_CL_RKM:
		break;
	default:
		return -M3UA_ERR_UNSUPP_MSG_CLASS;
	}
	if (!m3ua_msg_known(m->cls, m->type))
		return -M3UA_ERR_UNSUPP_MSG_TYPE;
	size_t off = M3UA_HDR_LEN;
	while (off < len) {
		if (len - off < 4)
			return -M3UA_ERR_PARAM_FIELD_ERROR;
		uint16_t tag = get16(buf + off), plen = get16(buf + off + 2);
		if (plen < 4 || plen > len - off)
			return -M3UA_ERR_PARAM_FIELD_ERROR;
		if (m->n_params >= M3UA_MAX_PARAMS)
			return -M3UA_ERR_PROTOCOL_ERROR;
		struct m3ua_param *p = &m->params[m->n_params++];
		p->tag = tag;
		p->len = (uint16_t)(plen - 4);
		p->val = buf + off + 4;
		/* padding to a multiple of 4; a last parameter may come unpadded */
		size_t padded = (plen + 3u) & ~3u;
		off += padded > len - off ? len - off : padded;
	}
	return 0;
}

const struct m3ua_param *m3ua_msg_param(const struct m3ua_msg *m, uint16_t tag)
{
	for (unsigned i = 0; i < m->n_params; i++)
		if (m->params[i].tag == tag)
			return &m->params[i];
	return NULL;
}

int m3ua_param_u32(const struct m3ua_msg *m, uint16_t tag, uint32_t *v)
{
	const struct m3ua_param *p = m3ua_msg_param(m, tag);
	if (!p)
		return -M3UA_ERR_MISSING_PARAM;
	if (p->len < 4)
		return -M3UA_ERR_PARAM_FIELD_ERROR;
	*v = get32(p->val);
	return 0;
}

int m3ua_pdata_decode(const struct m3ua_param *p, struct m3ua_pdata *pd)
{
	if (!p)
		return -M3UA_ERR_MISSING_PARAM;
	if (p->len < 12)
		return -M3UA_ERR_PARAM_FIELD_ERROR;
	pd->opc = get32(p->val);
	pd->dpc = get32(p->val + 4);
	pd->si = p->val[8];
	pd->ni = p->val[9];
	pd->mp = p->val[10];
	pd->sls = p->val[11];
	pd->data = p->val + 12;
	pd->data_len = (uint16_t)(p->len - 12);
	return 0;
}

void m3ua_build_start(struct m3ua_builder *b, uint8_t *buf, size_t size, uint8_t cls, uint8_t type)
{
	b->buf = buf;
	b->size = size;
	b->len = 0;
	b->overflow = size < M3UA_HDR_LEN;
	if (b->overflow)
		return;
	buf[0] = M3UA_VERSION;
	buf[1] = 0;
	buf[2] = cls;
	buf[3] = type;
	put32(buf + 4, 0);
	b->len = M3UA_HDR_LEN;
}

void m3ua_build_param(struct m3ua_builder *b, uint16_t tag, const void *val, uint16_t len)
{
	size_t padded = (len + 4u + 3u) & ~3u;
	if (b->overflow || len > 0xffff - 4 || b->size - b->len < padded) {
		b->overflow = true;
		return;
	}
	uint8_t *p = b->buf + b->len;
	put16(p, tag);
	put16(p + 2, (uint16_t)(len + 4));
	if (len)
		memcpy(p + 4, val, len);
	memset(p + 4 + len, 0, padded - 4 - len);
	b->len += padded;
}

void m3ua_build_u32(struct m3ua_builder *b, uint16_t tag, uint32_t v)
{
	uint8_t x[4];
	put32(x, v);
	m3ua_build_param(b, tag, x, 4);
}

void m3ua_build_pdata(struct m3ua_builder *b, const struct m3ua_pdata *pd)
{
	uint8_t x[12 + M3UA_MAX_MSG];
	if (pd->data_len > M3UA_MAX_MSG - 32) {
		b->overflow = true;
		return;
	}
	put32(x, pd->opc);
	put32(x + 4, pd->dpc);
	x[8] = pd->si;
	x[9] = pd->ni;
	x[10] = pd->mp;
	x[11] = pd->sls;
	memcpy(x + 12, pd->data, pd->data_len);
	m3ua_build_param(b, M3UA_TAG_PROTOCOL_DATA, x, (uint16_t)(12 + pd->data_len));
}

int m3ua_build_end(struct m3ua_builder *b)
{
	if (b->overflow)
		return -1;
	put32(b->buf + 4, (uint32_t)b->len);
	return (int)b->len;
}
