/*
 * html.c - see html.h.
 */
#include "lib/html.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "lib/arena.h"
#include "lib/sbuf.h"

/* Elements kept as they are (with the attributes below). */
static const char *const keep[] = {
    "a",       "abbr",   "address", "b",     "bdi",   "bdo",        "blockquote", "br",
    "caption", "center", "cite",    "code",  "col",   "colgroup",   "dd",         "del",
    "dfn",     "div",    "dl",      "dt",    "em",    "figcaption", "figure",     "font",
    "h1",      "h2",     "h3",      "h4",    "h5",    "h6",         "hr",         "i",
    "img",     "ins",    "kbd",     "li",    "mark",  "ol",         "p",          "pre",
    "q",       "s",      "samp",    "small", "span",  "strike",     "strong",     "sub",
    "sup",     "table",  "tbody",   "td",    "tfoot", "th",         "thead",      "tr",
    "tt",      "u",      "ul",      "var",   "wbr"};

/* Elements dropped with everything inside them. */
static const char *const drop[] = {"script",   "style",  "head",   "title",  "iframe",   "frame",
                                   "frameset", "object", "embed",  "applet", "noscript", "template",
                                   "svg",      "math",   "form",   "select", "textarea", "button",
                                   "input",    "link",   "meta",   "base",   "audio",    "video",
                                   "source",   "track",  "canvas", "dialog", "portal"};

/* Attributes kept on any kept element (URLs are checked apart). */
static const char *const attrs[] = {"alt",         "title", "width",  "height", "colspan",
                                    "rowspan",     "align", "valign", "dir",    "lang",
                                    "color",       "size",  "face",   "border", "cellpadding",
                                    "cellspacing", "start", "type",   "cite",   "datetime"};

static const char *const voids[] = {"br", "col", "hr", "img", "wbr"};

static int in(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(list[i], s) == 0)
            return 1;
    return 0;
}

#define IN(list, s) in(list, sizeof(list) / sizeof(list[0]), s)

static void escape(struct sbuf *sb, const char *s, int attr)
{
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = attr ? "&quot;" : NULL;
            break;
        default:
            break;
        }
        if (rep == NULL)
            continue;
        sbuf_addn(sb, run, (size_t)(s - run));
        sbuf_add(sb, rep);
        run = s + 1;
    }
    sbuf_add(sb, run);
}

/* A URL attribute's value is kept only with one of these schemes (case-insensitive). */
static int url_ok(const char *v, int image)
{
    while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
        v++;
    if (strncasecmp(v, "http://", 7) == 0 || strncasecmp(v, "https://", 8) == 0)
        return 1;
    if (image)
        return strncasecmp(v, "cid:", 4) == 0;
    return strncasecmp(v, "mailto:", 7) == 0 || v[0] == '#';
}

static void walk(struct sbuf *sb, xmlNode *n, int depth)
{
    for (; n != NULL; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content != NULL)
                escape(sb, (const char *)n->content, 0);
            continue;
        }
        if (n->type != XML_ELEMENT_NODE || n->name == NULL)
            continue;
        const char *name = (const char *)n->name;
        if (IN(drop, name))
            continue;
        if (!IN(keep, name) || depth > 200) {
            walk(sb, n->children, depth + 1);
            continue;
        }
        sbuf_addf(sb, "<%s", name);
        for (xmlAttr *at = n->properties; at != NULL; at = at->next) {
            const char *an = (const char *)at->name;
            int is_href = strcasecmp(an, "href") == 0 && strcasecmp(name, "a") == 0;
            int is_src = strcasecmp(an, "src") == 0 && strcasecmp(name, "img") == 0;
            if (!is_href && !is_src && !IN(attrs, an))
                continue;
            xmlChar *v = xmlNodeListGetString(n->doc, at->children, 1);
            if (v != NULL && ((!is_href && !is_src) || url_ok((const char *)v, is_src))) {
                sbuf_addf(sb, " %s=\"", an);
                escape(sb, (const char *)v, 1);
                sbuf_add(sb, "\"");
            }
            xmlFree(v);
        }
        if (strcasecmp(name, "a") == 0)
            sbuf_add(sb, " rel=\"noopener noreferrer nofollow\" target=\"_blank\"");
        sbuf_add(sb, ">");
        if (IN(voids, name))
            continue;
        walk(sb, n->children, depth + 1);
        sbuf_addf(sb, "</%s>", name);
    }
}

char *html_sanitize(struct arena *a, const char *html, size_t len)
{
    struct sbuf sb;

    sbuf_init(&sb, a);
    sbuf_add(&sb, "");
    if (len > 0 && len <= INT_MAX) {
        htmlDocPtr doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
                                        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                            HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
        xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
        if (root != NULL) {
            /* The content of <body> (the parser adds html/body when they are missing). */
            xmlNode *body = NULL;
            for (xmlNode *c = root->children; c != NULL; c = c->next)
                if (c->type == XML_ELEMENT_NODE && strcasecmp((const char *)c->name, "body") == 0)
                    body = c;
            walk(&sb, body ? body->children : root->children, 0);
        }
        xmlFreeDoc(doc);
    }
    return (char *)sbuf_str(&sb);
}

char *html_from_text(struct arena *a, const char *text)
{
    struct sbuf sb;

    sbuf_init(&sb, a);
    sbuf_add(&sb, "<p>");
    for (const char *s = text; *s; s++) {
        switch (*s) {
        case '&':
            sbuf_add(&sb, "&amp;");
            break;
        case '<':
            sbuf_add(&sb, "&lt;");
            break;
        case '>':
            sbuf_add(&sb, "&gt;");
            break;
        case '"':
            sbuf_add(&sb, "&quot;");
            break;
        case '\r':
            break;
        case '\n':
            sbuf_add(&sb, "<br>");
            break;
        default:
            sbuf_addn(&sb, s, 1);
        }
    }
    sbuf_add(&sb, "</p>");
    return (char *)sbuf_str(&sb);
}

char *html_escape(struct arena *a, const char *text)
{
    struct sbuf sb;

    sbuf_init(&sb, a);
    escape(&sb, text, 1);
    return (char *)sbuf_str(&sb);
}
