/*
 * store/queries.h - transitional umbrella over the store modules, until
 * every handler calls its resource's typed functions.
 */
#ifndef STORE_QUERIES_H
#define STORE_QUERIES_H

#include "lib/db.h"
#include "store/agents.h"
#include "store/auth.h"
#include "store/contacts.h"
#include "store/conversation.h"
#include "store/conversations.h"
#include "store/media.h"
#include "store/messages.h"
#include "store/migrations.h"
#include "store/roles.h"
#include "store/search.h"
#include "store/settings.h"
#include "store/store.h"
#include "store/teams.h"
#include "store/views.h"

#endif
