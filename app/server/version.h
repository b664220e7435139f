/*
 * version.h - deskd's version, as `deskd --version` prints it and the
 * general settings report it (app.version).
 */
#ifndef SERVER_VERSION_H
#define SERVER_VERSION_H

#define DESKD_VERSION "0.1.0"

#endif
