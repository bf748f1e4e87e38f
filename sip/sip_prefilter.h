/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Requests that sofia-sip 1.12 drops or answers to the wrong place, answered by us before sofia reads
 * them (see sip_prefilter.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct sip_conn_stats;

/* What we answer a request with: 0 when it is sofia's to take (well formed for sofia, a response, ACK,
 * or too broken to answer), else 400, 501 or 505. */
int sip_prefilter_judge(const char *msg, size_t len);

/* The stateless answer to req with status: Via (the top one with received= and rport filled), From, To
 * (a tag added when it has none), Call-ID and CSeq copied. Its length, or -1 when req lacks one of them
 * or out is too small. *dst: where it goes (RFC 3261 18.2.2, RFC 3581): the source address, at the rport
 * port when the top Via asks for it, else at the sent-by port (5060 when none). */
int sip_prefilter_answer(const char *req, size_t len, int status, const struct sockaddr *src, char *out, size_t size,
			 struct sockaddr_storage *dst);

/* The datagrams waiting on a UDP socket of sofia's, from the first on: those judged ours are read and
 * answered, until one is sofia's. buf/out: scratch space (a datagram, its answer). Returns whether a
 * datagram is left for sofia. */
bool sip_prefilter_udp(int fd, char *buf, size_t buf_size, char *out, size_t out_size, struct sip_conn_stats *st);
