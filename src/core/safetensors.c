/* SPDX-License-Identifier: MIT */
/* The .safetensors reader: a strict little JSON parser for the header (objects, arrays, strings,
 * non-negative integers; nothing else is legal in a tensor entry), then the checks on each tensor
 * (F32 only, shape product times 4 equals its byte range, range inside the data area) and on all
 * of them together (no two ranges overlap). Every failure names the tensor or field. */
#include "core/safetensors.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/file.h"
#include "core/status.h"

#define MAX_HEADER_BYTES ((uint64_t)100 << 20) /* the format's own limit is 100 MB */
#define MAX_NAME 512

typedef struct parser {
    const char *p, *end;
    const char *what; /* the field being parsed, for messages */
} parser;

static void skip_ws(parser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static oclnn_status bad(const parser *ps, const char *msg) {
    (void)ps;
    return oclnn__fail(OCLNN_ERROR_BAD_FILE, "safetensors header: %s: %s", ps->what, msg);
}

static oclnn_status expect(parser *ps, char c) {
    skip_ws(ps);
    if (ps->p >= ps->end || *ps->p != c) {
        char msg[48];
        snprintf(msg, sizeof msg, "expected '%c'", c);
        return bad(ps, msg);
    }
    ps->p++;
    return OCLNN_OK;
}

static int hex4(const char *p) {
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else return -1;
    }
    return v;
}

/* Parses a JSON string into buf (UTF-8, NUL-terminated, at most cap-1 bytes). */
static oclnn_status parse_string(parser *ps, char *buf, size_t cap) {
    OCLNN__TRY(expect(ps, '"'));
    size_t n = 0;
    for (;;) {
        if (ps->p >= ps->end) return bad(ps, "unterminated string");
        unsigned char c = (unsigned char)*ps->p++;
        unsigned long cp;
        if (c == '"') break;
        if (c < 0x20) return bad(ps, "control character in a string");
        if (c != '\\') {
            cp = c; /* raw byte (UTF-8 passes through) */
        } else {
            if (ps->p >= ps->end) return bad(ps, "unterminated escape");
            char e = *ps->p++;
            switch (e) {
            case '"': cp = '"'; break;
            case '\\': cp = '\\'; break;
            case '/': cp = '/'; break;
            case 'b': cp = '\b'; break;
            case 'f': cp = '\f'; break;
            case 'n': cp = '\n'; break;
            case 'r': cp = '\r'; break;
            case 't': cp = '\t'; break;
            case 'u': {
                int h = ps->end - ps->p >= 4 ? hex4(ps->p) : -1;
                if (h < 0) return bad(ps, "bad \\u escape");
                ps->p += 4;
                cp = (unsigned long)h;
                if (cp >= 0xdc00 && cp <= 0xdfff) return bad(ps, "lone low surrogate");
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    int l = ps->end - ps->p >= 6 && ps->p[0] == '\\' && ps->p[1] == 'u'
                                ? hex4(ps->p + 2) : -1;
                    if (l < 0xdc00 || l > 0xdfff) return bad(ps, "lone high surrogate");
                    ps->p += 6;
                    cp = 0x10000 + ((cp - 0xd800) << 10) + ((unsigned long)l - 0xdc00);
                }
                if (cp == 0) return bad(ps, "NUL character in a string");
                break;
            }
            default: return bad(ps, "unknown escape");
            }
        }
        unsigned char u[4];
        size_t k;
        if (cp < 0x80 || c != '\\') { u[0] = (unsigned char)cp; k = 1; }
        else if (cp < 0x800) { u[0] = (unsigned char)(0xc0 | cp >> 6); u[1] = (unsigned char)(0x80 | (cp & 0x3f)); k = 2; }
        else if (cp < 0x10000) {
            u[0] = (unsigned char)(0xe0 | cp >> 12); u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
            u[2] = (unsigned char)(0x80 | (cp & 0x3f)); k = 3;
        } else {
            u[0] = (unsigned char)(0xf0 | cp >> 18); u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
            u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f)); u[3] = (unsigned char)(0x80 | (cp & 0x3f)); k = 4;
        }
        if (n + k >= cap) return bad(ps, "string too long");
        memcpy(buf + n, u, k);
        n += k;
    }
    buf[n] = '\0';
    return OCLNN_OK;
}

/* A non-negative integer without sign, fraction, exponent or leading zeros. */
static oclnn_status parse_uint(parser *ps, uint64_t *out) {
    skip_ws(ps);
    if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
        return bad(ps, "expected a non-negative integer");
    if (*ps->p == '0' && ps->p + 1 < ps->end && ps->p[1] >= '0' && ps->p[1] <= '9')
        return bad(ps, "integer with a leading zero");
    uint64_t v = 0;
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
        if (v > (UINT64_MAX - 9) / 10) return bad(ps, "integer too large");
        v = v * 10 + (uint64_t)(*ps->p++ - '0');
    }
    if (ps->p < ps->end && (*ps->p == '.' || *ps->p == 'e' || *ps->p == 'E'))
        return bad(ps, "expected an integer, not a fraction");
    *out = v;
    return OCLNN_OK;
}

/* Skips any JSON value (for __metadata__, whose values must be strings). */
static oclnn_status parse_metadata(parser *ps) {
    OCLNN__TRY(expect(ps, '{'));
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') { ps->p++; return OCLNN_OK; }
    char tmp[1024];
    for (;;) {
        OCLNN__TRY(parse_string(ps, tmp, sizeof tmp));
        OCLNN__TRY(expect(ps, ':'));
        OCLNN__TRY(parse_string(ps, tmp, sizeof tmp));
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
        return expect(ps, '}');
    }
}

typedef struct raw_entry {
    oclnn__st_tensor t;
    uint64_t begin, end;
} raw_entry;

static oclnn_status parse_entry(parser *ps, raw_entry *e) {
    bool have_dtype = false, have_shape = false, have_offsets = false;
    OCLNN__TRY(expect(ps, '{'));
    for (;;) {
        char key[32];
        OCLNN__TRY(parse_string(ps, key, sizeof key));
        OCLNN__TRY(expect(ps, ':'));
        if (!strcmp(key, "dtype")) {
            if (have_dtype) return bad(ps, "duplicate \"dtype\"");
            char dtype[16];
            OCLNN__TRY(parse_string(ps, dtype, sizeof dtype));
            if (strcmp(dtype, "F32"))
                return oclnn__fail(OCLNN_ERROR_BAD_FILE,
                                   "safetensors: tensor \"%s\" has dtype %s; only F32 is supported",
                                   e->t.name, dtype);
            have_dtype = true;
        } else if (!strcmp(key, "shape")) {
            if (have_shape) return bad(ps, "duplicate \"shape\"");
            OCLNN__TRY(expect(ps, '['));
            skip_ws(ps);
            e->t.ndim = 0;
            if (ps->p < ps->end && *ps->p == ']') ps->p++;
            else
                for (;;) {
                    uint64_t d;
                    OCLNN__TRY(parse_uint(ps, &d));
                    if (e->t.ndim == OCLNN__ST_MAX_DIMS) return bad(ps, "more than 8 dimensions");
                    e->t.shape[e->t.ndim++] = d;
                    skip_ws(ps);
                    if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
                    OCLNN__TRY(expect(ps, ']'));
                    break;
                }
            have_shape = true;
        } else if (!strcmp(key, "data_offsets")) {
            if (have_offsets) return bad(ps, "duplicate \"data_offsets\"");
            OCLNN__TRY(expect(ps, '['));
            OCLNN__TRY(parse_uint(ps, &e->begin));
            OCLNN__TRY(expect(ps, ','));
            OCLNN__TRY(parse_uint(ps, &e->end));
            OCLNN__TRY(expect(ps, ']'));
            have_offsets = true;
        } else {
            return bad(ps, "unknown field in a tensor entry");
        }
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
        OCLNN__TRY(expect(ps, '}'));
        break;
    }
    if (!have_dtype || !have_shape || !have_offsets)
        return oclnn__fail(OCLNN_ERROR_BAD_FILE, "safetensors: tensor \"%s\" lacks \"%s\"", e->t.name,
                           !have_dtype ? "dtype" : !have_shape ? "shape" : "data_offsets");
    return OCLNN_OK;
}

static int cmp_begin(const void *a, const void *b) {
    const raw_entry *x = a, *y = b;
    return (x->begin > y->begin) - (x->begin < y->begin);
}

static int cmp_name(const void *a, const void *b) {
    return strcmp(((const oclnn__st_tensor *)a)->name, ((const oclnn__st_tensor *)b)->name);
}

static void free_entries(raw_entry *e, size_t n) {
    for (size_t i = 0; i < n; i++) free(e[i].t.name);
    free(e);
}

static oclnn_status parse_header(parser *ps, raw_entry **out, size_t *count) {
    raw_entry *e = NULL;
    size_t n = 0, cap = 0;
    bool have_meta = false;
    oclnn_status st;
    if ((st = expect(ps, '{')) != OCLNN_OK) return st;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        goto done;
    }
    for (;;) {
        char name[MAX_NAME];
        ps->what = "tensor name";
        if ((st = parse_string(ps, name, sizeof name)) != OCLNN_OK) goto fail;
        if ((st = expect(ps, ':')) != OCLNN_OK) goto fail;
        if (!strcmp(name, "__metadata__")) {
            ps->what = "__metadata__";
            if (have_meta) { st = bad(ps, "duplicate"); goto fail; }
            have_meta = true;
            if ((st = parse_metadata(ps)) != OCLNN_OK) goto fail;
        } else {
            if (n == cap) {
                size_t nc = cap ? 2 * cap : 64;
                raw_entry *ne = realloc(e, nc * sizeof *e);
                if (!ne) { st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "safetensors: out of memory"); goto fail; }
                e = ne;
                cap = nc;
            }
            memset(&e[n], 0, sizeof e[n]);
            e[n].t.name = malloc(strlen(name) + 1);
            if (!e[n].t.name) { st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "safetensors: out of memory"); goto fail; }
            strcpy(e[n].t.name, name);
            n++;
            ps->what = e[n - 1].t.name;
            if ((st = parse_entry(ps, &e[n - 1])) != OCLNN_OK) goto fail;
        }
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
        ps->what = "header";
        if ((st = expect(ps, '}')) != OCLNN_OK) goto fail;
        break;
    }
done:
    ps->what = "header";
    skip_ws(ps);
    if (ps->p != ps->end) { st = bad(ps, "text after the JSON object"); goto fail; }
    *out = e;
    *count = n;
    return OCLNN_OK;
fail:
    free_entries(e, n);
    return st;
}

oclnn_status oclnn__safetensors_parse(unsigned char *image, size_t bytes, oclnn__safetensors **out) {
    *out = NULL;
    oclnn_status st;
    raw_entry *e = NULL;
    size_t n = 0;
    if (bytes < 8) {
        st = oclnn__fail(OCLNN_ERROR_BAD_FILE, "safetensors: file of %zu bytes is shorter than the 8-byte header length", bytes);
        goto fail;
    }
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--) hlen = hlen << 8 | image[i];
    if (hlen < 2 || hlen > MAX_HEADER_BYTES || hlen > bytes - 8) {
        st = oclnn__fail(OCLNN_ERROR_BAD_FILE,
                         "safetensors: header length %llu does not fit the file of %zu bytes "
                         "(2 to min(100 MB, file size - 8) allowed)", (unsigned long long)hlen, bytes);
        goto fail;
    }
    parser ps = {(const char *)image + 8, (const char *)image + 8 + hlen, "header"};
    if ((st = parse_header(&ps, &e, &n)) != OCLNN_OK) goto fail;
    const unsigned char *data = image + 8 + hlen;
    size_t data_bytes = bytes - 8 - (size_t)hlen;
    for (size_t i = 0; i < n; i++) {
        raw_entry *r = &e[i];
        size_t elems = 1;
        for (uint32_t d = 0; d < r->t.ndim; d++)
            if (r->t.shape[d] > SIZE_MAX || !oclnn__mul_ok(elems, (size_t)r->t.shape[d], &elems)) {
                st = oclnn__fail(OCLNN_ERROR_BAD_FILE, "safetensors: tensor \"%s\": shape overflows", r->t.name);
                goto fail;
            }
        size_t nbytes;
        if (!oclnn__mul_ok(elems, 4, &nbytes)) {
            st = oclnn__fail(OCLNN_ERROR_BAD_FILE, "safetensors: tensor \"%s\": byte size overflows", r->t.name);
            goto fail;
        }
        if (r->begin > r->end || r->end > data_bytes) {
            st = oclnn__fail(OCLNN_ERROR_BAD_FILE,
                             "safetensors: tensor \"%s\": data_offsets [%llu, %llu] outside the data area of %zu bytes",
                             r->t.name, (unsigned long long)r->begin, (unsigned long long)r->end, data_bytes);
            goto fail;
        }
        if (r->end - r->begin != nbytes) {
            st = oclnn__fail(OCLNN_ERROR_BAD_FILE,
                             "safetensors: tensor \"%s\": data_offsets cover %llu bytes but the shape needs %zu",
                             r->t.name, (unsigned long long)(r->end - r->begin), nbytes);
            goto fail;
        }
        r->t.elements = elems;
        r->t.data = data + r->begin;
    }
    if (n) qsort(e, n, sizeof *e, cmp_begin); /* e is NULL for an empty header */
    for (size_t i = 1; i < n; i++)
        if (e[i].begin < e[i - 1].end) {
            st = oclnn__fail(OCLNN_ERROR_BAD_FILE, "safetensors: tensors \"%s\" and \"%s\" overlap",
                             e[i - 1].t.name, e[i].t.name);
            goto fail;
        }
    oclnn__safetensors *s = calloc(1, sizeof *s);
    oclnn__st_tensor *t = calloc(n ? n : 1, sizeof *t);
    if (!s || !t) {
        free(s);
        free(t);
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "safetensors: out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) t[i] = e[i].t;
    free(e);
    qsort(t, n, sizeof *t, cmp_name);
    for (size_t i = 1; i < n; i++)
        if (!strcmp(t[i].name, t[i - 1].name)) {
            st = oclnn__fail(OCLNN_ERROR_BAD_FILE, "safetensors: tensor \"%s\" appears twice", t[i].name);
            s->tensors = t;
            s->count = n;
            s->image = image;
            oclnn__safetensors_free(s);
            return st;
        }
    s->count = n;
    s->tensors = t;
    s->image = image;
    s->image_bytes = bytes;
    *out = s;
    return OCLNN_OK;
fail:
    free_entries(e, n);
    free(image);
    return st;
}

oclnn_status oclnn__safetensors_read(const char *path, oclnn__safetensors **out) {
    *out = NULL;
    void *buf;
    size_t size;
    OCLNN__TRY(oclnn__file_read_checked(path, oclnn__host_memory_bytes(), 0, &buf, &size));
    return oclnn__safetensors_parse(buf, size, out);
}

const oclnn__st_tensor *oclnn__safetensors_find(const oclnn__safetensors *st, const char *name) {
    size_t lo = 0, hi = st->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(st->tensors[mid].name, name);
        if (c == 0) return &st->tensors[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

void oclnn__safetensors_free(oclnn__safetensors *st) {
    if (!st) return;
    for (size_t i = 0; i < st->count; i++) free(st->tensors[i].name);
    free(st->tensors);
    free(st->image);
    free(st);
}
