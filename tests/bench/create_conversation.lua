-- create_conversation.lua - wrk: POST /api/v1/conversations, one new conversation per request
-- (scripts/bench-automation).  BENCH_INBOX names the inbox, BENCH_KEY the API key.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "token " .. os.getenv("BENCH_KEY")
wrk.body = '{"inbox_id":' .. os.getenv("BENCH_INBOX") ..
    ',"contact_email":"bench-auto@example.org","first_name":"Bench",' ..
    '"subject":"Order question","content":"<p>Where is my order?</p>","initiator":"contact"}'
