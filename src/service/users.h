/* users.h — users and roles (用户与角色) for the workflow: who may take which step (issue 5).
 *
 * A user has one role and an area (a division prefix: "640522" one county, "6405" the city,
 * "" everywhere). A step names the roles allowed to take it (policy/workflows.txt); admin may
 * take every step. Bootstrap: while no user is registered, the actor of a command is treated as
 * admin (a fresh database must be usable to register its first users); once one user exists,
 * every actor must be registered. */
#ifndef JY_USERS_H
#define JY_USERS_H

#include "base/err.h"
#include "store/store.h"

enum jy_role {
    JY_ROLE_ADMIN = 0,
    JY_ROLE_COUNTY_REVIEWER, /* 县人社局审核人员 */
    JY_ROLE_CITY_REVIEWER,   /* 市人社局审核人员 */
    JY_ROLE_TOWNSHIP_STAFF,  /* 乡镇（街道）工作人员 */
    JY_ROLE_TRAINING_BODY,   /* 培训机构 */
    JY_ROLE_EMPLOYER,        /* 用人单位 / 实习见习单位 */
    JY_ROLE_APPLICANT,       /* 申请人（个人、经纪人、申报单位） */
    JY_ROLE_STATION,         /* 零工驿站运营方 */
    JY_ROLE__COUNT
};
#define JY_ROLE_ANY (1u << 31) /* "*" in a workflow: any registered user */

const char *jy_role_name(int role);  /* "county_reviewer" … */
const char *jy_role_label(int role); /* "县级审核" … */
/* English name or Chinese label → role; JY_EINVAL naming the known roles otherwise. */
int jy_role_parse(const char *s, int *role, jy_err *err);
/* "a,b,c" or "*" → bit set (1u << role, JY_ROLE_ANY). */
int jy_roles_parse(const char *list, unsigned *roles, jy_err *err);
/* Appends the role names of a bit set, separated by sep ("county_reviewer or admin"). */
void jy_roles_text(jy_sb *sb, unsigned roles, const char *sep);

/* The actor as the workflow sees it. */
typedef struct jy_actor {
    jy_user user;    /* the registered user (name only in bootstrap mode) */
    int role;        /* enum jy_role */
    int bootstrap;   /* 1: no user registered yet, treated as admin */
} jy_actor;

/* Looks the actor up. JY_ENOTFOUND ("user X is not registered: jiuye user add …") when users
 * exist and X is not one of them. */
int jy_actor_resolve(jy_store *st, const char *name, jy_actor *out, jy_err *err);

/* 0 when the actor may act with one of roles on a record of county (6 digits); JY_ECONFLICT
 * naming the actor's role, the roles allowed and what was attempted otherwise. */
int jy_actor_may(const jy_actor *a, unsigned roles, const char *county, const char *what, jy_err *err);

#endif
