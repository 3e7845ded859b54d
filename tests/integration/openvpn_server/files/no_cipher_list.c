/* Copyright (c) tunnelworks
 * GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
 *
 * LD_PRELOAD shim that turns an OpenVPN 2.6 client into one that announces no cipher list, as
 * RouterOS's ovpn-client is understood to behave (it does not negotiate). OpenVPN 2.6 always
 * sends IV_CIPHERS in its peer info, whatever --compat-mode says (measured: 2.6.14 with
 * --compat-mode 2.3.0 still sends it), so the test rewrites the key-method-2 message where it
 * leaves OpenVPN in plain text: OpenVPN hands it to OpenSSL with BIO_write, and reads the
 * server's with BIO_read.
 *
 * Outgoing (the client's message): IV_CIPHERS= and IV_NCP= lines leave the peer info; with
 * OVPN6_SHIM_NO_OCC_CIPHER=1 the "cipher ..." item also leaves the options string (a client
 * that names no cipher at all).
 * Incoming (the server's message): its "cipher ..." item is removed, so that the 2.6 client
 * keeps its own cipher (--data-ciphers-fallback) instead of adopting the server's, as a router
 * configured with one cipher does.
 * Each rewrite is reported on stderr, so the test can see that it happened.
 *
 * Layout of the message (OpenVPN ssl.c, key_method_2_write): 4 zero bytes, the key method (2),
 * the key source (client: 48 + 32 + 32 bytes, server: 32 + 32), then strings each written as a
 * 16-bit big-endian length that counts a trailing NUL: options, user name, password, peer info.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct bio_st BIO;

#define CLIENT_SOURCE (48 + 32 + 32)
#define SERVER_SOURCE (32 + 32)

static int is_key_method_2(const unsigned char *p, int len, int source)
{
    return len > 5 + source + 2 && p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0 && p[4] == 2;
}

/* Copy string field `text` (length `n` without NUL) to `out` at `*o`, dropping items of the
 * separator `sep` for which `drop` says so. Returns the number of items dropped. */
static int copy_filtered(const char *text, int n, char sep, int (*drop)(const char *, int), unsigned char *out, int *o)
{
    int start = *o + 2, w = start, dropped = 0, i = 0;
    while (i < n) {
        int j = i;
        while (j < n && text[j] != sep) {
            j++;
        }
        if (drop && drop(text + i, j - i)) {
            dropped++;
        } else {
            if (w > start && sep == ',') {
                out[w++] = ',';
            }
            memcpy(out + w, text + i, j - i);
            w += j - i;
            if (sep == '\n' && j < n) {
                out[w++] = '\n';
            }
        }
        i = j + 1;
    }
    int body = w - start;
    if (n == 0) {
        out[*o] = 0;
        out[*o + 1] = 0;
        *o += 2;
        return 0;
    }
    out[w++] = 0;
    out[*o] = (unsigned char)((body + 1) >> 8);
    out[*o + 1] = (unsigned char)((body + 1) & 0xff);
    *o = w;
    return dropped;
}

static int drop_cipher_list(const char *item, int n)
{
    return (n >= 11 && !strncmp(item, "IV_CIPHERS=", 11)) || (n >= 7 && !strncmp(item, "IV_NCP=", 7));
}

static int drop_occ_cipher(const char *item, int n)
{
    return n >= 7 && !strncmp(item, "cipher ", 7);
}

/* Rewrite a key-method-2 message; returns the new length, or -1 when it does not parse. */
static int rewrite(const unsigned char *in, int len, int source, int outgoing, unsigned char *out)
{
    int pos = 5 + source, o = 5 + source;
    memcpy(out, in, o);
    for (int field = 0; field < 4; field++) {
        if (pos + 2 > len) {
            return -1;
        }
        int n = (in[pos] << 8) | in[pos + 1];
        if (pos + 2 + n > len) {
            return -1;
        }
        const char *text = (const char *)in + pos + 2;
        int body = n > 0 ? n - 1 : 0; /* without the NUL */
        int (*drop)(const char *, int) = NULL;
        char sep = ',';
        if (field == 0 && (!outgoing || getenv("OVPN6_SHIM_NO_OCC_CIPHER"))) {
            drop = drop_occ_cipher;
        } else if (field == 3 && outgoing) {
            drop = drop_cipher_list;
            sep = '\n';
        }
        if (drop) {
            int dropped = copy_filtered(text, body, sep, drop, out, &o);
            fprintf(stderr, "no_cipher_list shim: %s %s: %d item(s) removed\n", outgoing ? "sent" : "received",
                    field == 0 ? "options string" : "peer info", dropped);
        } else {
            memcpy(out + o, in + pos, 2 + n);
            o += 2 + n;
        }
        pos += 2 + n;
    }
    memcpy(out + o, in + pos, len - pos);
    return o + (len - pos);
}

int BIO_write(BIO *b, const void *data, int len)
{
    static int (*real)(BIO *, const void *, int);
    if (!real) {
        real = (int (*)(BIO *, const void *, int))dlsym(RTLD_NEXT, "BIO_write");
    }
    if (len > 0 && is_key_method_2(data, len, CLIENT_SOURCE)) {
        unsigned char *out = malloc(len);
        int n = out ? rewrite(data, len, CLIENT_SOURCE, 1, out) : -1;
        if (n > 0) {
            int written = real(b, out, n);
            free(out);
            return written == n ? len : written;
        }
        free(out);
    }
    return real(b, data, len);
}

int BIO_read(BIO *b, void *data, int len)
{
    static int (*real)(BIO *, void *, int);
    if (!real) {
        real = (int (*)(BIO *, void *, int))dlsym(RTLD_NEXT, "BIO_read");
    }
    int got = real(b, data, len);
    if (got > 0 && is_key_method_2(data, got, SERVER_SOURCE)) {
        unsigned char *out = malloc(got);
        int n = out ? rewrite(data, got, SERVER_SOURCE, 0, out) : -1;
        if (n > 0) {
            memcpy(data, out, n);
            got = n;
        }
        free(out);
    }
    return got;
}
