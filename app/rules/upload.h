/*
 * rules/upload.h - what deskd makes of an uploaded file, for the media
 * upload and the contact avatar alike: its name cut to the last path
 * component, its type read from its bytes (never the client's word) and an
 * image's size.
 */
#ifndef RULES_UPLOAD_H
#define RULES_UPLOAD_H

struct arena;
struct store_media_new;

/* The client's file name cut to its last path component; NULL if unusable. */
const char *upload_clean_name(const char *name);

/*
 * m->type from m's bytes (NULL if the arena refused) and, for an image,
 * m->width and m->height.
 */
void upload_sniff(struct arena *a, struct store_media_new *m);

/*
 * Whether name's extension is allowed by the setting
 * app.allowed_file_upload_extensions (JSON array text; NULL or "*" in it:
 * any).
 */
int upload_extension_allowed(const char *setting, const char *name);

#endif
