#!/bin/sh
# deskd-wrapper.sh - installed as deskd.fcgi (mod_fcgid) or deskd.cgi (CGI)
# in the document root: reads deskd's settings from deskd.env one directory
# above (or DESKD_ENV_FILE) and runs deskd, which finds its socket on fd 0
# (mod_fcgid) or its request in the environment (CGI).  deskd.env holds
# lines such as DESKD_BIN=/home/me/deskd/bin/deskd, DESKD_DATABASE_URL=...,
# DESKD_SECRET_KEY=..., DESKD_UPLOAD_DIR=..., DESKD_UPLOAD_SEND=deskd;
# keep it mode 0600.
set -a
. "${DESKD_ENV_FILE:-$(dirname "$0")/../deskd.env}"
set +a
exec "${DESKD_BIN:?deskd.env sets no DESKD_BIN}"
