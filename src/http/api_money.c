/* api_money.c — the /api/v1 routes of this area (issue 11): see api.h for the conventions. */
#include "http/api.h"

const jy_api_route jy_api_routes_money[] = {
    {{0}, {0}}, /* placeholder row: not served (method NULL) */
};
const size_t jy_api_routes_money_n = 0;
