/*
 * err.h - the application error codes and their HTTP mapping.
 *
 * Every failure a handler or the dispatcher can report is one of these;
 * err_status()/err_type()/err_message() give the HTTP status, the
 * Libredesk error_type and the default message from one table.
 */
#ifndef LIB_ERR_H
#define LIB_ERR_H

enum app_err {
    APP_OK = 0,
    APP_ERR_INPUT,           /* 400 InputException */
    APP_ERR_UNAUTHORIZED,    /* 401 GeneralException: no or bad credentials */
    APP_ERR_PERMISSION,      /* 403 PermissionException */
    APP_ERR_NOT_FOUND,       /* 404 NotFoundException: a resource */
    APP_ERR_ROUTE_NOT_FOUND, /* 404 GeneralException: no such route */
    APP_ERR_METHOD,          /* 405 GeneralException */
    APP_ERR_CONFLICT,        /* 409 ConflictException */
    APP_ERR_TOO_LARGE,       /* 413 GeneralException */
    APP_ERR_MEDIA_TYPE,      /* 415 InputException */
    APP_ERR_DATA,            /* 422 DataException */
    APP_ERR_RATE_LIMIT,      /* 429 RateLimitException */
    APP_ERR_INTERNAL,        /* 500 GeneralException */
    APP_ERR_BAD_GATEWAY,     /* 502 GeneralException: an upstream service failed */
    APP_ERR_UNAVAILABLE,     /* 503 GeneralException */
    APP_ERR_GATEWAY_TIMEOUT, /* 504 GeneralException: an upstream service was too slow */
    APP_ERR__MAX
};

int err_status(enum app_err e);
const char *err_type(enum app_err e);
const char *err_message(enum app_err e);
/* Name for logs, e.g. "APP_ERR_INPUT". */
const char *err_name(enum app_err e);

#endif
