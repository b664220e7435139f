/*
 * api/openapi.c - GET /api/v1/openapi.json: the document scripts/openapi
 * assembles from app/api/openapi/'s fragments, built into the binary (so an
 * installed package serves it with no file to find).  Public, like the
 * document itself; cacheable: an ETag of its bytes, 304 on If-None-Match.
 */
#include "api/openapi.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/http.h"

/* The committed document, its bytes between these two symbols (Makefile: the object depends on it).
 */
__asm__(".section .rodata\n"
        ".global deskd_openapi_start\n"
        ".global deskd_openapi_end\n"
        "deskd_openapi_start:\n"
        ".incbin \"app/api/openapi/deskd-openapi.json\"\n"
        "deskd_openapi_end:\n"
        ".byte 0\n"
        ".previous\n");
extern const char deskd_openapi_start[];
extern const char deskd_openapi_end[];

/* "<FNV-1a 64 of the document>", computed once per process. */
static const char *etag(void)
{
    static char tag[20];
    if (tag[0] == '\0') {
        uint64_t h = 0xcbf29ce484222325u;
        for (const char *p = deskd_openapi_start; p < deskd_openapi_end; p++)
            h = (h ^ (unsigned char)*p) * 0x100000001b3u;
        snprintf(tag, sizeof(tag), "\"%016llx\"", (unsigned long long)h);
    }
    return tag;
}

/* 1 if an If-None-Match list names tag (or is "*"); weak tags compare equal too. */
static int none_match(const char *list, const char *tag)
{
    size_t tlen = strlen(tag);
    for (const char *p = list; p != NULL && *p != '\0';) {
        p += strspn(p, " \t,");
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        size_t n = strcspn(p, ",");
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if ((n == 1 && *p == '*') || (n == tlen && memcmp(p, tag, n) == 0))
            return 1;
        p += strcspn(p, ",");
    }
    return 0;
}

const char *openapi_document(size_t *len)
{
    *len = (size_t)(deskd_openapi_end - deskd_openapi_start);
    return deskd_openapi_start;
}

enum app_err h_openapi_get(struct req *r, struct resp *w)
{
    const char *tag = etag();
    http_add_header(w, "ETag", tag);
    http_add_header(w, "Cache-Control", "public, max-age=300");
    if (none_match(r->if_none_match, tag)) {
        w->status = 304;
        w->raw_body = "";
        w->raw_len = 0;
        return APP_OK;
    }
    w->raw_body = openapi_document(&w->raw_len);
    return APP_OK;
}
