#!/bin/sh
# mkcerts.sh DIR: the certificates of the TLS tests, made with openssl into
# DIR (each NAME.crt with NAME.key):
#   ca, ca2, clientca      CAs: the trusted one, another, the clients'
#   inter                  an intermediate CA signed by ca
#   ip                     IP:127.0.0.1, IP:::1, DNS:localhost (by ca)
#   wild                   DNS:*.probe.test (by ca)
#   cnonly                 CN=localhost, no subjectAltName (by ca)
#   other                  DNS:other.example (by ca)
#   expired, future        IP:127.0.0.1, valid in 2020 / from 2099 (by ca)
#   self                   self-signed, IP:127.0.0.1
#   foreign                IP:127.0.0.1 by ca2
#   leaf                   IP:127.0.0.1 by inter; leaf-chain.crt adds inter
#   client, client2        client certificates by clientca / by ca2
#   notpem.crt             DER, not PEM
#   soon                   IP:127.0.0.1 by ca, ends a day from now
#   inter3                 an intermediate by ca that ends 3 days from now;
#                          late3 is IP:127.0.0.1 by inter3 (until 2099),
#                          late3-chain.crt adds inter3
#   client-soon            a client certificate by clientca, ends in 2 days
#   rsa                    IP:127.0.0.1 with an RSA key (by ca), for DHE-RSA
#   dh.pem                 finite-field Diffie-Hellman parameters (ffdhe2048)
set -eu
D=$1
mkdir -p "$D"
cd "$D"

# key NAME: NAME.key, P-256, or RSA 2048 where keyalg=RSA
keyalg=EC
key() {
	if [ "$keyalg" = RSA ]; then
		openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null
	else
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null
	fi
}

# ca NAME SUBJECT
ca() {
	key "$1"
	openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days 3650 -out "$1.crt" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}

# sign NAME CA SUBJECT START END EXTENSIONS: NAME.crt valid from START to END
# (openssl ca date format), signed by CA.
sign() {
	name=$1 signer=$2 subj=$3 start=$4 end=$5 ext=$6
	key "$name"
	openssl req -new -key "$name.key" -subj "/CN=$subj" -out "$name.csr"
	mkdir -p db
	: >db/index.txt
	[ -f db/serial ] || echo 1000 >db/serial
	printf '%s\n' "[ca]" "default_ca = c" "[c]" "database = db/index.txt" \
		"serial = db/serial" "new_certs_dir = db" "default_md = sha256" \
		"policy = p" "unique_subject = no" "copy_extensions = none" \
		"[p]" "commonName = supplied" "[x]" "$ext" | tr '|' '\n' >db/ca.cnf
	openssl ca -batch -notext -config db/ca.cnf -extensions x -cert "$signer.crt" \
		-keyfile "$signer.key" -startdate "$start" -enddate "$end" \
		-in "$name.csr" -out "$name.crt" 2>/dev/null
	rm -f "$name.csr"
}

NOW=20200101000000Z
LATER=20991231000000Z
SERVER='basicConstraints=CA:FALSE|extendedKeyUsage=serverAuth'
CLIENT='basicConstraints=CA:FALSE|extendedKeyUsage=clientAuth'
ca ca "probe test CA"
ca ca2 "another CA"
ca clientca "probe client CA"
sign inter ca "probe intermediate" $NOW $LATER \
	'basicConstraints=critical,CA:TRUE|keyUsage=critical,keyCertSign,cRLSign'
sign ip ca 127.0.0.1 $NOW $LATER "$SERVER|subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost"
sign wild ca "*.probe.test" $NOW $LATER "$SERVER|subjectAltName=DNS:*.probe.test"
sign cnonly ca localhost $NOW $LATER "$SERVER"
sign other ca other.example $NOW $LATER "$SERVER|subjectAltName=DNS:other.example"
sign expired ca 127.0.0.1 20200101000000Z 20200201000000Z "$SERVER|subjectAltName=IP:127.0.0.1"
sign future ca 127.0.0.1 20990101000000Z 20991231000000Z "$SERVER|subjectAltName=IP:127.0.0.1"
sign foreign ca2 127.0.0.1 $NOW $LATER "$SERVER|subjectAltName=IP:127.0.0.1"
sign leaf inter 127.0.0.1 $NOW $LATER "$SERVER|subjectAltName=IP:127.0.0.1"
cat leaf.crt inter.crt >leaf-chain.crt
in_days() { date -u -d "+$1 days" +%Y%m%d%H%M%SZ; }
sign soon ca 127.0.0.1 $NOW "$(in_days 1)" "$SERVER|subjectAltName=IP:127.0.0.1"
sign inter3 ca "probe intermediate 3" $NOW "$(in_days 3)" \
	'basicConstraints=critical,CA:TRUE|keyUsage=critical,keyCertSign,cRLSign'
sign late3 inter3 127.0.0.1 $NOW $LATER "$SERVER|subjectAltName=IP:127.0.0.1"
cat late3.crt inter3.crt >late3-chain.crt
sign client-soon clientca "probe client soon" $NOW "$(in_days 2)" "$CLIENT"
sign client clientca "probe client" $NOW $LATER "$CLIENT"
sign client2 ca2 "probe client" $NOW $LATER "$CLIENT"
keyalg=RSA
sign rsa ca 127.0.0.1 $NOW $LATER "$SERVER|subjectAltName=IP:127.0.0.1"
keyalg=EC
openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out dh.pem 2>/dev/null
key self
openssl req -x509 -new -key self.key -subj /CN=127.0.0.1 -days 30 -out self.crt \
	-addext subjectAltName=IP:127.0.0.1
openssl x509 -in ca.crt -outform DER -out notpem.crt
rm -rf db
