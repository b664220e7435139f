/*
 * err.c - the one table mapping app_err to status, error_type and message.
 */
#include "err.h"

#include <assert.h>

static const struct {
    int status;
    const char *type;
    const char *message;
    const char *name;
} errs[APP_ERR__MAX] = {
    [APP_OK] = {200, "", "", "APP_OK"},
    [APP_ERR_INPUT] = {400, "InputException", "Bad request", "APP_ERR_INPUT"},
    [APP_ERR_UNAUTHORIZED] = {401, "GeneralException", "Invalid or expired session",
                              "APP_ERR_UNAUTHORIZED"},
    [APP_ERR_PERMISSION] = {403, "PermissionException", "Permission denied", "APP_ERR_PERMISSION"},
    [APP_ERR_NOT_FOUND] = {404, "NotFoundException", "Not found", "APP_ERR_NOT_FOUND"},
    [APP_ERR_ROUTE_NOT_FOUND] = {404, "GeneralException", "Route not found",
                                 "APP_ERR_ROUTE_NOT_FOUND"},
    [APP_ERR_METHOD] = {405, "GeneralException", "Request method not allowed", "APP_ERR_METHOD"},
    [APP_ERR_CONFLICT] = {409, "ConflictException", "Conflict", "APP_ERR_CONFLICT"},
    [APP_ERR_TOO_LARGE] = {413, "GeneralException", "Request body too large", "APP_ERR_TOO_LARGE"},
    [APP_ERR_MEDIA_TYPE] = {415, "InputException", "Unsupported content type",
                            "APP_ERR_MEDIA_TYPE"},
    [APP_ERR_DATA] = {422, "DataException", "Invalid data", "APP_ERR_DATA"},
    [APP_ERR_RATE_LIMIT] = {429, "RateLimitException", "Rate limit exceeded", "APP_ERR_RATE_LIMIT"},
    [APP_ERR_INTERNAL] = {500, "GeneralException", "Something went wrong", "APP_ERR_INTERNAL"},
    [APP_ERR_BAD_GATEWAY] = {502, "GeneralException", "An upstream service failed",
                             "APP_ERR_BAD_GATEWAY"},
    [APP_ERR_GATEWAY_TIMEOUT] = {504, "GeneralException",
                                 "An upstream service did not answer in time",
                                 "APP_ERR_GATEWAY_TIMEOUT"},
    [APP_ERR_UNAVAILABLE] = {503, "GeneralException",
                             "Service temporarily unavailable, please retry",
                             "APP_ERR_UNAVAILABLE"},
};

int err_status(enum app_err e)
{
    assert(e >= 0 && e < APP_ERR__MAX);
    return errs[e].status;
}

const char *err_type(enum app_err e)
{
    assert(e >= 0 && e < APP_ERR__MAX);
    return errs[e].type;
}

const char *err_message(enum app_err e)
{
    assert(e >= 0 && e < APP_ERR__MAX);
    return errs[e].message;
}

const char *err_name(enum app_err e)
{
    assert(e >= 0 && e < APP_ERR__MAX);
    return errs[e].name;
}
