-- soak.lua - wrk script for scripts/attack's soak: a fixed mix of reads,
-- writes and refused requests; each thread stops after its share of
-- SOAK_REQUESTS and the totals (requests, 5xx, other non-2xx) are printed.
-- wrk's main thread sleeps for -d whatever its threads do: each thread
-- leaves a file in SOAK_DONE_DIR when it stops, and attack.py then sends
-- wrk SIGINT, which ends the sleep and prints the summary.
local key, admin, conv, wrong = os.getenv("SOAK_KEY"), os.getenv("SOAK_ADMIN"),
    os.getenv("SOAK_CONV"), os.getenv("SOAK_WRONG")
local total = tonumber(os.getenv("SOAK_REQUESTS"))
local done_dir = os.getenv("SOAK_DONE_DIR")
local threads = {}
-- Globals: done() reads n, n5xx and other from each thread.
local mix, i, limit

function setup(thread)
    table.insert(threads, thread)
    thread:set("id", #threads)
end

function init(args)
    local a = {["Authorization"] = "token " .. key}
    local ad = {["Authorization"] = "token " .. admin}
    local j = {["Authorization"] = "token " .. key, ["Content-Type"] = "application/json"}
    local bad = {["Authorization"] = "token " .. wrong}
    mix = {
        wrk.format("GET", "/api/v1/statuses", a),
        wrk.format("GET", "/api/v1/agents/me", a),
        wrk.format("GET", "/api/v1/conversations/all?page_size=10", a),
        wrk.format("GET", "/api/v1/conversations/" .. conv .. "/messages", a),
        wrk.format("GET", "/api/v1/tags", ad),
        wrk.format("GET", "/health"),
        wrk.format("PUT", "/api/v1/agents/me/availability", j, '{"status":"online"}'),
        wrk.format("POST", "/api/v1/conversations/" .. conv .. "/draft", j,
                   '{"content":"soak draft","message_type":"reply"}'),
        wrk.format("PUT", "/api/v1/notifications/read-all", j, "{}"),
        wrk.format("PUT", "/api/v1/conversations/" .. conv .. "/last-seen", j, "{}"),
        wrk.format("GET", "/api/v1/agents", a),                      -- 403
        wrk.format("GET", "/api/v1/statuses", bad),                  -- 401
        wrk.format("GET", "/api/v1/nope", a),                        -- 404
        wrk.format("POST", "/api/v1/tags", j, '{"name":'),           -- 400 (or 403)
        wrk.format("DELETE", "/api/v1/tags/1"),                      -- 403 CSRF
        wrk.format("GET", "/api/v1/conversations/all?filters=%5B%7B%22field%22%3A%22x%22%7D%5D", a),
    }
    i, n, n5xx, other = 0, 0, 0, 0
    -- scripts/attack runs wrk with -t2.  At least one each: a batch's share of 1 must
    -- still stop (a limit of 0 was never reached, and the batch ran wrk's whole -d).
    limit = math.max(1, math.ceil(total / 2))
end

function request()
    i = i + 1
    return mix[(i % #mix) + 1]
end

function response(status, headers, body)
    n = n + 1
    if status >= 500 then
        n5xx = n5xx + 1
    elseif status >= 300 then
        other = other + 1
    end
    if n == limit then -- once: n only grows
        local f = io.open(done_dir .. "/" .. id, "w")
        f:close()
        wrk.thread:stop()
    end
end

function done(summary, latency, requests)
    local t, f, o = 0, 0, 0
    for _, thread in ipairs(threads) do
        t = t + thread:get("n")
        f = f + thread:get("n5xx")
        o = o + thread:get("other")
    end
    io.write(string.format("soak: %d requests, %d 5xx, %d other\n", t, f, o))
end
