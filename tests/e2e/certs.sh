# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced: test_certs DIR makes a throwaway test CA (ca.pem) and one certificate for 127.0.0.1 (gw.pem,
# gw.key: CN and subjectAltName IP 127.0.0.1, the name a peer at 127.0.0.1 is checked against) signed by
# it, in DIR; returns non-zero, with openssl's output shown, when it cannot.
# test_cert DIR NAME CN SAN adds NAME.pem / NAME.key signed by the same CA (SAN as openssl writes it:
# "DNS:wrong.example" or "IP:127.0.0.1").
test_cert() {
	(cd "$1" &&
		openssl req -newkey rsa:2048 -nodes -keyout "$2.key" -out "$2.csr" -subj "/CN=$3" &&
		printf 'subjectAltName=%s\n' "$4" >"$2.cnf" &&
		openssl x509 -req -in "$2.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$2.pem" -days 2 \
			-extfile "$2.cnf"
	) >>"$1/openssl.log" 2>&1 || { echo "FAIL: cannot make the test certificate $2"; cat "$1/openssl.log"; return 1; }
}
test_certs() {
	(cd "$1" &&
		openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=isupgw test CA"
	) >"$1/openssl.log" 2>&1 || { echo "FAIL: cannot make test certificates"; cat "$1/openssl.log"; return 1; }
	test_cert "$1" gw 127.0.0.1 IP:127.0.0.1
}
