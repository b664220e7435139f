-- flood.lua: wrong secrets for one API key id, each new (scripts/bench-flood).
-- The key id comes from the environment (FLOOD_KEY_ID).
local key = os.getenv("FLOOD_KEY_ID")
local n = 0
function setup(thread)
    thread:set("id", math.random(1, 1000000))
end
function request()
    n = n + 1
    return wrk.format("GET", "/api/v1/statuses",
        {["Authorization"] = "token " .. key .. ":wrong" .. id .. "x" .. n})
end
