/* SPDX-License-Identifier: GPL-2.0-or-later */
/* isup-tool: decode ISUP from hex or DLT_MTP3 pcap to text/JSON, build messages from text, write pcap. */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isup.h"

enum out_fmt {
	OUT_TEXT,
	OUT_JSON,
	OUT_LINE
};

struct opts {
	enum isup_variant v;
	enum out_fmt out;
	bool mtp3; /* hex input/output includes SIO + routing label */
	struct mtp3_label lbl;
	const char *pcap_out;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: isup-tool [options] COMMAND ...\n"
		"commands:\n"
		"  decode HEX...        decode ISUP messages (starting at the CIC; with --mtp3 at the SIO)\n"
		"  pcap FILE            decode every MSU of a DLT_MTP3 pcap file\n"
		"  build 'LINE'...      build messages from the one-line form, print hex (and write --pcap)\n"
		"  messages | params    list known message types or parameters of the variant\n"
		"options:\n"
		"  -a, --ansi           ANSI T1.113 variant (default ITU-T Q.763)\n"
		"  -j, --json           JSON output      -l, --line   one-line (builder) output\n"
		"  -m, --mtp3           hex includes SIO + routing label\n"
		"  -w, --pcap FILE      build: write the messages to a DLT_MTP3 pcap\n"
		"      --opc PC --dpc PC --sls N --ni N   routing label for build (defaults 1, 2, 0, 2)\n"
		"example:\n"
		"  isup-tool build 'IAM cic=1 cdpn.nai=3 cdpn.npi=1 cdpn.digits=301234 cgpn.nai=3 cgpn.digits=2125551212'\n");
}

static void print_msg(const struct opts *o, const struct isup_msg *m, const struct mtp3_label *l, int rc)
{
	static char buf[65536];
	char opc[16], dpc[16];
	bool ansi = o->v == ISUP_VAR_ANSI;
	switch (o->out) {
	case OUT_JSON:
		isup_msg_to_json(m, buf, sizeof(buf));
		if (l) {
			printf("{\"opc\":%u,\"dpc\":%u,\"sls\":%u,\"ni\":%u,\"si\":%u,\"status\":\"%s\",\"isup\":%s}\n",
			       l->opc, l->dpc, l->sls, l->ni, l->si, isup_err_str(rc), buf);
		} else {
			printf("{\"status\":\"%s\",\"isup\":%s}\n", isup_err_str(rc), buf);
		}
		break;
	case OUT_LINE:
		isup_msg_to_line(m, buf, sizeof(buf));
		printf("%s\n", buf);
		break;
	default:
		if (l)
			printf("MTP3 OPC=%s DPC=%s SLS=%u NI=%u SI=%u\n", ss7_pc_str(l->opc, ansi, opc, sizeof(opc)),
			       ss7_pc_str(l->dpc, ansi, dpc, sizeof(dpc)), l->sls, l->ni, l->si);
		if (rc && rc != ISUP_ERR_UNKNOWN_MSG)
			break;
		isup_msg_to_text(m, buf, sizeof(buf));
		fputs(buf, stdout);
		if (rc)
			printf("  (%s)\n", isup_err_str(rc));
		break;
	}
}

/* Decode one MSU or ISUP message. Returns 0 if it decoded. */
static int decode_one(const struct opts *o, const uint8_t *d, size_t len, bool with_label)
{
	static struct isup_msg m;
	struct mtp3_label l;
	bool ansi = o->v == ISUP_VAR_ANSI;
	if (with_label) {
		int hl = mtp3_label_decode(&l, ansi, d, len);
		if (hl < 0) {
			fprintf(stderr, "MSU too short for a routing label\n");
			return 1;
		}
		if (l.si != MTP3_SI_ISUP) {
			if (o->out == OUT_TEXT)
				printf("MTP3 SI=%u: not ISUP, skipped\n", l.si);
			return 0;
		}
		d += hl;
		len -= (size_t)hl;
	}
	int rc = isup_msg_decode(&m, o->v, d, len);
	if (rc && rc != ISUP_ERR_UNKNOWN_MSG) {
		fprintf(stderr, "decode error: %s\n", isup_err_str(rc));
		if (o->out == OUT_JSON)
			printf("{\"status\":\"%s\"}\n", isup_err_str(rc));
		return 1;
	}
	print_msg(o, &m, with_label ? &l : NULL, rc);
	return 0;
}

static int cmd_decode(const struct opts *o, int argc, char **argv)
{
	int fails = 0;
	for (int i = 0; i < argc; i++) {
		uint8_t b[1024];
		int n = isup_hex_decode(argv[i], b, sizeof(b));
		if (n < 0) {
			fprintf(stderr, "bad hex: %s\n", argv[i]);
			fails++;
			continue;
		}
		fails += decode_one(o, b, (size_t)n, o->mtp3);
	}
	return fails ? 1 : 0;
}

static int cmd_pcap(const struct opts *o, const char *path)
{
	struct ss7_pcap p;
	int rc = ss7_pcap_open(&p, path);
	if (rc) {
		fprintf(stderr, "%s: %s\n", path, rc == -EINVAL ? "not a pcap file" : strerror(-rc));
		return 1;
	}
	if (p.linktype != SS7_DLT_MTP3) {
		fprintf(stderr, "%s: link type %u, expected DLT_MTP3 (141)\n", path, p.linktype);
		ss7_pcap_close(&p);
		return 1;
	}
	uint8_t buf[4096];
	size_t len;
	unsigned frame = 0;
	int fails = 0;
	while ((rc = ss7_pcap_next(&p, buf, sizeof(buf), &len, NULL)) != 0) {
		frame++;
		if (rc < 0) {
			fprintf(stderr, "frame %u: %s\n", frame,
				rc == -EMSGSIZE ? "too long, skipped" : "damaged file");
			fails++;
			if (rc != -EMSGSIZE)
				break;
			continue;
		}
		if (o->out == OUT_TEXT)
			printf("--- frame %u\n", frame);
		fails += decode_one(o, buf, len, true);
	}
	ss7_pcap_close(&p);
	return fails ? 1 : 0;
}

static int cmd_build(const struct opts *o, int argc, char **argv)
{
	static struct isup_msg m;
	struct ss7_pcap p = { 0 };
	bool ansi = o->v == ISUP_VAR_ANSI;
	if (o->pcap_out) {
		int rc = ss7_pcap_create(&p, o->pcap_out);
		if (rc) {
			fprintf(stderr, "%s: %s\n", o->pcap_out, strerror(-rc));
			return 1;
		}
	}
	int fails = 0;
	for (int i = 0; i < argc; i++) {
		char err[160];
		int rc = isup_msg_from_line(&m, o->v, argv[i], err, sizeof(err));
		if (rc) {
			fprintf(stderr, "'%s': %s\n", argv[i], err[0] ? err : isup_err_str(rc));
			fails++;
			continue;
		}
		uint8_t b[600];
		int hl = mtp3_label_encode(&o->lbl, ansi, b, sizeof(b));
		if (hl < 0) {
			fprintf(stderr, "routing label out of range\n");
			fails++;
			break;
		}
		int n = isup_msg_encode(&m, b + hl, sizeof(b) - (size_t)hl);
		if (n < 0) {
			fprintf(stderr, "'%s': encode: %s\n", argv[i], isup_err_str(n));
			fails++;
			continue;
		}
		char hex[1300];
		if (o->mtp3)
			isup_hex_encode(b, (size_t)(n + hl), hex, sizeof(hex));
		else
			isup_hex_encode(b + hl, (size_t)n, hex, sizeof(hex));
		printf("%s\n", hex);
		if (p.f)
			ss7_pcap_write(&p, NULL, b, (size_t)(n + hl));
	}
	ss7_pcap_close(&p);
	return fails ? 1 : 0;
}

static void cmd_list(const struct opts *o, bool params)
{
	if (!params) {
		const struct isup_msg_fmt *f;
		for (unsigned i = 0; (f = isup_msg_fmt_at(o->v, i)); i++)
			printf("%-5s 0x%02x %s\n", f->abbr, f->type, f->name);
		return;
	}
	const struct isup_par_desc *d;
	for (unsigned i = 0; (d = isup_par_desc_at(i)); i++) {
		if (!(d->variants & ISUP_VAR_MASK(o->v)))
			continue;
		printf("%-8s 0x%02x %s", d->abbr, d->code, d->name);
		if (d->kind == ISUP_PK_BITS) {
			printf(" [");
			for (unsigned k = 0; k < d->n_fields; k++)
				printf("%s%s", k ? " " : "", d->fields[k].name);
			printf("]");
		}
		printf("\n");
	}
}

int main(int argc, char **argv)
{
	struct opts o = { .v = ISUP_VAR_ITU,
			  .out = OUT_TEXT,
			  .lbl = { .si = MTP3_SI_ISUP, .ni = MTP3_NI_NATIONAL, .opc = 1, .dpc = 2 } };
	static const struct option lo[] = {
		{ "ansi", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "line", no_argument, NULL, 'l' },
		{ "mtp3", no_argument, NULL, 'm' },
		{ "pcap", required_argument, NULL, 'w' },
		{ "opc", required_argument, NULL, 1 },
		{ "dpc", required_argument, NULL, 2 },
		{ "sls", required_argument, NULL, 3 },
		{ "ni", required_argument, NULL, 4 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *opc = NULL, *dpc = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "ajlmw:h", lo, NULL)) != -1) {
		switch (c) {
		case 'a':
			o.v = ISUP_VAR_ANSI;
			break;
		case 'j':
			o.out = OUT_JSON;
			break;
		case 'l':
			o.out = OUT_LINE;
			break;
		case 'm':
			o.mtp3 = true;
			break;
		case 'w':
			o.pcap_out = optarg;
			break;
		case 1:
			opc = optarg;
			break;
		case 2:
			dpc = optarg;
			break;
		case 3:
			o.lbl.sls = (uint8_t)strtoul(optarg, NULL, 0);
			break;
		case 4:
			o.lbl.ni = (uint8_t)strtoul(optarg, NULL, 0);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	bool ansi = o.v == ISUP_VAR_ANSI;
	if ((opc && ss7_pc_parse(opc, ansi, &o.lbl.opc)) || (dpc && ss7_pc_parse(dpc, ansi, &o.lbl.dpc))) {
		fprintf(stderr, "bad point code\n");
		return 2;
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[optind++];
	int rest = argc - optind;
	char **args = argv + optind;
	if (!strcmp(cmd, "decode") && rest > 0)
		return cmd_decode(&o, rest, args);
	if (!strcmp(cmd, "pcap") && rest == 1)
		return cmd_pcap(&o, args[0]);
	if (!strcmp(cmd, "build") && rest > 0)
		return cmd_build(&o, rest, args);
	if (!strcmp(cmd, "messages") || !strcmp(cmd, "params")) {
		cmd_list(&o, cmd[0] == 'p');
		return 0;
	}
	usage(stderr);
	return 2;
}
