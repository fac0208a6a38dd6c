-- wrk script for bench/ingest.py: each connection plays one pcc agent posting one tick
-- per request. Arguments (after `--`): the template file, the API key, the agents per
-- thread, the capture's tick period, the first tick's Unix time and the agents' identifier
-- prefix.
-- The template file holds one request body per capture tick, with __AGENT__ and __TIME__
-- where the agent's identifier and the tick's timestamp go. wrk asks a thread for its next
-- request without saying for which connection, so agents take turns: the thread's n-th
-- request is agent n mod agents_per_thread's (n div agents_per_thread)-th tick, a new
-- timestamp each time, the capture's ticks replayed in a loop.

local counter = 0

function setup(thread)
   thread:set("index", counter)
   counter = counter + 1
end

-- A template cut at its placeholders, so that a request is one table.concat.
local function pieces(template)
   local parts = {}
   for text, mark in template:gmatch("(.-)(__%u+__)") do
      table.insert(parts, text)
      table.insert(parts, mark)
   end
   table.insert(parts, template:match(".*__%u+__(.*)$"))
   return parts
end

function init(args)
   templates = {}
   for line in io.lines(args[1]) do
      table.insert(templates, pieces(line))
   end
   key = args[2]
   agents = tonumber(args[3])
   first_agent = index * agents
   period = tonumber(args[4])
   start_time = tonumber(args[5])
   prefix = args[6]
   sent = 0
   wrk.headers["apikey"] = key
   wrk.headers["Content-Type"] = nil
end

function request()
   local agent = first_agent + sent % agents
   local step = math.floor(sent / agents)
   sent = sent + 1
   local values = {__AGENT__ = string.format("%s-%04d", prefix, agent), __TIME__ = tostring(start_time + step * period)}
   local parts = {}
   for i, part in ipairs(templates[step % #templates + 1]) do
      parts[i] = values[part] or part
   end
   return wrk.format("POST", "/v1/trickle", nil, table.concat(parts))
end

-- Not defining response() keeps wrk from handing every answer to Lua: the answers that
-- were not 2xx/3xx are counted by wrk itself (errors.status).
function done(summary, latency, requests)
   io.write(string.format(
      "RESULT {\"requests\": %d, \"not_ok\": %d, \"seconds\": %.3f, \"p50_ms\": %.2f, \"p99_ms\": %.2f, \"errors\": %d}\n",
      summary.requests, summary.errors.status, summary.duration / 1e6, latency:percentile(50) / 1e3,
      latency:percentile(99) / 1e3,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
