/*
 * store/user_sql.h - the user object in SQL, shared by the agents and the
 * contacts statements (private to app/store).
 */
#ifndef STORE_USER_SQL_H
#define STORE_USER_SQL_H

/* The full agent object (reference §12), by id.  Never the password or secret. */
#define USER_JSON_SQL                                                                              \
    "SELECT json_build_object("                                                                    \
    " 'id', u.id, 'created_at', u.created_at, 'updated_at', u.updated_at,"                         \
    " 'first_name', u.first_name, 'last_name', coalesce(u.last_name, ''),"                         \
    " 'email', u.email, 'type', u.type, 'availability_status', u.availability_status,"             \
    " 'phone_number_country_code', u.phone_number_country_code,"                                   \
    " 'phone_number', u.phone_number, 'avatar_url', u.avatar_url, 'enabled', u.enabled,"           \
    " 'last_active_at', u.last_active_at, 'last_login_at', u.last_login_at,"                       \
    " 'roles', coalesce((SELECT json_agg(r.name ORDER BY r.name) FROM user_roles ur"               \
    "   JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = u.id), '[]'),"                        \
    " 'permissions', coalesce((SELECT json_agg(DISTINCT p ORDER BY p) FROM user_roles ur"          \
    "   JOIN roles r ON r.id = ur.role_id, unnest(r.permissions) p WHERE ur.user_id = u.id),"      \
    "   '[]'),"                                                                                    \
    " 'country', u.country, 'meta', u.meta, 'custom_attributes', u.custom_attributes,"             \
    " 'external_user_id', u.external_user_id,"                                                     \
    " 'teams', coalesce((SELECT json_agg(json_build_object('id', t.id, 'name', t.name,"            \
    "   'emoji', t.emoji) ORDER BY t.name) FROM team_members tm JOIN teams t"                      \
    "   ON t.id = tm.team_id WHERE tm.user_id = u.id), '[]'),"                                     \
    " 'api_key', u.api_key, 'api_key_last_used_at', u.api_key_last_used_at)::text"                 \
    " FROM users u WHERE u.id = $1::int AND u.deleted_at IS NULL AND "

#endif
